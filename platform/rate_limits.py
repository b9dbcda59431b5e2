"""How often an account, or a network address, may do something: one mechanism for every limit.

Counters live in the cache (Redis in production, so every server process shares them) in fixed
windows: the key names the action, the subject and the window, and `incr` is atomic, so a
burst of concurrent requests cannot slip past a limit by reading the same count. An attempt is
counted before it is judged, so the 21st of 60 concurrent requests is refused, not checked.

Limits are settings (``RATE_LIMITS``): per action, a rate for the signed-in account, for the
client's address (IPv6 clients by their /64, which is what one subscriber controls), for
either of those on one target (one video, say), and for the target whoever asks (one mailbox).
A limited request gets a ``RateLimited`` error that says how many seconds to wait; the GraphQL
layer turns it into a ``RATE_LIMITED`` payload error with ``retryAfter``. If the cache itself
is down, limits fail open and say so in the log: refusing every request because a counter is
unreachable would be a worse outage."""

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from platform.unavailable import CACHE_DOWN

logger = logging.getLogger(__name__)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(ValidationError):
    """Too many attempts; `retry_after` seconds until the next may succeed."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = max(1, int(retry_after))


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "20/h", "5/10m", "1000/d": at most `count` in each window of that length."""
        count, _, period = text.strip().partition("/")
        number = period[:-1] or "1"
        if not count.isdigit() or period[-1:] not in _UNITS or not number.isdigit():
            raise ValueError(f"not a rate: {text!r} (use e.g. 20/h or 5/10m)")
        return cls(int(count), int(number) * _UNITS[period[-1]])


def client_address(request) -> str:
    """The address to count a request against. IPv6 addresses are cut to their /64 network.
    Behind a proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips so that this is
    the client's address, not the proxy's."""
    raw = getattr(request, "META", {}).get("REMOTE_ADDR") or ""
    if not raw and hasattr(request, "scope"):  # a websocket consumer's scope
        raw = (request.scope.get("client") or ("",))[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)


def _rates(action: str) -> dict[str, Rate]:
    try:
        configured = settings.RATE_LIMITS[action]
    except KeyError:
        raise ValueError(f"no rate limits are configured for {action!r}") from None
    return {scope: Rate.parse(text) for scope, text in configured.items() if text}


def _window_key(action: str, scope: str, subject: str, rate: Rate, now: float) -> tuple[str, int]:
    window = int(now // rate.seconds)
    # hashed: subjects are arbitrary (addresses, user names) and cache keys must be plain
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    retry_after = math.ceil((window + 1) * rate.seconds - now)
    return f"rl:{action}:{scope}:{digest}:{rate.seconds}:{window}", retry_after


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout)
        return 1


@dataclass
class Ticket:
    """The counters one attempt went into, so a caller can give the attempt back."""

    keys: list[str]

    def refund(self) -> None:
        try:
            for key in self.keys:
                cache.decr(key)
        except (ValueError, *CACHE_DOWN):  # expired meanwhile, or unreachable: nothing to give back
            pass


def hit(action: str, *, user=None, address: str | None = None, target: object = None, message: str = "") -> Ticket:
    """Count one attempt at `action` by this account and from this address (and on `target`,
    for actions limited per target); raise RateLimited when any of them is over its rate."""
    subjects = {}
    if user is not None and getattr(user, "is_authenticated", False):
        subjects["account"] = f"u{user.pk}"
    if address:
        subjects["address"] = address
    now = time.time()
    waits, keys = [], []
    try:
        for scope, rate in _rates(action).items():
            base, _, per = scope.partition("_")
            if scope == "target":  # the target itself, whoever asks from wherever (one mailbox)
                if target is None:
                    continue
                subject = f"t|{target}"
            elif base not in subjects or (per == "target") != (target is not None):
                continue
            else:
                subject = subjects[base] + (f"|{target}" if per else "")
            key, retry_after = _window_key(action, scope, subject, rate, now)
            keys.append(key)
            if _incr(key, rate.seconds + 60) > rate.count:
                waits.append(retry_after)
    except CACHE_DOWN:
        logger.warning("rate limits for %s are not enforced: the cache is unreachable", action, exc_info=True)
        return Ticket([])
    if waits:
        raise RateLimited(message or "You are doing that too often. Try again later.", max(waits))
    return Ticket(keys)


@dataclass(frozen=True)
class Backoff:
    """Consecutive failures of one kind of attempt (a password for one account from one
    address): the first `free` cost nothing, then each failure doubles the wait before the
    next attempt, up to `longest` seconds. One attempt at a time: a burst of concurrent
    guesses gets one answer and RATE_LIMITED for the rest."""

    name: str
    free: int
    longest: int

    def _keys(self, subject: str) -> tuple[str, str, str]:
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return (f"bo:{self.name}:{digest}:{part}" for part in ("fails", "until", "busy"))

    def begin(self, subject: str) -> None:
        """Claim the one attempt in flight for `subject`, or raise RateLimited."""
        _fails, until, busy = self._keys(subject)
        try:
            wait_until = cache.get(until)
            if wait_until is not None and wait_until > time.time():
                raise RateLimited("Too many failed attempts. Try again later.", math.ceil(wait_until - time.time()))
            if not cache.add(busy, 1, timeout=30):
                raise RateLimited("Another attempt is in progress. Try again in a moment.", 1)
        except CACHE_DOWN:
            logger.warning("backoff %s is not enforced: the cache is unreachable", self.name, exc_info=True)

    def release(self, subject: str) -> None:
        """Give back the attempt claimed by `begin` without judging it (another check refused it)."""
        try:
            _fails, _until, busy = self._keys(subject)
            cache.delete(busy)
        except CACHE_DOWN:
            logger.warning("backoff %s is not released: the cache is unreachable", self.name, exc_info=True)

    def failed(self, subject: str) -> None:
        fails, until, busy = self._keys(subject)
        try:
            count = _incr(fails, self.longest * 4)
            if count > self.free:
                delay = min(self.longest, 2 ** (count - self.free - 1))
                cache.set(until, time.time() + delay, timeout=delay + 1)
            cache.delete(busy)
        except CACHE_DOWN:
            logger.warning("backoff %s is not recorded: the cache is unreachable", self.name, exc_info=True)

    def succeeded(self, subject: str) -> None:
        try:
            cache.delete_many(list(self._keys(subject)))
        except CACHE_DOWN:
            logger.warning("backoff %s is not cleared: the cache is unreachable", self.name, exc_info=True)
