from django.db import models
from django.db.models import F, Q
from django.utils import timezone


def in_force() -> Q:
    """Mutes in force now: without an end, or ending later."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())


class MuteQuerySet(models.QuerySet):
    def active(self):
        return self.filter(in_force())


class Mute(models.Model):
    """`muter` no longer sees `muted`'s videos in their feeds nor their comments, and is never
    told they did; unlike a block, `muted` notices nothing and can still see `muter`."""

    muter = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="mutes_made")
    muted = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted.")

    objects = MuteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="accounts_mute_unique"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="accounts_mute_not_self"),
        ]
        # the viewer's list of muted accounts, newest first (the unique index serves lookups)
        indexes = [models.Index(fields=["muter", "-created_at", "-id"], name="accounts_mute_recent")]

    def __str__(self):
        return f"{self.muter_id} muted {self.muted_id}"
