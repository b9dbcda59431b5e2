"""Notifications over the API: each kind performed by one account and read by another, grouped,
taken back when unseen, filtered by blocks, mutes, preferences and visibility."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Follow, Mute, User
from accounts.services.mutes import mute
from accounts.services.social_graph import block, follow
from conftest import global_id, make_user
from feed.models import FeedSettings, PoolDecision
from feed.services.pools import record_impressions
from notifications.models import Notification, NotificationGroup
from videos.events import PoolVotes
from videos.models import Report, Video
from videos.services import moderation
from videos.services.comment_controls import heart_comment
from videos.services.comments import add_comment
from videos.services.engagement import heart, unheart
from videos.services.pipeline import tag_from_caption

pytestmark = pytest.mark.django_db

LIST = """query($first: Int!) {
  unreadNotificationCount
  notifications(first: $first) { edges { node {
    kind count message text unread createdAt actor { username } video { caption } comment { text }
  } } }
}"""
HEART = "mutation($id: ID!) { heartVideo(input: {videoId: $id}) { errors { code } } }"
READ = "mutation { markNotificationsRead(input: {}) { unreadCount errors { code } } }"
SETTINGS = """mutation($off: [NotificationKind!], $only: Boolean) {
  updateNotificationSettings(input: {offKinds: $off, onlyFromFollowing: $only}) {
    settings { offKinds onlyFromFollowing } errors { code }
  }
}"""


@pytest.fixture
def video(creator, make_published):
    return make_published(creator, "my dance")


def _lines(client, first=20) -> list[dict]:
    return [edge["node"] for edge in client.execute(LIST, {"first": first})["notifications"]["edges"]]


def test_followers_are_grouped_newest_first(client_for, creator):
    for name in ("ann", "bob", "cid"):
        follow(make_user(name), creator)
    [line] = _lines(client_for(creator))
    assert (line["kind"], line["count"], line["actor"]) == ("FOLLOW", 3, {"username": "cid"})
    assert line["message"] == "@cid and 2 others started following you."


def test_an_account_waiting_to_be_deleted_is_no_named_actor(client_for, creator):
    """Issue #21, L7: an account pending deletion still appeared as the actor of others' lines."""
    from accounts.services.account_deletion import cancel_deletion, schedule_deletion

    follow(make_user("ann"), creator)
    leaver = make_user("bob")
    follow(leaver, creator)
    schedule_deletion(leaver)
    [line] = _lines(client_for(creator))
    assert line["actor"] is None and line["message"] == "Someone and 1 other started following you."
    cancel_deletion(leaver)
    [line] = _lines(client_for(creator))
    assert line["actor"] == {"username": "bob"}


def test_a_heart_notifies_the_author_once_grouped_by_video(api, client_for, user, creator, video):
    assert api.execute(HEART, {"id": global_id(video)})["heartVideo"]["errors"] == []
    heart(make_user("fan"), video.pk)
    as_creator = client_for(creator)
    data = as_creator.execute(LIST, {"first": 10})
    assert data["unreadNotificationCount"] == 1
    [line] = [edge["node"] for edge in data["notifications"]["edges"]]
    assert line["message"] == "@fan and 1 other hearted your video."
    assert line["video"] == {"caption": "my dance"} and line["unread"] is True


def test_a_heart_taken_back_before_anyone_looked_leaves_nothing_but_a_seen_one_stays(client_for, user, creator, video):
    heart(user, video.pk)
    unheart(user, video.pk)
    as_creator = client_for(creator)
    assert _lines(as_creator) == [] and not Notification.objects.exists()
    heart(user, video.pk)
    assert as_creator.execute(READ)["markNotificationsRead"] == {"unreadCount": 0, "errors": []}
    unheart(user, video.pk)
    [line] = _lines(as_creator)
    assert (line["kind"], line["unread"]) == ("HEART", False)


def test_comments_replies_mentions_and_comment_hearts(client_for, user, creator, video):
    third = make_user("third")
    comment = add_comment(user, video.pk, "nice one @third")
    add_comment(creator, video.pk, "thanks!", parent_id=comment.pk)
    heart_comment(creator, comment.pk)
    assert [(line["kind"], line["message"]) for line in _lines(client_for(creator))] == [
        ("COMMENT", "@viewer commented on your video.")
    ]
    mine = {line["kind"]: line for line in _lines(client_for(user))}
    assert mine.keys() == {"REPLY", "COMMENT_HEART"}
    assert mine["REPLY"]["message"] == "@creator replied to your comment."
    assert mine["COMMENT_HEART"]["comment"] == {"text": "nice one @third"}
    [mention] = _lines(client_for(third))
    assert (mention["kind"], mention["message"]) == ("MENTION", "@viewer mentioned you.")


def test_a_caption_mention_notifies_the_account_mentioned(client_for, user, creator, video):
    video.caption = "my dance @viewer"
    video.save(update_fields=["caption"])
    tag_from_caption(video)  # as the review of an upload, or an edit, does
    tag_from_caption(video)  # naming them again tells them nothing new
    [line] = _lines(client_for(user))
    assert (line["kind"], line["actor"], line["video"]) == (
        "MENTION",
        {"username": "creator"},
        {"caption": "my dance @viewer"},
    )


