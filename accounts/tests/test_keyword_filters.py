"""Keyword filters: a viewer's words and #hashtags never show in For You, Following, search or
live comments; whole words only, any case."""

import pytest

from accounts.models import KeywordFilter
from accounts.services import keyword_filters
from accounts.services.social_graph import follow
from conftest import make_user

ADD_FILTER = """mutation($p: String!) { addKeywordFilter(input: {phrase: $p}) { phrases errors { field code } } }"""
REMOVE_FILTER = """mutation($p: String!) { removeKeywordFilter(input: {phrase: $p}) { phrases errors { code } } }"""
SEEN = """query { keywordFilters
  forYou(first: 20) { edges { node { video { caption } } } }
  following(first: 20) { edges { node { video { caption } } } }
  search(query: "dance") { videos { caption } }
}"""


@pytest.fixture
def posts(user, creator, make_published):
    """Followed posts by `creator`, and the same captions by five others for For You (whose
    pages never show one author twice in a row)."""
    follow(user, creator)
    for n, caption in enumerate(
        ("a dance for you", "no SPOILERS ahead", "big SPOILER inside", "my #dance", "dancer life")
    ):
        make_published(creator, caption)
        make_published(make_user(f"other{n}"), caption)


def _seen(client) -> dict:
    data = client.execute(SEEN)
    return {
        "filters": data["keywordFilters"],
        "forYou": sorted(e["node"]["video"]["caption"] for e in data["forYou"]["edges"]),
        "following": sorted(e["node"]["video"]["caption"] for e in data["following"]["edges"]),
        "search": sorted(v["caption"] for v in data["search"]["videos"]),
    }


@pytest.mark.django_db
def test_filtered_words_and_hashtags_leave_feeds_and_search(api, posts):
    assert api.execute(ADD_FILTER, {"p": "  Spoiler "})["addKeywordFilter"] == {"phrases": ["spoiler"], "errors": []}
    assert api.execute(ADD_FILTER, {"p": "#dance"})["addKeywordFilter"]["phrases"] == ["#dance", "spoiler"]
    seen = _seen(api)
    everywhere = ["a dance for you", "dancer life", "no SPOILERS ahead"]
    assert seen["filters"] == ["#dance", "spoiler"]
    assert set(seen["forYou"]) == set(everywhere) and seen["following"] == everywhere
    assert seen["search"] == ["a dance for you", "a dance for you"]
    api.execute(REMOVE_FILTER, {"p": "SPOILER"})
    assert "big SPOILER inside" in _seen(api)["forYou"]


@pytest.mark.django_db
def test_filters_are_validated_idempotent_and_limited(api, user):
    assert api.execute(ADD_FILTER, {"p": "   "})["addKeywordFilter"]["errors"] == [
        {"field": "phrase", "code": "REQUIRED"}
    ]
    assert api.execute(ADD_FILTER, {"p": "x" * 51})["addKeywordFilter"]["errors"][0]["code"] == "TOO_LONG"
    for _ in range(2):
        assert api.execute(ADD_FILTER, {"p": "cats"})["addKeywordFilter"]["phrases"] == ["cats"]
    KeywordFilter.objects.bulk_create(
        [KeywordFilter(user=user, phrase=f"w{n}") for n in range(keyword_filters.MAX_FILTERS - 1)]
    )
    assert api.execute(ADD_FILTER, {"p": "one more"})["addKeywordFilter"]["errors"][0]["code"] == "OUT_OF_RANGE"
