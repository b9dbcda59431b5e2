"""Changing a password, and resetting a forgotten one by email."""

from urllib.parse import unquote

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from ..models import AccessToken, User
from ..models.access_token import hash_token
from .account_mail import PASSWORD_CHANGED, RESET, send_later

_BAD_LINK = "This reset link is not valid, was already used or has expired. Ask for a new one."


def _set_password(user: User, new_password: str, field: str, *, keep_token: str | None = None) -> None:
    """Set a new password; every bearer token but `keep_token` stops working. Browser
    sessions other than the current one end by themselves: Django checks each session
    against a hash of the password."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens = AccessToken.objects.filter(user=user, revoked_at__isnull=True)
        if keep_token:
            tokens = tokens.exclude(token_hash=hash_token(keep_token))
        tokens.update(revoked_at=timezone.now())
        send_later(PASSWORD_CHANGED, user_id=user.pk)


def change_password(request: HttpRequest, user: User, *, old_password: str, new_password: str) -> None:
    """The signed-in owner changes their password; this device stays signed in."""
    if not user.check_password(old_password):
        raise ValidationError(
            {"old_password": ValidationError("That is not your current password.", code="invalid_credentials")}
        )
    _set_password(user, new_password, "new_password", keep_token=getattr(request, "access_token", None))
    if request.user.is_authenticated and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


def request_reset(email: str) -> None:
    """Queue a reset link for the account with this address. The answer, and the work done in
    the request, are the same whether or not such an account exists."""
    send_later(RESET, address=email.strip()[:254])


def reset_password(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from an emailed link. Django's token is bound to the current
    password hash and last sign-in, so the link works once and expires by itself."""
    try:
        user = User.objects.get(
            Q(is_active=True) | Q(deletion_due_at__isnull=False, suspended_at__isnull=True),
            pk=int(force_str(urlsafe_base64_decode(unquote(uid.strip())))),
        )
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, unquote(token.strip())):
        raise ValidationError({"token": ValidationError(_BAD_LINK, code="invalid")})
    _set_password(user, new_password, "new_password")
    if not user.email_verified:  # the link reached the owner's mailbox: that proves the address
        User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    return user
