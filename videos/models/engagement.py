from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Heart(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearts")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="hearts")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="videos_heart_unique")]
        indexes = [models.Index(fields=["video", "-created_at"], name="videos_heart_video")]

    def __str__(self):
        return f"{self.user_id} ♥ {self.video_id}"


class Share(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="shares"
    )
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="shares")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="videos_share_user")]

    def __str__(self):
        return f"share of {self.video_id}"


class NotInterested(models.Model):
    """A viewer (an account, or an anonymous session) asked to see less like this video."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="not_interested"
    )
    session_key = models.CharField(max_length=40, blank=True)
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "video"], condition=Q(user__isnull=False), name="videos_notinterested_user_unique"
            ),
            models.UniqueConstraint(
                fields=["session_key", "video"],
                condition=Q(user__isnull=True),
                name="videos_notinterested_session_unique",
            ),
        ]

    def __str__(self):
        return f"{self.user_id or self.session_key} ✕ {self.video_id}"


class SavedVideo(models.Model):
    """A bookmark: a video the viewer saved to watch again. Private to the viewer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_videos")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="videos_savedvideo_unique")]
        # the viewer's saved list, newest first, by keyset
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="videos_savedvideo_recent")]

    def __str__(self):
        return f"{self.user_id} saved {self.video_id}"


class Collection(models.Model):
    """A named list of its owner's saved videos ("Recipes to try"). Private to the owner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    saves = models.ManyToManyField(SavedVideo, through="CollectionEntry", related_name="collections", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "user",
                Lower("name"),
                name="videos_collection_name_unique",
                violation_error_code="unique",
                violation_error_message="You already have a collection with that name.",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="videos_collection_recent")]

    def __str__(self):
        return self.name


class CollectionEntry(models.Model):
    """A saved video in a collection; unsaving the video takes it out of every collection."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    saved = models.ForeignKey(SavedVideo, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "saved"], name="videos_collectionentry_unique")]

    def __str__(self):
        return f"{self.saved_id} in {self.collection_id}"
