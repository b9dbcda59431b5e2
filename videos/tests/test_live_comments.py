"""Live comments: the real ASGI app on real sockets, a real graphql-transport-ws client (gql),
and, for fan-out, two server processes behind one real Redis."""

import asyncio
import json

import httpx
import pytest
import websockets
from django.db import connection, transaction
from gql import Client
from gql.transport.exceptions import TransportQueryError

from accounts.services.social_graph import block, follow
from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from videos.services import moderation
from videos.services.comments import add_comment
from videos.tests.live_client import (
    ADD,
    ADDED,
    BLOCK,
    DELETE,
    DELETED,
    MUTE,
    UNBLOCK,
    UNMUTE,
    post,
    request,
    transport,
    watch,
    watch_together,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]


def test_comments_arrive_live_on_one_server(live_server_process, scene):
    server, video = live_server_process, scene["video"]

    def comment():
        post(server, scene["fan_token"], ADD, id=global_id(video), text="first!")

    results = asyncio.run(watch(server, ADDED, video, 1, comment))
    assert results[0]["commentAdded"]["text"] == "first!"
    assert results[0]["commentAdded"]["author"] == {"username": "fan"}


def test_each_viewer_gets_their_own_answer_when_the_selection_is_about_them(live_server_process, scene):
    # identical plain selections are executed once per event; viewerFollows must not be
    follow(scene["fan"], scene["author"])
    query = "subscription($id: ID!) { commentAdded(videoId: $id) { text author { username viewerFollows } } }"

    def comment():
        post(live_server_process, scene["author_token"], ADD, id=global_id(scene["video"]), text="hello")

    tokens = [scene["fan_token"], None, scene["author_token"]]
    fan, anonymous, author = asyncio.run(watch_together(live_server_process, query, scene["video"], tokens, comment))
    assert fan["commentAdded"] == {"text": "hello", "author": {"username": "author", "viewerFollows": True}}
    assert anonymous["commentAdded"]["author"]["viewerFollows"] is False
    assert author["commentAdded"]["author"]["viewerFollows"] is False


def test_subscribers_with_the_same_selection_all_get_the_comment_with_absolute_avatar_urls(live_server_process, scene):
    scene["author"].avatar.name = "avatars/author.png"
    scene["author"].display_name = "The Author"
    scene["author"].save()
    query = "subscription($id: ID!) { commentAdded(videoId: $id) { id text author { displayName avatarUrl } } }"

    def comment():
        post(live_server_process, scene["author_token"], ADD, id=global_id(scene["video"]), text="hi all")

    tokens = [None, None, scene["fan_token"]]
    results = asyncio.run(watch_together(live_server_process, query, scene["video"], tokens, comment))
    assert len({json.dumps(result, sort_keys=True) for result in results}) == 1
    added = results[0]["commentAdded"]
    assert added["text"] == "hi all"
    assert added["author"]["displayName"] == "The Author"
    assert added["author"]["avatarUrl"].startswith(f"{live_server_process.url}/media/")
    assert "avatars/author.png" not in added["author"]["avatarUrl"]  # signed, not the storage path


def test_a_live_selection_may_reach_into_the_video_author_and_replies(live_server_process, scene):
    # relations and connections load from the database inside the subscription, per viewer
    query = """subscription($id: ID!) { commentAdded(videoId: $id) {
      text video { caption author { username } } author { videoCount } replies(first: 2) { edges { node { id } } }
    } }"""

    def comment():
        post(live_server_process, scene["author_token"], ADD, id=global_id(scene["video"]), text="hello")

    tokens = [None, scene["fan_token"]]
    for result in asyncio.run(watch_together(live_server_process, query, scene["video"], tokens, comment)):
        assert result["commentAdded"] == {
            "text": "hello",
            "video": {"caption": "live!", "author": {"username": "author"}},
            "author": {"videoCount": 1},
            "replies": {"edges": []},
        }


