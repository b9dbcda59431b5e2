"""Health and readiness for load balancers and orchestrators (issue #24).

- ``GET /health/live``: the process answers (no database, no cache): restart it if not.
- ``GET /health/ready``: it can serve: the database answers, the cache answers, storage
  answers, and each check an app registers (the feed registers its model's version). 200 when
  every required check passes, else 503.

Both are cheap and tell the public nothing inside: each check is "ok" or "down" (the reason goes
to the log), and a process runs the checks at most once per HEALTH_CACHE_SECONDS, so a client
hammering the endpoint costs what one does. Apps add checks with `register` from their
AppConfig.ready, so the kernel never imports them."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    run: Callable[[], str | None]  # None when healthy, else a short public value ("down") ...
    required: bool = True  # whether readiness fails without it


_checks: dict[str, Check] = {}
_lock = threading.Lock()
_last: tuple[float, int, dict] | None = None


def register(name: str, run: Callable[[], str | None], *, required: bool = True) -> None:
    """Add a readiness check: `run()` raises or returns a problem when unhealthy; a string it
    returns on success (a version) is shown as the check's value."""
    _checks[name] = Check(run, required)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("health:probe", 1, timeout=10)
    if cache.get("health:probe") != 1:
        raise RuntimeError("the cache did not keep a value")


def _storage() -> None:
    default_storage.exists("health-probe")


def _replica() -> str:
    from . import replica

    if not replica.configured():
        return "none"
    if not replica.healthy():
        raise RuntimeError("the read replica is down or lags too far")
    return f"lag {replica.lag():.1f} s"


register("database", _database)
register("cache", _cache)
register("storage", _storage)
register("replica", _replica, required=False)  # without it reads go to the primary


def readiness() -> tuple[int, dict]:
    """(HTTP status, body), computed at most once per HEALTH_CACHE_SECONDS per process."""
    global _last
    with _lock:
        if _last is not None and time.monotonic() - _last[0] < settings.HEALTH_CACHE_SECONDS:
            return _last[1], _last[2]
        results, ready = {}, True
        for name, check in _checks.items():
            try:
                value = check.run()
                results[name] = value if isinstance(value, str) else "ok"
            except Exception:
                logger.warning("readiness check %s failed", name, exc_info=True)
                results[name] = "down"
                ready = ready and not check.required
        status = 200 if ready else 503
        _last = (time.monotonic(), status, {"ready": ready, "checks": results})
        return status, _last[2]


@never_cache
@require_safe
def live(request):
    return JsonResponse({"live": True})


@never_cache
@require_safe
def ready(request):
    status, body = readiness()
    return JsonResponse(body, status=status)
