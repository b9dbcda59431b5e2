"""Live fan-out cannot be turned against the server (issue #21, H2 and L11): sockets and
subscriptions are bounded per address and per account, anonymous ones more tightly, heavy
selections are refused before they are ever executed, and subscriptions sent over HTTP get a
clear error. A real uvicorn on a real socket, with small limits of its own."""

import asyncio
import json
import logging

import httpx
import pytest
import websockets

from conftest import global_id
from platform.tests.live_server import LiveServer
from videos.tests.live_client import ADDED

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

LIMITS = {
    "LIVE_SOCKETS_PER_ADDRESS": "6",
    "LIVE_ANONYMOUS_SOCKETS_PER_ADDRESS": "2",
    "LIVE_SOCKETS_PER_ACCOUNT": "2",
    "LIVE_ANONYMOUS_SUBSCRIPTIONS_PER_ADDRESS": "3",
    "LIVE_SUBSCRIPTIONS_PER_ACCOUNT": "5",
}
HEAVY = """subscription($id: ID!) { commentAdded(videoId: $id) { id
  video { comments(first: 50) { edges { node { replies(first: 13) { edges { node { text } } } } } } } } }"""


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    started = LiveServer(LIMITS)
    yield started
    started.stop()


class Socket:
    """One graphql-transport-ws connection, spoken by hand."""

    def __init__(self, server, token=None):
        self.server, self.token, self.ws = server, token, None

    async def open(self) -> int | None:
        """Connect and init; None when acknowledged, else the close code."""
        self.ws = await websockets.connect(self.server.ws_url, subprotocols=["graphql-transport-ws"])
        payload = {"authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            await self.ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            answer = json.loads(await asyncio.wait_for(self.ws.recv(), 5))
            assert answer["type"] == "connection_ack", answer
            return None
        except websockets.exceptions.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    async def subscribe(self, op_id: str, video, query: str = ADDED) -> dict | None:
        """The error answering a subscribe, or None when it is live (no answer within 0.5 s)."""
        message = {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": {"id": global_id(video)}}}
        await self.ws.send(json.dumps(message))
        try:
            answer = json.loads(await asyncio.wait_for(self.ws.recv(), 0.5))
        except TimeoutError:
            return None
        assert answer["type"] == "error" and answer["id"] == op_id, answer
        return answer["payload"][0]

    async def close(self):
        await self.ws.close()


async def _settle():
    await asyncio.sleep(0.3)  # the server has processed the closes


def test_anonymous_sockets_per_address_are_bounded_and_come_back_when_closed(server):
    async def run():
        first, second, third = Socket(server), Socket(server), Socket(server)
        assert await first.open() is None and await second.open() is None
        assert await third.open() == 4429
        await first.close()
        await _settle()
        again = Socket(server)
        assert await again.open() is None
        for socket in (second, again):
            await socket.close()
        await _settle()

    asyncio.run(run())


def test_an_account_has_its_own_bound_beside_the_anonymous_one(server, scene):
    async def run():
        anonymous = [Socket(server), Socket(server)]
        signed_in = [Socket(server, scene["fan_token"]) for _ in range(3)]
        assert [await s.open() for s in anonymous] == [None, None]
        assert [await s.open() for s in signed_in] == [None, None, 4429]
        for socket in (*anonymous, *signed_in):
            await socket.close()
        await _settle()

    asyncio.run(run())


def test_anonymous_subscriptions_are_bounded_per_address_across_sockets(server, scene):
    video = scene["video"]

    async def run():
        one, two = Socket(server), Socket(server)
        await one.open()
        await two.open()
        assert [await one.subscribe(str(i), video) for i in range(2)] == [None, None]
        assert await two.subscribe("a", video) is None
        refused = await two.subscribe("b", video)
        assert refused["extensions"]["code"] == "RATE_LIMITED", refused
        # an unsubscribe gives the place back
        await one.ws.send(json.dumps({"id": "0", "type": "complete"}))
        await _settle()
        assert await two.subscribe("c", video) is None
        # and so does a closed socket, with every subscription it held
        await two.close()
        await _settle()
        assert [await one.subscribe(str(i), video) for i in range(5, 7)] == [None, None]
        await one.close()
        await _settle()

    asyncio.run(run())


def test_a_signed_in_viewer_may_hold_more_subscriptions(server, scene):
    async def run():
        socket = Socket(server, scene["fan_token"])
        await socket.open()
        answers = [await socket.subscribe(str(i), scene["video"]) for i in range(6)]
        assert answers[:5] == [None] * 5 and answers[5]["extensions"]["code"] == "RATE_LIMITED"
        await socket.close()
        await _settle()

    asyncio.run(run())


def test_a_heavy_selection_is_refused_before_it_runs(server, scene):
    async def run():
        socket = Socket(server)
        await socket.open()
        refused = await socket.subscribe("1", scene["video"], HEAVY)
        light = await socket.subscribe("2", scene["video"])
        await socket.close()
        await _settle()
        return refused, light

    refused, light = asyncio.run(run())
    assert refused["extensions"]["code"] == "TOO_COMPLEX"
    assert refused["extensions"]["limit"] < refused["extensions"]["cost"]
    assert light is None


def test_a_subscription_over_http_is_a_clear_client_error(server, scene, caplog):
    caplog.set_level(logging.ERROR)
    answer = httpx.post(
        f"{server.url}/graphql",
        json={"query": ADDED, "variables": {"id": global_id(scene["video"])}},
        headers={"Accept": "application/graphql-response+json"},
    )
    assert answer.status_code == 400, answer.text
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "INVALID" and "websocket" in error["message"]
    assert "Traceback" not in server.output()


def test_an_account_deactivated_by_plain_sql_is_disconnected(django_db_setup, scene):
    """Issue #21, L10: deactivating with QuerySet.update (or SQL) sends no event, and the
    account's open sockets went on delivering."""
    from accounts.models import User

    quick = LiveServer({"LIVE_ACCOUNT_RECHECK_SECONDS": "1"})

    async def run():
        socket = Socket(quick, scene["fan_token"])
        assert await socket.open() is None
        assert await socket.subscribe("1", scene["video"]) is None
        await asyncio.to_thread(User.objects.filter(pk=scene["fan"].pk).update, is_active=False)
        try:
            while True:
                await asyncio.wait_for(socket.ws.recv(), 5)
        except websockets.exceptions.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    try:
        assert asyncio.run(run()) == 4403
    finally:
        quick.stop()
