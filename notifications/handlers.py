"""Where notifications come from: what other apps announce (platform.events). Each handler runs
inside the transaction of the change it hears about, so a notification exists exactly when its
cause does."""

from accounts.events import (
    AccountBlocked,
    AccountPurging,
    FollowEnded,
    FollowRequestAccepted,
    FollowRequested,
    FollowRequestsClosed,
    FollowStarted,
)
from accounts.models import User
from feed.events import VideoPromoted
from platform.events import subscribe
from videos.events import (
    CommentHearted,
    CommentPosted,
    CommentUnhearted,
    MentionedInCaption,
    ReportsClosed,
    VideoHearted,
    VideosReviewed,
    VideoUnhearted,
)
from videos.media import caption as caption_parser
from videos.models import Report

from .models import Kind
from .services import forget_actor, notify, retract
from .texts import pool_text, report_text, review_text


def _follow_key(day) -> str:
    return f"follow:{day:%Y-%m-%d}"


@subscribe(FollowStarted)
def _followed(event: FollowStarted) -> None:
    notify(event.followee_id, Kind.FOLLOW, _follow_key(event.at), actor_id=event.follower_id)


@subscribe(FollowEnded)
def _unfollowed(event: FollowEnded) -> None:
    retract(event.followee_id, _follow_key(event.since), event.follower_id)


@subscribe(FollowRequested)
def _asked_to_follow(event: FollowRequested) -> None:
    notify(event.target_id, Kind.FOLLOW_REQUEST, "follow-requests", actor_id=event.requester_id)


@subscribe(FollowRequestsClosed)
def _requests_answered(event: FollowRequestsClosed) -> None:
    # accepted, declined or withdrawn: a request nobody looked at yet no longer needs an answer
    for requester_id, target_id in event.pairs:
        retract(target_id, "follow-requests", requester_id)


@subscribe(FollowRequestAccepted)
def _request_accepted(event: FollowRequestAccepted) -> None:
    notify(event.requester_id, Kind.FOLLOW_ACCEPTED, f"accepted:{event.target_id}", actor_id=event.target_id)


@subscribe(VideoHearted)
def _hearted(event: VideoHearted) -> None:
    key = f"heart:v{event.video_id}"
    notify(event.author_id, Kind.HEART, key, actor_id=event.user_id, video_id=event.video_id)


@subscribe(VideoUnhearted)
def _unhearted(event: VideoUnhearted) -> None:
    retract(event.author_id, f"heart:v{event.video_id}", event.user_id)


@subscribe(CommentPosted)
def _commented(event: CommentPosted) -> None:
    author_id, video_id, parent_id = event.author_id, event.video_id, event.parent_id
    if event.parent_author_id is not None:  # a reply to a comment whose account still exists
        key = f"reply:c{parent_id}"
        notify(event.parent_author_id, Kind.REPLY, key, actor_id=author_id, video_id=video_id, comment_id=parent_id)
    if parent_id is None or event.parent_author_id != event.video_author_id:
        notify(event.video_author_id, Kind.COMMENT, f"comment:v{video_id}", actor_id=author_id, video_id=video_id)
    mentioned = caption_parser.mentions(event.text)
    for user_id in User.objects.filter(username__lower__in=mentioned, is_active=True).values_list("pk", flat=True):
        key = f"mention:c{event.comment_id}"
        notify(user_id, Kind.MENTION, key, actor_id=author_id, video_id=video_id, comment_id=event.comment_id)


@subscribe(CommentHearted)
def _comment_hearted(event: CommentHearted) -> None:
    if event.comment_author_id is not None:
        key = f"cheart:c{event.comment_id}"
        notify(
            event.comment_author_id,
            Kind.COMMENT_HEART,
            key,
            actor_id=event.user_id,
            video_id=event.video_id,
            comment_id=event.comment_id,
        )


@subscribe(CommentUnhearted)
def _comment_unhearted(event: CommentUnhearted) -> None:
    if event.comment_author_id is not None:
        retract(event.comment_author_id, f"cheart:c{event.comment_id}", event.user_id)


@subscribe(MentionedInCaption)
def _mentioned_in_caption(event: MentionedInCaption) -> None:
    for user_id in event.user_ids:
        key = f"mention:v{event.video_id}"
        notify(user_id, Kind.MENTION, key, actor_id=event.author_id, video_id=event.video_id)


@subscribe(VideosReviewed)
def _reviewed(event: VideosReviewed) -> None:
    for decision in event.decisions:
        text = review_text(decision)
        if text:
            key = f"review:v{decision.video_id}"
            notify(decision.author_id, Kind.REVIEW, key, video_id=decision.video_id, text=text)


@subscribe(VideoPromoted)
def _promoted(event: VideoPromoted) -> None:
    key = f"pool:v{event.video_id}"
    notify(event.author_id, Kind.POOL, key, video_id=event.video_id, text=pool_text(event))


@subscribe(ReportsClosed)
def _reports_decided(event: ReportsClosed) -> None:
    for report in Report.objects.filter(pk__in=event.report_ids).order_by("pk"):
        if report.reporter_id is None:  # its reporter's account was erased
            continue
        # no video: the decision may have been to remove it, and the reporter must still hear
        notify(report.reporter_id, Kind.REPORT, f"report:{report.pk}", text=report_text(report))


@subscribe(AccountBlocked)
def _blocked(event: AccountBlocked) -> None:
    """A block purges what the two accounts were told of each other, both ways, at once."""
    forget_actor(event.blocked_id, recipient_id=event.blocker_id)
    forget_actor(event.blocker_id, recipient_id=event.blocked_id)


@subscribe(AccountPurging)
def _account_purged(event: AccountPurging) -> None:
    forget_actor(event.user_id)
