from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class DiscardedMedia(models.Model):
    """Stored files whose video is gone, waiting out the grace period before they are deleted
    (videos.services.media_trash). Written in the transaction that deletes the video, so a
    worker killed after it commits loses nothing: the row is still here to finish the job.
    Nothing serves these files meanwhile: the media view serves only files a video records."""

    names = models.JSONField(help_text="Storage names of the files.")
    reason = models.CharField(max_length=200)
    discarded_at = models.DateTimeField(default=timezone.now)
    delete_after = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "discarded media"
        # purge_orphan_media asks whether a folder's files are merely waiting here
        indexes = [GinIndex(fields=["names"], name="discarded_media_names", opclasses=["jsonb_path_ops"])]

    def __str__(self):
        return f"{len(self.names)} files ({self.reason}), deleted after {self.delete_after:%Y-%m-%d %H:%M}"
