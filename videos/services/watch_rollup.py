"""Fold new watch events into the videos' counters: views (once per viewer, video and hour),
completions, rewatches and watch time.

Events are taken in id order past a watermark, and only once they are `settle_seconds` old:
ids are handed out before a transaction commits, so a fresh gap may still fill in. Ingestion
transactions last milliseconds, so a couple of seconds is a wide margin."""

from django.conf import settings
from django.db import connection, transaction

from ..models import WatchRollup

_ROLL_UP = """
WITH ev AS (
    SELECT e.id, e.video_id, e.user_id, e.session_key, e.watched_ms, e.completed, e.loops, e.created_at,
           v.duration_ms
    FROM videos_watchevent e JOIN videos_video v ON v.id = e.video_id
    WHERE e.id > %(after)s
      -- stop at the first event that has not settled: a later id may have committed first
      AND e.id < coalesce(
          (SELECT min(id) FROM videos_watchevent
           WHERE id > %(after)s AND created_at >= clock_timestamp() - make_interval(secs => %(settle)s)),
          9223372036854775807)
    ORDER BY e.id
    LIMIT %(chunk)s
), counted AS (
    INSERT INTO videos_videoview (viewer_key, video_id, hour)
    SELECT DISTINCT CASE WHEN user_id IS NULL THEN 's:' || session_key ELSE 'u:' || user_id END,
           video_id, date_trunc('hour', created_at)
    FROM ev
    WHERE completed OR watched_ms >= least(%(view_after_ms)s, coalesce(duration_ms, 2 * %(view_after_ms)s) / 2)
    ON CONFLICT DO NOTHING
    RETURNING video_id
), totals AS (
    SELECT ev.video_id, sum(watched_ms) AS ms, count(*) FILTER (WHERE completed) AS completions,
           count(*) FILTER (WHERE loops > 0) AS rewatches, coalesce(max(views.n), 0) AS views
    FROM ev LEFT JOIN (SELECT video_id, count(*) AS n FROM counted GROUP BY video_id) views USING (video_id)
    GROUP BY ev.video_id
), bumped AS (
    UPDATE videos_video v SET
        view_count = v.view_count + t.views,
        completion_count = v.completion_count + t.completions,
        rewatch_count = v.rewatch_count + t.rewatches,
        watch_time_ms = v.watch_time_ms + t.ms
    FROM totals t
    WHERE v.id = t.video_id
)
SELECT count(*), max(id) FROM ev
"""


def roll_up(*, settle_seconds: float | None = None, chunk: int = 20_000) -> int:
    """Fold in every settled event not yet counted; returns how many. Concurrent roll-ups
    wait for each other on the watermark row, so nothing is counted twice."""
    settle = settings.WATCH_ROLLUP_SETTLE_SECONDS if settle_seconds is None else settle_seconds
    total = 0
    while True:
        with transaction.atomic():
            mark, _ = WatchRollup.objects.select_for_update().get_or_create(pk=1)
            with connection.cursor() as cursor:
                cursor.execute(
                    _ROLL_UP,
                    {
                        "after": mark.last_event_id,
                        "settle": settle,
                        "chunk": chunk,
                        "view_after_ms": settings.VIEW_AFTER_MS,
                    },
                )
                count, last_id = cursor.fetchone()
            if not count:
                return total
            mark.last_event_id = last_id
            mark.save(update_fields=["last_event_id", "updated_at"])
            total += count
