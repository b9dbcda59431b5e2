"""How many websockets and live subscriptions one address or one account may hold open.

A subscription costs the server work on every event it receives, for as long as it is open, so
one client must not hold hundreds: 300 anonymous sockets with 4,000 subscriptions were once
accepted from a single address. Counts are per server process (a socket lives in one process,
and its count dies with it: nothing to leak when a process is killed); with N processes behind
a balancer an address may hold up to N times these. Anonymous clients are bounded per address,
more tightly, since they cost nothing to make; signed-in ones per account, plus a generous
per-address bound for everyone (offices and carrier NAT put many people behind one address).

Settings (``LIVE_LIMITS``): ``sockets_per_address``, ``anonymous_sockets_per_address``,
``sockets_per_account``, ``anonymous_subscriptions_per_address``,
``subscriptions_per_account``."""

from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable

from django.conf import settings
from graphql import GraphQLError

from platform.rate_limits import client_address

from .errors import ErrorCode

# websocket close code for "too many connections from you" (4000-4999 are the application's)
TOO_MANY_SOCKETS = 4429

_sockets: Counter = Counter()
_subscriptions: Counter = Counter()


def _limit(name: str) -> int:
    return settings.LIVE_LIMITS[name]


class Slot:
    """One open subscription's place in the counts; released once, whichever comes first: the
    stream ending, or its connection closing."""

    __slots__ = ("keys", "owner")

    def __init__(self, owner, keys: tuple):
        self.owner, self.keys = owner, keys
        owner.live_slots.add(self)
        _subscriptions.update(keys)

    def release(self) -> None:
        if self.owner is not None:
            _subscriptions.subtract(self.keys)
            self.owner.live_slots.discard(self)
            self.owner = None


class SocketCounts:
    """Mixed into the websocket consumer: counts its socket at connect and once it knows who is
    on it, and gives back everything it holds when it disconnects."""

    live_socket_keys: tuple = ()

    def _address(self) -> str:
        return client_address(self)

    def admit_socket(self) -> bool:
        """At connect: False when this address already has its most sockets open."""
        self.live_slots: set[Slot] = set()
        key = ("address", self._address())
        if _sockets[key] >= _limit("sockets_per_address"):
            return False
        self.live_socket_keys = (key,)
        _sockets[key] += 1
        return True

    def admit_viewer(self, user) -> bool:
        """After connection_init: False when the anonymous address or the account is full."""
        if user is not None and user.is_authenticated:
            key, limit = ("account", user.pk), _limit("sockets_per_account")
        else:
            key, limit = ("anonymous", self._address()), _limit("anonymous_sockets_per_address")
        if _sockets[key] >= limit:
            return False
        self.live_socket_keys = (*self.live_socket_keys, key)
        _sockets[key] += 1
        return True

    def release_live_counts(self) -> None:
        for slot in list(getattr(self, "live_slots", ())):
            slot.release()
        _sockets.subtract(self.live_socket_keys)
        self.live_socket_keys = ()


def hold_subscription(request, user) -> Slot:
    """A place for one more subscription on this connection's address or account, or a
    RATE_LIMITED error saying the client already holds the most it may."""
    if user is not None:
        key, limit, who = ("account", user.pk), _limit("subscriptions_per_account"), "this account"
    else:
        key, limit, who = ("anonymous", client_address(request)), _limit("anonymous_subscriptions_per_address"), None
    if _subscriptions[key] >= limit:
        who = who or "your address (sign in for more)"
        raise GraphQLError(
            f"Too many live subscriptions open for {who}: at most {limit}. Close some first.",
            extensions={"code": ErrorCode.RATE_LIMITED.value, "limit": limit},
        )
    return Slot(request, (key,))


class released_with:
    """The stream, giving back its slot when it ends however it ends: exhausted, failed, or
    closed by an unsubscribe, even before its first item (an async generator closed before it
    started never runs its `finally`)."""

    def __init__(self, slot: Slot, stream: AsyncGenerator):
        self.slot, self.stream = slot, stream

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.stream.__anext__()
        except BaseException:
            self.slot.release()
            raise

    async def aclose(self) -> None:
        self.slot.release()
        await self.stream.aclose()


async def limited_stream(request, user, open_stream: Callable[[], Awaitable[AsyncGenerator]]) -> released_with:
    """Hold a subscription slot, then open the stream (its access checks run after the cheap
    count): the slot goes back if opening fails, and when the stream ends."""
    slot = hold_subscription(request, user)
    try:
        stream = await open_stream()
    except BaseException:
        slot.release()
        raise
    return released_with(slot, stream)


def open_counts() -> dict:
    """What is open now in this process, for tests and health checks."""
    return {"sockets": +_sockets, "subscriptions": +_subscriptions}
