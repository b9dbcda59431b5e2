"""Private accounts: following one is a request its owner answers; its videos, followers and
following are for accepted followers only, on every path a video or a list can be reached: the
API's reads and feeds, notifications, trending, live comments, media URLs handed out earlier,
and data exports (19 paths, 6 kinds of viewer)."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from accounts.models import Follow, FollowRequest, User
from accounts.services.social_graph import accept_follow_request, block, follow
from conftest import global_id, make_user
from notifications.models import Kind, NotificationGroup
from notifications.services import notify
from platform.media import media_url
from videos.models import Hashtag, Sound, Video
from videos.services.access import live_comment_access
from videos.services.comments import add_comment
from videos.services.export_account import export_account

pytestmark = pytest.mark.django_db

FOLLOW = """mutation($id: ID!) {
  follow(input: {userId: $id}) { requested user { viewerFollows viewerRequestedFollow } errors { code } }
}"""
UNFOLLOW = "mutation($id: ID!) { unfollow(input: {userId: $id}) { errors { code } } }"
ACCEPT = "mutation($id: ID!) { acceptFollowRequest(input: {userId: $id}) { user { username } errors { field code } } }"
DECLINE = "mutation($id: ID!) { declineFollowRequest(input: {userId: $id}) { errors { code } } }"
INBOX = """query($first: Int!) { viewer { followRequests(first: $first) {
  edges { node { requestedAt requester { username viewerFollows } } } } } }"""
GO = """mutation($private: Boolean!) {
  updateProfile(input: {isPrivate: $private}) { user { isPrivate followerCount } errors { code } }
}"""
EVERYWHERE = """query($id: ID!, $sound: ID!) {
  node(id: $id) { id }
  video(id: $id) { id comments(first: 5) { edges { node { text } } } }
  user(username: "secretive") {
    isPrivate videoCount videos(first: 5) { edges { node { id } } }
    followers(first: 5) { edges { node { username } } } following(first: 5) { edges { node { username } } }
  }
  search(query: "hidden") { videos { id } }
  hashtag(name: "quiet") { videoCount videos(first: 5) { edges { node { id } } } }
  sound(id: $sound) { useCount videos(first: 5) { edges { node { id } } } }
  forYou(first: 10) { edges { node { video { id } } } }
  following(first: 10) { edges { node { video { id } } } }
  notifications(first: 10) { edges { node { video { id } } } }
  trendingHashtags(first: 50) { name }
}"""


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def secretive(make_published, media_root):
    """A private account with a public video (hashtags, sound, a comment, a thumbnail), a
    follower and a followee of its own."""
    owner = make_user("secretive", User.Kind.CREATOR)
    friend = make_user("friend")
    follow(friend, owner)
    follow(owner, make_user("idol"))
    User.objects.filter(pk=owner.pk).update(is_private=True)
    owner.refresh_from_db()
    thumbnail = default_storage.save(f"thumbnails/{uuid.uuid4().hex}.jpg", ContentFile(b"\xff\xd8 a jpeg"))
    video = make_published(owner, "hidden gem #quiet #insiders", thumbnail=thumbnail)
    quiet = Hashtag.objects.create(name="quiet")
    video.hashtags.add(quiet, Hashtag.objects.create(name="insiders"))
    make_published(make_user("loud"), "out loud #quiet").hashtags.add(quiet)  # the tag has a public page
    sound = Sound.objects.create(fingerprint="quiet", title="quiet sound", author=owner, original_video=video)
    Video.objects.filter(pk=video.pk).update(sound=sound)
    add_comment(owner, video.pk, "only for friends")
    return owner, video, sound, friend


def _what_is_seen(client, video, sound) -> dict:
    data = client.execute(EVERYWHERE, {"id": global_id(video), "sound": global_id(sound)})
    vid, user = global_id(video), data["user"]
    trending = [tag["name"] for tag in data["trendingHashtags"]]
    assert "quiet" in trending  # the list is not empty: the public video's hashtag trends
    # a thumbnail URL handed to this viewer earlier (say, while they followed) works only while
    # they may see the video: the media view asks the video policy at each fetch
    handed_out = media_url(
        "http://testserver", video.thumbnail.name, video_id=video.pk, viewer_id=getattr(client.user, "pk", None)
    )
    export = export_account(client.user) if client.user else None

    def ids(connection):
        nodes = [edge["node"] for edge in connection["edges"]]
        return [node["id"] if "id" in node else (node["video"] or {}).get("id") for node in nodes]

    return {
        "node": data["node"] is not None,
        "video": data["video"] is not None,
        "comments": bool(data["video"] and data["video"]["comments"]["edges"]),
        "profile videos": bool(user and vid in ids(user["videos"])),
        "video count": bool(user and user["videoCount"]),
        "followers": bool(user and user["followers"]["edges"]),
        "following": bool(user and user["following"]["edges"]),
        "search": vid in [v["id"] for v in data["search"]["videos"]],
        "hashtag": bool(data["hashtag"] and vid in ids(data["hashtag"]["videos"])),
        "hashtag count": bool(data["hashtag"] and data["hashtag"]["videoCount"] > 1),
        "sound": bool(data["sound"] and vid in ids(data["sound"]["videos"])),
        "sound count": bool(data["sound"] and data["sound"]["useCount"]),
        "for you": vid in ids(data["forYou"]),
        "following feed": vid in ids(data["following"]),
        "live comments": live_comment_access(client.user, video.pk) is not None,
        "notifications": vid in ids(data["notifications"]),
        "trending": "insiders" in trending,
        "media URL": Client().get(handed_out).status_code == 200,
        "export": bool(export and video.caption in [record["caption"] for record in export.documents["videos"]]),
    }


@pytest.mark.parametrize("who", ["anonymous", "stranger", "requester", "blocked", "follower", "owner"])
def test_a_private_accounts_video_and_lists_on_every_path(who, secretive, anon, client_for):
    owner, video, sound, friend = secretive
    if who == "anonymous":
        client, client.user = anon, None
    else:
        viewer = {"follower": friend, "owner": owner}.get(who) or make_user(who)
        if who == "requester":
            follow(viewer, owner)
            assert FollowRequest.objects.filter(requester=viewer).exists()
        if who == "blocked":
            block(owner, viewer)
        client = client_for(viewer)
        client.user = viewer
        # what every viewer was told about the video (by no one: a review's words)
        notify(viewer.pk, Kind.MENTION, f"about:{video.pk}", video_id=video.pk, text="Look at this")
    seen = _what_is_seen(client, video, sound)
    # the counts on public pages (hashtags, sounds, trending) count what everyone may see:
    # never this video
    public_counts = {"hashtag count", "sound count", "trending"}
    allowed = who in ("follower", "owner")
    expected = {path: allowed and path not in public_counts for path in seen}
    if who == "owner":
        expected["for you"] = expected["following feed"] = False  # nobody is shown their own videos
    expected["export"] = who == "owner"  # an export holds one's own videos, others' by id only
    assert seen == expected


def test_following_a_private_account_is_a_request_its_owner_answers(api, client_for, user, secretive):
    owner, _, _, _ = secretive
    answer = api.execute(FOLLOW, {"id": global_id(owner)})["follow"]
    assert answer == {
        "requested": True,
        "user": {"viewerFollows": False, "viewerRequestedFollow": True},
        "errors": [],
    }
    as_owner = client_for(owner)
    inbox = as_owner.execute(INBOX, {"first": 5})["viewer"]["followRequests"]["edges"]
    assert [edge["node"]["requester"]["username"] for edge in inbox] == ["viewer"]
    assert NotificationGroup.objects.get(recipient=owner, kind="FOLLOW_REQUEST").count == 1
    assert as_owner.execute(ACCEPT, {"id": global_id(user)})["acceptFollowRequest"]["errors"] == []
    assert Follow.objects.filter(follower=user, followee=owner).exists() and not FollowRequest.objects.exists()
    owner.refresh_from_db()
    assert owner.follower_count == 2
    assert NotificationGroup.objects.get(recipient=user, kind="FOLLOW_ACCEPTED").latest_actor == owner
    again = as_owner.execute(ACCEPT, {"id": global_id(user)})["acceptFollowRequest"]["errors"]
    assert again == [{"field": "userId", "code": "NOT_FOUND"}]


def test_declined_and_withdrawn_requests_leave_no_follow(api, client_for, user, secretive):
    owner, _, _, _ = secretive
    api.execute(FOLLOW, {"id": global_id(owner)})
    assert client_for(owner).execute(DECLINE, {"id": global_id(user)})["declineFollowRequest"]["errors"] == []
    api.execute(FOLLOW, {"id": global_id(owner)})
    assert api.execute(UNFOLLOW, {"id": global_id(owner)})["unfollow"]["errors"] == []
    assert not FollowRequest.objects.exists() and not Follow.objects.filter(follower=user).exists()
    # unanswered and withdrawn: the owner's notification went with it
    assert not NotificationGroup.objects.filter(recipient=owner, kind="FOLLOW_REQUEST").exists()


def test_going_public_lets_everyone_waiting_in_and_going_private_applies_at_once(anon, client_for, secretive):
    owner, video, sound, _ = secretive
    waiting = [make_user(f"fan{n}") for n in range(3)]
    for fan in waiting:
        follow(fan, owner)
    as_owner = client_for(owner)
    assert as_owner.execute(GO, {"private": False})["updateProfile"] == {
        "user": {"isPrivate": False, "followerCount": 4},
        "errors": [],
    }
    anon.user = None
    assert _what_is_seen(anon, video, sound)["video"] is True
    as_owner.execute(GO, {"private": True})
    assert _what_is_seen(anon, video, sound)["video"] is False


def test_the_request_inbox_is_the_owners_and_costs_the_same_queries_at_5_and_50(
    client_for, secretive, django_assert_max_num_queries
):
    owner, _, _, _ = secretive
    for n in range(50):
        follow(make_user(f"asker{n}"), owner)
    as_owner = client_for(owner)
    as_owner.execute(INBOX, {"first": 1})  # warm
    counts = {}
    for size in (5, 50):
        with django_assert_max_num_queries(10) as captured:
            assert len(as_owner.execute(INBOX, {"first": size})["viewer"]["followRequests"]["edges"]) == size
        counts[size] = len(captured)
    assert counts[5] == counts[50]
    query = '{ user(username: "secretive") { followRequests(first: 5) { edges { node { id } } } } }'
    assert client_for(make_user("nosy")).execute(query)["user"]["followRequests"]["edges"] == []


def test_accepting_a_request_nobody_made_is_refused(client_for, secretive):
    owner, _, _, _ = secretive
    stranger = make_user("stranger")
    with pytest.raises(Exception, match="No follow request"):
        accept_follow_request(owner, stranger)
    assert (
        client_for(owner).execute(ACCEPT, {"id": global_id(stranger)})["acceptFollowRequest"]["errors"][0]["code"]
        == "NOT_FOUND"
    )
