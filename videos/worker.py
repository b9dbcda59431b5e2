"""The task worker, made to survive what kills django-tasks-db's own: its process dying in the
middle of a task, and the database going away.

django-tasks-db 0.13.0 (pinned) marks a task RUNNING when a worker claims it and nothing ever
looks at it again, so a worker killed mid-review left its video PROCESSING forever; and any
database error other than a lock ends its loop, so the worker exited with PostgreSQL. This
module subclasses its ``Worker`` (``videos/tests/test_worker.py`` fails if an upgrade moves what
it relies on):

- every worker beats a heart (``WorkerHeartbeat``) every WORKER_HEARTBEAT_SECONDS from a thread
  of its own, and reaps: a RUNNING task whose last worker has been silent for
  WORKER_LEASE_SECONDS goes back to READY, until it has been tried WORKER_MAX_ATTEMPTS times;
  then it is marked failed and, for a video review, the video goes to the moderators' queue;
- the claim-and-run loop waits out a database outage (backing off up to 30 s) and goes on;
  a task that failed because PostgreSQL went away, or whose failure could not even be
  recorded, is queued again at once (within the attempts) rather than left failed or RUNNING;
- a video PROCESSING for too long with no review queued (its review was lost to an outage) is
  reviewed again, or handed to the moderators after WORKER_MAX_ATTEMPTS.

Tasks are idempotent, so running one again is safe: a review decides once (it re-checks the
video's status under a row lock) and writes one audit entry per decision."""

import collections
import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from platform.unavailable import DATABASE_DOWN

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)
_SWEEP_LOCK = 0x466C7977  # "Flyw": the advisory lock of the stalled-review sweep


class WorkerLost(Exception):
    """The task's worker stopped answering before the task finished, too many times."""


def reap_abandoned_tasks(now=None) -> tuple[int, int]:
    """Take up again the RUNNING tasks whose worker went silent; give up on those tried too
    often. Returns (requeued, given up)."""
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(
            seen_at__gte=now - timezone.timedelta(seconds=settings.WORKER_LEASE_SECONDS)
        ).values_list("worker_id", flat=True)
    )
    requeued = given_up = 0
    with transaction.atomic():
        for task in DBTaskResult.objects.running().select_for_update(skip_locked=True):
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            if len(task.worker_ids) < settings.WORKER_MAX_ATTEMPTS:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
                requeued += 1
                continue
            task.set_failed(WorkerLost(f"its worker stopped {len(task.worker_ids)} times"))
            _give_up(task)
            given_up += 1
    if requeued or given_up:
        logger.warning("reaped abandoned tasks: %d taken up again, %d given up", requeued, given_up)
    return requeued, given_up


def forget_old_retry_keys(now=None) -> int:
    """Idempotency keys past IDEMPOTENCY_KEY_HOURS: no client retries that late."""
    from platform.models import IdempotentRequest

    from .models import WatchBatch

    cutoff = (now or timezone.now()) - timezone.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    return IdempotentRequest.forget_before(cutoff) + WatchBatch.forget_before(cutoff)


def requeue_stalled_reviews(now=None) -> tuple[int, int]:
    """Videos PROCESSING for longer than REVIEW_STALL_SECONDS with no review queued or running.
    Their review was lost (PostgreSQL went away between the upload's commit and the task's
    enqueue) or failed (an outage in the middle of it). Queue it again, up to
    WORKER_MAX_ATTEMPTS reviews in all, then hand the video to the moderators. Returns
    (queued again, given up). One worker sweeps at a time."""
    from .models import Video
    from .tasks import review_video

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
                from .services.pipeline import hold_for_moderators

                hold_for_moderators(pk, f"The automatic review failed {tried[pk]} times; a moderator will look.")
                given_up += 1
            else:
                review_video.enqueue(pk)
                requeued += 1
    if requeued or given_up:
        logger.warning("stalled reviews: %d queued again, %d given to the moderators", requeued, given_up)
    return requeued, given_up


def _give_up(task: DBTaskResult) -> None:
    if task.task_path.endswith(".review_video") and task.args_kwargs.get("args"):
        from .services.pipeline import hold_for_moderators

        hold_for_moderators(
            task.args_kwargs["args"][0],
            f"The automatic review stopped {len(task.worker_ids)} times without finishing; a moderator will look.",
        )


_DATABASE_ERRORS = {f"{kind.__module__}.{kind.__qualname__}" for kind in DATABASE_DOWN}


def _retry_or_keep(task: DBTaskResult) -> bool:
    """Back to READY (a task the database failed, not one that failed by itself), unless it has
    been tried WORKER_MAX_ATTEMPTS times. Returns whether it was queued again."""
    if len(task.worker_ids) >= settings.WORKER_MAX_ATTEMPTS:
        return False
    task.status = TaskResultStatus.READY
    task.save(update_fields=["status"])
    return True


class ResilientWorker(Worker):
    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        # django-tasks-db records any exception as the task's failure; one from PostgreSQL
        # going away says nothing about the task, which is idempotent: run it again
        failed_by_database = (
            db_task_result.status == TaskResultStatus.FAILED and db_task_result.exception_class_path in _DATABASE_ERRORS
        )
        if failed_by_database and _retry_or_keep(db_task_result):
            logger.warning("task %s met a database outage; queued again", db_task_result.id)

    def release_interrupted(self) -> int:
        """Tasks this worker was running when the database went away (their failure could
        not even be recorded): queued again. Returns how many."""
        released = 0
        with transaction.atomic():
            for task in DBTaskResult.objects.running().select_for_update(skip_locked=True):
                if task.worker_ids and task.worker_ids[-1] == self.worker_id:
                    released += _retry_or_keep(task)
        return released

    def run(self) -> None:
        beat = threading.Thread(target=self._beat, name="worker-heartbeat", daemon=True)
        beat.start()
        delay = 1.0
        while self.running:
            try:
                self.release_interrupted()
                return super().run()
            except DATABASE_DOWN as exc:
                logger.warning("database unavailable (%s); worker waits %.0f s and goes on", exc, delay)
                close_old_connections()
                time.sleep(delay)
                delay = min(30.0, delay * 2)

    def _beat(self) -> None:
        while self.running:
            try:
                WorkerHeartbeat.objects.update_or_create(worker_id=self.worker_id, defaults={"seen_at": timezone.now()})
                reap_abandoned_tasks()
                requeue_stalled_reviews()
                forget_old_retry_keys()
            except DATABASE_DOWN:
                logger.warning("worker heartbeat: database unavailable")
            finally:
                close_old_connections()
            time.sleep(settings.WORKER_HEARTBEAT_SECONDS)
