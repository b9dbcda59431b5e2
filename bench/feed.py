"""For You at scale: seed fast with COPY, train, then time forYou pages through the GraphQL
endpoint next to two floors measured in the same run:
  (a) the same 10 videos with the same fields fetched by id through the same endpoint;
  (b) one raw SQL query for those rows.
Also prints the model's training time, the memory a server process spends on it, and whether
the ranking stage (feed/services/ranker.py) scored the candidates of every timed page.

    eval "$(./flywheel env)" && python bench/feed.py --viewers 100000 --videos 1000000 --events 10000000
    python bench/feed.py --viewers 2000 --videos 20000 --events 100000 --pages 20       # smoke (CI)
"""

import argparse
import io
import json
import logging
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch_db import scratch_database

TOPICS = 20
FIELDS = (
    "id caption heartCount commentCount viewCount viewerHasHearted author { username displayName } hashtags { name }"
)


def copy_rows(cursor, table: str, columns: list[str], rows, label: str, total: int) -> None:
    """COPY rows in chunks, printing progress."""
    done = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            done += 1
            if done % 500_000 == 0:
                print(f"  {label}: {done:,}/{total:,}", flush=True)
    print(f"  {label}: {total:,} done", flush=True)


def seed(viewers: int, videos: int, events: int, seed_value: int = 7) -> dict:
    from django.db import connection
    from django.utils import timezone

    rng = np.random.default_rng(seed_value)
    now = timezone.now()
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    creators = max(10, videos // 50)
    with raw.cursor() as cursor:
        user_columns = [
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "kind",
            "display_name",
            "bio",
            "avatar",
            "is_verified",
            "follower_count",
            "following_count",
            "heart_count",
        ]
        users = (
            (
                "!",
                False,
                f"u{i}",
                "",
                "",
                f"u{i}@bench.test",
                False,
                True,
                now,
                "BRAND" if i < creators and i % 10 == 0 else ("CREATOR" if i < creators else "PERSONAL"),
                "",
                "",
                "",
                False,
                0,
                0,
                0,
            )
            for i in range(creators + viewers)
        )
        copy_rows(cursor, "accounts_user", user_columns, users, "accounts", creators + viewers)
        cursor.execute("SELECT min(id) FROM accounts_user")
        first_user = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO videos_hashtag (name, created_at) SELECT 'topic' || g, now() FROM generate_series(0, %s) g",
            [TOPICS - 1],
        )
        video_columns = [
            "author_id",
            "caption",
            "visibility",
            "status",
            "rejection_reasons",
            "review_notes",
            "file",
            "thumbnail",
            "duration_ms",
            "video_codec",
            "audio_codec",
            "content_hash",
            "frame_hashes",
            "phash_bands",
            "is_original",
            "heart_count",
            "comment_count",
            "share_count",
            "view_count",
            "completion_count",
            "rewatch_count",
            "watch_time_ms",
            "impression_count",
            "created_at",
            "published_at",
        ]
        ages = rng.exponential(24 * 7, videos)  # hours; most videos are recent
        hearts = rng.zipf(2.0, videos).clip(0, 100_000)

        def video_rows():
            for i in range(videos):
                stamp = now - timezone.timedelta(hours=float(ages[i]))
                yield (
                    first_user + (i % creators),
                    f"clip {i} #topic{i % TOPICS}",
                    "PUBLIC",
                    "PUBLISHED",
                    "{}",
                    "{}",
                    f"bench/{i}.mp4",
                    "",
                    15000,
                    "h264",
                    "aac",
                    "",
                    "{}",
                    "{}",
                    True,
                    int(hearts[i]),
                    0,
                    0,
                    int(hearts[i]) * 5,
                    int(hearts[i]) * 2,
                    int(hearts[i]),
                    0,
                    int(hearts[i]) * 6,
                    stamp,
                    stamp,
                )

        copy_rows(cursor, "videos_video", video_columns, video_rows(), "videos", videos)
        cursor.execute("SELECT min(id) FROM videos_video")
        first_video = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO videos_video_hashtags (video_id, hashtag_id) "
            "SELECT v.id, h.id FROM videos_video v JOIN videos_hashtag h ON h.name = 'topic' || ((v.id - %s) %% %s)",
            [first_video, TOPICS],
        )
        viewer_ids = first_user + creators + rng.integers(0, viewers, events)
        # planted tastes: 80% of a viewer's watching is in their own topic
        own = rng.random(events) < 0.8
        topic = np.where(own, (viewer_ids - first_user) % TOPICS, rng.integers(0, TOPICS, events))
        slot = rng.integers(0, max(1, videos // TOPICS), events)
        video_index = (slot * TOPICS + topic).clip(0, videos - 1)
        completed = rng.random(events) < np.where(own, 0.7, 0.1)
        loops = np.where(completed & (rng.random(events) < 0.3), 1, 0)
        # each watch at a moment between its video's posting and now: the ranking stage learns
        # from the latest fifth of the log what the earlier part predicts
        watched_hours_ago = rng.random(events) * ages[video_index]

        def event_rows():
            for i in range(events):
                yield (
                    int(first_video + video_index[i]),
                    int(viewer_ids[i]),
                    "",
                    15000 if completed[i] else 2000,
                    bool(completed[i]),
                    int(loops[i]),
                    now - timezone.timedelta(hours=float(watched_hours_ago[i])),
                )

        copy_rows(
            cursor,
            "videos_watchevent",
            ["video_id", "user_id", "session_key", "watched_ms", "completed", "loops", "created_at"],
            event_rows(),
            "watch events",
            events,
        )
        raw.commit()
        cursor.execute("ANALYZE")
    raw.commit()
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return {"first_user": first_user, "creators": creators, "first_video": first_video}


def timed(server, token, query, variables, pages):
    import httpx

    times = []
    with httpx.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
        for _ in range(pages):
            started = time.perf_counter()
            response = client.post("/graphql", json={"query": query, "variables": variables})
            times.append((time.perf_counter() - started) * 1000)
            body = response.json()
            assert "errors" not in body, body["errors"]
    return times, body


def summary(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=100_000)
    parser.add_argument("--videos", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database and its model")
    parser.add_argument("--reuse", action="store_true", help="time against the database a --keep run left")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # the bench's ~300 MB models go next to its database, not among the development models
    models = Path(__file__).resolve().parent.parent / "var" / "bench-feed-models"
    os.environ["FEED_MODEL_DIR"] = str(models)
    with scratch_database("flywheel_bench_feed", keep=args.keep, reuse=args.reuse) as reused:
        import psycopg
        from django.core.management import call_command
        from strawberry.relay import GlobalID

        from accounts.models import User
        from accounts.services.social_graph import follow
        from accounts.services.tokens import issue_token
        from feed.services import model_store
        from platform.tests.live_server import LiveServer, scratch_database_url

        saved = model_store.model_dir() / "bench-feed-ids.json"
        if reused:
            ids, training = json.loads(saved.read_text()), float("nan")
            ranking_stage = "ranking stage: trained by the --keep run"
            print("reusing the seeded database and its model", flush=True)
        else:
            ids = seed(args.viewers, args.videos, args.events)
            viewer = User.objects.get(pk=ids["first_user"] + ids["creators"] + 1)
            for creator in range(5):
                follow(viewer, User.objects.get(pk=ids["first_user"] + creator))
            started = time.perf_counter()
            output = io.StringIO()
            call_command("train_feed_model", iterations=args.iterations, stdout=output)
            training = time.perf_counter() - started
            ranking_stage = next(line for line in output.getvalue().splitlines() if line.startswith("ranking stage"))
            saved.write_text(json.dumps(ids))
        viewer = User.objects.get(pk=ids["first_user"] + ids["creators"] + 1)
        model_store.forget()
        model = model_store.current()
        token = issue_token(viewer)[0]
        server = LiveServer({"FEED_MODEL_DIR": str(model_store.model_dir())})
        try:
            feed_query = (
                f"query($n: Int!) {{ forYou(first: $n) {{ edges {{ node {{ reason video {{ {FIELDS} }} }} }} }} }}"
            )
            # a new server process loads the model and computes the shared candidate lists once
            cold, _ = timed(server, token, feed_query, {"n": 10}, 1)
            feed_times, body = timed(server, token, feed_query, {"n": 10}, args.pages)
            shown = [edge["node"]["video"]["id"] for edge in body["data"]["forYou"]["edges"]]
            by_id = (
                "query {" + " ".join(f'v{i}: video(id: "{gid}") {{ {FIELDS} }}' for i, gid in enumerate(shown)) + "}"
            )
            floor_a, _ = timed(server, token, by_id, {}, args.pages)
            pks = [int(GlobalID.from_id(gid).node_id) for gid in shown]
        finally:
            server.stop()
        floor_b = []
        dsn = scratch_database_url()  # the scratch database's URL, as the server used
        with psycopg.connect(dsn.replace("postgres://", "postgresql://")) as conn:
            sql = (
                "SELECT v.id, v.caption, v.heart_count, v.comment_count, v.view_count, u.username, u.display_name, "
                "array(SELECT h.name FROM videos_hashtag h JOIN videos_video_hashtags vh ON vh.hashtag_id = h.id "
                "WHERE vh.video_id = v.id) FROM videos_video v JOIN accounts_user u ON u.id = v.author_id "
                "WHERE v.id = ANY(%s)"
            )
            for _ in range(args.pages):
                started = time.perf_counter()
                conn.execute(sql, [pks]).fetchall()
                floor_b.append((time.perf_counter() - started) * 1000)
    if not args.keep:
        shutil.rmtree(models, ignore_errors=True)
    feed_p50, feed_p99 = summary(feed_times)
    a_p50, a_p99 = summary(floor_a)
    b_p50, b_p99 = summary(floor_b)
    print()
    print(f"{args.viewers:,} viewers, {args.videos:,} videos, {args.events:,} watch events; {args.pages} pages of 10")
    print(f"{'measure':<46}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"{'forYou through GraphQL':<46}{feed_p50:>9.1f}{feed_p99:>9.1f}")
    print(f"{'(a) same 10 videos by id through GraphQL':<46}{a_p50:>9.1f}{a_p99:>9.1f}")
    print(f"{'(b) one SQL query for those rows':<46}{b_p50:>9.2f}{b_p99:>9.2f}")
    print(f"forYou / floor (a): p50 {feed_p50 / a_p50:.1f}x (target ≤ 2x), p99 {feed_p99 / a_p99:.1f}x (target ≤ 4x)")
    print(f"first page of a new server process (model load, shared lists): {cold[0]:.0f} ms")
    trained = "reused from the --keep run" if reused else f"{training:.1f} s"
    print(f"model training (interest model and ranking stage): {trained}")
    print(f"model memory per server process: {model.nbytes / 1e6:.1f} MB (memory-mapped, shared between processes)")
    print(ranking_stage if model.ranker is not None else "NO ranking stage in the request: " + ranking_stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
