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


@pytest.mark.parametrize(
    "caption",
    [
        "huge spoiler-alert tonight",
        "huge Spoiler  Alert tonight",
        "huge spoiler\u00a0alert tonight",
        "huge ｓｐｏｉｌｅｒ ａｌｅｒｔ tonight",
        "huge spoi\u200bler alert tonight",
        "huge SPOILER_ALERT tonight",
    ],
)
def test_a_phrase_hides_its_spelling_variants_in_python_and_sql(caption, creator, make_published, db):
    """Issue #21, L9: filters missed hyphens, double spaces, NBSP, fullwidth and zero-width."""
    from videos.models import Video

    filtered = keyword_filters._pattern(["spoiler alert"])
    assert filtered.hides(caption)
    video = make_published(creator, caption)
    assert not filtered.exclude_from(Video.objects.filter(pk=video.pk), "caption").exists()
    kept = make_published(creator, "spoilers alerted nobody")
    assert not filtered.hides(kept.caption)
    assert filtered.exclude_from(Video.objects.filter(pk=kept.pk), "caption").exists()


COMMENTS_AND_TAG = """query($v: ID!) {
  video(id: $v) { comments(first: 10) { edges { node { text } } } }
  hashtag(name: "cooking") { videos(first: 10) { edges { node { caption } } } }
}"""


@pytest.mark.django_db
def test_filters_apply_to_comment_lists_and_hashtag_pages(api, user, creator, make_published):
    from conftest import global_id
    from videos.models import Hashtag
    from videos.services.comments import add_comment

    video = make_published(creator, "pasta night #cooking")
    other = make_published(make_user("chef"), "spoiler: the sauce #cooking")
    tag = Hashtag.objects.create(name="cooking")
    for each in (video, other):
        each.hashtags.add(tag)
    add_comment(creator, video.pk, "the ending is a SPOILER")
    add_comment(creator, video.pk, "delicious")
    api.execute(ADD_FILTER, {"p": "spoiler"})
    data = api.execute(COMMENTS_AND_TAG, {"v": global_id(video)})
    assert [e["node"]["text"] for e in data["video"]["comments"]["edges"]] == ["delicious"]
    assert [e["node"]["caption"] for e in data["hashtag"]["videos"]["edges"]] == ["pasta night #cooking"]
