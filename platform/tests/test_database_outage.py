"""PostgreSQL stops under a running server: every request still gets a clean, typed answer
(HTTP 503, code UNAVAILABLE), bearer token or not, websockets get a close code, and the first
request after PostgreSQL is back succeeds."""

import asyncio
import json

import httpx
import pytest
import websockets

from platform.tests.live_server import LiveServer
from platform.tests.private_postgres import PrivatePostgres

pytestmark = pytest.mark.live

MAKE_VIEWER = (
    "from accounts.models import User; from accounts.services.tokens import issue_token; "
    "print(issue_token(User.objects.create_user('viewer', 'v@example.com', 'a long secret 42'))[0])"
)


@pytest.fixture(scope="module")
def outage():
    database = PrivatePostgres()
    try:
        database.manage("migrate", "--no-input")
        token = database.manage("shell", "-c", MAKE_VIEWER).strip().splitlines()[-1]
        server = LiveServer({"DATABASE_URL": database.url, "DATABASE_POOL_TIMEOUT": "2"})
        try:
            yield database, server, token
        finally:
            server.stop()
    finally:
        database.destroy()


READ = '{ viewer { username } user(username: "viewer") { username } }'


def ask(server, token=None, query=READ):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server.url}/graphql", json={"query": query}, headers=headers, timeout=30)


def websocket_close_code(server, token) -> int | None:
    async def run():
        async with websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 30)
            except websockets.exceptions.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    return asyncio.run(run())


def test_requests_while_postgres_is_down_get_typed_503s_and_recover_at_once(outage):
    database, server, token = outage
    assert ask(server, token).json()["data"]["viewer"] == {"username": "viewer"}
    database.stop()
    try:
        for who in (None, token):
            down = ask(server, who)
            assert down.status_code == 503, down.text[:300]
            assert down.headers["content-type"].startswith("application")
            assert down.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            assert "Retry-After" in down.headers
        login = ask(server, query='mutation { login(input: {username: "viewer", password: "x"}) { errors { code } } }')
        assert login.status_code == 503 and login.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        assert websocket_close_code(server, token) == 1013
    finally:
        database.start()
    for who in (token, None, token):  # the very first requests after the restart succeed
        back = ask(server, who)
        assert back.status_code == 200 and "errors" not in back.json(), back.text[:300]
    assert ask(server, token).json()["data"]["viewer"] == {"username": "viewer"}


def test_the_task_worker_waits_out_an_outage_and_goes_on(outage):
    import time

    from platform.tests.live_server import start_worker

    database, _, _ = outage
    # a short pool timeout: meet the outage, rather than wait it out for a connection
    worker = start_worker(database.url, WORKER_HEARTBEAT_SECONDS="1", DATABASE_POOL_TIMEOUT="1")
    try:
        time.sleep(2)
        database.stop()
        time.sleep(4)  # the worker's loop and heartbeat both meet the outage
        assert worker.poll() is None, "the worker exited with the database"
        database.start()
        time.sleep(1)
        enqueue = (
            "from django_tasks_db.models import DBTaskResult; from videos.services.watch import roll_up_watch_events; "
            "print(roll_up_watch_events.enqueue().id)"
        )
        task_id = database.manage("shell", "-c", enqueue).strip().splitlines()[-1]
        status = "READY"
        for _ in range(100):
            status = (
                database.manage(
                    "shell",
                    "-c",
                    "from django_tasks_db.models import DBTaskResult; "
                    f"print(DBTaskResult.objects.get(id='{task_id}').status)",
                )
                .strip()
                .splitlines()[-1]
            )
            if status != "READY":
                break
            time.sleep(0.3)
        assert status == "SUCCESSFUL"
    finally:
        worker.terminate()
        worker.wait(timeout=10)
