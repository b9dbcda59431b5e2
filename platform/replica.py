"""Reads from a streaming replica (issue #24).

With DATABASE_REPLICA_URL set, the read-only GraphQL operations (queries: feeds, pages, lists)
run on the replica and everything else on the primary:

- a viewer who has just written (any mutation) reads from the primary for READ_YOUR_WRITES_SECONDS,
  so they see their own write at once, whatever the replica's lag;
- each process asks the replica how far behind it is at most every REPLICA_CHECK_SECONDS; one that
  lags past REPLICA_MAX_LAG_SECONDS, or does not answer, is skipped until it catches up;
- a query that fails on the replica because it went away is run again on the primary
  (platform.graphql.views), so the client sees no error.

The GraphQL layer says which database a request may read from (`reading_from`); the router reads
it (a context variable: it follows the request through Strawberry's thread hops)."""

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

from .unavailable import CACHE_DOWN

logger = logging.getLogger(__name__)
REPLICA = "replica"
_reads_on: ContextVar[str | None] = ContextVar("reads_on", default=None)
_state = {"checked": 0.0, "healthy": False, "lag": None}
_lock = threading.Lock()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _lag_seconds() -> float:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        return float(cursor.fetchone()[0])


def lag() -> float | None:
    """The replica's lag in seconds as last measured; None when it does not answer."""
    return _state["lag"]


def healthy() -> bool:
    """Whether reads may go to the replica, as last measured. The measure is refreshed in the
    background at most every REPLICA_CHECK_SECONDS, so no request waits on a probe (and a
    replica that stopped answering costs no request its connect timeout)."""
    if not configured():
        return False
    with _lock:
        stale = time.monotonic() - _state["checked"] >= settings.REPLICA_CHECK_SECONDS
        if stale and not _state.get("measuring"):
            _state["measuring"] = True
            threading.Thread(target=_measure, name="replica-lag", daemon=True).start()
        return _state["healthy"]


def _measure() -> None:
    try:
        measured = _lag_seconds()
    except DatabaseError:
        logger.warning("the read replica does not answer: reads go to the primary", exc_info=True)
        measured = None
    finally:
        connections[REPLICA].close()  # this thread's connection (back to the pool)
    ok = measured is not None and measured <= settings.REPLICA_MAX_LAG_SECONDS
    if measured is not None and not ok:
        logger.warning("the read replica lags %.1f s: reads go to the primary", measured)
    with _lock:
        _state.update(healthy=ok, lag=measured, checked=time.monotonic(), measuring=False)


def mark_down() -> None:
    """A query just failed on the replica: skip it until the next check."""
    with _lock:
        _state.update(healthy=False, lag=None, checked=time.monotonic())


def _pin_key(viewer_key: str) -> str:
    return f"wrote:{viewer_key}"


def wrote(viewer_key: str | None) -> None:
    """This viewer just wrote: their reads go to the primary for a while."""
    if viewer_key and configured():
        try:
            cache.set(_pin_key(viewer_key), 1, settings.READ_YOUR_WRITES_SECONDS)
        except CACHE_DOWN:
            logger.warning("cannot pin a writer to the primary: the cache is unreachable")


def recently_wrote(viewer_key: str | None) -> bool:
    if not viewer_key:
        return False
    try:
        return cache.get(_pin_key(viewer_key)) is not None
    except CACHE_DOWN:
        return True  # unsure: read what they wrote from the primary


@contextmanager
def reading_from(alias: str | None):
    """Reads inside go to `alias` (None: the default routing, the primary)."""
    token = _reads_on.set(alias)
    try:
        yield
    finally:
        _reads_on.reset(token)


def read_alias(viewer_key: str | None) -> str | None:
    """Where a read-only operation by this viewer may read: the replica, or None (the primary)."""
    if configured() and not recently_wrote(viewer_key) and healthy():
        return REPLICA
    return None


def read_connection():
    """The connection a hand-written read should use: the replica where the ORM's reads go
    (a read-only operation), else the primary."""
    return connections[_reads_on.get() or "default"]


class ReplicaRouter:
    """Reads go where the request allows (the replica for read-only operations); writes,
    migrations and everything outside a request to the primary."""

    def db_for_read(self, model, **hints):
        return _reads_on.get()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
