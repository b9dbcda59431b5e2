"""Owning an email address: verifying it, and moving the account to another one."""

from urllib.parse import unquote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import User
from .account_mail import CHANGE, CHANGE_NOTICE, VERIFY, read_email_token, send_later

_STALE = "This link is no longer valid. Ask for a new one."


def require_verified_email(user: User, action: str, what: str) -> None:
    """Refuse `action` (a name in UNVERIFIED_EMAIL_BLOCKS) to an account not yet verified."""
    if action in settings.UNVERIFIED_EMAIL_BLOCKS and not user.email_verified:
        raise ValidationError(
            f"Verify your email address to {what}: open the link we sent, or ask for a new one.",
            code="email_unverified",
        )


def send_verification(user: User) -> None:
    if user.email_verified:
        raise ValidationError("Your email address is already verified.", code="invalid_state")
    send_later(VERIFY, user_id=user.pk)


def _claims(token: str) -> dict:
    try:
        # as it appears in the link (%3A for ':') or decoded: signed tokens never hold a '%'
        return read_email_token(unquote(token.strip()))
    except signing.SignatureExpired:
        raise ValidationError(
            {"token": ValidationError("This link has expired. Ask for a new one.", code="expired")}
        ) from None
    except signing.BadSignature:
        raise ValidationError({"token": ValidationError("This link is not valid.", code="invalid")}) from None


def _holder(claims: dict) -> User:
    """The account the token speaks for, locked, if its address is still the one it names."""
    user = User.objects.select_for_update().filter(pk=claims["u"], is_active=True).first()
    if user is None or user.email.lower() != claims["e"]:
        raise ValidationError({"token": ValidationError(_STALE, code="expired")})
    return user


@transaction.atomic
def verify_email(token: str) -> User:
    """Mark the address verified. Using the link again changes nothing."""
    claims = _claims(token)
    if claims["n"]:
        raise ValidationError({"token": ValidationError("This link is not valid.", code="invalid")})
    user = _holder(claims)
    if not user.email_verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def _normalized(address: str) -> str:
    address = User.objects.normalize_email(address.strip())
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"new_email": ValidationError("Enter a valid email address.", code="invalid")})
    return address


def request_email_change(user: User, *, password: str, new_email: str) -> None:
    """Ask the new address to confirm; the old one is told. Nothing changes until then."""
    if not user.check_password(password):
        raise ValidationError({"password": ValidationError("That is not your password.", code="invalid_credentials")})
    address = _normalized(new_email)
    if address.lower() == user.email.lower():
        raise ValidationError({"new_email": ValidationError("That is already your address.", code="invalid")})
    if User.objects.filter(email__iexact=address).exists():
        raise ValidationError({"new_email": ValidationError("That email is already registered.", code="unique")})
    send_later(CHANGE, user_id=user.pk, address=address)
    send_later(CHANGE_NOTICE, user_id=user.pk)


def confirm_email_change(token: str) -> User:
    """Move the account to the address the link was sent to, which it thereby proved."""
    claims = _claims(token)
    if not claims["n"]:
        raise ValidationError({"token": ValidationError("This link is not valid.", code="invalid")})
    try:
        with transaction.atomic():
            user = _holder(claims)
            user.email, user.email_verified_at = claims["n"], timezone.now()
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:  # someone registered the address since the link was sent
        raise ValidationError({"token": ValidationError("That email is already registered.", code="unique")})
    return user
