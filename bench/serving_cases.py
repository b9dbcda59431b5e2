"""What bench/serving.py measures: the database it seeds and the operations it drives, each
floor (bench/serving_floor.py: hand-written SQL, no framework) followed by the API reads or
writes that are compared with it.

The reads are the API guide's own queries, as a phone makes them; the writes each make new
rows (a heart on a video not hearted yet, a new comment), so nothing is a no-op."""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

FIELDS = "id caption heartCount commentCount viewerHasHearted author { username displayName } hashtags { name }"
COMMENT_FIELDS = "id text heartCount viewerHasHearted author { username displayName }"
PROFILE = """query ($username: String!) { user(username: $username) { username displayName bio followerCount
  followingCount videoCount viewerFollows videos(first: 12) { edges { node { id caption heartCount } } } } }"""
NOTIFICATIONS = "{ notifications(first: 20) { edges { node { kind count actor { username } video { caption } } } } }"
SEARCH = "query ($words: String!) { search(query: $words) { users { username } hashtags { name } videos { %s } } }"
HEART = """mutation ($video: ID!) { heartVideo(input: {videoId: $video}) {
  errors { field message code } video { id heartCount viewerHasHearted } } }"""
COMMENT = """mutation ($video: ID!, $text: String!) { addComment(input: {videoId: $video, text: $text}) {
  errors { field message code } comment { text heartCount } } }"""
FOLLOWED = 50  # accounts the viewer follows (its Following feed)
NOTIFIED = 60  # notification groups the viewer has


@dataclass
class Seeded:
    viewer: str  # tokens
    writers: dict[str, str]  # operation name -> token of the account that writes
    ids: list[int]  # every video, oldest first
    profile: str  # a username


@dataclass
class Operation:
    name: str
    bodies: Callable[[], Iterator[dict]]  # a fresh stream of request bodies
    token: str
    on_floor: bool = False
    same_as_floor: bool = False  # its answer must equal its floor's (checked before measuring)
    target: float | None = None  # CPU per request, at most this times the floor's
    writes: bool = False
    made: int = field(default=0)  # requests sent (writes: rows that must exist afterwards)


