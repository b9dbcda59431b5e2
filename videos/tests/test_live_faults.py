"""Live comments when Redis fails under two server processes: an open subscription is never
silently dead, a new one is never accepted into silence, and comments flow again once Redis
is back. Real processes throughout: two uvicorn servers, a private redis-server, gql clients."""

import asyncio
import json
import time

import pytest
import websockets
from gql import Client
from gql.transport.exceptions import TransportQueryError

from conftest import global_id
from videos.tests.live_client import ADD, ADDED, post, request, transport, watch

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

PROBE_SECONDS = 1


@pytest.fixture(scope="module")
def redis(django_db_setup):
    from platform.tests.live_server import RedisServer

    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, redis):
    from platform.tests.live_server import LiveServer

    probing = {"LIVE_HUB_PROBE_SECONDS": str(PROBE_SECONDS), "LIVE_HUB_PROBE_TIMEOUT": str(PROBE_SECONDS)}
    started = [LiveServer({"REDIS_URL": redis.url, **probing}) for _ in range(2)]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def running_redis(redis):
    yield redis
    if redis.process.poll() is not None:  # a test that failed half-way leaves it running for the next
        redis.start()


async def first_answer(server, video, token=None):
    """The first thing a new commentAdded subscription gets: a result or the error it ends with."""
    async with Client(transport=transport(server, token)) as session:
        try:
            return await asyncio.wait_for(anext(session.subscribe(request(ADDED, video))), 10)
        except TransportQueryError as error:
            return error.errors[0]["extensions"]["code"]


def comment_through(server, scene, text):
    def action():
        answer = post(server, scene["fan_token"], ADD, id=global_id(scene["video"]), text=text)
        # the comment is committed: the HTTP write says so whatever became of its live event
        assert answer["addComment"]["errors"] == [] and answer["addComment"]["comment"]["id"]

    return action


def test_a_redis_restart_ends_open_subscriptions_with_a_reason_then_comments_flow_again(servers, running_redis, scene):
    first, second = servers
    video = scene["video"]

    async def run():
        watching = asyncio.create_task(first_answer(first, video))
        await asyncio.sleep(0.5)
        running_redis.kill()
        running_redis.start()  # empty: every group membership is gone
        interrupted = await asyncio.wait_for(watching, 10)
        # the same process joins the video's group again for new subscribers, and the other
        # process's first publish after the restart reaches them
        resumed = await watch(first, ADDED, video, 1, comment_through(second, scene, "after the restart"))
        return interrupted, resumed

    interrupted, resumed = asyncio.run(run())
    assert interrupted == "LIVE_INTERRUPTED"
    assert resumed[0]["commentAdded"]["text"] == "after the restart"


def test_while_redis_is_down_subscribing_is_refused_and_comments_still_commit(servers, running_redis, scene):
    first, second = servers
    running_redis.kill()
    time.sleep(3 * PROBE_SECONDS)

    assert asyncio.run(first_answer(first, scene["video"])) == "UNAVAILABLE"
    comment_through(second, scene, "posted while Redis was down")()

    running_redis.start()
    results = asyncio.run(watch(first, ADDED, scene["video"], 1, comment_through(second, scene, "back")))
    assert results[0]["commentAdded"]["text"] == "back"


def test_a_quiet_subscription_outlives_a_healthy_layer(servers, scene):
    # the probes that watch the layer must not disturb anyone while Redis is fine
    first, second = servers

    async def run():
        watching = asyncio.create_task(first_answer(first, scene["video"]))
        await asyncio.sleep(4 * PROBE_SECONDS)
        await asyncio.to_thread(comment_through(second, scene, "still here"))
        return await asyncio.wait_for(watching, 10)

    assert asyncio.run(run())["commentAdded"]["text"] == "still here"


def test_an_account_deactivated_while_redis_was_down_is_disconnected_once_it_is_back(servers, running_redis, scene):
    from accounts.models import User

    async def run():
        async with websockets.connect(servers[0].ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            init = {"authorization": f"Bearer {scene['fan_token']}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            running_redis.kill()
            # its "deactivated" event is lost with Redis: only the database knows
            await asyncio.to_thread(User.objects.filter(pk=scene["fan"].pk).update, is_active=False)
            await asyncio.sleep(2 * PROBE_SECONDS)
            running_redis.start()
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            except websockets.exceptions.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    assert asyncio.run(run()) == 4403