def test_fan_out_across_two_server_processes_in_order_exactly_once(redis_servers, scene):
    first, second = redis_servers
    texts = [f"comment {i}" for i in range(5)]

    def comment_on_the_other_server():
        for text in texts:
            post(second, scene["fan_token"], ADD, id=global_id(scene["video"]), text=text)

    async def two_subscribers():
        async def subscriber(server):
            async with Client(transport=transport(server)) as session:
                seen = []
                async for result in session.subscribe(request(ADDED, scene["video"])):
                    seen.append(result["commentAdded"]["text"])
                    if len(seen) == len(texts):
                        await asyncio.sleep(0.5)  # anything extra would arrive now
                        return seen

        tasks = [asyncio.create_task(subscriber(server)) for server in (first, second)]
        await asyncio.sleep(0.5)
        await asyncio.to_thread(comment_on_the_other_server)
        return await asyncio.wait_for(asyncio.gather(*tasks), 15)

    on_first, on_second = asyncio.run(two_subscribers())
    assert on_first == texts and on_second == texts


def test_deletions_are_announced(redis_servers, scene):
    server = redis_servers[0]
    comment = post(server, scene["fan_token"], ADD, id=global_id(scene["video"]), text="oops")["addComment"]["comment"]

    def delete():
        assert post(server, scene["author_token"], DELETE, id=comment["id"])["deleteComment"]["errors"] == []

    results = asyncio.run(watch(server, DELETED, scene["video"], 1, delete))
    assert results[0]["commentDeleted"] == {"id": comment["id"], "videoId": global_id(scene["video"])}


