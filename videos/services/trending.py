"""What is trending: hashtags and sounds used by the most public videos published lately.

The lists are the same for everyone (public videos only), so they are computed at most once
per TRENDING_CACHE_SECONDS and shared through the cache; each viewer's visibility rules are
applied when the list is read. One aggregate over the window's videos (index on status and
published_at), however many people ask."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from platform.unavailable import CACHE_DOWN

from ..policies.video import public_videos

logger = logging.getLogger(__name__)

# Ranked longer than any page, so one computation serves every page size.
TRENDING_MAX = 100


def _ranked(relation: str) -> list[tuple[int, int]]:
    """(id, recent public videos) along `relation`, ranked by how many creators used it, then
    by videos: one account posting the same tag on every video cannot take the top."""
    since = timezone.now() - timedelta(days=settings.TRENDING_WINDOW_DAYS)
    recent = public_videos().filter(published_at__gte=since, **{f"{relation}__isnull": False})
    rows = (
        recent.values_list(relation)
        .annotate(creators=Count("author", distinct=True), n=Count("pk"))
        .order_by("-creators", "-n", relation)
        .values_list(relation, "n")
    )
    return [(pk, count) for pk, count in rows[:TRENDING_MAX]]


def _cached(relation: str) -> list[tuple[int, int]]:
    key = f"trending:{relation}:{settings.TRENDING_WINDOW_DAYS}"
    try:
        return cache.get_or_set(key, lambda: _ranked(relation), settings.TRENDING_CACHE_SECONDS)
    except CACHE_DOWN:
        logger.warning("trending lists are computed per request: the cache is unreachable", exc_info=True)
        return _ranked(relation)


def trending_hashtags() -> list[tuple[int, int]]:
    return _cached("hashtags")


def trending_sounds() -> list[tuple[int, int]]:
    return _cached("sound")


def _window() -> str:
    days = settings.TRENDING_WINDOW_DAYS
    return "this week" if days == 7 else "today" if days == 1 else f"in the last {days} days"


def hashtag_reason(count: int) -> str:
    return f"{count:,} new video{'s' if count != 1 else ''} {_window()}."


def sound_reason(count: int) -> str:
    return f"Used in {count:,} new video{'s' if count != 1 else ''} {_window()}."
