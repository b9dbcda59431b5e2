"""Deleting stored files after a grace period. The files of a deleted video are recorded in the
transaction that deletes it and removed once `VIDEO_FILE_GRACE` has passed, by a task queued
for then, or by `purge_discarded_media` (cron) for any task that was lost. Removal is
idempotent: a purge killed half-way leaves its row, and the next one finishes it."""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..models import DiscardedMedia


def discard(names: list[str], reason: str, grace: timedelta | None = None) -> DiscardedMedia | None:
    """Delete the stored files `names` once the grace period has passed, if the caller's
    transaction commits (nothing happens if it rolls back)."""
    if not names:
        return None
    grace = settings.VIDEO_FILE_GRACE if grace is None else grace
    now = timezone.now()
    row = DiscardedMedia.objects.create(names=names, reason=reason[:200], discarded_at=now, delete_after=now + grace)
    if grace <= timedelta(0):  # at once, after commit; the row stays for the cron if this dies
        transaction.on_commit(lambda: purge(row.pk))
    elif purge_discarded_media.get_backend().supports_defer:  # else the cron command's job
        task = purge_discarded_media.using(run_after=row.delete_after)
        transaction.on_commit(lambda: task.enqueue(row.pk))
    return row


def purge(row_id: int) -> bool:
    """Delete the files of one discarded row whose time has come; whether it was due."""
    with transaction.atomic():
        row = (
            DiscardedMedia.objects.select_for_update(skip_locked=True)
            .filter(pk=row_id, delete_after__lte=timezone.now())
            .first()
        )
        if row is None:
            return False
        for name in row.names:
            default_storage.delete(name)  # a missing file is no error: a retry finds some gone
        row.delete()
    return True


def purge_due(batch: int = 500) -> int:
    """Purge every row whose time has come; how many."""
    purged = 0
    while ids := list(
        DiscardedMedia.objects.filter(delete_after__lte=timezone.now())
        .order_by("delete_after")[:batch]
        .values_list("pk", flat=True)
    ):
        done = sum(purge(row_id) for row_id in ids)
        purged += done
        if not done:  # every one locked by a concurrent purge: it will finish them
            break
    return purged


def awaiting(name: str) -> bool:
    """Whether the stored file `name` is waiting out a grace period (not an orphan)."""
    return DiscardedMedia.objects.filter(names__contains=[name]).exists()


@task()
def purge_discarded_media(row_id: int) -> bool:
    """Delete the files of a deleted video once their grace period has passed."""
    return purge(row_id)
