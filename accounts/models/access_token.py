import hashlib
import secrets

from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "fw_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class AccessToken(models.Model):
    """A bearer token an app signs in with. Only its SHA-256 is stored, so a database leak
    does not leak working credentials."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    client = models.CharField(max_length=200, blank=True, help_text="The User-Agent that signed in.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_token_user")]

    def __str__(self):
        return f"token of {self.user_id} created {self.created_at:%Y-%m-%d}"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
