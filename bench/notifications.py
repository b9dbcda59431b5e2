"""Notifications at a celebrity's scale: a creator with 100,000 followers posts and is hearted
1,000 times (and commented on a hundred times). Prints from one run on one database:
  - write cost per heart with notifications on, against the same hearts with the notification
    receivers disconnected (the heart alone), and how many rows the notifications took;
  - p50/p99 of reading a notifications page (20 lines) as the API reads it (visibility filters,
    the latest actor and the video), against the same page from one plain indexed SQL query
    (target ≤ 3x);
  - p50/p99 of the page through the GraphQL endpoint, against the same 20 notifications fetched
    by node(id) through the same endpoint.

    eval "$(./flywheel env)" && python bench/notifications.py               # full size
    python bench/notifications.py --followers 2000 --hearts 100 --reads 30 --other-videos 20000   # smoke (CI)
"""

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scratch_db import scratch_database

TARGET = 3.0
PAGE = 20
QUERY = """{ unreadNotificationCount notifications(first: 20) { edges { node {
  kind count message unread createdAt actor { username } video { caption } } } } }"""
FLOOR_SQL = """
SELECT g.id, g.kind, g.count, g.text, g.latest_at, u.username, v.caption
FROM notifications_notificationgroup g
LEFT JOIN accounts_user u ON u.id = g.latest_actor_id
LEFT JOIN videos_video v ON v.id = g.video_id
WHERE g.recipient_id = %s
ORDER BY g.latest_at DESC, g.id DESC
LIMIT 20
"""

# The same page and unread count as the API's, with every rule the API applies (the video is
# the viewer's own or visible to them: its audience, a follow for followers-only, no block
# either way; the latest actor not blocked either way nor muted), as one hand-written statement.
RULES_SQL = """
WITH hidden AS (
    SELECT blocked_id AS id FROM accounts_block WHERE blocker_id = %(me)s
    UNION ALL SELECT blocker_id FROM accounts_block WHERE blocked_id = %(me)s
    UNION ALL SELECT muted_id FROM accounts_mute
        WHERE muter_id = %(me)s AND (expires_at IS NULL OR expires_at > now())
), visible AS (
    SELECT g.id, g.kind, g.count, g.text, g.latest_at, g.latest_actor_id, g.video_id
    FROM notifications_notificationgroup g LEFT JOIN videos_video v ON v.id = g.video_id
    WHERE g.recipient_id = %(me)s
      AND (g.latest_actor_id IS NULL OR g.latest_actor_id NOT IN (SELECT id FROM hidden))
      AND (g.video_id IS NULL OR v.author_id = %(me)s OR (
          v.author_id NOT IN (SELECT id FROM hidden WHERE id IS NOT NULL)
          AND (v.audience = 'PUBLIC' OR (v.audience = 'FOLLOWERS' AND EXISTS (
              SELECT 1 FROM accounts_follow f WHERE f.follower_id = %(me)s AND f.followee_id = v.author_id)))))
)
SELECT p.id, p.kind, p.count, p.text, p.latest_at, u.username, v.caption,
       (SELECT count(*) FROM visible WHERE latest_at > coalesce(
           (SELECT read_up_to FROM notifications_notificationsettings WHERE user_id = %(me)s), '-infinity'))
FROM (SELECT * FROM visible ORDER BY latest_at DESC, id DESC LIMIT 20) p
LEFT JOIN accounts_user u ON u.id = p.latest_actor_id
LEFT JOIN videos_video v ON v.id = p.video_id
ORDER BY p.latest_at DESC, p.id DESC
"""


