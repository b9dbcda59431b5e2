"""Changes that open live subscriptions must hear about: blocks, mutes and ended follows between
accounts, and videos whose audience may have narrowed (taken down, deleted)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts.models import Block, Follow, Mute
from accounts.signals import account_data_requested, account_purging, accounts_deactivated

from . import live
from .models import Video

# Sent after moderators close reports (a bulk update, which sends no post_save), with `reports`.
reports_closed = Signal()

# saves that can narrow who may see a video
_AUDIENCE_FIELDS = {"status", "visibility"}


def _announce(*user_ids: int) -> None:
    transaction.on_commit(lambda: live.publish_relationship_changed(*user_ids))


@receiver(post_save, sender=Block, dispatch_uid="videos.live.block_made")
def block_made(sender, instance: Block, created: bool, **kwargs) -> None:
    if created:
        _announce(instance.blocker_id, instance.blocked_id)


@receiver(post_delete, sender=Block, dispatch_uid="videos.live.block_lifted")
def block_lifted(sender, instance: Block, **kwargs) -> None:
    _announce(instance.blocker_id, instance.blocked_id)


@receiver(post_save, sender=Mute, dispatch_uid="videos.live.mute_made")
@receiver(post_delete, sender=Mute, dispatch_uid="videos.live.mute_lifted")
def mute_changed(sender, instance: Mute, **kwargs) -> None:
    # the muter's open comment streams start or stop hiding the muted account; the muted
    # account hears nothing
    _announce(instance.muter_id)


@receiver(post_delete, sender=Follow, dispatch_uid="videos.live.follow_ended")
def follow_ended(sender, instance: Follow, **kwargs) -> None:
    # a followers-only video's watcher who stops following may no longer see it
    _announce(instance.follower_id, instance.followee_id)


@receiver(accounts_deactivated, dispatch_uid="videos.live.accounts_deactivated")
def accounts_deactivated_live(sender, user_ids: list[int], **kwargs) -> None:
    def close_their_connections():
        for user_id in user_ids:
            live.publish_account_deactivated(user_id)

    transaction.on_commit(close_their_connections)


def _video_changed(video: Video) -> None:
    video_id = video.pk
    transaction.on_commit(lambda: live.publish_video_changed(video_id))


@receiver(post_save, sender=Video, dispatch_uid="videos.live.video_saved")
def video_saved(sender, instance: Video, created: bool, update_fields=None, **kwargs) -> None:
    if not created and (update_fields is None or _AUDIENCE_FIELDS & set(update_fields)):
        _video_changed(instance)


@receiver(post_delete, sender=Video, dispatch_uid="videos.live.video_deleted")
def video_deleted(sender, instance: Video, **kwargs) -> None:
    _video_changed(instance)


@receiver(account_purging, dispatch_uid="videos.forget_account")
def account_purged(sender, user, **kwargs) -> None:
    from .services.forget_account import forget_account

    forget_account(user)


@receiver(account_data_requested, dispatch_uid="videos.export_account")
def account_exported(sender, user, **kwargs):
    from .services.export_account import export_account

    return export_account(user)