@pytest.fixture
def layer_of_the_servers(settings, redis_server):
    """This test process publishes on the Redis channel layer the server processes listen to."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": redis_server.url, "socket_timeout": 30}]},
        }
    }


@pytest.mark.usefixtures("layer_of_the_servers")
def test_rolled_back_comments_are_never_announced(redis_servers, scene):
    def comment_twice():
        try:
            with pytest.raises(RuntimeError), transaction.atomic():
                add_comment(scene["fan"], scene["video"].pk, "phantom")
                raise RuntimeError("the request failed after writing")
            add_comment(scene["fan"], scene["video"].pk, "real")
        finally:
            connection.close()  # this runs in a worker thread with a connection of its own

    results = asyncio.run(watch(redis_servers[0], ADDED, scene["video"], 1, comment_twice))
    assert [r["commentAdded"]["text"] for r in results] == ["real"]


def test_followers_only_videos_need_a_follower_token(live_server_process, scene, make_published):
    secret = make_published(scene["author"], "for followers", visibility="FOLLOWERS")

    async def subscribe(token):
        async with Client(transport=transport(live_server_process, token)) as session:
            async for _ in session.subscribe(request(ADDED, secret)):
                return "subscribed"

    with pytest.raises(TransportQueryError, match="No such video"):
        asyncio.run(subscribe(scene["fan_token"]))
    follow(scene["fan"], scene["author"])

    def comment():
        post(live_server_process, scene["author_token"], ADD, id=global_id(secret), text="hi followers")

    results = asyncio.run(watch(live_server_process, ADDED, secret, 1, comment, token=scene["fan_token"]))
    assert results[0]["commentAdded"]["text"] == "hi followers"


def test_blocked_accounts_comments_are_not_delivered(live_server_process, scene):
    troll = make_user("troll")
    block(scene["fan"], troll)
    troll_token = issue_token(troll)[0]

    def comments():
        post(live_server_process, troll_token, ADD, id=global_id(scene["video"]), text="rude")
        post(live_server_process, scene["author_token"], ADD, id=global_id(scene["video"]), text="welcome")

    results = asyncio.run(watch(live_server_process, ADDED, scene["video"], 1, comments, token=scene["fan_token"]))
    assert [r["commentAdded"]["text"] for r in results] == ["welcome"]


def test_a_block_made_while_watching_applies_at_once_and_lifting_it_too(live_server_process, scene):
    troll = make_user("troll")
    troll_token = issue_token(troll)[0]
    server, video = live_server_process, global_id(scene["video"])

    def comments():
        post(server, troll_token, ADD, id=video, text="before")
        assert post(server, scene["fan_token"], BLOCK, id=global_id(troll))["block"]["errors"] == []
        post(server, troll_token, ADD, id=video, text="while blocked")
        post(server, scene["author_token"], ADD, id=video, text="welcome")
        assert post(server, scene["fan_token"], UNBLOCK, id=global_id(troll))["unblock"]["errors"] == []
        post(server, troll_token, ADD, id=video, text="after")

    results = asyncio.run(watch(server, ADDED, scene["video"], 3, comments, token=scene["fan_token"]))
    assert [r["commentAdded"]["text"] for r in results] == ["before", "welcome", "after"]


def test_a_mute_made_while_watching_hides_the_muted_accounts_comments_at_once_and_lifting_it_too(
    live_server_process, scene
):
    noisy = make_user("noisy")
    noisy_token = issue_token(noisy)[0]
    server, video = live_server_process, global_id(scene["video"])

    def comments():
        post(server, noisy_token, ADD, id=video, text="before")
        assert post(server, scene["fan_token"], MUTE, id=global_id(noisy))["mute"]["errors"] == []
        post(server, noisy_token, ADD, id=video, text="while muted")
        post(server, scene["author_token"], ADD, id=video, text="welcome")
        assert post(server, scene["fan_token"], UNMUTE, id=global_id(noisy))["unmute"]["errors"] == []
        post(server, noisy_token, ADD, id=video, text="after")

    results = asyncio.run(watch(server, ADDED, scene["video"], 3, comments, token=scene["fan_token"]))
    assert [r["commentAdded"]["text"] for r in results] == ["before", "welcome", "after"]


def stream_ends_after(server, scene, token, action):
    """Subscribe, run `action` (in a thread), and return what arrived before the server
    completed the subscription."""

    async def run():
        async with Client(transport=transport(server, token)) as session:
            received = []

            async def take():
                async for result in session.subscribe(request(ADDED, scene["video"])):
                    received.append(result)

            task = asyncio.create_task(take())
            await asyncio.sleep(0.5)
            await asyncio.to_thread(action)
            await asyncio.wait_for(task, 10)  # the server completed the subscription
            return received

    return asyncio.run(run())


def test_a_block_by_the_videos_author_ends_the_viewers_stream(live_server_process, scene):
    server, video = live_server_process, global_id(scene["video"])

    def block_then_comment():
        post(server, scene["author_token"], BLOCK, id=global_id(scene["fan"]))
        post(server, scene["author_token"], ADD, id=video, text="not for you")

    assert stream_ends_after(server, scene, scene["fan_token"], block_then_comment) == []


def test_unfollowing_ends_the_stream_of_a_followers_only_video(live_server_process, scene, make_published):
    follow(scene["fan"], scene["author"])
    secret = make_published(scene["author"], "for followers", visibility="FOLLOWERS")
    unfollow = "mutation($id: ID!) { unfollow(input: {userId: $id}) { errors { code } } }"

    def stop_following():
        assert post(live_server_process, scene["fan_token"], unfollow, id=global_id(scene["author"])) == {
            "unfollow": {"errors": []}
        }

    scene = {**scene, "video": secret}
    assert stream_ends_after(live_server_process, scene, scene["fan_token"], stop_following) == []


@pytest.mark.parametrize("viewer", ["anonymous", "fan"])
def test_deleting_the_video_ends_its_watchers_streams(live_server_process, scene, viewer):
    server = live_server_process
    token = scene["fan_token"] if viewer == "fan" else None
    delete = "mutation($id: ID!) { deleteVideo(input: {videoId: $id}) { errors { code } } }"

    def delete_video():
        assert post(server, scene["author_token"], delete, id=global_id(scene["video"]))["deleteVideo"]["errors"] == []

    assert stream_ends_after(server, scene, token, delete_video) == []


@pytest.mark.usefixtures("layer_of_the_servers")
def test_a_bulk_removal_ends_the_streams_of_every_video_it_removes(redis_servers, scene, make_published):
    """Issue #23: one UPDATE for all the selected videos, and still every watcher's stream ends."""
    other = make_published(scene["author"], "another")
    moderator = make_user("mod", is_staff=True)

    def remove_both():
        try:
            decided, _ = moderation.decide([other, scene["video"]], moderator, "remove", "Spam.")
            assert len(decided) == 2
        finally:
            connection.close()  # this runs in a worker thread with a connection of its own

    assert stream_ends_after(redis_servers[0], scene, scene["fan_token"], remove_both) == []


def raw_protocol(server, messages, read=1, token=None, **connect):
    """Speak graphql-transport-ws by hand; returns the server's answers and the close code."""

    async def run():
        async with websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"], **connect) as ws:
            init = {"authorization": f"Bearer {token}"} if token else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            answers = []
            for message in messages:
                await ws.send(message if isinstance(message, str) else json.dumps(message))
            try:
                for _ in range(read):
                    answers.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
            except websockets.exceptions.ConnectionClosed as closed:
                return answers, closed.rcvd.code if closed.rcvd else None
            return answers, None

    return asyncio.run(run())


