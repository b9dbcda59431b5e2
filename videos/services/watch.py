"""Watch events: the strongest signals the feed has. Clients batch them every few seconds,
so a batch is validated with one read and written with one statement."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from ..models import Video

MAX_BATCH = 1000
MAX_LOOPS = 100
# A single report covering more than this is a broken or lying client.
MAX_WATCHED_MS = 30 * 60 * 1000
# Players report a little past the end (buffering, rounding).
SLACK_MS = 5000
VIEW_AFTER_MS = 3000


@dataclass(frozen=True)
class WatchEventInput:
    video_id: str | int
    watched_ms: int
    completed: bool = False
    loops: int = 0


@dataclass(frozen=True)
class RejectedEvent:
    index: int
    reason: str


_WRITE = """
WITH ev AS (
    SELECT * FROM unnest(%(video)s::bigint[], %(ms)s::int[], %(completed)s::bool[], %(loops)s::smallint[],
                         %(is_view)s::bool[]) AS t(video_id, watched_ms, completed, loops, is_view)
), written AS (
    INSERT INTO videos_watchevent (video_id, user_id, session_key, watched_ms, completed, loops, created_at)
    SELECT video_id, %(user)s, %(session)s, watched_ms, completed, loops, now() FROM ev
), counted AS (
    INSERT INTO videos_videoview (viewer_key, video_id, hour)
    SELECT DISTINCT %(viewer_key)s, video_id, date_trunc('hour', now()) FROM ev WHERE is_view
    ON CONFLICT DO NOTHING
    RETURNING video_id
), totals AS (
    SELECT video_id, sum(watched_ms) AS ms, count(*) FILTER (WHERE completed) AS completions,
           count(*) FILTER (WHERE loops > 0) AS rewatches
    FROM ev GROUP BY video_id
), locked AS (
    -- lock the counted videos in id order, so concurrent batches cannot deadlock
    SELECT id FROM videos_video WHERE id IN (SELECT video_id FROM totals) ORDER BY id FOR UPDATE
)
UPDATE videos_video v SET
    view_count = v.view_count + (SELECT count(*) FROM counted c WHERE c.video_id = v.id),
    completion_count = v.completion_count + t.completions,
    rewatch_count = v.rewatch_count + t.rewatches,
    watch_time_ms = v.watch_time_ms + t.ms
FROM totals t JOIN locked l ON l.id = t.video_id
WHERE v.id = t.video_id
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


def record_watch_events(user, session_key: str, events: list[WatchEventInput]) -> tuple[int, list[RejectedEvent]]:
    """Validate and store a batch. Each bad event is rejected with a reason; the others are
    kept. A view is counted once per viewer and video per hour, after 3 s of watching or half
    of a shorter video."""
    viewer = user if user is not None and user.is_authenticated else None
    if viewer is None and not session_key:
        raise ValidationError("Anonymous viewers need a session (send cookies).", code="invalid")
    if len(events) > MAX_BATCH:
        raise ValidationError(
            {"events": ValidationError(f"Send at most {MAX_BATCH} events at once.", code="too_large")}
        )
    ids = {}
    for event in events:
        try:
            ids[event.video_id] = int(event.video_id)
        except (TypeError, ValueError):
            ids[event.video_id] = None
    durations = dict(
        Video.objects.visible_to(viewer)
        .filter(pk__in=[pk for pk in ids.values() if pk is not None])
        .values_list("pk", "duration_ms")
    )
    rows = {"video": [], "ms": [], "completed": [], "loops": [], "is_view": []}
    rejected = []
    for index, event in enumerate(events):
        pk = ids[event.video_id]
        if pk not in durations:
            rejected.append(RejectedEvent(index, "No such video."))
            continue
        duration_ms = durations[pk]
        if reason := _problem(event, duration_ms):
            rejected.append(RejectedEvent(index, reason))
            continue
        threshold = min(VIEW_AFTER_MS, duration_ms // 2) if duration_ms else VIEW_AFTER_MS
        rows["video"].append(pk)
        rows["ms"].append(event.watched_ms)
        rows["completed"].append(bool(event.completed))
        rows["loops"].append(event.loops)
        rows["is_view"].append(event.watched_ms >= threshold or bool(event.completed))
    if rows["video"]:
        params = {
            **rows,
            "user": viewer.pk if viewer else None,
            "session": "" if viewer else session_key,
            "viewer_key": f"u:{viewer.pk}" if viewer else f"s:{session_key}",
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_WRITE, params)
    return len(rows["video"]), rejected
