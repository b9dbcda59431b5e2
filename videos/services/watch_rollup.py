"""Fold new watch events into the videos' counters: views (once per viewer, video and hour),
completions, rewatches, watch time and impressions, then tell whoever listens (the feed's
traffic pools) what each video's pool heard.

Impressions are pool votes: a report of watching (any length) of a video the feed served to
that session or account (videos.services.served), once per voter, video and hour, and at most
IMPRESSIONS_PER_VIEWER_HOUR per voter and hour. A voter is an account, or for anonymous
viewers their address: fresh sessions are free to make, so they cannot outvote viewers. The
pool's completions and rewatches are counted the same way, once per voter and hour.

Events are taken in id order past a watermark, and only once they are `settle_seconds` old:
ids are handed out before a transaction commits, so a fresh gap may still fill in. Ingestion
transactions last milliseconds, so a couple of seconds is a wide margin."""

import json

from django.conf import settings
from django.db import connection, transaction

from platform.events import announce

from ..events import ImpressionsCounted, PoolVotes
from ..models import WatchEvent, WatchRollup

_ROLL_UP = """
WITH ev AS (
    SELECT e.id, e.video_id, e.user_id, e.session_key, e.watched_ms, e.completed, e.loops, e.pool_key,
           e.created_at, v.duration_ms
    FROM videos_watchevent e JOIN videos_video v ON v.id = e.video_id
    WHERE e.id > %(after)s
      -- stop at the first event that has not settled: a later id may have committed first
      AND e.id < coalesce(
          (SELECT min(id) FROM videos_watchevent
           WHERE id > %(after)s AND created_at >= clock_timestamp() - make_interval(secs => %(settle)s)),
          9223372036854775807)
    ORDER BY e.id
    LIMIT %(chunk)s
), keyed AS (
    SELECT ev.*, CASE WHEN user_id IS NULL THEN 's:' || session_key ELSE 'u:' || user_id END AS viewer_key,
           date_trunc('hour', created_at) AS hour
    FROM ev
), counted AS (
    INSERT INTO videos_videoview (viewer_key, video_id, hour)
    SELECT DISTINCT viewer_key, video_id, hour
    FROM keyed
    WHERE completed OR watched_ms >= least(%(view_after_ms)s, coalesce(duration_ms, 2 * %(view_after_ms)s) / 2)
    ON CONFLICT DO NOTHING
    RETURNING video_id
), votes AS (
    -- what each pool voter (an account, or an anonymous address) reported this hour of a video
    -- the feed served them: sessions cannot outvote viewers
    SELECT pool_key, hour, video_id, bool_or(completed) AS completed, bool_or(loops > 0) AS rewatched
    FROM keyed WHERE pool_key IS NOT NULL
    GROUP BY pool_key, hour, video_id
), known AS (
    SELECT v.*, i.completed AS was_completed, i.rewatched AS was_rewatched
    FROM votes v JOIN videos_videoimpression i
      ON i.viewer_key = v.pool_key AND i.hour = v.hour AND i.video_id = v.video_id
), shown AS (
    SELECT v.* FROM votes v
    WHERE NOT EXISTS (SELECT 1 FROM known k
                      WHERE k.pool_key = v.pool_key AND k.hour = v.hour AND k.video_id = v.video_id)
), ranked AS (
    -- a voter's impressions this hour: those already counted, then these in order
    SELECT s.*, row_number() OVER (PARTITION BY s.pool_key, s.hour ORDER BY s.video_id)
                + (SELECT count(*) FROM videos_videoimpression i
                   WHERE i.viewer_key = s.pool_key AND i.hour = s.hour) AS n
    FROM shown s
), impressed AS (
    INSERT INTO videos_videoimpression (viewer_key, hour, video_id, completed, rewatched)
    SELECT pool_key, hour, video_id, completed, rewatched FROM ranked WHERE n <= %(impression_cap)s
    ON CONFLICT DO NOTHING
    RETURNING video_id, completed, rewatched
), responded AS (
    -- a voter already counted this hour who now finished or rewatched it: once each
    UPDATE videos_videoimpression i
    SET completed = i.completed OR k.completed, rewatched = i.rewatched OR k.rewatched
    FROM known k
    WHERE i.viewer_key = k.pool_key AND i.hour = k.hour AND i.video_id = k.video_id
      AND ((k.completed AND NOT k.was_completed) OR (k.rewatched AND NOT k.was_rewatched))
    RETURNING i.video_id, k.completed AND NOT k.was_completed AS completed,
              k.rewatched AND NOT k.was_rewatched AS rewatched
), pools AS (
    SELECT video_id, count(*) FILTER (WHERE impression) AS impressions,
           count(*) FILTER (WHERE completed) AS completions, count(*) FILTER (WHERE rewatched) AS rewatches
    FROM (SELECT video_id, true AS impression, completed, rewatched FROM impressed
          UNION ALL SELECT video_id, false, completed, rewatched FROM responded) votes_counted
    GROUP BY video_id
), totals AS (
    SELECT ev.video_id, sum(watched_ms) AS ms, count(*) FILTER (WHERE completed) AS completions,
           count(*) FILTER (WHERE loops > 0) AS rewatches, coalesce(max(views.n), 0) AS views,
           coalesce(max(pools.impressions), 0) AS impressions
    FROM ev
    LEFT JOIN (SELECT video_id, count(*) AS n FROM counted GROUP BY video_id) views USING (video_id)
    LEFT JOIN pools USING (video_id)
    GROUP BY ev.video_id
), bumped AS (
    UPDATE videos_video v SET
        view_count = v.view_count + t.views,
        completion_count = v.completion_count + t.completions,
        rewatch_count = v.rewatch_count + t.rewatches,
        watch_time_ms = v.watch_time_ms + t.ms,
        impression_count = v.impression_count + t.impressions
    FROM totals t
    WHERE v.id = t.video_id
)
SELECT count(*), max(id),
       (SELECT json_object_agg(video_id, json_build_array(impressions, completions, rewatches)) FROM pools)
FROM ev
"""

# Impressions only need to be remembered for the hour they are counted in.
_FORGET_OLD_IMPRESSIONS = (
    "DELETE FROM videos_videoimpression WHERE hour < date_trunc('hour', now()) - interval '1 hour'"
)


def unsettled_remain() -> bool:
    """Whether events past the watermark are waiting (written too recently to count yet)."""
    mark = WatchRollup.objects.filter(pk=1).values_list("last_event_id", flat=True).first() or 0
    return WatchEvent.objects.filter(pk__gt=mark).exists()


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
                        "impression_cap": settings.IMPRESSIONS_PER_VIEWER_HOUR,
                    },
                )
                count, last_id, votes = cursor.fetchone()
                if count:
                    cursor.execute(_FORGET_OLD_IMPRESSIONS)
            if not count:
                return total
            mark.last_event_id = last_id
            mark.save(update_fields=["last_event_id", "updated_at"])
            total += count
        if votes:
            gained = {
                int(pk): PoolVotes(*figures)
                for pk, figures in (json.loads(votes) if isinstance(votes, str) else votes).items()
            }
            announce(ImpressionsCounted(votes=gained))
