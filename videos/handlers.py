"""What the videos app does when something happens (platform.events): open live streams hear
of changes that can narrow who may see what (blocks, mutes, ended follows, videos taken down
or deleted), and an erased or exporting account's videos app rows are
forgotten or gathered."""

from accounts.events import (
    AccountBlocked,
    AccountDataRequested,
    AccountPurging,
    BlockLifted,
    FollowEnded,
    MuteChanged,
)
from accounts.models import User
from platform.events import subscribe

from . import live
from .events import VideosAudienceChanged


@subscribe(AccountBlocked, BlockLifted, after_commit=True)
def _block_changed(event) -> None:
    live.publish_relationship_changed(event.blocker_id, event.blocked_id)


@subscribe(MuteChanged, after_commit=True)
def _mute_changed(event: MuteChanged) -> None:
    # the muter's open comment streams start or stop hiding the muted account; the muted
    # account hears nothing
    live.publish_relationship_changed(event.muter_id)


@subscribe(FollowEnded, after_commit=True)
def _follow_ended(event: FollowEnded) -> None:
    # a followers-only video's watcher who stops following may no longer see it
    live.publish_relationship_changed(event.follower_id, event.followee_id)


@subscribe(VideosAudienceChanged, after_commit=True)
def _streams_check_again(event: VideosAudienceChanged) -> None:
    for video_id in event.video_ids:
        live.publish_video_changed(video_id)


@subscribe(AccountPurging)
def _forget_account(event: AccountPurging) -> None:
    from .services.forget_account import forget_account

    forget_account(User.objects.get(pk=event.user_id))


@subscribe(AccountDataRequested)
def _export_account(event: AccountDataRequested):
    from .services.export_account import export_account

    return export_account(User.objects.get(pk=event.user_id))