def seed(followers: int, other_videos: int):
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from videos.models import Video

    creator = User.objects.create(username="celebrity", email="celebrity@bench.test", kind="CREATOR")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, kind, display_name, bio, avatar, is_verified, follower_count, following_count, "
            "heart_count) SELECT '', false, 'fan' || g, '', '', 'fan' || g || '@bench.test', false, true, now(), "
            "'PERSONAL', '', '', '', false, 0, 1, 0 FROM generate_series(1, %s) g",
            [followers],
        )
        cursor.execute(
            "INSERT INTO accounts_follow (follower_id, followee_id, created_at) "
            "SELECT id, %s, now() FROM accounts_user WHERE username LIKE 'fan%%'",
            [creator.pk],
        )
        cursor.execute("UPDATE accounts_user SET follower_count = %s WHERE id = %s", [followers, creator.pk])
        cursor.execute("ANALYZE")
    videos = [
        Video.objects.create(
            author=creator,
            caption=f"post {n}",
            file="videos/bench.mp4",
            status=Video.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for n in range(30)
    ]
    _copy_videos(videos[0], other_videos, followers)
    fans = list(User.objects.filter(username__startswith="fan").order_by("pk").values_list("pk", flat=True))
    return creator, videos, fans


def _copy_videos(template, count: int, followers: int) -> None:
    """Other creators' published videos around the celebrity's: a visibility check that
    scans every video the viewer may see shows here, not with 30 videos in the table."""
    from django.db import connection

    from videos.models import Video

    columns = [f.column for f in Video._meta.concrete_fields if not f.primary_key]
    first_fan = "(SELECT min(id) FROM accounts_user WHERE username LIKE 'fan%%')"
    chosen = [f"{first_fan} + g %% {followers}" if column == "author_id" else column for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO videos_video ({', '.join(columns)}) SELECT {', '.join(chosen)} "
            "FROM videos_video, generate_series(1, %s) g WHERE videos_video.id = %s",
            [count, template.pk],
        )
        cursor.execute("ANALYZE videos_video")


def timed(action, items) -> list[float]:
    times = []
    for item in items:
        started = time.perf_counter()
        action(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def write_costs(creator, videos, fans, hearts: int) -> dict:
    """Hearts alternate between notifications on and off (the handler unsubscribed), so both
    halves see the same machine."""
    from accounts.models import User
    from notifications import handlers
    from notifications.models import Notification, NotificationGroup
    from platform.events import without
    from videos.services.comments import add_comment
    from videos.services.engagement import heart

    users = {user.pk: user for user in User.objects.filter(pk__in=fans[: 2 * hearts])}
    on, off = [], []
    for n in range(hearts):
        for enabled, sink, fan in ((True, on, fans[2 * n]), (False, off, fans[2 * n + 1])):
            with contextlib.nullcontext() if enabled else without(handlers._hearted):
                started = time.perf_counter()
                heart(users[fan], videos[0].pk)
                sink.append((time.perf_counter() - started) * 1000)
        if n % 200 == 0:
            print(f"  hearts: {n:,}/{hearts:,}", flush=True)
    for n, fan in enumerate(fans[2 * hearts : 2 * hearts + 100]):
        add_comment(User.objects.get(pk=fan), videos[1 + n % (len(videos) - 1)].pk, f"love it {n}")
    return {
        "on": statistics.median(on),
        "off": statistics.median(off),
        "events": Notification.objects.count(),
        "groups": NotificationGroup.objects.filter(recipient=creator).count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--hearts", type=int, default=1_000)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--other-videos", type=int, default=1_000_000, help="other creators' videos in the table")
    parser.add_argument("--explain", action="store_true", help="print the plan of the API's read")
    parser.add_argument("--profile", action="store_true", help="profile the API's read")
    args = parser.parse_args()
    with scratch_database("flywheel_bench_notifications"):
        from django.db import connection
        from django.test import Client
        from strawberry.relay import to_base64

        from accounts.services.tokens import issue_token
        from notifications.models import NotificationGroup
        from notifications.policies import visible_groups

        started = time.perf_counter()
        creator, videos, fans = seed(args.followers, args.other_videos)
        print(
            f"seeded {args.followers:,} followers and {args.other_videos:,} other videos "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        writes = write_costs(creator, videos, fans, args.hearts)

        # the columns the GraphQL optimizer asks for (a video row has large review arrays)
        columns = ["kind", "count", "text", "latest_at", "latest_actor__username", "video__caption"]

        def through_api(_):
            return list(
                visible_groups(NotificationGroup.objects.all(), creator)
                .select_related("latest_actor", "video")
                .only(*columns)
                .order_by("-latest_at", "-id")[:PAGE]
            )

        def bare_orm(_):  # the same rows without the rules: what the ORM alone costs
            return list(
                NotificationGroup.objects.filter(recipient=creator)
                .select_related("latest_actor", "video")
                .only(*columns)
                .order_by("-latest_at", "-id")[:PAGE]
            )

        def plain(_):
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_SQL, [creator.pk])
                return cursor.fetchall()

        def with_rules(_):
            with connection.cursor() as cursor:
                cursor.execute(RULES_SQL, {"me": creator.pk})
                return cursor.fetchall()

        assert len(through_api(0)) == len(plain(0)), "the two reads must return the same page"
        assert [row[0] for row in with_rules(0)] == [group.pk for group in through_api(0)], "same page, same rules"
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(20):
                through_api(0)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        if args.explain:
            query = visible_groups(NotificationGroup.objects.all(), creator).select_related("latest_actor", "video")
            print(query.order_by("-latest_at", "-id")[:PAGE].explain(analyze=True))
        service, bare, floor = [], [], []
        for n in range(args.reads):  # alternate, so all see the same machine
            service += timed(through_api, [n])
            bare += timed(bare_orm, [n])
            floor += timed(plain, [n])
        client, token = Client(HTTP_HOST="localhost"), issue_token(creator)[0]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        def graphql(_):
            response = client.post("/graphql", {"query": QUERY}, content_type="application/json", **headers)
            assert response.status_code == 200 and "errors" not in response.json(), response.content[:300]

        graphql(0)
        if args.explain:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                graphql(0)
            for query in queries.captured_queries:
                print(f"{query['time']} s  {query['sql'][:300]}")
        ids = [to_base64("Notification", group.pk) for group in through_api(0)]
        by_id = (
            "{"
            + " ".join(
                f'n{i}: node(id: "{gid}") {{ ... on Notification {{ kind count message unread createdAt '
                "actor { username } video { caption } } }"
                for i, gid in enumerate(ids)
            )
            + "}"
        )

        def graphql_by_id(_):
            response = client.post("/graphql", {"query": by_id}, content_type="application/json", **headers)
            assert response.status_code == 200 and "errors" not in response.json(), response.content[:300]

        http, http_floor, rules = [], [], []
        for n in range(args.reads):
            http += timed(graphql, [n])
            http_floor += timed(graphql_by_id, [n])
            rules += timed(with_rules, [n])
    s50, s99 = percentiles(service)
    f50, f99 = percentiles(floor)
    b50, b99 = percentiles(bare)
    g50, g99 = percentiles(http)
    h50, h99 = percentiles(http_floor)
    r50, r99 = percentiles(rules)
    print()
    print(f"{args.followers:,} followers; {args.hearts:,} hearts on one video, 100 comments on others")
    print(f"write cost per heart: {writes['on']:.2f} ms with notifications, {writes['off']:.2f} ms without "
          f"({writes['on'] / writes['off']:.2f}x); rows: {writes['events']:,} events in {writes['groups']} groups "
          f"(none per follower)")  # fmt: skip
    print(f"{'read a page of 20':<44}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"{'as the API reads it (ORM, visibility)':<44}{s50:>9.2f}{s99:>9.2f}")
    print(f"{'the same rows by the ORM, without the rules':<44}{b50:>9.2f}{b99:>9.2f}")
    print(f"{'one plain indexed SQL query':<44}{f50:>9.2f}{f99:>9.2f}")
    print(f"{'page and unread count, one SQL with the rules':<44}{r50:>9.2f}{r99:>9.2f}")
    print(f"{'notifications page through GraphQL':<44}{g50:>9.2f}{g99:>9.2f}")
    print(f"{'the same 20 by node(id) through GraphQL':<44}{h50:>9.2f}{h99:>9.2f}")
    ratio50, ratio99 = s50 / f50, s99 / f99
    verdict = "ok" if ratio50 <= TARGET else "OVER TARGET"
    print(f"API read / plain SQL: p50 {ratio50:.1f}x, p99 {ratio99:.1f}x (target ≤ {TARGET:g}x): {verdict}")
    print(f"ORM without the rules / plain SQL: p50 {b50 / f50:.1f}x (the ORM's own share)")
    print(f"GraphQL page / by id: p50 {g50 / h50:.1f}x, p99 {g99 / h99:.1f}x")
    verdict = "ok" if g50 / r50 <= TARGET else "OVER TARGET"
    print(f"GraphQL page / one SQL with the rules (issue #22): p50 {g50 / r50:.1f}x, p99 {g99 / r99:.1f}x "
          f"(target ≤ {TARGET:g}x): {verdict}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
