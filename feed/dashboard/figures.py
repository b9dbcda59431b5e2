"""The admin dashboard's figures (issue #25): one query per chart, over the last DAYS days (the
videos app computes those about its own tables: videos/services/dashboard.py), each kept in the
cache for DASHBOARD_CACHE_SECONDS, so a room of moderators watching it costs the
database one round of queries a minute."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from videos.services import dashboard
from videos.services.dashboard import last_days

from ..models import FeedServeDay, FeedSettings, VideoDistribution

DAYS = dashboard.DAYS


def cached(name: str):
    def wrap(compute):
        def figures():
            return cache.get_or_set(f"dashboard:{name}", compute, settings.DASHBOARD_CACHE_SECONDS)

        figures.compute = compute
        return figures

    return wrap


review = cached("review")(dashboard.review)
reports = cached("reports")(dashboard.reports)
activity = cached("activity")(dashboard.activity)


@cached("feed_shares")
def feed_shares() -> dict:
    """For You's exploration share of picks and brand share of algorithmic picks per day, and
    the knobs that steer them."""
    today = timezone.localdate()
    rows = {row.day: row for row in FeedServeDay.objects.filter(day__gte=last_days(today)[0])}
    knobs = FeedSettings.objects.current()

    def share(day, part: str, whole: str):
        row = rows.get(day)
        return round(getattr(row, part) / getattr(row, whole), 4) if row and getattr(row, whole) else None

    days = last_days(today)
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
