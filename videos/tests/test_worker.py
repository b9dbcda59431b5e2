"""Tasks survive their worker: a task whose worker went silent is taken up again, a bounded number
of times, and a video whose review never finishes goes to the moderators with the reason."""

import signal
import time

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from platform.models import WorkerHeartbeat
from platform.tests.live_server import scratch_database_url, start_worker
from platform.worker import ResilientWorker, reap_abandoned_tasks
from videos.models import ModerationDecision, Video
from videos.services.pipeline import review_video
from videos.task_recovery import requeue_stalled_reviews

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued_review(settings, creator):
    settings.TASKS = DATABASE_QUEUE
    video = Video.objects.create(author=creator, file="videos/test/x.mp4")
    task = DBTaskResult.objects.get(id=review_video.enqueue(video.pk).id)
    return video, task


def claimed(task, *workers):
    for worker in workers:
        task.claim(worker)
    return task


@pytest.mark.django_db
def test_a_task_whose_worker_went_silent_is_taken_up_again(queued_review, settings):
    _, task = queued_review
    claimed(task, "gone")
    WorkerHeartbeat.objects.create(worker_id="gone", seen_at=timezone.now() - timezone.timedelta(seconds=600))
    assert reap_abandoned_tasks() == (1, 0)
    task.refresh_from_db()
    assert task.status == "READY"


@pytest.mark.django_db
def test_a_task_whose_worker_is_alive_is_left_alone(queued_review):
    _, task = queued_review
    claimed(task, "busy")
    WorkerHeartbeat.objects.create(worker_id="busy", seen_at=timezone.now())
    assert reap_abandoned_tasks() == (0, 0)
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db
def test_after_the_last_attempt_the_video_goes_to_the_moderators_once(queued_review, settings):
    video, task = queued_review
    claimed(task, *(f"worker{i}" for i in range(settings.WORKER_MAX_ATTEMPTS)))
    assert reap_abandoned_tasks() == (0, 1)
    assert reap_abandoned_tasks() == (0, 0)
    task.refresh_from_db()
    video.refresh_from_db()
    assert task.status == "FAILED"
    assert video.status == "IN_REVIEW" and "stopped 3 times" in video.rejection_reasons[0]
    assert ModerationDecision.objects.filter(video=video, action="SENT_TO_REVIEW").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.live
def test_a_review_whose_worker_is_killed_is_finished_by_the_next(video_library, settings, tmp_path):
    """kill -9 the worker in the middle of a review (a fresh worker's first review takes half a
    second or more: it starts the media sandbox), and another worker takes it up and decides."""
    from django.core.files import File

    settings.TASKS = DATABASE_QUEUE
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    author = make_user("author")
    video = Video(author=author)
    with open(video_library["good"], "rb") as handle:
        video.file.save("good.mp4", File(handle), save=True)

    def start():
        return start_worker(
            scratch_database_url(), MEDIA_ROOT=str(media), WORKER_LEASE_SECONDS="3", WORKER_HEARTBEAT_SECONDS="1"
        )

    first = start()
    try:
        time.sleep(2)  # polling by now
        task_id = review_video.enqueue(video.pk).id
        deadline = time.monotonic() + 20
        while DBTaskResult.objects.get(id=task_id).status == "READY" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert DBTaskResult.objects.get(id=task_id).status == "RUNNING"
        first.send_signal(signal.SIGKILL)
        first.wait()
        video.refresh_from_db()
        assert video.status == "PROCESSING"  # killed mid-review
    finally:
        first.kill()
    second = start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            video.refresh_from_db()
            if video.status != "PROCESSING":
                break
            time.sleep(0.2)
        assert video.status == "PUBLISHED", video.rejection_reasons
        assert DBTaskResult.objects.get(id=task_id).worker_ids[-1] != DBTaskResult.objects.get(id=task_id).worker_ids[0]
        assert ModerationDecision.objects.filter(video=video).count() == 1
    finally:
        second.terminate()
        second.wait(timeout=10)


