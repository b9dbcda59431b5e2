"""Serving cost (issue #27), first slice: what a read costs the server against what its data costs.

Starts, on a scratch database, the real stack (uvicorn, production settings: DEBUG off) and a
floor beside it (bench/serving_floor.py: the same uvicorn, no Django, no GraphQL, one
hand-written SQL statement), drives each with the same requests over loopback (bounded in
count, `--concurrency` at a time) and prints, per operation, requests/s, p50 and p99 latency,
and the server's CPU ms per request (from /proc, so the load generator's own CPU does not
count), with the ratio to the floor measured in the same run. Ratios, not absolute times: the
machines are shared and noisy.

Reads so far: `{ __typename }` through the full stack, 10 videos as aliased `video(id:)`
fields, and a For You page of 10 with the same fields per video (both against the floor's
answer for the same 10 videos); a video's comments page of 20 against its own floor (the same
page under the comment policy's rules). The profile, notifications, Following, search and the
writes come next.

    eval "$(./flywheel env)" && python bench/serving.py            # full size
    python bench/serving.py --smoke                                  # CI
"""

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.process_meter import cpu_seconds
from bench.scratch_db import scratch_database

FIELDS = "id caption heartCount commentCount viewerHasHearted author { username displayName } hashtags { name }"
TARGETS = {"10 videos by id": 8, "For You page of 10": 12, "comments page of 20": 8}
COMMENT_FIELDS = "id text heartCount viewerHasHearted author { username displayName }"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}


def seed(creators: int, videos: int) -> tuple[str, list[int]]:
    """Creators with public videos, each with three of 50 hashtags; a viewer who hearted some.
    Returns the viewer's token and ten video ids."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.services.tokens import issue_token
    from videos.models import Comment, Hashtag, Heart, Video

    people = User.objects.bulk_create(User(username=f"maker{n}", email=f"maker{n}@bench.test") for n in range(creators))
    tags = Hashtag.objects.bulk_create(Hashtag(name=f"topic{n}") for n in range(50))
    now = timezone.now()
    made = Video.objects.bulk_create(
        Video(
            author=people[n % creators], caption=f"clip {n} #topic{n % 50}", status="PUBLISHED", published_at=now,
            duration_ms=15000, file=f"videos/bench/{n}.mp4",
        )
        for n in range(videos)
    )  # fmt: skip
    through = Video.hashtags.through
    through.objects.bulk_create(
        through(video_id=video.pk, hashtag_id=tags[(n + k) % 50].pk) for n, video in enumerate(made) for k in range(3)
    )
    viewer = User.objects.create(username="viewer", email="viewer@bench.test")
    Heart.objects.bulk_create(Heart(user=viewer, video=video) for video in made[::7])
    Comment.objects.bulk_create(
        Comment(video=made[0], top_level_video=made[0], author=people[n % creators], text=f"comment {n}")
        for n in range(60)
    )
    return issue_token(viewer)[0], [video.pk for video in made[:10]]


def operations(ids: list[int]) -> list[tuple[str, dict, bool]]:
    """(name, JSON body, whether the floor is what it is compared with)."""
    from strawberry.relay import to_base64

    aliases = " ".join(f'v{n}: video(id: "{to_base64("Video", pk)}") {{ {FIELDS} }}' for n, pk in enumerate(ids))
    comments = "query ($id: ID!) { video(id: $id) { comments(first: 20) { edges { node { %s } } } } }"
    on_video = {"id": to_base64("Video", ids[0])}
    return [
        ("floor: 10 videos, one SQL statement", {"query": "floor", "variables": {"ids": ids}}, True),
        ("{ __typename }", {"query": "{ __typename }"}, False),
        ("10 videos by id", {"query": "{ %s }" % aliases}, False),
        ("For You page of 10", {"query": "{ forYou(first: 10) { edges { node { video { %s } } } } }" % FIELDS}, False),
        ("floor: comments page, one SQL statement", {"query": "floor-comments", "variables": {"video": ids[0]}}, True),
        ("comments page of 20", {"query": comments % COMMENT_FIELDS, "variables": on_video}, False),
    ]


async def _drive(url: str, body: dict, token: str, count: int, concurrency: int) -> list[float]:
    import httpx

    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:
        queue = iter(range(count))

        async def worker():
            for _ in queue:
                started = time.perf_counter()
                response = await client.post(url, json=body)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def measure(server, body: dict, token: str, count: int, concurrency: int) -> dict:
    url = f"{server.url}/graphql"
    asyncio.run(_drive(url, body, token, max(10, count // 10), concurrency))  # warm: caches, pools
    cpu, wall = cpu_seconds(server.process.pid), time.perf_counter()
    latencies = asyncio.run(_drive(url, body, token, count, concurrency))
    wall, cpu = time.perf_counter() - wall, cpu_seconds(server.process.pid) - cpu
    latencies.sort()
    return {
        "rps": count / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "cpu_ms": cpu / count * 1000,
    }


def same_answer(servers: dict, ids: list[int], token: str) -> None:
    """Each floor answers what the API answers for the same read (hashtags in any order)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    ops = operations(ids)
    for floor_body, api_body in ((ops[0][1], ops[2][1]), (ops[4][1], ops[5][1])):
        floor = httpx.post(f"{servers[True].url}/graphql", json=floor_body, headers=headers).json()["data"]
        api = httpx.post(f"{servers[False].url}/graphql", json=api_body, headers=headers).json()["data"]
        for answer in (floor, api):
            for video in answer.values():
                if "hashtags" in (video or {}):
                    video["hashtags"].sort(key=lambda tag: tag["name"])
        assert floor == api, (floor, api)
        assert api, "an empty answer proves nothing"


