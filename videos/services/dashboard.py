"""The videos app's figures for the admin dashboard (feed/dashboard): its review queue, its
reports and its uploads and viewers, each one query over the last `days` days."""

from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from ..models import ModerationDecision, Report

DAYS = 14
HUMAN = (ModerationDecision.Action.APPROVED, ModerationDecision.Action.REJECTED, ModerationDecision.Action.REMOVED)


def last_days(today) -> list:
    """The DAYS days up to `today`, oldest first."""
    return [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]


_REVIEW = """
    WITH held AS (
        SELECT (h.created_at AT TIME ZONE %(tz)s)::date AS day, decided.at - h.created_at AS wait
        FROM videos_moderationdecision h
        LEFT JOIN LATERAL (
            SELECT d.created_at AS at FROM videos_moderationdecision d
            WHERE d.video_id = h.video_id AND d.created_at > h.created_at AND d.action = ANY(%(human)s)
            ORDER BY d.created_at LIMIT 1
        ) decided ON true
        WHERE h.action = 'SENT_TO_REVIEW' AND h.created_at >= %(since)s
    )
    SELECT d.day::date, count(held.day), count(held.wait),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM held.wait) / 3600)
             FILTER (WHERE held.wait IS NOT NULL),
           (SELECT count(*) FROM videos_video WHERE status = 'IN_REVIEW')
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(day)
    LEFT JOIN held ON held.day = d.day::date
    GROUP BY 1 ORDER BY 1
"""


def review() -> dict:
    """Per day: videos held for review, how many of those a moderator has decided and the
    median hours it took; and the backlog now."""
    days = last_days(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(
            _REVIEW,
            {
                "tz": timezone.get_current_timezone_name(),
                "human": list(HUMAN),
                "since": timezone.make_aware(datetime.combine(days[0], time.min)),
                "first": days[0],
                "last": days[-1],
            },
        )
        rows = cursor.fetchall()
    return {
        "labels": [day.isoformat() for day, *_ in rows],
        "held": [held for _, held, *_ in rows],
        "decided": [decided for _, _, decided, *_ in rows],
        "median_hours": [None if hours is None else round(hours, 2) for *_, hours, _ in rows],
        "backlog": rows[-1][-1],
    }


def reports() -> dict:
    """Open reports by reason."""
    counts = dict(
        Report.objects.filter(status=Report.Status.OPEN).values_list("reason").annotate(n=Count("id")).order_by()
    )
    return {
        "labels": [label for value, label in Report.Reason.choices],
        "open": [counts.get(value, 0) for value, _ in Report.Reason.choices],
        "total": sum(counts.values()),
    }


_ACTIVITY = """
    SELECT day::date,
           (SELECT count(*) FROM videos_video v WHERE v.created_at >= starts AND v.created_at < ends),
           (SELECT count(DISTINCT coalesce(w.user_id::text, 's' || w.session_key)) FROM videos_watchevent w
             WHERE w.created_at >= starts AND w.created_at < ends)
    FROM generate_series(%(first)s::timestamp, %(last)s::timestamp, interval '1 day') AS day,
         LATERAL (SELECT day AT TIME ZONE %(tz)s AS starts, (day + interval '1 day') AT TIME ZONE %(tz)s AS ends) bounds
    ORDER BY 1
"""


def activity() -> dict:
    """Uploads per day, and viewers (accounts and anonymous sessions) who watched anything."""
    days = last_days(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVITY, {"tz": timezone.get_current_timezone_name(), "first": days[0], "last": days[-1]})
        rows = cursor.fetchall()
    return {
        "labels": [day.isoformat() for day, _, _ in rows],
        "uploads": [uploads for _, uploads, _ in rows],
        "viewers": [viewers for _, _, viewers in rows],
    }
