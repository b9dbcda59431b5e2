from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from platform.rate_limits import Backoff, RateLimited, client_address, hit

from ..models import AccessToken, User
from .tokens import issue_token


def _password_backoffs() -> tuple[Backoff, Backoff]:
    """Per account and address; per account from anywhere (gentler: the owner may be waiting)."""
    return (
        Backoff("login", free=settings.LOGIN_FREE_FAILURES, longest=settings.LOGIN_LONGEST_WAIT),
        Backoff(
            "login-account", free=settings.LOGIN_ACCOUNT_FREE_FAILURES, longest=settings.LOGIN_ACCOUNT_LONGEST_WAIT
        ),
    )


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

    Guessing is throttled three ways, none of which lets a stranger lock the owner out for
    long: wrong passwords for one account *from one address* back off exponentially; for one
    account from all addresses together they back off too, but only after many and never
    past a minute; and one address may fail only so often per ten minutes across all account
    names. Each attempt is counted before the password is checked, so concurrent guesses
    cannot outrun the count."""
    address = client_address(request)
    account = identifier.strip().lower()
    subjects = (f"{account}|{address}", account)
    attempt = hit("login", address=address, message="Too many failed sign-in attempts from your network.")
    backoffs = _password_backoffs()
    backoffs[0].begin(subjects[0])
    try:
        backoffs[1].begin(subjects[1])
    except RateLimited:
        backoffs[0].release(subjects[0])
        raise
    user = None
    try:
        user = authenticate(request, username=identifier, password=password)
    finally:
        for backoff, subject in zip(backoffs, subjects, strict=True):
            if user is None:
                backoff.failed(subject)
            else:
                backoff.succeeded(subject)
        if user is not None:
            attempt.refund()  # the address budget counts failures only
    if user is None:
        raise ValidationError("Wrong username, email or password.", code="invalid_credentials")
    return user


def start_session(request: HttpRequest, user: User) -> tuple[str, AccessToken]:
    """Sign `user` in on this request: a fresh session for browsers, a bearer token for apps."""
    login(request, user, backend="accounts.backends.UsernameOrEmailBackend")
    return issue_token(user, client=request.headers.get("User-Agent", ""))
