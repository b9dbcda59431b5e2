"""Changes that open live subscriptions must hear about: blocks between accounts, and videos
whose audience may have narrowed (taken down, deleted)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Block

from . import live
from .models import Video

# saves that can narrow who may see a video
_AUDIENCE_FIELDS = {"status", "visibility"}


def _announce(block: Block) -> None:
    blocker, blocked = block.blocker_id, block.blocked_id
    transaction.on_commit(lambda: live.publish_blocks_changed(blocker, blocked))


@receiver(post_save, sender=Block, dispatch_uid="videos.live.block_made")
def block_made(sender, instance: Block, created: bool, **kwargs) -> None:
    if created:
        _announce(instance)


@receiver(post_delete, sender=Block, dispatch_uid="videos.live.block_lifted")
def block_lifted(sender, instance: Block, **kwargs) -> None:
    _announce(instance)


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
