import hashlib

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ..models import AccessToken, User
from .tokens import issue_token, revoke_token

ATTEMPT_WINDOW_SECONDS = 3600


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _attempt_keys(request: HttpRequest, identifier: str) -> list[str]:
    # Hashed: cache keys must be short and plain, and identifiers are arbitrary user input.
    name = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()
    return [f"login-fail:id:{name}", f"login-fail:ip:{_client_address(request)}"]


def _too_many_attempts(keys: list[str]) -> bool:
    counts = cache.get_many(keys)
    return any(count >= settings.LOGIN_ATTEMPTS_PER_HOUR for count in counts.values())


def _record_failure(keys: list[str]) -> None:
    for key in keys:
        cache.add(key, 0, ATTEMPT_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ATTEMPT_WINDOW_SECONDS)


def sign_in(request: HttpRequest, *, identifier: str, password: str) -> tuple[User, str, AccessToken]:
    """Check the credentials, start a browser session and issue a bearer token for apps.

    Failed attempts are counted per account name and per client address, so guessing
    passwords is throttled without letting a stranger lock someone out from everywhere."""
    keys = _attempt_keys(request, identifier)
    if _too_many_attempts(keys):
        raise ValidationError("Too many failed sign-in attempts. Try again later.", code="rate_limited")
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        _record_failure(keys)
        raise ValidationError("Wrong username, email or password.", code="invalid_credentials")
    raw, token = start_session(request, user)
    return user, raw, token


def start_session(request: HttpRequest, user: User) -> tuple[str, AccessToken]:
    """Sign `user` in on this request: a fresh session for browsers, a bearer token for apps."""
    login(request, user, backend="accounts.backends.UsernameOrEmailBackend")
    return issue_token(user, client=request.headers.get("User-Agent", ""))


def sign_out(request: HttpRequest) -> None:
    """End the session and revoke the bearer token the request was made with, if any."""
    raw = getattr(request, "access_token", None)
    if raw:
        revoke_token(raw)
    logout(request)
