from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ..models import AccessToken, User
from .rate_limits import Backoff, client_address, hit
from .tokens import issue_token, revoke_token


def _password_backoff() -> Backoff:
    return Backoff("login", free=settings.LOGIN_FREE_FAILURES, longest=settings.LOGIN_LONGEST_WAIT)


def sign_in(request: HttpRequest, *, identifier: str, password: str) -> tuple[User, str, AccessToken]:
    """Check the credentials, start a browser session and issue a bearer token for apps."""
    user = checked_credentials(request, identifier=identifier, password=password)
    if user.may_come_back_by_signing_in:
        from .account_deletion import cancel_deletion

        cancel_deletion(user)  # coming back within the grace period keeps the account
    raw, token = start_session(request, user)
    return user, raw, token


def checked_credentials(request: HttpRequest, *, identifier: str, password: str) -> User:
    """The account these credentials open, or ValidationError (invalid_credentials) or
    RateLimited. Every way in (the API's login, the admin's sign-in page) comes through here.

    Guessing is throttled two ways, neither of which lets a stranger lock the owner out:
    wrong passwords for one account *from one address* back off exponentially, and one
    address may fail only so often per hour across all account names. Each attempt is
    counted before the password is checked, so concurrent guesses cannot outrun the count."""
    address = client_address(request)
    pair = f"{identifier.strip().lower()}|{address}"
    attempt = hit("login", address=address, message="Too many failed sign-in attempts from your network.")
    backoff = _password_backoff()
    backoff.begin(pair)
    user = None
    try:
        user = authenticate(request, username=identifier, password=password)
    finally:
        if user is None:
            backoff.failed(pair)
        else:
            backoff.succeeded(pair)
            attempt.refund()  # the address budget counts failures only
    if user is None:
        raise ValidationError("Wrong username, email or password.", code="invalid_credentials")
    return user


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
