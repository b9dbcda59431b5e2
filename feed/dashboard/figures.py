"""The admin dashboard's figures (issue #25): one query per chart, over the last DAYS days, each
kept in the cache for DASHBOARD_CACHE_SECONDS, so a room of moderators watching it costs the
database one round of queries a minute."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from videos.models import ModerationDecision, Report

from ..models import FeedServeDay, FeedSettings, VideoDistribution

DAYS = 14
HUMAN = (ModerationDecision.Action.APPROVED, ModerationDecision.Action.REJECTED, ModerationDecision.Action.REMOVED)


def _days(today) -> list:
    return [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]


def cached(name: str):
    def wrap(compute):
        def figures():
            return cache.get_or_set(f"dashboard:{name}", compute, settings.DASHBOARD_CACHE_SECONDS)

        figures.compute = compute
        return figures

    return wrap


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


@cached("review")
def review() -> dict:
    """Per day: videos held for review, how many of those a moderator has decided and the
    median hours it took; and the backlog now."""
    days = _days(timezone.localdate())
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


@cached("reports")
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


@cached("activity")
def activity() -> dict:
    """Uploads per day, and viewers (accounts and anonymous sessions) who watched anything."""
    days = _days(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVITY, {"tz": timezone.get_current_timezone_name(), "first": days[0], "last": days[-1]})
        rows = cursor.fetchall()
    return {
        "labels": [day.isoformat() for day, _, _ in rows],
        "uploads": [uploads for _, uploads, _ in rows],
        "viewers": [viewers for _, _, viewers in rows],
    }


@cached("feed_shares")
def feed_shares() -> dict:
    """For You's exploration share of picks and brand share of algorithmic picks per day, and
    the knobs that steer them."""
    today = timezone.localdate()
    rows = {row.day: row for row in FeedServeDay.objects.filter(day__gte=_days(today)[0])}
    knobs = FeedSettings.objects.current()

    def share(day, part: str, whole: str):
        row = rows.get(day)
        return round(getattr(row, part) / getattr(row, whole), 4) if row and getattr(row, whole) else None

    days = _days(today)
    return {
        "labels": [d.isoformat() for d in days],
        "exploration": [share(d, "exploration", "picks") for d in days],
        "brand": [share(d, "brand", "algorithmic") for d in days],
        "pages": [rows[d].pages if d in rows else 0 for d in days],
        "exploration_setting": knobs.exploration_share,
        "brand_factor": knobs.brand_factor,
    }


@cached("funnel")
def funnel() -> dict:
    """How many videos reached each traffic pool, and how many passed them all."""
    sizes = FeedSettings.objects.current().sizes()
    counted = VideoDistribution.objects.aggregate(
        **{f"pool{n}": Count("pk", filter=Q(pool__gte=n)) for n in range(1, len(sizes) + 1)},
        graduated=Count("pk", filter=Q(status=VideoDistribution.Status.GRADUATED)),
    )
    return {
        "labels": [f"pool {n} ({size:,} views)" for n, size in enumerate(sizes, start=1)] + ["passed every pool"],
        "videos": [counted[f"pool{n}"] for n in range(1, len(sizes) + 1)] + [counted["graduated"]],
    }


CHARTS = {"review": review, "reports": reports, "activity": activity, "feed_shares": feed_shares, "funnel": funnel}


def all_figures() -> dict:
    return {name: figures() for name, figures in CHARTS.items()}
