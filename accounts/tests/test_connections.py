import pytest

from accounts.services import social_graph
from conftest import global_id, make_user

FOLLOWERS = """
query Followers($username: String!, $first: Int, $after: String) {
  user(username: $username) {
    followerCount
    followers(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id username displayName followerCount followingCount viewerFollows followsViewer kind isVerified avatarUrl
        }
      }
    }
  }
}
"""
FOLLOWING = """
query Following($username: String!) {
  user(username: $username) { following(first: 10) { edges { node { username } } } }
}
"""


@pytest.fixture
def star(db):
    return make_user("star")


def follow_in_order(star, count, prefix="fan"):
    fans = [make_user(f"{prefix}{i:03d}") for i in range(count)]
    for fan in fans:
        social_graph.follow(fan, star)
    return fans


def test_followers_are_newest_first_and_pages_do_not_overlap(api, star):
    fans = follow_in_order(star, 7)
    first = api.execute(FOLLOWERS, {"username": "star", "first": 3})["user"]
    assert first["followerCount"] == 7
    assert first["followers"]["totalCount"] == 7
    assert [e["node"]["username"] for e in first["followers"]["edges"]] == ["fan006", "fan005", "fan004"]
    assert first["followers"]["pageInfo"]["hasNextPage"] is True

    seen = [e["node"]["username"] for e in first["followers"]["edges"]]
    after = first["followers"]["pageInfo"]["endCursor"]
    # a new follower arriving between pages must not shift the next page (keyset cursors)
    social_graph.follow(make_user("latecomer"), star)
    while after:
        page = api.execute(FOLLOWERS, {"username": "star", "first": 3, "after": after})["user"]["followers"]
        seen += [e["node"]["username"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert seen == [fan.username for fan in reversed(fans)]


def test_following_lists_accounts_followed(api, star):
    fan = make_user("fan")
    for name in ["a_one", "b_two"]:
        social_graph.follow(fan, make_user(name))
    edges = api.execute(FOLLOWING, {"username": "fan"})["user"]["following"]["edges"]
    assert [e["node"]["username"] for e in edges] == ["b_two", "a_one"]


def test_viewer_flags_are_per_node(api, user, star):
    fans = follow_in_order(star, 3)
    social_graph.follow(user, fans[1])
    social_graph.follow(fans[2], user)
    edges = api.execute(FOLLOWERS, {"username": "star", "first": 10})["user"]["followers"]["edges"]
    flags = {e["node"]["username"]: (e["node"]["viewerFollows"], e["node"]["followsViewer"]) for e in edges}
    assert flags == {"fan000": (False, False), "fan001": (True, False), "fan002": (False, True)}


def test_a_page_of_followers_costs_the_same_few_queries_at_any_size(api, user, star, django_assert_max_num_queries):
    fans = follow_in_order(star, 50)
    for fan in fans[::3]:
        social_graph.follow(user, fan)
    api.execute("{ viewer { id } }")  # the token's first use records last_used_at; not part of a page
    counts = {}
    for page_size in (5, 50):
        # token look-up, user(username), the page, totalCount; flags are subqueries of the page
        with django_assert_max_num_queries(4) as captured:
            data = api.execute(FOLLOWERS, {"username": "star", "first": page_size})
        assert len(data["user"]["followers"]["edges"]) == page_size
        counts[page_size] = len(captured)
    assert counts[5] == counts[50]


def test_page_size_is_capped_at_100(api, star):
    errors = api.errors(FOLLOWERS, {"username": "star", "first": 101})
    assert "cannot be higher than 100" in errors[0]["message"]


def test_global_ids_round_trip_through_node(api, star):
    data = api.execute("query($id: ID!) { node(id: $id) { id ... on User { username } } }", {"id": global_id(star)})
    assert data["node"] == {"id": global_id(star), "username": "star"}


def test_node_of_a_deactivated_account_is_null(api, star):
    star.is_active = False
    star.save()
    assert api.execute("query($id: ID!) { node(id: $id) { id } }", {"id": global_id(star)})["node"] is None
