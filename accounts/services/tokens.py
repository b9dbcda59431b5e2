from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest
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


# Every signed-in request asks this. As a queryset (select_related, first) Django spent 2 ms of
# CPU building and compiling it, more than all the rest of an empty query; written once here it
# costs what running it costs. The rule is AccessTokenQuerySet.active's and an active user's.
_TOKEN_USER_SQL = """
    SELECT u.*, t.id AS token_pk, t.last_used_at AS token_last_used_at
    FROM {tokens} t JOIN {users} u ON u.id = t.user_id
    WHERE t.token_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active
"""


def user_for_token(raw: str) -> User | None:
    """The active user a raw token belongs to, or None when it is unknown, expired or revoked."""
    now = timezone.now()
    sql = _TOKEN_USER_SQL.format(tokens=AccessToken._meta.db_table, users=User._meta.db_table)
    found = list(User.objects.raw(sql, [hash_token(raw), now]))
    if not found:
        return None
    user = found[0]
    if user.token_last_used_at is None or now - user.token_last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=user.token_pk).update(last_used_at=now)
    return user


def revoke_token(raw: str) -> bool:
    return bool(
        AccessToken.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def revoke_all_tokens(user: User) -> int:
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def sign_out(request: HttpRequest) -> None:
    """End the session and revoke the bearer token the request was made with, if any."""
    raw = getattr(request, "access_token", None)
    if raw:
        revoke_token(raw)
    logout(request)
