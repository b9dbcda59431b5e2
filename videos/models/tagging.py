from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models


class Hashtag(models.Model):
    """A topic, written #name in captions. Names are stored lower-case."""

    name = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [GinIndex(OpClass("name", name="gin_trgm_ops"), name="videos_hashtag_name_trgm")]

    def __str__(self):
        return f"#{self.name}"


class Sound(models.Model):
    """A soundtrack. A video whose audio matches an existing sound's fingerprint uses it too."""

    fingerprint = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sounds"
    )
    original_video = models.ForeignKey(
        "videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title
