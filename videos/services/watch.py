"""Watch events: the strongest signals the feed has. Clients batch them every few seconds,
so a batch is validated with one read and written with one statement; the view and watch
counters on videos are then folded in by the roll-up (services/watch_rollup.py), which
amortises the counter updates over many batches."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_tasks import task

from platform.unavailable import CACHE_DOWN

from ..models import Video, WatchBatch
from ..policies.video import visible_videos

logger = logging.getLogger(__name__)

MAX_BATCH = 1000
MAX_LOOPS = 100
# A single report covering more than this is a broken or lying client.
MAX_WATCHED_MS = 30 * 60 * 1000
# Players report a little past the end (buffering, rounding).
SLACK_MS = 5000
ROLLUP_SCHEDULE_KEY = "watch-rollup-scheduled"


@dataclass(frozen=True)
class WatchEventInput:
    video_id: str | int | None
    watched_ms: int
    completed: bool = False
    loops: int = 0


@dataclass(frozen=True)
class PoolVoter:
    """How a batch counts for traffic pools: one vote per account or anonymous address (`key`),
    and only for the videos the feed served to this session or account (`served`; None when
    that is unknown, e.g. the cache is down: then every video counts)."""

    key: str
    served: set[int] | None


@dataclass(frozen=True)
class RejectedEvent:
    index: int
    reason: str


_INSERT = """
INSERT INTO videos_watchevent (video_id, user_id, session_key, watched_ms, completed, loops, pool_key, created_at)
SELECT video_id, %(user)s, %(session)s, watched_ms, completed, loops, pool_key, now()
FROM unnest(%(video)s::bigint[], %(ms)s::int[], %(completed)s::bool[], %(loops)s::smallint[], %(pool)s::text[])
     AS t(video_id, watched_ms, completed, loops, pool_key)
"""


_CLAIM_BATCH = """
INSERT INTO videos_watchbatch (viewer_key, batch_id, accepted, created_at) VALUES (%s, %s, %s, now())
ON CONFLICT (viewer_key, batch_id) DO NOTHING RETURNING id
"""


def _problem(event: WatchEventInput, duration_ms: int | None) -> str | None:
    if event.watched_ms < 0:
        return "watchedMs cannot be negative."
    if event.loops < 0 or event.loops > MAX_LOOPS:
        return f"loops must be between 0 and {MAX_LOOPS}."
    limit = MAX_WATCHED_MS if not duration_ms else min(MAX_WATCHED_MS, duration_ms * (event.loops + 1) + SLACK_MS)
    if event.watched_ms > limit:
        return f"watchedMs is longer than the video allows ({limit} ms at most)."
    return None


def _durations(viewer, ids: set[int]) -> dict[int, int | None]:
    # One array parameter instead of a thousand: building and planning `IN (%s, %s, ...)`
    # cost more than the look-up itself.
    wanted = RawSQL("SELECT unnest(%s::bigint[])", [sorted(ids)])
    return dict(visible_videos(Video.objects.all(), viewer).filter(pk__in=wanted).values_list("pk", "duration_ms"))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def record_watch_events(
    user, session_key: str, events: list[WatchEventInput], batch_id: str | None = None, voter: PoolVoter | None = None
) -> tuple[int, list[RejectedEvent]]:
    """Validate and store a batch. Each bad event is rejected with a reason; the others are
    kept. Views (once per viewer and video per hour, after 3 s or half of a shorter video)
    and watch time reach the video's counters through the roll-up, within seconds. Traffic
    pools hear only the events `voter` may cast (without one, as this viewer, for every video).

    With a `batch_id` (the client's own, per viewer), a batch is stored once: sent again, it
    answers what it answered the first time and stores nothing."""
    viewer = user if user is not None and user.is_authenticated else None
    if viewer is None and not session_key:
        raise ValidationError("Anonymous viewers need a session (send cookies).", code="invalid")
    if batch_id is not None and not 0 < len(batch_id) <= 64:
        raise ValidationError({"batch_id": ValidationError("Use 1 to 64 characters.", code="invalid")})
    if len(events) > MAX_BATCH:
        raise ValidationError(
            {"events": ValidationError(f"Send at most {MAX_BATCH} events at once.", code="too_large")}
        )
    ids = [_as_int(event.video_id) for event in events]
    durations = _durations(viewer, {pk for pk in ids if pk is not None}) if any(ids) else {}
    if voter is None:
        voter = PoolVoter(f"u:{viewer.pk}" if viewer else f"s:{session_key}", None)
    rows = {"video": [], "ms": [], "completed": [], "loops": [], "pool": []}
    rejected = []
    for index, (pk, event) in enumerate(zip(ids, events, strict=True)):
        if pk not in durations:
            rejected.append(RejectedEvent(index, "No such video."))
        elif reason := _problem(event, durations[pk]):
            rejected.append(RejectedEvent(index, reason))
        else:
            rows["video"].append(pk)
            rows["ms"].append(event.watched_ms)
            rows["completed"].append(bool(event.completed))
            rows["loops"].append(event.loops)
            rows["pool"].append(voter.key if voter.served is None or pk in voter.served else None)
    with transaction.atomic():
        if batch_id is not None:
            viewer_key = f"u:{viewer.pk}" if viewer else f"s:{session_key}"
            # a concurrent copy of this batch waits here for the first to commit, then finds it
            with connection.cursor() as cursor:
                cursor.execute(_CLAIM_BATCH, [viewer_key, batch_id, len(rows["video"])])
                if cursor.fetchone() is None:
                    return WatchBatch.objects.get(viewer_key=viewer_key, batch_id=batch_id).accepted, []
        if rows["video"]:
            params = {**rows, "user": viewer.pk if viewer else None, "session": "" if viewer else session_key}
            with connection.cursor() as cursor:
                cursor.execute(_INSERT, params)
            transaction.on_commit(schedule_rollup)
    return len(rows["video"]), rejected


def schedule_rollup() -> None:
    """Queue a roll-up unless one was queued in the last second: under load, one roll-up
    folds in the batches of many requests. It runs once these events have settled (see
    watch_rollup), so a lone batch is counted within seconds, not whenever more arrive."""
    try:
        first_in_a_while = cache.add(ROLLUP_SCHEDULE_KEY, 1, timeout=1)
    except CACHE_DOWN:  # runs after commit: the events are stored, so never fail the request now
        logger.warning("the cache is unreachable: queueing a roll-up without debouncing")
        first_in_a_while = True
    if first_in_a_while:
        enqueue_after_settling(roll_up_watch_events)


def enqueue_after_settling(task) -> None:
    """Enqueue `task` to run once events written now have settled, where the queue can defer
    (the database queue can; the in-request one used by tests runs it at once)."""
    if task.get_backend().supports_defer:
        wait = timedelta(seconds=settings.WATCH_ROLLUP_SETTLE_SECONDS + 0.5)
        task.using(run_after=timezone.now() + wait).enqueue()
    else:
        task.enqueue()


@task()
def roll_up_watch_events() -> int:
    """Fold new watch events into video counters; returns how many events were counted. Events
    that had not settled yet get a roll-up of their own, so a quiet platform ends caught up."""
    from .watch_rollup import roll_up, unsettled_remain

    counted = roll_up()
    if unsettled_remain() and roll_up_watch_events.get_backend().supports_defer:
        enqueue_after_settling(roll_up_watch_events)
    return counted
