from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models


class WatchEvent(models.Model):
    """One report from a player: how long a viewer watched, whether to the end, how many loops.
    The feed learns most from these; clients send them in batches every few seconds."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="watch_events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="watch_events"
    )
    session_key = models.CharField(max_length=40, blank=True, help_text="Anonymous viewer's session.")
    watched_ms = models.PositiveIntegerField()
    completed = models.BooleanField(default=False)
    loops = models.PositiveSmallIntegerField(default=0)
    # NULL, not "": the roll-up's SQL reads "no vote" as a missing value (WHERE pool_key IS NOT NULL)
    pool_key = models.CharField(  # noqa: DJ001
        max_length=48,
        null=True,
        blank=True,
        help_text="Whose vote this is in the video's traffic pool (u:<account> or a:<address>); empty when the "
        "feed never served the video to this viewer, so the pool does not count it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="videos_watch_user_recent"),
            models.Index(fields=["session_key", "-created_at"], name="videos_watch_session_recent"),
            models.Index(fields=["video", "-created_at"], name="videos_watch_video_recent"),
            # the admin dashboard's viewers per day: a time range over an append-only table
            BrinIndex(fields=["created_at"], name="videos_watch_created_brin"),
        ]

    def __str__(self):
        return f"{self.video_id}: {self.watched_ms} ms"


class WatchBatch(models.Model):
    """A batch of watch events a client sent with its own id: sending it again (a retry on a
    flaky network) finds this row and counts nothing twice."""

    viewer_key = models.CharField(max_length=48)
    batch_id = models.CharField(max_length=64)
    accepted = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["viewer_key", "batch_id"], name="videos_watchbatch_once")]

    def __str__(self):
        return f"{self.viewer_key} batch {self.batch_id}"

    @classmethod
    def forget_before(cls, cutoff) -> int:
        """Delete batch ids older than `cutoff`: no client retries that late. Returns how many."""
        return cls.objects.filter(created_at__lt=cutoff).delete()[0]


class VideoView(models.Model):
    """A counted view: at most one per viewer, video and hour."""

    viewer_key = models.CharField(max_length=48)
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["viewer_key", "video", "hour"], name="videos_videoview_once_per_hour")
        ]

    def __str__(self):
        return f"{self.viewer_key} viewed {self.video_id}"


class VideoImpression(models.Model):
    """A viewer was shown the video (their player reported watching it, however briefly): at
    most once per viewer, video and hour, and only so many per viewer and hour. What traffic
    pools count, so page loads that nobody watches, or one script, cannot move a video."""

    viewer_key = models.CharField(max_length=48, help_text="The pool vote's owner: u:<account> or a:<address>.")
    hour = models.DateTimeField()
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    # whether this viewer's reports this hour finished or rewatched it: counted once each
    completed = models.BooleanField(default=False, db_default=False)
    rewatched = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["viewer_key", "hour", "video"], name="videos_impression_once_per_hour")
        ]
        # the roll-up forgets past hours' rows
        indexes = [models.Index(fields=["hour"], name="videos_impression_hour")]

    def __str__(self):
        return f"{self.viewer_key} was shown {self.video_id}"


class WatchRollup(models.Model):
    """How far the watch-event roll-up has counted: one row, the highest event id folded into
    the videos' view and watch counters."""

    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"rolled up to event {self.last_event_id}"
