"""Candidate lists every viewer shares: trending, popular, fresh and on-trial public videos.

They do not depend on who is asking, so each server process computes them once every
FEED_SHARED_LISTS_SECONDS with indexed queries and every request filters them in memory (what
the viewer saw, hearted, dismissed or reported; accounts across a block; their own videos).
They are read from the replica whenever it is healthy, whoever's request (or background
refresh) asks: lists up to half a minute old can be a replica's lag old too, and a replica that
fails under the read sends it to the primary."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import Q
from django.utils import timezone

from platform import replica
from videos.policies.video import public_videos

from ..models import VideoDistribution

TRENDING_WINDOW = timedelta(hours=48)
FRESH_WINDOW = timedelta(days=14)
FIELDS = (
    "pk",
    "author_id",
    "author__username",
    "author__kind",
    "sound_id",
    "published_at",
    "is_original",
    "view_count",
    "completion_count",
    "rewatch_count",
    "heart_count",
    "impression_count",
    "comment_count",
    "share_count",
    "watch_time_ms",
    "duration_ms",
    "caption",
)

_shared: dict[str, object] = {"at": -1e9, "lists": None}


def _public():
    return public_videos()


def _compute() -> dict[str, list[tuple]]:
    if replica.healthy():
        try:
            with replica.reading_from(replica.REPLICA):
                return _lists()
        except DatabaseError:
            replica.mark_down()
    with replica.reading_from(None):
        return _lists()


def _lists() -> dict[str, list[tuple]]:
    now = timezone.now()
    public = _public()
    return {
        "trending": list(
            public.filter(published_at__gte=now - TRENDING_WINDOW)
            .order_by("-view_count", "-heart_count")
            .values_list(*FIELDS)[:500]
        ),
        "popular": list(public.order_by("-heart_count", "-view_count").values_list(*FIELDS)[:500]),
        "fresh": list(
            public.filter(published_at__gte=now - FRESH_WINDOW).order_by("-published_at").values_list(*FIELDS)[:1000]
        ),
        "testing": list(
            public.filter(Q(distribution__isnull=True) | Q(distribution__status=VideoDistribution.Status.TESTING))
            .order_by("-published_at")
            .values_list(*FIELDS)[:1000]
        ),
    }


_refreshing = threading.Lock()


def _refresh() -> None:
    try:
        _shared.update(lists=_compute(), at=time.monotonic())
    finally:
        connection.close()  # this thread's own connections
        if replica.configured():
            connections[replica.REPLICA].close()
        _refreshing.release()


def shared_lists() -> dict[str, list[tuple]]:
    """The lists, computed on first use; after that, stale ones are served while a background
    thread recomputes them, so no request waits for a refresh."""
    if _shared["lists"] is None:
        with _refreshing:
            if _shared["lists"] is None:
                _shared.update(lists=_compute(), at=time.monotonic())
    elif time.monotonic() - _shared["at"] > settings.FEED_SHARED_LISTS_SECONDS and _refreshing.acquire(blocking=False):
        threading.Thread(target=_refresh, name="feed-candidates", daemon=True).start()
    return _shared["lists"]


def forget() -> None:
    """Recompute on next use (tests, and after bulk changes)."""
    _shared.update(lists=None, at=-1e9)