def seed(creators: int, videos: int) -> Seeded:
    """Creators with public videos, each with three of 50 hashtags (view counts distinct, so
    search has one order); a viewer who hearted some, follows some creators and has
    notifications; a comments page; two writers per write (the API's and the floor's)."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Follow, User
    from accounts.services.tokens import issue_token
    from notifications.models import Kind
    from notifications.services import notify
    from videos.models import Comment, Hashtag, Heart, Video

    people = User.objects.bulk_create(
        User(username=f"maker{n}", email=f"maker{n}@bench.test", follower_count=n) for n in range(creators)
    )
    tags = Hashtag.objects.bulk_create(Hashtag(name=f"topic{n}") for n in range(50))
    now = timezone.now()
    made = Video.objects.bulk_create(
        Video(
            author=people[n % creators], caption=f"clip {n} #topic{n % 50}", status="PUBLISHED", published_at=now,
            duration_ms=15000, file=f"videos/bench/{n}.mp4", view_count=n,
        )
        for n in range(videos)
    )  # fmt: skip
    through = Video.hashtags.through
    through.objects.bulk_create(
        through(video_id=video.pk, hashtag_id=tags[(n + k) % 50].pk) for n, video in enumerate(made) for k in range(3)
    )
    viewer = User.objects.create(username="viewer", email="viewer@bench.test")
    Heart.objects.bulk_create(Heart(user=viewer, video=video) for video in made[::7])
    Video.objects.filter(pk__in=[video.pk for video in made[::7]]).update(heart_count=1)
    Follow.objects.bulk_create(Follow(follower=viewer, followee=person) for person in people[:FOLLOWED])
    Comment.objects.bulk_create(
        Comment(video=made[0], top_level_video=made[0], author=people[n % creators], text=f"comment {n}")
        for n in range(60)
    )
    own = Video.objects.create(author=viewer, caption="mine", status="PUBLISHED", published_at=now, file="v/m.mp4")
    for n in range(NOTIFIED):
        if n % 2:
            notify(viewer.pk, Kind.FOLLOW, f"follow:{n}", actor_id=people[n % creators].pk)
        else:
            notify(viewer.pk, Kind.HEART, f"heart:v{own.pk}:{n}", actor_id=people[n % creators].pk, video_id=own.pk)
    writers = {
        name: issue_token(User.objects.create(username=f"writer{n}", email=f"writer{n}@bench.test"))[0]
        for n, name in enumerate(("floor: heart", "heart a video", "floor: comment", "comment on a video"))
    }
    # statistics, as autovacuum would have them on a live database: without them PostgreSQL
    # planned the hashtag policy's EXISTS as hash joins over every video (160 ms, not 0.3 ms)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Seeded(issue_token(viewer)[0], writers, [video.pk for video in made], people[creators // 2].username)


def _same(body: dict) -> Callable[[], Iterator[dict]]:
    return lambda: itertools.repeat(body)


def operations(seeded: Seeded) -> list[Operation]:
    from strawberry.relay import to_base64

    ids = seeded.ids
    gid = lambda pk: to_base64("Video", pk)  # noqa: E731
    aliases = " ".join(f'v{n}: video(id: "{gid(pk)}") {{ {FIELDS} }}' for n, pk in enumerate(ids[:10]))
    comments = "query ($id: ID!) { video(id: $id) { comments(first: 20) { edges { node { %s } } } } }"
    words = {"words": "topic7"}
    viewer = seeded.viewer

    def hearts(floor: bool) -> Callable[[], Iterator[dict]]:
        # each request hearts a video nobody in this stream hearted; the floor's run from the newest
        if floor:
            return lambda: ({"query": "floor-heart", "variables": {"video": pk}} for pk in ids[::-1])
        return lambda: ({"query": HEART, "variables": {"video": gid(pk)}} for pk in ids)

    def comment(floor: bool) -> Callable[[], Iterator[dict]]:
        text = {"video": ids[1] if floor else gid(ids[1]), "text": "what a clip"}
        return _same({"query": "floor-comment" if floor else COMMENT, "variables": text})

    def floor(name: str, query: str, variables: dict | None = None) -> Operation:
        return Operation(f"floor: {name}", _same({"query": query, "variables": variables or {}}), viewer, on_floor=True)

    def read(name: str, query: str, variables: dict | None = None, target: float = 8, same=True) -> Operation:
        body = {"query": query, "variables": variables or {}}
        return Operation(name, _same(body), viewer, same_as_floor=same, target=target)

    page = "{ %s(first: 10) { edges { node { video { %s } } } } }"
    on_video, profile = {"id": gid(ids[0])}, {"username": seeded.profile}
    write = seeded.writers
    return [
        floor("10 videos, one SQL statement", "floor", {"ids": ids[:10]}),
        Operation("{ __typename }", _same({"query": "{ __typename }"}), viewer),
        read("10 videos by id", "{ %s }" % aliases),
        read("For You page of 10", page % ("forYou", FIELDS), target=12, same=False),
        floor("comments page", "floor-comments", {"video": ids[0]}),
        read("comments page of 20", comments % COMMENT_FIELDS, on_video),
        floor("profile", "floor-profile", profile),
        read("profile with 12 videos", PROFILE, profile),
        floor("Following page", "floor-following"),
        read("Following page of 10", page % ("following", FIELDS)),
        floor("search", "floor-search", words),
        read("search", SEARCH % FIELDS, words),
        floor("notifications page", "floor-notifications"),
        read("notifications page of 20", NOTIFICATIONS),
        Operation("floor: heart", hearts(True), write["floor: heart"], on_floor=True, writes=True),
        Operation("heart a video", hearts(False), write["heart a video"], target=3, writes=True),
        Operation("floor: comment", comment(True), write["floor: comment"], on_floor=True, writes=True),
        Operation("comment on a video", comment(False), write["comment on a video"], target=3, writes=True),
    ]


def check_writes(operations: list[Operation]) -> None:
    """Every write made its rows, through the API and the floor alike: a heart per request (and
    the counters that mirror them), a comment per request, and the author's notification."""
    from django.db.models import Sum

    from accounts.models import AccessToken
    from notifications.models import Notification
    from videos.models import Comment, Heart, Video

    for operation in operations:
        if not operation.writes:
            continue
        writer = AccessToken.objects.get(token_hash=_hash(operation.token)).user_id
        rows = (Heart if "heart" in operation.name else Comment).objects.filter(**{
            "user_id" if "heart" in operation.name else "author_id": writer
        })  # fmt: skip
        events = Notification.objects.filter(actor_id=writer).count()
        assert rows.count() == events == operation.made, (operation.name, rows.count(), events, operation.made)
    hearts = Video.objects.aggregate(counted=Sum("heart_count"))["counted"]
    assert hearts == Heart.objects.count(), ("heart counters drifted", hearts, Heart.objects.count())


def _hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()
