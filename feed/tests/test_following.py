import pytest
from django.utils import timezone

from accounts.services.social_graph import block, follow
from conftest import make_user
from videos.models import Heart

pytestmark = pytest.mark.django_db

FOLLOWING = """
query($first: Int!, $after: String) {
  following(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      reason explanation
      video { caption heartCount viewerHasHearted author { username } hashtags { name }
              comments(first: 3) { edges { node { text } } } }
    } }
  }
}
"""


@pytest.fixture
def followed(user, make_published):
    """Two followed creators with videos a minute apart, and one stranger."""
    alice, bob, stranger = make_user("alice"), make_user("bob"), make_user("stranger")
    follow(user, alice)
    follow(user, bob)
    start = timezone.now() - timezone.timedelta(hours=1)
    for i in range(6):
        author = alice if i % 2 else bob
        make_published(author, f"post {i}", published_at=start + timezone.timedelta(minutes=i))
    make_published(stranger, "not followed")
    return alice, bob


def captions(data):
    return [edge["node"]["video"]["caption"] for edge in data["following"]["edges"]]


def test_following_feed_is_newest_first_with_reasons(api, followed):
    data = api.execute(FOLLOWING, {"first": 10})
    assert captions(data) == [f"post {i}" for i in range(5, -1, -1)]
    first = data["following"]["edges"][0]["node"]
    assert first["reason"] == "FOLLOWING"
    assert first["explanation"] == "New from @alice, whom you follow."


def test_following_feed_pages_with_cursors_without_repeats(api, user, followed, make_published):
    alice, _ = followed
    page = api.execute(FOLLOWING, {"first": 4})["following"]
    seen = [edge["node"]["video"]["caption"] for edge in page["edges"]]
    make_published(alice, "brand new")  # arrives between pages: must not shift the next page
    rest = api.execute(FOLLOWING, {"first": 4, "after": page["pageInfo"]["endCursor"]})["following"]
    seen += [edge["node"]["video"]["caption"] for edge in rest["edges"]]
    assert seen == [f"post {i}" for i in range(5, -1, -1)]
    assert page["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    middle = api.execute(FOLLOWING, {"first": 1, "after": page["edges"][1]["cursor"]})["following"]
    assert captions({"following": middle}) == ["post 3"]


def test_following_feed_hides_what_the_viewer_may_not_see(api, user, followed, make_published):
    alice, bob = followed
    make_published(alice, "private", visibility="PRIVATE")
    make_published(alice, "for followers", visibility="FOLLOWERS")
    block(user, bob)  # unfollows and hides bob
    assert "private" not in captions(api.execute(FOLLOWING, {"first": 20}))
    assert "for followers" in captions(api.execute(FOLLOWING, {"first": 20}))
    assert all(
        e["node"]["video"]["author"]["username"] != "bob"
        for e in api.execute(FOLLOWING, {"first": 20})["following"]["edges"]
    )


def test_anonymous_viewers_get_an_empty_following_feed(anon, followed):
    assert anon.execute(FOLLOWING, {"first": 5})["following"]["edges"] == []


def test_bad_cursor_and_page_size_are_clear_errors(api, followed):
    assert "cursor" in api.errors(FOLLOWING, {"first": 5, "after": "nonsense"})[0]["message"]
    assert "between 0 and 50" in api.errors(FOLLOWING, {"first": 51})[0]["message"]


def test_a_following_page_costs_the_same_queries_at_5_and_50(api, user, make_published, django_assert_max_num_queries):
    creators = [make_user(f"creator{i}") for i in range(5)]
    for creator in creators:
        follow(user, creator)
    for i in range(50):
        video = make_published(creators[i % 5], f"v{i}")
        if i % 3 == 0:
            Heart.objects.create(user=user, video=video)
    api.execute("{ viewer { id } }")
    counts = {}
    for size in (5, 50):
        with django_assert_max_num_queries(9) as captured:
            data = api.execute(FOLLOWING, {"first": size})
        assert len(data["following"]["edges"]) == size
        counts[size] = len(captured)
    assert counts[5] == counts[50]
