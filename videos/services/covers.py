"""The cover frame an author picks for a video: the thumbnail remade from the frame at that
point, in the media sandbox on the task queue, replacing the old file once it is saved."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from ..media.sandbox import OverBudget, run_limited
from ..media.thumbnail import thumbnail_jpeg
from ..models import Video
from .media import media_budget
from .media_trash import discard
from .stored_files import stored_file_path

logger = logging.getLogger(__name__)


def remake_cover(video_id: int, at_ms: int) -> bool:
    """Remake the thumbnail from the frame at `at_ms`; whether it was (not when a later edit
    chose another frame, or the file could not give one: the old thumbnail then stays)."""
    video = Video.objects.filter(pk=video_id, cover_at_ms=at_ms).first()
    if video is None or not video.file:
        return False
    try:
        with stored_file_path(video.file) as path:
            budget = media_budget(settings.VIDEO_UPLOAD_CHECK_SECONDS)
            jpeg = run_limited(budget, thumbnail_jpeg, path, at_seconds=at_ms / 1000).value
    except (OverBudget, ValueError, OSError):
        logger.warning("no cover for video %s at %d ms", video_id, at_ms, exc_info=True)
        return False
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id, cover_at_ms=at_ms).first()
        if video is None:
            return False
        old = video.thumbnail.name if video.thumbnail else None
        video.thumbnail.save(f"{video.file.name.rsplit('/', 1)[-1]}-{at_ms}.jpg", ContentFile(jpeg), save=False)
        video.save(update_fields=["thumbnail"])
        if old and old != video.thumbnail.name:
            discard([old], f"cover of video {video_id} replaced", grace=timedelta(0))
    return True


@task()
def make_cover(video_id: int, at_ms: int) -> bool:
    """Remake a video's thumbnail from the frame its author chose (queued by an edit)."""
    return remake_cover(video_id, at_ms)
