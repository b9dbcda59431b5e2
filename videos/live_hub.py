"""One channel-layer membership per server process, shared by every local subscriber.

Joining each websocket to the video's group makes every comment cost one channel-layer
send per subscriber (with Redis, one list push each). The hub joins the group once per
process and fans the event out to local subscribers through asyncio queues, so the layer's
work grows with the number of processes, not of viewers."""

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


class LiveHub:
    def __init__(self):
        self._queues: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._channel: str | None = None
        self._reader: asyncio.Task | None = None
        self._renewer: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    async def _ensure_reader(self, layer) -> str:
        if self._reader is None or self._reader.done():
            # the default prefix: channels_redis reads all of a process's channels from one list
            self._channel = await layer.new_channel()
            self._reader = asyncio.create_task(self._read(layer, self._channel))
            if self._renewer is not None:
                self._renewer.cancel()
            self._renewer = asyncio.create_task(self._renew(layer, self._channel))
        return self._channel

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

    async def _read(self, layer, channel: str) -> None:
        while True:
            try:
                event = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A hiccup of the layer (Redis restarting, a timeout) must not end live
                # delivery for everyone on this process: log it and keep reading.
                logger.exception("live hub could not read from the channel layer; retrying")
                await asyncio.sleep(0.5)
                continue
            for queue in tuple(self._queues.get(event.get("group", ""), ())):
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def listen(self, *groups: str) -> AsyncIterator[AsyncIterator[dict]]:
        """Events sent to any of `groups`, in the order they arrive, while the context is open."""
        layer = get_channel_layer()
        queue: asyncio.Queue = asyncio.Queue()
        async with self._lock:
            channel = await self._ensure_reader(layer)
            for group in groups:
                if not self._queues[group]:
                    await layer.group_add(group, channel)
                self._queues[group].add(queue)
        try:
            yield self._drain(queue)
        finally:
            async with self._lock:
                for group in groups:
                    self._queues[group].discard(queue)
                    if not self._queues[group]:
                        del self._queues[group]
                        with contextlib.suppress(Exception):
                            await layer.group_discard(group, channel)

    @staticmethod
    async def _drain(queue: asyncio.Queue) -> AsyncIterator[dict]:
        while True:
            yield await queue.get()


_hubs: dict[int, LiveHub] = {}


def hub() -> LiveHub:
    """The hub of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    return _hubs.setdefault(id(loop), LiveHub())
