"""The sound policy: who may see a sound (and so learn of the video it was first heard in)."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .video import public_videos, video_visible


def visible_sounds(queryset: models.QuerySet, viewer) -> models.QuerySet:
    """Sounds `viewer` may see. A sound is known by its first video (its title names that
    video's author): it is visible to whoever may see that video, or, once that video is gone,
    to everyone while a public video still uses it. Sound ids are sequential, so this is what
    keeps them from revealing private and unreviewed videos."""
    original_visible = video_visible(viewer, ref="original_video")
    still_used = Exists(public_videos().filter(sound=OuterRef("pk")))
    return queryset.filter(original_visible | (Q(original_video__isnull=True) & still_used))