def test_review_results_pool_promotions_and_report_decisions(client_for, user, creator, video, admin_user):
    held = Video.objects.create(author=creator, caption="edgy", file="videos/x.mp4", status=Video.Status.IN_REVIEW)
    moderation.reject(held, admin_user, "Shows a weapon.")
    Video.objects.filter(pk=video.pk).update(heart_count=2)
    knobs = FeedSettings.objects.create(version=1, pool_sizes="3,6,12", pool_bars="0.3,0.4")
    [promoted] = record_impressions({video.pk: PoolVotes(3, completions=3)}, knobs)
    assert promoted.action == PoolDecision.Action.PROMOTED
    lines = {line["kind"]: line for line in _lines(client_for(creator))}
    assert lines["REVIEW"]["text"] == "A moderator did not publish your video. Shows a weapon."
    assert lines["REVIEW"]["message"] == lines["REVIEW"]["text"]
    assert lines["POOL"]["text"].endswith("(pool 2).")

    report = Report.objects.create(reporter=user, video=video, reason=Report.Reason.SPAM)
    moderation.close_reports(Report.objects.filter(pk=report.pk), admin_user, Report.Status.DISMISSED)
    [decision] = _lines(client_for(user))
    assert decision["kind"] == "REPORT" and "within our rules" in decision["text"]


def test_a_block_purges_what_the_two_accounts_were_told_of_each_other(client_for, creator, video):
    """Issue #22: notifications between two accounts go when one blocks the other, both ways;
    the groups they shared with others are recounted."""
    troll, fan = make_user("troll"), make_user("fan")
    for account in (fan, troll):
        heart(account, video.pk)
    troll_video = Video.objects.create(
        author=troll, caption="mine", status=Video.Status.PUBLISHED, published_at=timezone.now(), file="v/t.mp4"
    )
    heart(creator, troll_video.pk)
    assert Notification.objects.filter(actor=troll, group__recipient=creator).exists()
    block(creator, troll)
    assert not Notification.objects.filter(actor=troll, group__recipient=creator).exists()
    assert not Notification.objects.filter(actor=creator, group__recipient=troll).exists()
    group = NotificationGroup.objects.get(recipient=creator, kind="HEART")
    assert (group.count, group.latest_actor) == (1, fan)
    assert not NotificationGroup.objects.filter(recipient=troll).exists()


def test_nothing_from_oneself_blocked_or_muted_accounts(client_for, creator, video):
    heart(creator, video.pk)
    blocked, muted = make_user("blocked"), make_user("muted")
    block(creator, blocked)
    mute(creator, muted)
    follow(muted, creator)
    add_comment(muted, video.pk, "hello?")
    assert _lines(client_for(creator)) == []
    assert not NotificationGroup.objects.exists()


def test_a_mute_that_has_ended_silences_no_more(client_for, creator, video):
    once_muted = make_user("once_muted")
    mute(creator, once_muted, hours=1)
    heart(once_muted, video.pk)
    assert _lines(client_for(creator)) == []
    Mute.objects.filter(muter=creator).update(expires_at=timezone.now() - timedelta(minutes=1))
    add_comment(once_muted, video.pk, "remember me?")
    assert [(line["kind"], line["actor"]["username"]) for line in _lines(client_for(creator))] == [
        ("COMMENT", "once_muted")
    ]


def test_kinds_turned_off_and_only_from_people_i_follow(client_for, user, creator, video):
    as_creator = client_for(creator)
    answer = as_creator.execute(SETTINGS, {"off": ["FOLLOW"], "only": True})["updateNotificationSettings"]
    assert answer == {"settings": {"offKinds": ["FOLLOW"], "onlyFromFollowing": True}, "errors": []}
    follow(user, creator)
    heart(user, video.pk)  # a stranger to the creator
    assert _lines(as_creator) == []
    follow(creator, user)
    add_comment(user, video.pk, "now we are friends")
    assert [line["kind"] for line in _lines(as_creator)] == ["COMMENT"]


def test_a_notification_about_a_video_the_recipient_can_no_longer_see_disappears(client_for, user, creator):
    other = make_user("other")
    their = Video.objects.create(
        author=other, caption="mention", file="videos/y.mp4", status=Video.Status.PUBLISHED, published_at=timezone.now()
    )
    their.caption = "mention @viewer"
    their.save(update_fields=["caption"])
    tag_from_caption(their)
    as_user = client_for(user)
    assert len(_lines(as_user)) == 1
    Video.objects.filter(pk=their.pk).update(visibility=Video.Visibility.PRIVATE)
    assert _lines(as_user) == [] and as_user.execute(LIST, {"first": 5})["unreadNotificationCount"] == 0


def test_a_heart_on_a_video_of_an_author_with_10000_followers_writes_one_row(creator, video):
    fans = User.objects.bulk_create([User(username=f"fan{i}", email=f"fan{i}@example.com") for i in range(10_000)])
    Follow.objects.bulk_create([Follow(follower=fan, followee=creator) for fan in fans])
    heart(fans[0], video.pk)
    assert Notification.objects.count() == 1 and NotificationGroup.objects.count() == 1


def test_signed_out_viewers_have_no_notifications(anon):
    assert anon.execute(LIST, {"first": 5}) == {"unreadNotificationCount": 0, "notifications": {"edges": []}}
    assert anon.execute(READ)["markNotificationsRead"]["errors"][0]["code"] == "UNAUTHENTICATED"


def test_a_notifications_page_costs_the_same_queries_at_5_and_50(
    client_for, creator, make_published, django_assert_max_num_queries
):
    for n in range(50):
        video = make_published(creator, f"clip {n}")
        fan = make_user(f"fan{n}")
        heart(fan, video.pk)
        add_comment(fan, video.pk, "wow")
    as_creator = client_for(creator)
    as_creator.execute(LIST, {"first": 1})  # warm
    counts = {}
    for size in (5, 50):
        with django_assert_max_num_queries(12) as captured:
            assert len(_lines(as_creator, size)) == size
        counts[size] = len(captured)
    assert counts[5] == counts[50]
