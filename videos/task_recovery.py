"""What the videos app adds to the kernel's resilient worker (platform/worker.py): a review
that never finishes hands its video to the moderators, a review lost to an outage is queued
again, and watch batches' retry keys are forgotten when no client retries any more."""

import collections
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from platform.worker import every_beat, when_given_up

from .models import Video, WatchBatch

logger = logging.getLogger(__name__)
_SWEEP_LOCK = 0x466C7977  # "Flyw": the advisory lock of the stalled-review sweep


@when_given_up(".review_video")
def _review_given_up(task: DBTaskResult) -> None:
    from .services.pipeline import hold_for_moderators

    if task.args_kwargs.get("args"):
        hold_for_moderators(
            task.args_kwargs["args"][0],
            f"The automatic review stopped {len(task.worker_ids)} times without finishing; a moderator will look.",
        )


@every_beat
def forget_old_watch_batches(now=None) -> int:
    """Watch batches' keys past IDEMPOTENCY_KEY_HOURS, as the kernel's idempotency keys."""
    return WatchBatch.forget_before((now or timezone.now()) - timezone.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS))


@every_beat
def requeue_stalled_reviews(now=None) -> tuple[int, int]:
    """Videos PROCESSING for longer than REVIEW_STALL_SECONDS with no review queued or running.
    Their review was lost (PostgreSQL went away between the upload's commit and the task's
    enqueue) or failed (an outage in the middle of it). Queue it again, up to
    WORKER_MAX_ATTEMPTS reviews in all, then hand the video to the moderators. Returns
    (queued again, given up). One worker sweeps at a time."""
    from .services.pipeline import hold_for_moderators, review_video

    now = now or timezone.now()
    cutoff = now - timezone.timedelta(seconds=settings.REVIEW_STALL_SECONDS)
    requeued = given_up = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SWEEP_LOCK])
        if not cursor.fetchone()[0]:
            return 0, 0
        stalled = list(
            Video.objects.filter(status=Video.Status.PROCESSING, created_at__lt=cutoff).values_list("pk", flat=True)[
                :100
            ]
        )
        reviews = DBTaskResult.objects.filter(task_path__endswith=".review_video", args_kwargs__args__0__in=stalled)
        tried, pending = collections.Counter(), set()
        for args_kwargs, status in reviews.values_list("args_kwargs", "status"):
            tried[args_kwargs["args"][0]] += 1
            if status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
                pending.add(args_kwargs["args"][0])
        for pk in stalled:
            if pk in pending:
                continue
            if tried[pk] >= settings.WORKER_MAX_ATTEMPTS:
                hold_for_moderators(pk, f"The automatic review failed {tried[pk]} times; a moderator will look.")
                given_up += 1
            else:
                review_video.enqueue(pk)
                requeued += 1
    if requeued or given_up:
        logger.warning("stalled reviews: %d queued again, %d given to the moderators", requeued, given_up)
    return requeued, given_up
