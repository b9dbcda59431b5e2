"""The task worker, made to survive what kills django-tasks-db's own: its process dying in the
middle of a task, and the database going away.

django-tasks-db 0.13.0 (pinned) marks a task RUNNING when a worker claims it and nothing ever
looks at it again, so a worker killed mid-task left it RUNNING forever; and any database error
other than a lock ends its loop, so the worker exited with PostgreSQL. This module subclasses
its ``Worker`` (platform/library_internals.py lists it; ``videos/tests/test_worker.py`` fails if
an upgrade moves what it relies on):

- every worker beats a heart (``WorkerHeartbeat``) every WORKER_HEARTBEAT_SECONDS from a thread
  of its own, and reaps: a RUNNING task whose last worker has been silent for
  WORKER_LEASE_SECONDS goes back to READY, until it has been tried WORKER_MAX_ATTEMPTS times;
  then it is marked failed, and the app that owns the task is told (`when_given_up`: a video
  whose review never finishes goes to the moderators' queue);
- the claim-and-run loop waits out a database outage (backing off up to 30 s) and goes on;
  a task that failed because PostgreSQL went away, or whose failure could not even be
  recorded, is queued again at once (within the attempts) rather than left failed or RUNNING;
- on each beat the sweeps the apps registered run (`every_beat`): the kernel's forgets
  idempotency keys no client retries any more; videos' takes up reviews lost to an outage.

Tasks are idempotent, so running one again is safe."""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import IdempotentRequest, WorkerHeartbeat
from .unavailable import DATABASE_DOWN

logger = logging.getLogger(__name__)

_sweeps: list[Callable[[], object]] = []
_given_up: dict[str, Callable[[DBTaskResult], None]] = {}


def every_beat(sweep: Callable[[], object]) -> Callable[[], object]:
    """Run `sweep` on every worker heartbeat (housekeeping that must happen even when nobody
    asks: it should be cheap, idempotent, and safe to run in several workers at once)."""
    if sweep not in _sweeps:
        _sweeps.append(sweep)
    return sweep


def when_given_up(task_path_suffix: str) -> Callable:
    """Decorate what to do when a task whose path ends so is given up (its worker stopped
    WORKER_MAX_ATTEMPTS times): the task's own app knows what its failure leaves behind."""

    def register(handler: Callable[[DBTaskResult], None]) -> Callable[[DBTaskResult], None]:
        _given_up[task_path_suffix] = handler
        return handler

    return register


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


def _give_up(task: DBTaskResult) -> None:
    for suffix, handler in _given_up.items():
        if task.task_path.endswith(suffix):
            handler(task)


@every_beat
def forget_old_retry_keys(now=None) -> int:
    """Idempotency keys past IDEMPOTENCY_KEY_HOURS: no client retries that late."""
    cutoff = (now or timezone.now()) - timezone.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    return IdempotentRequest.forget_before(cutoff)


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
                for sweep in list(_sweeps):
                    sweep()
            except DATABASE_DOWN:
                logger.warning("worker heartbeat: database unavailable")
            finally:
                close_old_connections()
            time.sleep(settings.WORKER_HEARTBEAT_SECONDS)
