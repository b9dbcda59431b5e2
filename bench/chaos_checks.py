"""The end of bench/chaos.py: wait for the platform to settle, then compare every counter with
the rows it counts and every write the server accepted with what the database holds."""

import time

from strawberry import relay

SETTLE_SECONDS = 90


def _settled() -> bool:
    from django.db.models import Max
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from videos.models import Video, WatchEvent, WatchRollup

    busy = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()
    processing = Video.objects.filter(status=Video.Status.PROCESSING).exists()
    newest = WatchEvent.objects.aggregate(newest=Max("id"))["newest"] or 0
    mark = WatchRollup.objects.filter(pk=1).values_list("last_event_id", flat=True).first() or 0
    return not busy and not processing and mark >= newest


def settle() -> float:
    """Seconds until no task is waiting or running, no upload is in review and every watch event
    is rolled up (or SETTLE_SECONDS, when something is stuck)."""
    from django.db import connections

    connections.close_all()  # this process's connection died with PostgreSQL's restart
    start = time.monotonic()
    while time.monotonic() - start < SETTLE_SECONDS and not _settled():
        time.sleep(0.5)
    return time.monotonic() - start


def _pk(global_id: str) -> int:
    return int(relay.from_base64(global_id)[1])


def _per_video(pairs) -> dict:
    counts = {}
    for video in pairs:
        counts[video] = counts.get(video, 0) + 1
    return counts


def check_everything(ledger, videos) -> int:
    from django.db.models import Count, Sum

    from videos.models import Comment, Heart, Video, VideoView, WatchEvent

    waited = settle()
    pks = [pk for pk, _ in videos]
    stored = {v.pk: v for v in Video.objects.filter(pk__in=pks)}
    rows = {
        "comments": dict(Comment.objects.filter(video__in=pks).values_list("video").annotate(n=Count("id"))),
        "hearts": dict(Heart.objects.filter(video__in=pks).values_list("video").annotate(n=Count("id"))),
        "views": dict(VideoView.objects.filter(video__in=pks).values_list("video").annotate(n=Count("id"))),
        "watch_ms": dict(WatchEvent.objects.filter(video__in=pks).values_list("video").annotate(n=Sum("watched_ms"))),
    }
    accepted_comments = {_pk(comment) for _, comment in ledger.comments.values()}
    hearted = set(Heart.objects.filter(video__in=pks).values_list("user", "video"))
    known_hearts = {pair: state for pair, state in ledger.hearts.items() if state is not None}
    uploads = [_pk(video) for video in ledger.uploads.values()]
    checks = [
        ("every accepted comment stored", accepted_comments <= set(Comment.objects.values_list("id", flat=True))),
        ("one comment per idempotency key", Comment.objects.filter(video__in=pks).count() == len(ledger.comments)),
        ("comment counters = rows", all(v.comment_count == rows["comments"].get(pk, 0) for pk, v in stored.items())),
        ("heart counters = rows", all(v.heart_count == rows["hearts"].get(pk, 0) for pk, v in stored.items())),
        ("each heart as its phone left it", all((pair in hearted) == state for pair, state in known_hearts.items())),
        (
            "share counters = accepted shares",
            all(v.share_count == _per_video(ledger.shares.values()).get(pk, 0) for pk, v in stored.items()),
        ),
        ("watch events stored once per batch", WatchEvent.objects.count() == sum(ledger.batches.values())),
        ("view counters = counted views", all(v.view_count == rows["views"].get(pk, 0) for pk, v in stored.items())),
        (
            "watch time = events' sum",
            all(v.watch_time_ms == (rows["watch_ms"].get(pk) or 0) for pk, v in stored.items()),
        ),
        ("one video per upload key", Video.objects.filter(caption="chaos upload").count() == len(ledger.uploads)),
        (
            "no upload stuck in review",
            not Video.objects.filter(pk__in=uploads, status=Video.Status.PROCESSING).exists(),
        ),
        ("nothing stuck (tasks, roll-up)", _settled()),
        ("live: only committed comments delivered", {_pk(c) for c in ledger.delivered_ids} <= accepted_comments),
    ]
    print(
        f"\nsettled in {waited:.1f} s; {len(ledger.comments)} comments, {len(ledger.shares)} shares, "
        f"{sum(ledger.batches.values())} watch events, {len(known_hearts)} hearts, {len(uploads)} uploads accepted"
    )
    for name, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not _settled():
        _show_what_is_stuck()
    return sum(not ok for _, ok in checks)


def _show_what_is_stuck() -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from platform.models import WorkerHeartbeat
    from videos.models import Video

    unfinished = DBTaskResult.objects.exclude(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
    for task in unfinished:
        print(f"    task {task.task_path} {task.status} workers={task.worker_ids} args={task.args_kwargs}")
    for video in Video.objects.filter(status="PROCESSING"):
        print(f"    video {video.pk} PROCESSING since {video.created_at:%H:%M:%S}")
        for task in DBTaskResult.objects.filter(args_kwargs__args__0=video.pk):
            print(f"      its task {task.task_path} {task.status} workers={task.worker_ids}")
    for beat in WorkerHeartbeat.objects.all():
        print(f"    worker {beat.worker_id} last seen {beat.seen_at:%H:%M:%S}")
