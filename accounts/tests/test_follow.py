import threading

import pytest
from django.db import connection

from accounts.models import Follow, User
from accounts.services import social_graph
from conftest import GraphQLClient, global_id, make_user

FOLLOW = """
mutation Follow($id: ID!) {
  follow(input: {userId: $id}) {
    user { username followerCount viewerFollows followsViewer }
    viewer { followingCount }
    errors { field code message }
  }
}
"""
UNFOLLOW = """
mutation Unfollow($id: ID!) {
  unfollow(input: {userId: $id}) {
    user { followerCount viewerFollows }
    viewer { followingCount }
    errors { field code }
  }
}
"""


@pytest.mark.django_db
def test_follow_changes_both_counts_and_the_viewer_flags(api, user, creator):
    payload = api.execute(FOLLOW, {"id": global_id(creator)})["follow"]
    assert payload == {
        "user": {"username": "creator", "followerCount": 1, "viewerFollows": True, "followsViewer": False},
        "viewer": {"followingCount": 1},
        "errors": [],
    }
    seen_by_creator = GraphQLClient().execute  # anonymous: flags are false
    assert seen_by_creator('{ user(username: "viewer") { viewerFollows followsViewer } }')["user"] == {
        "viewerFollows": False,
        "followsViewer": False,
    }


@pytest.mark.django_db
def test_follows_viewer_is_seen_from_the_other_side(api, client_for, user, creator):
    api.execute(FOLLOW, {"id": global_id(creator)})
    as_creator = client_for(creator)
    assert as_creator.execute('{ user(username: "viewer") { viewerFollows followsViewer } }')["user"] == {
        "viewerFollows": False,
        "followsViewer": True,
    }


@pytest.mark.django_db
def test_follow_is_idempotent(api, creator):
    for _ in range(3):
        payload = api.execute(FOLLOW, {"id": global_id(creator)})["follow"]
    assert payload["errors"] == []
    assert payload["user"]["followerCount"] == 1
    assert Follow.objects.count() == 1


@pytest.mark.django_db
def test_unfollow_undoes_follow_and_is_idempotent(api, user, creator):
    api.execute(FOLLOW, {"id": global_id(creator)})
    for _ in range(2):
        payload = api.execute(UNFOLLOW, {"id": global_id(creator)})["unfollow"]
        assert payload == {
            "user": {"followerCount": 0, "viewerFollows": False},
            "viewer": {"followingCount": 0},
            "errors": [],
        }
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_cannot_follow_yourself(api, user):
    payload = api.execute(FOLLOW, {"id": global_id(user)})["follow"]
    assert payload["errors"] == [{"field": "userId", "code": "SELF_ACTION", "message": "You cannot follow yourself."}]
    assert payload["user"] is None
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_cannot_follow(anon, creator):
    payload = anon.execute(FOLLOW, {"id": global_id(creator)})["follow"]
    assert [e["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]
    assert not Follow.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_id", "code"),
    [
        ("not base64!", "INVALID"),
        ("VXNlcjo5OTk5OTk=", "NOT_FOUND"),
        ("VmlkZW86MQ==", "INVALID"),
        ("VXNlcjphYmM=", "INVALID"),
    ],
)
def test_bad_ids_are_field_errors(api, bad_id, code):
    # VXNlcjo5OTk5OTk= is User:999999, VmlkZW86MQ== is Video:1, VXNlcjphYmM= is User:abc
    payload = api.execute(FOLLOW, {"id": bad_id})["follow"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("userId", code)]


@pytest.mark.django_db
def test_cannot_follow_a_deactivated_account(api, creator):
    creator.is_active = False
    creator.save()
    payload = api.execute(FOLLOW, {"id": global_id(creator)})["follow"]
    assert payload["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_keep_counts_exact():
    """Many followers at once, and one follower racing with itself: counters equal the rows."""
    star = make_user("star")
    fans = [make_user(f"fan{i}") for i in range(12)]
    eager = fans[0]
    barrier = threading.Barrier(len(fans) + 4)

    def run(follower):
        try:
            barrier.wait()
            social_graph.follow(follower, star)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fan,)) for fan in fans]
    threads += [threading.Thread(target=run, args=(eager,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    star.refresh_from_db()
    eager.refresh_from_db()
    assert Follow.objects.filter(followee=star).count() == star.follower_count == len(fans)
    assert Follow.objects.filter(follower=eager).count() == eager.following_count == 1
    assert all(u.following_count == 1 for u in User.objects.filter(username__startswith="fan"))