def subscribe_message(op_id, video_id):
    return {"id": op_id, "type": "subscribe", "payload": {"query": ADDED, "variables": {"id": video_id}}}


def test_a_bad_subscription_gets_an_error_and_the_connection_lives_on(live_server_process, scene):
    answers, closed = raw_protocol(
        live_server_process,
        [
            subscribe_message("1", "VmlkZW86OTk5OTk5"),  # Video:999999
            subscribe_message("2", "garbage"),
            {"type": "ping"},
        ],
        read=3,
    )
    assert closed is None, answers
    errors = {a["id"]: a["payload"][0] for a in answers if a["type"] == "error"}
    assert errors.keys() == {"1", "2"}, answers
    assert errors["1"]["message"] == "No such video."
    assert errors["2"]["extensions"] == {"code": "INVALID_ID", "field": "videoId", "classification": "BAD_USER_INPUT"}
    assert any(a["type"] == "pong" for a in answers)


def test_subscriptions_per_connection_are_limited(live_server_process, scene):
    video = global_id(scene["video"])
    limit = 20  # signed in: an anonymous address reaches its own, smaller bound first (test_live_limits)
    messages = [subscribe_message(str(i), video) for i in range(limit + 1)]
    answers, closed = raw_protocol(live_server_process, messages, token=scene["fan_token"])
    assert closed is None
    assert answers[0]["type"] == "error" and answers[0]["id"] == str(limit)
    assert "limit" in answers[0]["payload"][0]["message"].lower()


def test_oversized_messages_close_the_connection(live_server_process):
    _, closed = raw_protocol(live_server_process, ["x" * (64 * 1024 + 1)])
    assert closed == 4413


def test_idle_connections_are_closed(django_db_setup):
    from platform.tests.live_server import LiveServer

    server = LiveServer({"GRAPHQL_WS_IDLE_SECONDS": "1"})
    try:
        _, closed = raw_protocol(server, [], read=1)
        assert closed == 4408
    finally:
        server.stop()


def deactivate_in_the_admin(server, account) -> None:
    """What a moderator does: open the admin's account list and run its deactivate action."""
    from django.test import Client as DjangoClient

    staff = DjangoClient()
    staff.force_login(make_user("moderator", is_staff=True, is_superuser=True))
    with httpx.Client(
        base_url=server.url, timeout=10, cookies={"sessionid": staff.cookies["sessionid"].value}
    ) as browser:
        assert browser.get("/admin/accounts/user/").status_code == 200
        done = browser.post(
            "/admin/accounts/user/",
            data={
                "action": "deactivate",
                "_selected_action": [account.pk],
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            headers={"Referer": f"{server.url}/admin/accounts/user/"},
        )
        assert done.status_code == 302, done.text[:500]


def test_a_deactivated_accounts_connections_close_at_once(live_server_process, scene):
    server = live_server_process

    async def run():
        async with websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            init = {"authorization": f"Bearer {scene['fan_token']}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps(subscribe_message("1", global_id(scene["video"]))))
            await asyncio.sleep(0.3)
            await asyncio.to_thread(deactivate_in_the_admin, server, scene["fan"])
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            except websockets.exceptions.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None

    assert asyncio.run(run()) == 4403
    # and the token it connected with is dead for good
    refused = httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ viewer { id } }"},
        headers={"Authorization": f"Bearer {scene['fan_token']}"},
    )
    assert refused.status_code == 401


def test_live_comments_with_a_filtered_word_are_not_delivered(live_server_process, scene):
    from accounts.services import keyword_filters

    keyword_filters.add(scene["fan"], "spoiler")
    author_token = scene["author_token"]
    talker_token = issue_token(scene["author"])[0]

    def comments():
        post(live_server_process, talker_token, ADD, id=global_id(scene["video"]), text="SPOILER: he dies")
        post(live_server_process, author_token, ADD, id=global_id(scene["video"]), text="no spoilers please")

    results = asyncio.run(watch(live_server_process, ADDED, scene["video"], 1, comments, token=scene["fan_token"]))
    assert [r["commentAdded"]["text"] for r in results] == ["no spoilers please"]