def report(rows: list[tuple[str, dict]], plot: Path | None) -> None:
    """Each read against the floor above it in the table (the same answer, hand-written)."""
    print("\n| read | requests/s | p50 ms | p99 ms | CPU ms / request | vs floor (CPU) | target |")
    print("|---|---|---|---|---|---|---|")
    floor = rows[0][1]["cpu_ms"]
    for name, figures in rows:
        if name.startswith("floor:"):
            floor = figures["cpu_ms"]
        ratio = figures["cpu_ms"] / floor if floor else float("nan")
        target = TARGETS.get(name)
        verdict = "" if target is None else f"≤ {target}x: {'met' if ratio <= target else 'missed'}"
        print(
            f"| {name} | {figures['rps']:,.0f} | {figures['p50']:.1f} | {figures['p99']:.1f} | "
            f"{figures['cpu_ms']:.2f} | {ratio:.1f}x | {verdict} |"
        )
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(8, 3.5))
        axes.barh([name for name, _ in rows][::-1], [figures["cpu_ms"] for _, figures in rows][::-1])
        axes.set_xlabel("server CPU ms per request (one uvicorn process)")
        axes.set_title("Serving cost against the floor (hand-written SQL, no framework)")
        figure.tight_layout()
        figure.savefig(plot, dpi=110)
        print(f"\nplot: {plot}")


def scaling(live_server, body: dict, token: str, count: int, concurrency: int) -> int:
    """Requests/s of one read on 1 and on 2 uvicorn worker processes (one per core), each
    process with its own connection pool, behind one port as an operator would run them."""
    rates = {}
    for processes in (1, 2):
        server = live_server(PRODUCTION, extra_args=("--no-access-log", "--workers", str(processes)))
        try:
            print(f"measuring 10 videos by id on {processes} process(es) ...", flush=True)
            rates[processes] = measure(server, body, token, count, concurrency)["rps"]
        finally:
            server.stop()
    print("\n| server processes | requests/s | vs one |")
    print("|---|---|---|")
    for processes, rate in rates.items():
        print(f"| {processes} | {rate:,.1f} | {rate / rates[1]:.2f}x |")
    return 0


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a small database and few requests, for CI")
    parser.add_argument("--creators", type=int, default=2000)
    parser.add_argument("--videos", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=2000, help="per operation")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--plot", type=Path, default=None, help="write a bar chart here (PNG)")
    parser.add_argument("--only", default="", help="measure only the reads whose name contains this (and the floor)")
    parser.add_argument(
        "--scaling", action="store_true", help="instead: 10 videos by id on 1, then 2 server processes (requests/s)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.creators, args.videos, args.requests = 50, 500, 200
    with scratch_database("flywheel_bench_serving"):
        from platform.tests.live_server import LiveServer

        print(f"seeding {args.creators:,} creators and {args.videos:,} videos ...", flush=True)
        token, ids = seed(args.creators, args.videos)
        if args.scaling:
            return scaling(LiveServer, operations(ids)[2][1], token, args.requests, args.concurrency)
        servers = {
            True: LiveServer(app="bench.serving_floor:app"),
            False: LiveServer(PRODUCTION, extra_args=("--no-access-log",)),
        }
        try:
            same_answer(servers, ids, token)
            rows = []
            for name, body, on_floor in operations(ids):
                if args.only not in name and not on_floor:
                    continue
                print(f"measuring {name} ({args.requests:,} requests, {args.concurrency} at a time) ...", flush=True)
                rows.append((name, measure(servers[on_floor], body, token, args.requests, args.concurrency)))
        finally:
            for server in servers.values():
                server.stop()
        report(rows, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
