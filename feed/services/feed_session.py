"""What one For You feed session has served, so its next page repeats nothing: kept in the
cache for an hour under the session's cursor token."""

import logging

from django.core.cache import cache

from platform.unavailable import CACHE_DOWN

SESSION_TTL = 60 * 60

logger = logging.getLogger(__name__)


# Without the cache (Redis down) the feed still serves; a session's next page may repeat a video.
def served(key: str) -> set[int]:
    try:
        return set(cache.get(key, ()))
    except CACHE_DOWN:
        logger.warning("the cache is unreachable: this For You page cannot skip what the session saw")
        return set()


def remember(key: str, served: set[int]) -> None:
    try:
        cache.set(key, list(served), SESSION_TTL)
    except CACHE_DOWN:
        logger.warning("the cache is unreachable: the next For You page may repeat this one's videos")
