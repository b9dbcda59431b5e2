import pytest

from accounts.models import Block, Follow
from accounts.services import social_graph
from conftest import global_id, make_user

pytestmark = pytest.mark.django_db

BLOCK = "mutation($id: ID!) { block(input: {userId: $id}) { user { username } errors { field code } } }"
UNBLOCK = "mutation($id: ID!) { unblock(input: {userId: $id}) { user { username } errors { field code } } }"
FOLLOW = "mutation($id: ID!) { follow(input: {userId: $id}) { errors { field code } } }"
LOOKUP = 'query($id: ID!) { user(username: "%s") { username } node(id: $id) { id } }'


@pytest.fixture
def mutual(user, creator):
    social_graph.follow(user, creator)
    social_graph.follow(creator, user)
    return user, creator


def test_block_removes_follows_both_ways_and_fixes_counts(api, mutual):
    user, creator = mutual
    assert api.execute(BLOCK, {"id": global_id(creator)})["block"] == {"user": {"username": "creator"}, "errors": []}
    assert not Follow.objects.exists()
    user.refresh_from_db()
    creator.refresh_from_db()
    assert (user.follower_count, user.following_count, creator.follower_count, creator.following_count) == (0, 0, 0, 0)


def test_blocked_accounts_are_hidden_from_each_other(api, client_for, mutual):
    user, creator = mutual
    api.execute(BLOCK, {"id": global_id(creator)})
    assert api.execute(LOOKUP % "creator", {"id": global_id(creator)}) == {"user": None, "node": None}
    as_creator = client_for(creator)
    assert as_creator.execute(LOOKUP % "viewer", {"id": global_id(user)}) == {"user": None, "node": None}
    # third parties still see both
    bystander = client_for(make_user("bystander"))
    assert bystander.execute(LOOKUP % "creator", {"id": global_id(creator)})["user"] is not None


def test_blocked_accounts_disappear_from_follower_lists(api, client_for, user, creator):
    star = make_user("star")
    social_graph.follow(creator, star)
    social_graph.follow(user, star)
    api.execute(BLOCK, {"id": global_id(creator)})
    query = '{ user(username: "star") { followers { totalCount edges { node { username } } } } }'
    followers = api.execute(query)["user"]["followers"]
    assert [e["node"]["username"] for e in followers["edges"]] == ["viewer"]
    assert followers["totalCount"] == 1


@pytest.mark.parametrize("who_blocks", ["viewer", "creator"])
def test_no_follow_across_a_block_in_either_direction(api, user, creator, who_blocks):
    if who_blocks == "viewer":
        social_graph.block(user, creator)
    else:
        social_graph.block(creator, user)
    assert api.execute(FOLLOW, {"id": global_id(creator)})["follow"]["errors"] == [
        {"field": "userId", "code": "BLOCKED"}
    ]
    assert not Follow.objects.exists()


def test_block_is_idempotent_and_not_for_yourself(api, user, creator):
    api.execute(BLOCK, {"id": global_id(creator)})
    assert api.execute(BLOCK, {"id": global_id(creator)})["block"]["errors"] == []
    assert Block.objects.count() == 1
    assert api.execute(BLOCK, {"id": global_id(user)})["block"]["errors"] == [
        {"field": "userId", "code": "SELF_ACTION"}
    ]


def test_unblock_restores_visibility_but_not_follows(api, mutual):
    _user, creator = mutual
    api.execute(BLOCK, {"id": global_id(creator)})
    assert api.execute(UNBLOCK, {"id": global_id(creator)})["unblock"]["errors"] == []
    assert api.execute(LOOKUP % "creator", {"id": global_id(creator)})["user"] == {"username": "creator"}
    assert not Follow.objects.exists()


def test_only_the_blocker_can_lift_a_block(client_for, user, creator):
    social_graph.block(user, creator)
    client_for(creator).execute(UNBLOCK, {"id": global_id(user)})
    assert Block.objects.filter(blocker=user, blocked=creator).exists()


def test_anonymous_visitors_cannot_block(anon, creator):
    assert anon.execute(BLOCK, {"id": global_id(creator)})["block"]["errors"] == [
        {"field": None, "code": "UNAUTHENTICATED"}
    ]
