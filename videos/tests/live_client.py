"""A graphql-transport-ws client for the live tests: subscribe through gql, act, collect."""

import asyncio

import httpx
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from conftest import global_id

ADDED = "subscription($id: ID!) { commentAdded(videoId: $id) { id text parent { id } author { username } } }"
DELETED = "subscription($id: ID!) { commentDeleted(videoId: $id) { id videoId } }"
ADD = """mutation($id: ID!, $text: String!) {
  addComment(input: {videoId: $id, text: $text}) { comment { id } errors { code } }
}"""
DELETE = "mutation($id: ID!) { deleteComment(input: {commentId: $id}) { errors { code } } }"
BLOCK = "mutation($id: ID!) { block(input: {userId: $id}) { errors { code } } }"
UNBLOCK = "mutation($id: ID!) { unblock(input: {userId: $id}) { errors { code } } }"
MUTE = "mutation($id: ID!) { mute(input: {userId: $id}) { errors { code } } }"
UNMUTE = "mutation($id: ID!) { unmute(input: {userId: $id}) { errors { code } } }"


def request(query, video):
    operation = gql(query)
    operation.variable_values = {"id": global_id(video)}
    return operation


def transport(server, token=None, **kwargs):
    return WebsocketsTransport(
        url=server.ws_url,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        ack_timeout=5,
        init_payload={"authorization": f"Bearer {token}"} if token else {},
        **kwargs,
    )


async def watch(server, query, video, count, action, token=None, timeout=10.0):
    """Subscribe, run `action` (in a thread) once the subscription is live, and return the
    first `count` results."""
    async with Client(transport=transport(server, token)) as session:
        results = []

        async def take():
            async for result in session.subscribe(request(query, video)):
                results.append(result)
                if len(results) == count:
                    return

        task = asyncio.create_task(take())
        await asyncio.sleep(0.5)  # the server has joined the video's group by now
        await asyncio.to_thread(action)
        await asyncio.wait_for(task, timeout)
        return results


async def watch_together(server, query, video, tokens, action, timeout=10.0):
    """One subscriber per token (None: anonymous), all live before `action` runs; returns the
    first result each of them got."""
    subscribed = 0

    async def one(token):
        nonlocal subscribed
        async with Client(transport=transport(server, token)) as session:
            stream = session.subscribe(request(query, video))
            first = asyncio.ensure_future(anext(stream))
            subscribed += 1
            try:
                return await first
            finally:
                await stream.aclose()

    tasks = [asyncio.create_task(one(token)) for token in tokens]
    while subscribed < len(tokens):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # the server has joined the video's group by now
    await asyncio.to_thread(action)
    return await asyncio.wait_for(asyncio.gather(*tasks), timeout)


def post(server, token, query, **variables):
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return response.json()["data"]
