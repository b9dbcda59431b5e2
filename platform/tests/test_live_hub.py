"""The per-process hub that shares one channel-layer membership among local subscribers."""

import asyncio

import pytest
from channels.layers import get_channel_layer

from platform.live_hub import LiveInterrupted, LiveUnavailable, hub


def test_memberships_are_renewed_past_the_layers_group_expiry(settings):
    # layers forget members after group_expiry (a day by default); a popular video can be
    # watched on one process for longer than that
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"group_expiry": 1}}
    }

    async def run():
        async with hub().listen("video-comments-1") as events:
            await asyncio.sleep(3)
            await get_channel_layer().group_send("video-comments-1", {"type": "x", "group": "video-comments-1"})
            return await asyncio.wait_for(anext(events), 2)

    assert asyncio.run(run())["type"] == "x"


def test_every_local_listener_gets_each_event_once_and_leaving_stops_delivery(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    async def run():
        layer = get_channel_layer()
        async with hub().listen("g") as first, hub().listen("g") as second:
            await layer.group_send("g", {"type": "one", "group": "g"})
            got = [await asyncio.wait_for(anext(first), 2), await asyncio.wait_for(anext(second), 2)]
        await layer.group_send("g", {"type": "two", "group": "g"})
        return got, layer.groups.get("g")

    got, members = asyncio.run(run())
    assert [event["type"] for event in got] == ["one", "one"]
    assert not members  # the process left the group with its last listener


def test_a_layer_that_forgets_its_groups_interrupts_listeners_and_new_ones_join_afresh(settings):
    # what a Redis restart does to channels-redis: every membership is gone, with no error
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # probe often, but give each probe a second: on a loaded machine a 0.2 s answer can be late
    # and a healthy layer would be taken for a failed one
    settings.LIVE_HUB_PROBE_SECONDS, settings.LIVE_HUB_PROBE_TIMEOUT = 0.2, 1.0

    async def run():
        layer = get_channel_layer()
        await hub().ready()  # the hub's own probe group is joined
        async with hub().listen("g") as events:
            layer.groups.clear()
            with pytest.raises(LiveInterrupted):
                await asyncio.wait_for(anext(events), 3)
        await hub().ready()
        async with hub().listen("g") as events:
            await layer.group_send("g", {"type": "after", "group": "g"})
            return await asyncio.wait_for(anext(events), 2)

    assert asyncio.run(run())["type"] == "after"


def test_a_layer_that_cannot_be_reached_refuses_new_listeners(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    async def run():
        layer = get_channel_layer()

        async def unreachable(*args, **kwargs):
            raise ConnectionError("Redis is down")

        layer.group_add = unreachable
        with pytest.raises(LiveUnavailable):
            await hub().ready()
        with pytest.raises(LiveUnavailable):
            async with hub().listen("g"):
                pass

    asyncio.run(run())
