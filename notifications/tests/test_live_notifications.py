"""notificationAdded over a real websocket: the recipient's open connection on one server
process hears what another process committed, through Redis."""

import asyncio

import pytest
from gql import Client, gql

from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from videos.tests.live_client import post, transport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]

SUBSCRIBE = "subscription { notificationAdded { kind message unread video { caption } } }"
HEART = "mutation($id: ID!) { heartVideo(input: {videoId: $id}) { errors { code } } }"


def test_a_heart_on_one_server_reaches_the_authors_subscription_on_another(redis_servers, make_published):
    first, second = redis_servers
    author, fan, bystander = make_user("author"), make_user("fan"), make_user("bystander")
    video = make_published(author, "my dance")
    tokens = {user.username: issue_token(user)[0] for user in (author, fan, bystander)}

    async def run():
        async def listen(token):
            async with Client(transport=transport(first, token)) as session:
                received = []
                async for result in session.subscribe(gql(SUBSCRIBE)):
                    received.append(result["notificationAdded"])
                    await asyncio.sleep(0.5)  # anything else would arrive now
                    return received

        author_task = asyncio.create_task(listen(tokens["author"]))
        bystander_task = asyncio.create_task(listen(tokens["bystander"]))
        await asyncio.sleep(0.7)
        answer = await asyncio.to_thread(post, second, tokens["fan"], HEART, id=global_id(video))
        assert answer["heartVideo"]["errors"] == []
        received = await asyncio.wait_for(author_task, 10)
        done, _ = await asyncio.wait({bystander_task}, timeout=1.0)
        bystander_task.cancel()
        return received, done

    received, bystander_done = asyncio.run(run())
    assert received == [
        {"kind": "HEART", "message": "@fan hearted your video.", "unread": True, "video": {"caption": "my dance"}}
    ]
    assert not bystander_done  # nobody else hears of it


def test_signed_out_connections_cannot_subscribe(live_server_process):
    async def run():
        async with Client(transport=transport(live_server_process)) as session:
            async for _ in session.subscribe(gql(SUBSCRIBE)):
                pass

    with pytest.raises(Exception, match="Sign in"):
        asyncio.run(run())
