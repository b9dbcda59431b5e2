"""What For You serves, counted for the admin dashboard (the brand and exploration shares of
real pages against the knobs that set them).

Counting must not cost a page a write: each process adds pages to an in-memory tally and adds
the tally to FeedServeDay in one statement at most every FEED_STATS_FLUSH_SECONDS, from the
request that finds it due. A process that dies loses at most that long of a statistic, never a
user's data; a failed write keeps the tally for the next try."""

import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .explanations import BRAND
from .reasons import Reason

FIELDS = ("pages", "picks", "following", "exploration", "algorithmic", "brand")
_lock = threading.Lock()
_tally: dict = {}  # day -> Counter of FIELDS
_flushed_at = time.monotonic()


def count(page) -> None:
    """One served page of Candidates."""
    day = timezone.localdate()
    algorithmic = [c for c in page if c.reason != Reason.FOLLOWING]
    with _lock:
        tally = _tally.setdefault(day, Counter())
        tally.update(
            pages=1,
            picks=len(page),
            following=len(page) - len(algorithmic),
            exploration=sum(1 for c in page if c.reason == Reason.EXPLORATION),
            algorithmic=len(algorithmic),
            brand=sum(1 for c in algorithmic if c.author_kind == BRAND),
        )
    if time.monotonic() - _flushed_at >= settings.FEED_STATS_FLUSH_SECONDS:
        flush()


_UPSERT = f"""
    INSERT INTO feed_feedserveday (day, {", ".join(FIELDS)})
    SELECT * FROM unnest(%s::date[], {", ".join(["%s::bigint[]"] * len(FIELDS))})
    ON CONFLICT (day) DO UPDATE SET {", ".join(f"{f} = feed_feedserveday.{f} + EXCLUDED.{f}" for f in FIELDS)}
"""


def flush() -> None:
    """Add this process's tally to the table, in one statement."""
    global _flushed_at
    with _lock:
        taken = dict(_tally)
        _tally.clear()
        _flushed_at = time.monotonic()
    if not taken:
        return
    days = sorted(taken)
    try:
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [days, *([taken[d][f] for d in days] for f in FIELDS)])
    except DatabaseError:
        with _lock:  # keep it for the next try
            for day, tally in taken.items():
                _tally.setdefault(day, Counter()).update(tally)
