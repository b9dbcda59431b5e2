from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q

from accounts.models.user import CommentPolicy


class VideoQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Video.Status.PUBLISHED, author__is_active=True)


class Video(models.Model):
    """A short video post and what the review pipeline learned about it."""

    class Status(models.TextChoices):
        PROCESSING = "PROCESSING", "Processing"
        PUBLISHED = "PUBLISHED", "Published"
        IN_REVIEW = "IN_REVIEW", "In review"
        REJECTED = "REJECTED", "Rejected"
        REMOVED = "REMOVED", "Removed"

    class Visibility(models.TextChoices):
        PUBLIC = "PUBLIC", "Everyone"
        FOLLOWERS = "FOLLOWERS", "Followers"
        PRIVATE = "PRIVATE", "Only me"

    class Audience(models.TextChoices):
        PUBLIC = "PUBLIC", "Anyone"
        FOLLOWERS = "FOLLOWERS", "Its author's followers"
        PRIVATE = "PRIVATE", "Its author only"
        HIDDEN = "HIDDEN", "Its author only, not yet (or no longer) published"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos")
    caption = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROCESSING)
    audience = models.CharField(
        max_length=10,
        choices=Audience.choices,
        default=Audience.HIDDEN,
        db_default=Audience.HIDDEN,
        editable=False,
        help_text="Who may see it, from its status and visibility and its author's privacy and activity: "
        "kept exact by the database itself (migration videos/0022), however any of them changes.",
    )
    rejection_reasons = ArrayField(
        models.TextField(),
        default=list,
        blank=True,
        help_text="Why the video is not published; shown to its author only.",
    )
    file = models.FileField(upload_to="videos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="thumbnails/%Y/%m/", blank=True)
    playback = models.JSONField(
        null=True,
        blank=True,
        help_text="Where its renditions are (folder, master playlist, MP4, the ladder); empty until encoded.",
    )
    cover_at_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text="Where in the video its author chose the cover (thumbnail) frame."
    )

    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    video_codec = models.CharField(max_length=32, blank=True)
    audio_codec = models.CharField(max_length=32, blank=True)
    loudness_dbfs = models.FloatField(null=True, blank=True, help_text="RMS level of the soundtrack.")

    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    frame_hashes = ArrayField(models.BigIntegerField(), default=list, blank=True)
    phash_bands = ArrayField(models.IntegerField(), default=list, blank=True)
    review_notes = ArrayField(
        models.TextField(),
        default=list,
        blank=True,
        help_text="Findings that do not block publishing, shown to the author only.",
    )
    is_original = models.BooleanField(default=True, help_text="False for a re-upload of an existing video.")
    comment_policy = models.CharField(
        max_length=10,
        choices=CommentPolicy.choices,
        default=CommentPolicy.EVERYONE,
        db_default=CommentPolicy.EVERYONE,
        help_text="Who may comment; the author always may.",
    )
    pinned_comment = models.ForeignKey(
        "videos.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")

    sound = models.ForeignKey("videos.Sound", null=True, blank=True, on_delete=models.SET_NULL, related_name="videos")
    hashtags = models.ManyToManyField("videos.Hashtag", blank=True, related_name="videos")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")

    # Engagement counters, moved by the services in the same transaction as their rows.
    heart_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    share_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    completion_count = models.PositiveIntegerField(default=0)
    rewatch_count = models.PositiveIntegerField(default=0)
    watch_time_ms = models.BigIntegerField(default=0)
    impression_count = models.PositiveIntegerField(
        default=0,
        help_text="Viewers the feed served it to who reported watching it (any length): once per account or "
        "anonymous address and hour.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = VideoQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["author", "-created_at", "-id"], name="videos_video_author_recent"),
            models.Index(fields=["status", "-published_at"], name="videos_video_status_recent"),
            # what anyone may see, newest first: trending, search, public lists
            models.Index(fields=["audience", "-published_at"], name="videos_video_audience_recent"),
            # the following feed: each followed author's newest published videos
            models.Index(
                fields=["author", "-published_at", "-id"],
                condition=Q(status="PUBLISHED"),
                name="videos_video_author_published",
            ),
            # the feed's popular list
            models.Index(
                fields=["-heart_count"],
                condition=Q(status="PUBLISHED", visibility="PUBLIC"),
                name="videos_video_popular",
            ),
            GinIndex(fields=["phash_bands"], name="videos_video_phash_bands"),
            GinIndex(SearchVector("caption", config="simple"), name="videos_video_caption_search"),
        ]

    def __str__(self):
        return f"{self.author} · {self.caption[:40] or self.pk}"


class VideoInReview(Video):
    """The admin's review queue: videos the pipeline held for a person to look at."""

    class Meta:
        proxy = True
        verbose_name = "video waiting for review"
        verbose_name_plural = "review queue"
