"""Live comments: delivery latency and throughput to N subscribers of one video.

For each channel layer (in-memory; Redis) and each N (default 100 and 1000): start the ASGI
server, connect N graphql-transport-ws clients subscribed to one video's commentAdded, post
comments through the HTTP API, and time each delivery from the moment the comment was posted.
Prints p50/p99 latency, messages delivered per second, and whether every message arrived.

The baseline, measured in the same run with the same clients: bench/ws_floor.py, a bare ASGI
app on the same uvicorn that writes the same frames to the same N sockets with no framework
in between. The last column is each p99 as a multiple of the floor's p99 at that N.

    eval "$(./flywheel env)" && python bench/live_comments.py            # full size
    python bench/live_comments.py --subscribers 20 --comments 5          # smoke (CI)
"""

import argparse
import asyncio
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch_db import scratch_database

TARGET_P99_MS = 100


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def run_round(server, video_gid: str, token: str, subscribers: int, comments: int, gap: float):
    import httpx
    import websockets

    query = "subscription($id: ID!) { commentAdded(videoId: $id) { id text } }"
    received: dict[str, list[float]] = {}
    sockets = []
    ready = asyncio.Event()
    warmed = 0

    async def subscriber(index: int):
        nonlocal warmed
        ws = await websockets.connect(server.ws_url, subprotocols=["graphql-transport-ws"], max_queue=None)
        sockets.append(ws)
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"id": video_gid}}})
        )
        async for raw in ws:
            now = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") != "next":
                continue
            text = message["payload"]["data"]["commentAdded"]["text"]
            if text == "warm-up":
                warmed += 1
                if warmed == subscribers:
                    ready.set()
                continue
            received.setdefault(text, []).append(now)

    # connect in slices so the accept queue is not flooded
    tasks = []
    for start in range(0, subscribers, 100):
        tasks += [asyncio.create_task(subscriber(i)) for i in range(start, min(subscribers, start + 100))]
        await asyncio.sleep(0.2)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        mutation = "mutation($id: ID!, $t: String!) { addComment(input: {videoId: $id, text: $t}) { errors { code } } }"
        for _ in range(50):  # repeat the warm-up until every subscriber is live
            await http.post("/graphql", json={"query": mutation, "variables": {"id": video_gid, "t": "warm-up"}})
            try:
                await asyncio.wait_for(ready.wait(), 2)
                break
            except TimeoutError:
                warmed = 0
        posted = {}
        started = time.perf_counter()
        for i in range(comments):
            text = f"comment {i}"
            posted[text] = time.perf_counter()
            await http.post("/graphql", json={"query": mutation, "variables": {"id": video_gid, "t": text}})
            await asyncio.sleep(gap)
        deadline = time.perf_counter() + 10
        while sum(len(v) for v in received.values()) < subscribers * comments and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        wall = max((max(v) for v in received.values()), default=started) - started
    for task in tasks:
        task.cancel()
    for ws in sockets:
        await ws.close()
    latencies = [(t - posted[text]) * 1000 for text, times in received.items() for t in times]
    delivered = len(latencies)
    return {
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "rate": delivered / wall if wall > 0 else float("nan"),
        "delivered": delivered,
        "expected": subscribers * comments,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between comments")
    parser.add_argument("--layers", nargs="+", choices=["in-memory", "redis"], default=["in-memory", "redis"])
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with scratch_database("flywheel_bench_live"):
        from strawberry.relay import to_base64

        from accounts.models import User
        from accounts.services.tokens import issue_token
        from platform.tests.live_server import MANY_CLIENTS_ONE_ADDRESS, LiveServer, RedisServer
        from videos.models import Video

        author = User.objects.create(username="streamer", email="streamer@bench.test")
        video = Video.objects.create(
            author=author, caption="live", status=Video.Status.PUBLISHED, file="bench/live.mp4"
        )
        token = issue_token(author)[0]
        redis = RedisServer()
        rows = []
        try:
            setups = {
                "floor": ({}, "bench.ws_floor:app"),
                "in-memory": ({}, "platform.asgi:application"),
                "redis": ({"REDIS_URL": redis.url}, "platform.asgi:application"),
            }
            for layer in ("floor", *args.layers):
                env, app = setups[layer]
                server = LiveServer(
                    # one account posts every comment: its per-account comment limit would stop it
                    {
                        **env,
                        "GRAPHQL_WS_IDLE_SECONDS": "600",
                        **MANY_CLIENTS_ONE_ADDRESS,
                        "RATE_LIMIT_COMMENT_ACCOUNT": "",
                        "RATE_LIMIT_COMMENT_ADDRESS": "",
                    },
                    app=app,
                )
                try:
                    for count in args.subscribers:
                        print(f"{layer}: {count} subscribers ...", flush=True)
                        result = asyncio.run(
                            run_round(server, to_base64("Video", video.pk), token, count, args.comments, args.gap)
                        )
                        rows.append((layer, count, result))
                finally:
                    server.stop()
        finally:
            redis.stop()
    print()
    floor = {count: r["p99"] for layer, count, r in rows if layer == "floor"}
    print(f"{'layer':<11}{'subscribers':>12}{'p50 ms':>9}{'p99 ms':>9}{'msgs/s':>10}{'delivered':>16}{'p99/floor':>11}")
    for layer, count, r in rows:
        print(
            f"{layer:<11}{count:>12}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['rate']:>10,.0f}"
            f"{r['delivered']:>9}/{r['expected']:<6}{r['p99'] / floor[count]:>10.2f}x"
        )
    print(f"target: p99 under {TARGET_P99_MS} ms at 1000 subscribers, every message delivered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
