"""Muting: hiding an account's videos and comments from one's own feeds without telling it."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from platform.events import announce

from ..events import MuteChanged
from ..models import Mute, User
from .social_graph import require_other_active_user

MAX_MUTE_HOURS = 24 * 366


def muted_accounts(user: User, viewer: User | None):
    """`user`'s mutes in force, newest first; nobody but `user` sees them."""
    if viewer is None or viewer.pk != user.pk:
        return Mute.objects.none()
    return Mute.objects.active().filter(muter=user).order_by("-created_at", "-id")


@transaction.atomic
def mute(actor: User, target: User, *, hours: int | None = None) -> Mute:
    """Mute `target`, until lifted or for `hours`. Muting again sets the new duration."""
    require_other_active_user(actor, target, "mute")
    if hours is not None and not 1 <= hours <= MAX_MUTE_HOURS:
        raise ValidationError(
            {"duration_hours": ValidationError(f"Between 1 and {MAX_MUTE_HOURS} hours.", code="out_of_range")}
        )
    expires_at = timezone.now() + timedelta(hours=hours) if hours is not None else None
    row, _ = Mute.objects.update_or_create(muter=actor, muted=target, defaults={"expires_at": expires_at})
    announce(MuteChanged(muter_id=actor.pk, muted_id=target.pk))
    return row


def unmute(actor: User, target: User) -> bool:
    """Lift a mute. Idempotent; returns whether there was one."""
    require_other_active_user(actor, target, "unmute")
    deleted, _ = Mute.objects.filter(muter=actor, muted=target).delete()
    if deleted:
        announce(MuteChanged(muter_id=actor.pk, muted_id=target.pk))
    return bool(deleted)
