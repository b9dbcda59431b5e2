"""Leaving Flywheel. An owner (after re-entering the password) or an admin schedules the
deletion: the account is deactivated at once (hidden everywhere, its tokens revoked, its live
connections closed) and erased when the grace period ends, unless the owner signs in before.

Erasing announces `AccountPurging` inside one transaction: each app forgets its own rows of the
account and keeps its counters on others exact; then the account row goes, and what is left
cascades. Running it twice, or for an account that came back, does nothing."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task

from platform.events import announce

from ..events import AccountPurging, AccountsDeactivated
from ..models import Follow, User
from .account_mail import DELETION_SCHEDULED, send_later
from .tokens import sign_out


def request_deletion(request: HttpRequest, user: User, *, password: str) -> datetime:
    """The owner asks to delete their account; returns when it will be erased."""
    if not user.check_password(password):
        raise ValidationError({"password": ValidationError("That is not your password.", code="invalid_credentials")})
    due = schedule_deletion(user)
    sign_out(request)
    return due


def schedule_deletion(user: User, due: datetime | None = None) -> datetime:
    """Deactivate `user` now and queue the erasure for `due` (after the grace period)."""
    due = due or timezone.now() + settings.ACCOUNT_DELETION_GRACE
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False, deletion_due_at=due)
        announce(AccountsDeactivated(user_ids=(user.pk,)))
        send_later(DELETION_SCHEDULED, user_id=user.pk)
        if purge_account.get_backend().supports_defer:
            transaction.on_commit(lambda: purge_account.using(run_after=due).enqueue(user.pk))
    user.is_active, user.deletion_due_at = False, due
    return due


def cancel_deletion(user: User) -> bool:
    """Bring back an account waiting to be erased (its owner signed in); whether it was."""
    # never an account staff deactivated, even if a deletion request is also pending
    restored = User.objects.filter(pk=user.pk, deletion_due_at__isnull=False, suspended_at__isnull=True).update(
        is_active=True, deletion_due_at=None
    )
    if restored:
        user.is_active, user.deletion_due_at = True, None
    return bool(restored)


def erase_due_accounts() -> int:
    """Erase every account whose grace period has ended (what `purge_deleted_accounts` runs,
    should a queued erasure have been lost); how many were erased."""
    due = User.objects.filter(deletion_due_at__lte=timezone.now()).values_list("pk", flat=True)
    return sum(erase(pk, only_if_due=True) for pk in list(due))


def erase(user_id: int, *, only_if_due: bool = False) -> bool:
    """Erase the account now (an admin's choice, or its grace period is over); whether it was."""
    with transaction.atomic():
        accounts = User.objects.select_for_update().filter(pk=user_id)
        if only_if_due:
            accounts = accounts.filter(deletion_due_at__lte=timezone.now())
        user = accounts.first()
        if user is None:
            return False
        _forget_follows(user)
        announce(AccountPurging(user_id=user.pk))
        files = [export.file for export in user.data_exports.all()]
        user.delete()
        transaction.on_commit(lambda: [stored.delete(save=False) for stored in files])
    return True


def _forget_follows(user: User) -> None:
    """Each account it followed loses a follower, each follower one account followed."""
    followees = Follow.objects.filter(follower=user).values("followee")
    User.objects.filter(pk__in=followees).update(follower_count=F("follower_count") - 1)
    followers = Follow.objects.filter(followee=user).values("follower")
    User.objects.filter(pk__in=followers).update(following_count=F("following_count") - 1)
    Follow.objects.filter(follower=user).delete()
    Follow.objects.filter(followee=user).delete()


@task()
def purge_account(user_id: int) -> bool:
    """Erase an account whose deletion grace period has ended; nothing if its owner came back."""
    return erase(user_id, only_if_due=True)
