"""Watch-event ingestion: how close the service gets to PostgreSQL's own bulk load.

Prints, from one run on one database:
  - events/s written by videos.services.watch.record_watch_events (batches of 1,000,
    validation included) — what recordWatchEvents calls;
  - events/s of psycopg COPY of the same rows into the same table — the floor;
  - their ratio (target: at least 0.5);
  - events/s end to end through the GraphQL endpoint (uvicorn, HTTP, batches of 50);
  - events/s of the roll-up that later folds the events into the video counters.

Rounds alternate between the service and COPY and the median is reported, because these
machines are shared and noisy.

    eval "$(./flywheel env)" && python bench/watch_events.py              # full size
    python bench/watch_events.py --events 5000 --rounds 2                  # smoke (CI)
"""

import argparse
import logging
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch_db import scratch_database

TARGET_RATIO = 0.5


def seed(viewers: int, videos: int):
    from django.utils import timezone

    from accounts.models import User
    from videos.models import Video

    authors = User.objects.bulk_create(
        [User(username=f"creator{i}", email=f"creator{i}@bench.test", kind="CREATOR") for i in range(20)]
    )
    people = User.objects.bulk_create(
        [User(username=f"viewer{i}", email=f"viewer{i}@bench.test") for i in range(viewers)]
    )
    now = timezone.now()
    clips = Video.objects.bulk_create(
        [
            Video(
                author=authors[i % len(authors)],
                caption=f"clip {i}",
                status=Video.Status.PUBLISHED,
                published_at=now,
                duration_ms=random.randint(5_000, 60_000),
                file=f"bench/{i}.mp4",
            )
            for i in range(videos)
        ]
    )
    return people, clips


def make_batch(clips, size: int):
    from videos.services.watch import WatchEventInput

    batch = []
    for _ in range(size):
        clip = random.choice(clips)
        loops = random.choice((0, 0, 0, 1, 2))
        watched = random.randint(500, clip.duration_ms * (loops + 1))
        batch.append(WatchEventInput(clip.pk, watched, watched >= clip.duration_ms, loops))
    return batch


def time_service(people, batches) -> float:
    from videos.services.watch import record_watch_events

    started = time.perf_counter()
    written = 0
    for viewer, batch in zip(people, batches, strict=False):
        accepted, rejected = record_watch_events(viewer, "", batch)
        assert not rejected, rejected[:3]
        written += accepted
    return written / (time.perf_counter() - started)


def time_copy(people, batches) -> float:
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    rows = [
        (e.video_id, viewer.pk, "", e.watched_ms, e.completed, e.loops, now)
        for viewer, batch in zip(people, batches, strict=False)
        for e in batch
    ]
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    with (
        raw.cursor() as cursor,
        cursor.copy(
            "COPY videos_watchevent (video_id, user_id, session_key, watched_ms, completed, loops, created_at)"
            " FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    raw.commit()
    return len(rows) / (time.perf_counter() - started)


def time_rollup() -> float:
    from videos.models import WatchEvent
    from videos.services.watch_rollup import roll_up

    started = time.perf_counter()
    counted = roll_up(settle_seconds=0)
    elapsed = time.perf_counter() - started
    assert counted == WatchEvent.objects.count()
    return counted / elapsed


def time_graphql(people, clips, events: int) -> float:
    import httpx
    from strawberry.relay import to_base64

    from accounts.services.tokens import issue_token
    from platform.tests.live_server import LiveServer

    # this measures ingestion: the per-viewer and per-address batch limits would cap it at 60/min
    server = LiveServer({"RATE_LIMIT_WATCH_ACCOUNT": "", "RATE_LIMIT_WATCH_ADDRESS": ""})
    try:
        mutation = "mutation($e: [WatchEventInput!]!) { recordWatchEvents(input: {events: $e}) { accepted } }"
        tokens = [issue_token(viewer)[0] for viewer in people[:20]]
        payloads = []
        for i in range(max(1, events // 50)):
            batch = make_batch(clips, 50)
            payloads.append(
                (
                    tokens[i % len(tokens)],
                    [
                        {
                            "videoId": to_base64("Video", e.video_id),
                            "watchedMs": e.watched_ms,
                            "completed": e.completed,
                            "loops": e.loops,
                        }
                        for e in batch
                    ],
                )
            )
        with httpx.Client(base_url=server.url, timeout=30) as client:
            started = time.perf_counter()
            written = 0
            for token, batch in payloads:
                response = client.post(
                    "/graphql",
                    json={"query": mutation, "variables": {"e": batch}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                written += response.json()["data"]["recordWatchEvents"]["accepted"]
            return written / (time.perf_counter() - started)
    finally:
        server.stop()


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000, help="events per round (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--graphql-events", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    random.seed(7)
    with scratch_database("flywheel_bench_watch", keep=args.keep):
        people, clips = seed(viewers=500, videos=2000)
        service, floor = [], []
        for round_ in range(1, args.rounds + 1):
            batches = [make_batch(clips, args.batch) for _ in range(max(1, args.events // args.batch))]
            chosen = [random.choice(people) for _ in batches]
            service.append(time_service(chosen, batches))
            floor.append(time_copy(chosen, batches))
            print(
                f"round {round_}/{args.rounds}: service {service[-1]:>10,.0f} ev/s   COPY {floor[-1]:>10,.0f} ev/s",
                flush=True,
            )
        rollup = time_rollup()
        graphql = time_graphql(people, clips, args.graphql_events)
    ratio = statistics.median(service) / statistics.median(floor)
    print()
    print(f"{'measure':<48}{'events/s':>12}")
    print(f"{'record_watch_events, batches of ' + str(args.batch):<48}{statistics.median(service):>12,.0f}")
    print(f"{'psycopg COPY, same rows, same table (floor)':<48}{statistics.median(floor):>12,.0f}")
    print(f"{'GraphQL recordWatchEvents over HTTP, batches of 50':<48}{graphql:>12,.0f}")
    print(f"{'roll-up into video counters (asynchronous)':<48}{rollup:>12,.0f}")
    print(f"{'ratio service / COPY':<48}{ratio:>12.2f}   (target ≥ {TARGET_RATIO})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
