from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import AccessToken, User
from ..models.access_token import hash_token

# Writing last_used_at on every request would turn each read into a write; once every few
# minutes is enough to show users which devices are active.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def issue_token(user: User, client: str = "") -> tuple[str, AccessToken]:
    """Create a bearer token for `user`. The raw token is returned once and never stored."""
    raw = AccessToken.generate()
    token = AccessToken.objects.create(
        user=user,
        token_hash=hash_token(raw),
        client=client[:200],
        expires_at=timezone.now() + settings.ACCESS_TOKEN_TTL,
    )
    return raw, token


def user_for_token(raw: str) -> User | None:
    """The active user a raw token belongs to, or None when it is unknown, expired or revoked."""
    token = (
        AccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(raw: str) -> bool:
    return bool(
        AccessToken.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def revoke_all_tokens(user: User) -> int:
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
