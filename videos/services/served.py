"""Which videos the feed served to which viewer, remembered for a few hours: a watch report
counts for a video's traffic pool only if the feed gave that video to that session or account.

320 fresh anonymous sessions once each reported a 0.5 s skip of a video never served to them
and stopped it in its test pool (issue #21, M3). Now such reports are still stored (they are
someone's watch history, and views count once per viewer and hour anyway), but the pools do
not hear them. The set lives in the cache (Redis in production), one key per (viewer, video)
with a time to live, written once per feed page and read once per watch batch: bounded by
what the feed serves, and cheap. If the cache is down, reports count as before rather than
being lost (and say so in the log)."""

import logging

from django.conf import settings
from django.core.cache import cache

from platform.unavailable import CACHE_DOWN

logger = logging.getLogger(__name__)


def viewer_key(user, session_key: str) -> str:
    """Who was served: the account, else the anonymous session."""
    return f"u:{user.pk}" if user is not None else f"s:{session_key}"


def _key(viewer: str, video_id: int) -> str:
    return f"served:{viewer}:{video_id}"


def remember_served(viewer: str, video_ids) -> None:
    """The feed just gave these videos to this viewer."""
    if not video_ids:
        return
    try:
        cache.set_many({_key(viewer, pk): 1 for pk in video_ids}, timeout=settings.SERVED_VIDEOS_SECONDS)
    except CACHE_DOWN:
        logger.warning("served videos not remembered: the cache is unreachable", exc_info=True)


def served_among(viewer: str, video_ids) -> set[int] | None:
    """Which of these videos the feed served to this viewer lately; None if the cache cannot say."""
    ids = list(video_ids)
    if not ids:
        return set()
    try:
        found = cache.get_many([_key(viewer, pk) for pk in ids])
    except CACHE_DOWN:
        logger.warning("served videos unknown: the cache is unreachable; watch reports count as served")
        return None
    return {pk for pk in ids if _key(viewer, pk) in found}