@pytest.fixture
def stalled_upload(settings, creator):
    """A video an hour into PROCESSING: its review was never queued, or died with an outage."""
    settings.TASKS = DATABASE_QUEUE
    settings.REVIEW_STALL_SECONDS = 60
    video = Video.objects.create(author=creator, file="videos/test/x.mp4")
    Video.objects.filter(pk=video.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
    return video


def review_tasks(video):
    return DBTaskResult.objects.filter(task_path__endswith=".review_video", args_kwargs__args__0=video.pk)


@pytest.mark.django_db
def test_a_video_whose_review_was_lost_is_reviewed_again(stalled_upload):
    assert requeue_stalled_reviews() == (1, 0)
    assert [task.status for task in review_tasks(stalled_upload)] == ["READY"]
    assert requeue_stalled_reviews() == (0, 0)  # queued: nothing more to do


@pytest.mark.django_db
def test_a_fresh_upload_is_left_to_its_review(creator, settings):
    settings.TASKS = DATABASE_QUEUE
    Video.objects.create(author=creator, file="videos/test/x.mp4")
    assert requeue_stalled_reviews() == (0, 0)


@pytest.mark.django_db
def test_a_video_whose_reviews_keep_failing_goes_to_the_moderators(stalled_upload, settings):
    for _ in range(settings.WORKER_MAX_ATTEMPTS):
        task = DBTaskResult.objects.get(id=review_video.enqueue(stalled_upload.pk).id)
        task.claim("w")
        task.set_failed(RuntimeError("the database went away"))
    assert requeue_stalled_reviews() == (0, 1)
    stalled_upload.refresh_from_db()
    assert stalled_upload.status == Video.Status.IN_REVIEW
    assert "failed 3 times" in stalled_upload.rejection_reasons[0]


@task()
def meets_an_outage() -> None:
    raise OperationalError("server closed the connection unexpectedly")


@task()
def fails_by_itself() -> None:
    raise ValueError("a bug of the task's own")


def worker(worker_id: str = "w1") -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_claimed(task_function, settings) -> DBTaskResult:
    settings.TASKS = DATABASE_QUEUE
    result = DBTaskResult.objects.get(id=task_function.enqueue().id)
    result.claim("w1")
    worker().run_task(result)
    result.refresh_from_db()
    return result


@pytest.mark.django_db
def test_a_task_the_database_failed_is_queued_again_at_once(settings):
    assert run_claimed(meets_an_outage, settings).status == "READY"


@pytest.mark.django_db
def test_a_task_that_fails_by_itself_stays_failed(settings):
    assert run_claimed(fails_by_itself, settings).status == "FAILED"


@pytest.mark.django_db
def test_tasks_a_worker_was_running_when_the_database_went_away_are_released_by_it(queued_review, settings):
    _, mine = queued_review
    claimed(mine, "w1")
    theirs = claimed(DBTaskResult.objects.get(id=review_video.enqueue(mine.args_kwargs["args"][0]).id), "w2")
    assert worker("w1").release_interrupted() == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("READY", "RUNNING")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old_path",
    [
        "videos.tasks.review_video",
        "videos.tasks.purge_discarded_media",
        "videos.tasks.encode_renditions",
        "videos.tasks.make_cover",
        "videos.tasks.roll_up_watch_events",
        "accounts.tasks.purge_account",
        "accounts.tasks.send_account_email",
        "accounts.tasks.build_data_export",
    ],
)
def test_a_task_queued_under_its_old_path_still_runs(old_path, settings):
    """Tasks moved beside their services (issue #23); rows queued before a deploy keep the
    path they were queued under, and the worker must still find the task it names."""
    settings.TASKS = DATABASE_QUEUE
    from django.utils.module_loading import import_string

    moved = import_string(old_path)
    result = DBTaskResult.objects.get(id=fails_by_itself.enqueue().id)
    DBTaskResult.objects.filter(pk=result.pk).update(task_path=old_path)
    result.refresh_from_db()
    assert result.task.func is moved.func and result.task.name == old_path.rsplit(".", 1)[1]
