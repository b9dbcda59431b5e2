"""The real ASGI app on a real socket: HTTP and websockets at /graphql, as clients use them."""

import asyncio
import json

import httpx
import pytest
import websockets
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

REGISTER = """
mutation($username: String!) {
  register(input: {username: $username, email: "live@example.com", password: "a long live password"}) {
    token errors { code }
  }
}
"""
VIEWER = "{ viewer { username } }"


@pytest.fixture
def server(live_server_process):
    return live_server_process


@pytest.fixture
def registered(server):
    response = server.graphql(REGISTER, {"username": "livewire"})
    assert response.status_code == 200
    return response


def ws_transport(server, **kwargs) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=server.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL], ack_timeout=5, **kwargs
    )


async def ws_execute(transport, query: str) -> dict:
    async with Client(transport=transport) as session:
        return await session.execute(gql(query))


def test_register_over_http_then_use_the_token(server, registered):
    token = registered.json()["data"]["register"]["token"]
    response = server.graphql(VIEWER, headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"data": {"viewer": {"username": "livewire"}}}


def test_session_cookie_over_http(server, registered):
    cookies = registered.cookies
    assert "sessionid" in cookies
    assert server.graphql(VIEWER, cookies=cookies).json()["data"]["viewer"] == {"username": "livewire"}


def test_websocket_speaks_graphql_transport_ws_with_a_token_in_connection_init(server, registered):
    token = registered.json()["data"]["register"]["token"]
    transport = ws_transport(server, init_payload={"authorization": f"Bearer {token}"})
    assert asyncio.run(ws_execute(transport, VIEWER)) == {"viewer": {"username": "livewire"}}


def test_websocket_authenticates_with_the_session_cookie(server, registered):
    session = registered.cookies["sessionid"]
    transport = ws_transport(server, headers={"Cookie": f"sessionid={session}", "Origin": server.url})
    assert asyncio.run(ws_execute(transport, VIEWER)) == {"viewer": {"username": "livewire"}}


def test_websocket_anonymous_viewer_is_null(server):
    assert asyncio.run(ws_execute(ws_transport(server), VIEWER)) == {"viewer": None}


def test_websocket_with_a_bad_token_is_closed_with_4403(server):
    async def close_code() -> int:
        async with websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer fw_nope"}}))
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
            return closed.value.rcvd.code

    assert asyncio.run(close_code()) == 4403


def test_websocket_from_a_foreign_origin_is_refused(server):
    async def connect():
        async with websockets.connect(
            server.ws_url, subprotocols=["graphql-transport-ws"], origin="https://evil.example"
        ):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        asyncio.run(connect())
    assert refused.value.response.status_code == 403


def test_admin_is_served_with_its_static_files(server):
    login_page = httpx.get(f"{server.url}/admin/login/")
    assert login_page.status_code == 200
    assert httpx.get(f"{server.url}/static/admin/css/base.css").status_code == 200


def test_graphiql_is_served_in_development(server):
    page = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
