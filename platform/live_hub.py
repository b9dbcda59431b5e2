"""One channel-layer membership per server process, shared by every local subscriber.

Joining each websocket to the video's group makes every comment cost one channel-layer
send per subscriber (with Redis, one list push each). The hub joins the group once per
process and fans the event out to local subscribers through asyncio queues, so the layer's
work grows with the number of processes, not of viewers.

The layer can fail under the hub: Redis restarts (empty, so every group membership is gone),
or stops answering. Nothing in the layer says so, so the hub asks: every few seconds it sends
a probe to a group of its own and waits for it to come back through its reader. A probe that
does not return, or a read that fails, means events may have been lost: every local listener
is told (`LiveInterrupted`) so that no subscription is ever silently dead, and the hub
forgets its memberships, so the next listener of a video joins its group afresh. While the
probes fail, new listeners are refused (`LiveUnavailable`) instead of being accepted into a
group nobody publishes to."""

import asyncio
import contextlib
import logging
import time
import uuid
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator

from channels.layers import get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

PROBE = "live_hub.probe"


class LiveUnavailable(Exception):
    """The channel layer cannot take new listeners right now."""


class LiveInterrupted(Exception):
    """The channel layer failed while listening: events may have been missed."""


_INTERRUPTED = object()  # put on each listener's queue when the layer fails under it


class LiveHub:
    def __init__(self):
        self._queues: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._channel: str | None = None
        self._tasks: list[asyncio.Task] = []
        self._lock = asyncio.Lock()
        self._probing = asyncio.Lock()
        self._probe_group = f"live-hub-probe-{uuid.uuid4().hex}"
        self._probe_reply: tuple[str, asyncio.Future] | None = None
        self._probe_joined = False
        self._last_probe_ok = 0.0
        self.healthy = True

    async def _ensure_reader(self, layer) -> str:
        if not self._tasks or any(task.done() for task in self._tasks):
            for task in self._tasks:
                task.cancel()
            # the default prefix: channels_redis reads all of a process's channels from one list
            self._channel = await layer.new_channel()
            self._probe_joined = False
            self._tasks = [
                asyncio.create_task(self._read(layer, self._channel)),
                asyncio.create_task(self._renew(layer, self._channel)),
                asyncio.create_task(self._watch(layer, self._channel)),
            ]
        return self._channel

    async def ready(self) -> None:
        """Raise LiveUnavailable unless the layer has lately carried a probe to this process."""
        layer = get_channel_layer()
        async with self._lock:
            channel = await self._ensure_reader(layer)
        async with self._probing:  # one probe at a time: each waits for its own reply
            if time.monotonic() - self._last_probe_ok > 2 * settings.LIVE_HUB_PROBE_SECONDS:
                await self._probe(layer, channel)
        if not self.healthy:
            raise LiveUnavailable()

    async def _renew(self, layer, channel: str) -> None:
        """Channel layers drop group members older than their `group_expiry` (a day by
        default), expecting consumers to come and go. The hub's memberships last as long as
        anyone on this process watches the video, so they are renewed well before that."""
        period = getattr(layer, "group_expiry", 86400) / 4
        while True:
            await asyncio.sleep(period)
            for group in tuple(self._queues):
                try:
                    await layer.group_add(group, channel)
                except Exception:
                    logger.exception("live hub could not renew its membership of %s", group)

    async def _watch(self, layer, channel: str) -> None:
        while True:
            await asyncio.sleep(settings.LIVE_HUB_PROBE_SECONDS)
            async with self._probing:
                await self._probe(layer, channel)

    async def _probe(self, layer, channel: str) -> None:
        nonce = uuid.uuid4().hex
        reply = asyncio.get_running_loop().create_future()
        self._probe_reply = (nonce, reply)
        timeout = settings.LIVE_HUB_PROBE_TIMEOUT
        try:
            # Joined once, not before each probe: a Redis that restarted empty has forgotten
            # this membership as it forgot the videos', and the lost probe is how we learn it.
            if not self._probe_joined:
                await asyncio.wait_for(layer.group_add(self._probe_group, channel), timeout)
                self._probe_joined = True
            message = {"type": PROBE, "nonce": nonce, "group": self._probe_group}
            await asyncio.wait_for(layer.group_send(self._probe_group, message), timeout)
            await asyncio.wait_for(reply, timeout)
        except Exception as exc:  # the layer's own errors, or a probe that never came back
            self._failed(f"probe failed: {exc!r}")
        else:
            self._last_probe_ok = time.monotonic()
            if not self.healthy:
                logger.warning("live hub: the channel layer carries events again")
            self.healthy = True

    async def _read(self, layer, channel: str) -> None:
        while True:
            try:
                event = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Redis restarting, a timeout: keep reading, but what was sent meanwhile
                # may be lost, so the listeners hear of it
                self._failed(f"read failed: {exc!r}")
                await asyncio.sleep(0.5)
                continue
            if event.get("type") == PROBE:
                if self._probe_reply and self._probe_reply[0] == event.get("nonce"):
                    with contextlib.suppress(asyncio.InvalidStateError):
                        self._probe_reply[1].set_result(True)
                continue
            for queue in tuple(self._queues.get(event.get("group", ""), ())):
                queue.put_nowait(event)

    def _failed(self, reason: str) -> None:
        if self.healthy or self._queues:
            logger.warning("live hub: the channel layer failed (%s); %d groups interrupted", reason, len(self._queues))
        self.healthy = False
        self._probe_joined = False
        for queues in self._queues.values():
            for queue in queues:
                queue.put_nowait(_INTERRUPTED)
        # the memberships may be gone with Redis: the next listener of a group joins it afresh
        self._queues.clear()

    @contextlib.asynccontextmanager
    async def listen(self, *groups: str) -> AsyncIterator[AsyncIterator[dict]]:
        """Events sent to any of `groups`, in the order they arrive, while the context is open.

        Raises LiveUnavailable if the groups cannot be joined; the iterator raises
        LiveInterrupted when the layer fails under it (it ends: listen again to go on)."""
        layer = get_channel_layer()
        queue: asyncio.Queue = asyncio.Queue()
        async with self._lock:
            try:
                channel = await self._ensure_reader(layer)
                for group in groups:
                    if not self._queues[group]:
                        await layer.group_add(group, channel)
                    self._queues[group].add(queue)
            except Exception as exc:
                self._leave(queue, groups)
                self._failed(f"join failed: {exc!r}")
                raise LiveUnavailable() from exc
        try:
            yield self._drain(queue)
        finally:
            async with self._lock:
                for group in self._leave(queue, groups):
                    with contextlib.suppress(Exception):
                        await layer.group_discard(group, channel)

    def _leave(self, queue: asyncio.Queue, groups) -> list[str]:
        """Drop `queue` from `groups`; the groups nobody here listens to any more."""
        emptied = []
        for group in groups:
            if group in self._queues:
                self._queues[group].discard(queue)
                if not self._queues[group]:
                    del self._queues[group]
                    emptied.append(group)
        return emptied

    @staticmethod
    async def _drain(queue: asyncio.Queue) -> AsyncIterator[dict]:
        while True:
            event = await queue.get()
            if event is _INTERRUPTED:
                raise LiveInterrupted()
            yield event


# by the loop itself, not its id(): a new loop may reuse a closed one's id (tests run many)
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LiveHub]" = weakref.WeakKeyDictionary()


def hub() -> LiveHub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = LiveHub()
    return _hubs[loop]
