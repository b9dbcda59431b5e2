"""Issue #21's amplifiers for bench/abuse.py: attacks where one cheap request asks the server for
far more work than it looks like.

- H1: a video's hashtags, each with its videos, each with its hashtags (a caption could once
  hold 733 tags, which the cost model counted as one object), and the same nested 30 times by
  aliases;
- H2: anonymous sockets full of distinct subscriptions with nested lists, then one comment;
- M3: 320 fresh anonymous sessions on 11 addresses reporting a skip of a video the feed never
  served them, against a video in its first traffic pool."""

import asyncio
import json


def seed_amplifiers() -> dict:
    """Twenty videos sharing the most hashtags a caption may hold, and a video on trial in a
    small first pool. Returns the ids the attacks need."""
    from django.conf import settings
    from django.utils import timezone
    from strawberry.relay import to_base64

    from accounts.models import User
    from feed.models import FeedSettings, VideoDistribution
    from videos.models import Video
    from videos.services.pipeline import tag_from_caption

    tagger = User.objects.create_user("tagger", "tagger@example.com", "a long secret 42")
    tags = " ".join(f"#amp{i}" for i in range(settings.CAPTION_MAX_HASHTAGS))
    tagged = []
    for n in range(20):
        video = Video.objects.create(
            author=tagger, caption=f"tagged {n} {tags}", status="PUBLISHED", published_at=timezone.now(),
            duration_ms=15000, file=f"videos/bench/tagged{n}.mp4",
        )  # fmt: skip
        tag_from_caption(video)
        tagged.append(video)
    trial = Video.objects.create(
        author=tagger, caption="on trial", status="PUBLISHED", published_at=timezone.now(), duration_ms=15000,
        file="videos/bench/trial.mp4",
    )  # fmt: skip
    VideoDistribution.objects.create(video=trial)
    FeedSettings.objects.create(version=2, pool_sizes="300,3000", pool_bars="0.3", note="abuse bench")
    return {"tagged": to_base64("Video", tagged[0].pk), "trial": to_base64("Video", trial.pk), "trial_pk": trial.pk}


TAG_BOMB = "query($v: ID!) { video(id: $v) { hashtags { videos(first: 1) { edges { node { hashtags { name } } } } } } }"
ALIASED_TAGS = "{ %s }" % " ".join(
    f'a{i}: hashtag(name: "amp0") {{ videos(first: 9) {{ edges {{ node {{ hashtags {{ videos(first: 9) '
    f"{{ edges {{ node {{ hashtags {{ name }} }} }} }} }} }} }} }} }}"
    for i in range(30)
)
# the heaviest selection a subscription may have (cost 25), made distinct per subscription by
# its alias so that no two share an execution
HEAVY_LIVE = """subscription($v: ID!) { a%d: commentAdded(videoId: $v) { id text
  author { username followers(first: 4) { edges { node { username } } } } video { caption hashtags { name } } } }"""


async def _fan_out(server, graphql, token, video: str, sockets: int, per_socket: int) -> tuple[str, int]:
    import websockets

    opened, answers, refused_sockets = [], [], 0
    for _ in range(sockets):
        ws = await websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"])
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        try:
            assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
            opened.append(ws)
        except websockets.exceptions.ConnectionClosed:
            refused_sockets += 1
    for n, ws in enumerate(opened):
        for i in range(per_socket):
            query = HEAVY_LIVE % (n * per_socket + i)
            payload = {"query": query, "variables": {"v": video}}
            await ws.send(json.dumps({"id": str(i), "type": "subscribe", "payload": payload}))
    await asyncio.sleep(1)
    comment = 'mutation($v: ID!) { addComment(input: {videoId: $v, text: "hi"}) { errors { code } } }'
    await asyncio.to_thread(graphql, server, comment, {"v": video}, token)
    delivered = 0
    for ws in opened:
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 2))
                delivered += message["type"] == "next"
                answers.append(message["type"])
        except (TimeoutError, websockets.exceptions.ConnectionClosed):
            pass
        await ws.close()
    errors = answers.count("error")
    summary = f"{refused_sockets} sockets refused, {errors} subscriptions refused, {delivered} delivered"
    return summary, sockets + sockets * per_socket + 1


def _sabotage(server, graphql, trial: str, trial_pk: int, sessions: int) -> tuple[str, int]:
    from feed.models import VideoDistribution
    from videos.services.watch_rollup import roll_up

    skip = "mutation($v: ID!) { recordWatchEvents(input: {events: [{videoId: $v, watchedMs: 500}]}) { accepted } }"
    accepted = 0
    for n in range(sessions):
        answer = graphql(server, skip, {"v": trial}, headers={"X-Forwarded-For": f"198.51.100.{n % 11}"})
        accepted += ((answer.json().get("data") or {}).get("recordWatchEvents") or {}).get("accepted", 0)
    roll_up(settle_seconds=0)
    pool = VideoDistribution.objects.get(video_id=trial_pk)
    return f"{accepted} stored; pool {pool.status}, {pool.pool_impressions} impressions", sessions


def amplifier_attacks(server, graphql, outcome, token, ids: dict, counts: dict):
    """(name, attack) pairs in bench/abuse.py's shape."""
    yield "H1 video's 10 tags x videos x tags", lambda: (outcome(graphql(server, TAG_BOMB, {"v": ids["tagged"]})), 1)
    yield "H1 30 aliases of nested tag pages", lambda: (outcome(graphql(server, ALIASED_TAGS)), 1)
    sockets, per_socket = counts["live_sockets"], counts["live_subscriptions"]
    yield (
        f"H2 {sockets} anonymous sockets x {per_socket} distinct heavy subscriptions, 1 comment",
        lambda: asyncio.run(_fan_out(server, graphql, token, ids["tagged"], sockets, per_socket)),
    )
    sessions = counts["saboteurs"]
    yield (
        f"M3 {sessions} fresh sessions skip a video never served",
        lambda: _sabotage(server, graphql, ids["trial"], ids["trial_pk"], sessions),
    )
