"""The emails an account gets about itself: what each says, and sending it from the task queue.

Requests only enqueue (`send_later`), after their transaction commits; the worker writes the
message, and mints any link token then, so no secret waits in the task table. A token is a
signed, timestamped statement of what it allows ("account 7 owns ann@example.com"), so it
needs no table, expires by age, and stops working once the state it names has changed."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from ..models import User

VERIFY = "verify"
CHANGE = "change"
CHANGE_NOTICE = "change_notice"
RESET = "reset"
PASSWORD_CHANGED = "password_changed"
DELETION_SCHEDULED = "deletion_scheduled"
EXPORT_READY = "export_ready"
KINDS = {VERIFY, CHANGE, CHANGE_NOTICE, RESET, PASSWORD_CHANGED, DELETION_SCHEDULED, EXPORT_READY}

EMAIL_SALT = "accounts.email"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def send_later(kind: str, *, user_id: int | None = None, address: str = "") -> None:
    """Queue an account email once the current transaction commits (now, outside one)."""
    assert kind in KINDS, kind
    transaction.on_commit(lambda: send_account_email.enqueue(kind, user_id, address))


def email_token(user: User, new_address: str = "") -> str:
    """'This account, whose address is now X, may verify X' (or switch to `new_address`)."""
    return signing.dumps({"u": user.pk, "e": user.email.lower(), "n": new_address}, salt=EMAIL_SALT)


def read_email_token(token: str) -> dict:
    """The claims of a token minted by `email_token`; BadSignature/SignatureExpired otherwise."""
    return signing.loads(token, salt=EMAIL_SALT, max_age=settings.EMAIL_TOKEN_MAX_AGE)


def _link(path: str, **query: str) -> str:
    return f"{settings.ACCOUNT_LINK_BASE.rstrip('/')}/{path}?{urlencode(query)}"


def _hours(seconds: float) -> str:
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours > 1 else ''}"


def compose(kind: str, user: User | None, address: str) -> Message | None:
    """The message to send now, or None when there is nothing to say (an address no account
    has asked a reset for, an account gone since)."""
    if kind == RESET:
        # an owner waiting out their deletion's grace period may reset too: signing in with the
        # new password is how they come back (issue #21, L8)
        may_use = user is not None and (user.is_active or user.may_come_back_by_signing_in)
        if not may_use or not user.has_usable_password():
            return None
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = _link("reset-password", uid=uid, token=default_token_generator.make_token(user))
        expiry = _hours(settings.PASSWORD_RESET_TIMEOUT)
        body = (
            f"Hi @{user.username},\n\nSomeone (we hope you) asked to reset your Flywheel password. "
            f"Choose a new one here within {expiry}; the link works once:\n\n{link}\n\n"
            "If it was not you, ignore this email: your password stays as it is."
        )
        return Message(user.email, "Reset your Flywheel password", body)
    if user is None:
        return None
    if kind == DELETION_SCHEDULED:
        if not user.deletion_pending:
            return None  # its owner came back before the email left
        body = (
            f"Hi @{user.username},\n\nYour Flywheel account is deactivated and will be deleted for good on "
            f"{user.deletion_due_at:%d %B %Y at %H:%M} UTC, with its videos, comments and hearts. "
            "To keep it, just sign in again before then."
        )
        return Message(user.email, "Your account will be deleted", body)
    if not user.is_active:
        return None
    if kind == EXPORT_READY:
        return _export_message(user)
    expiry = _hours(settings.EMAIL_TOKEN_MAX_AGE.total_seconds())
    if kind == VERIFY:
        if user.email_verified:
            return None
        link = _link("verify-email", token=email_token(user))
        body = f"Welcome to Flywheel, @{user.username}!\n\nConfirm this is your address (within {expiry}):\n\n{link}"
        return Message(user.email, "Confirm your email address", body)
    if kind == CHANGE:
        link = _link("confirm-email", token=email_token(user, address))
        body = (
            f"Hi @{user.username},\n\nConfirm that Flywheel should use this address from now on "
            f"(within {expiry}):\n\n{link}\n\nIf you did not ask for this, ignore this email."
        )
        return Message(address, "Confirm your new email address", body)
    if kind == CHANGE_NOTICE:
        body = (
            f"Hi @{user.username},\n\nSomeone signed in as you asked to move your Flywheel account to "
            f"another email address. Nothing changes until that address confirms. If it was not you, "
            "change your password now."
        )
        return Message(user.email, "Your email address is about to change", body)
    body = (
        f"Hi @{user.username},\n\nYour Flywheel password was just changed, and every other device was "
        "signed out. If it was not you, reset your password now."
    )
    return Message(user.email, "Your password was changed", body)


def _export_message(user: User) -> Message | None:
    export = user.data_exports.filter(expires_at__gt=timezone.now()).order_by("-created_at").first()
    if export is None:
        return None
    body = (
        f"Hi @{user.username},\n\nYour Flywheel data is ready ({export.size / 1e6:.1f} MB). Download it "
        f"before {export.expires_at:%d %B %Y at %H:%M} UTC:\n\n{export.link()}\n\n"
        "Anyone with this link can download it: do not forward this email."
    )
    return Message(user.email, "Your Flywheel data is ready", body)


def deliver(kind: str, user_id: int | None, address: str) -> bool:
    """Write and send one account email; whether anything was sent."""
    if kind == RESET:
        user = User.objects.filter(email__iexact=address).first()
    else:
        user = User.objects.filter(pk=user_id).first()
    message = compose(kind, user, address)
    if message is None:
        return False
    send_mail(message.subject, message.body, None, [message.to])
    return True


@task()
def send_account_email(kind: str, user_id: int | None, address: str = "") -> bool:
    """The worker's side of send_later: send one of the emails an account gets about itself."""
    return deliver(kind, user_id, address)
