from django.conf import settings
from django.db import models


class DataExport(models.Model):
    """A ZIP of everything an account put into Flywheel, built on the task queue for its owner
    and fetched through an expiring link sent by email (accounts.services.data_export)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    file = models.FileField(upload_to="exports/%Y/%m/")
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_export_user")]

    def __str__(self):
        return f"export of {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def link(self) -> str:
        """The signed URL the owner's email carries: it works until the export expires."""
        from platform.media import media_url

        return media_url(settings.SITE_URL, self.file.name, export_id=self.pk, expires_at=self.expires_at.timestamp())
