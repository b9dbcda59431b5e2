"""Accounts to follow, each with the reason it is suggested:

1. people followed by those you follow (most shared first): "Followed by @ana, @bo and 3 others
   you follow.";
2. creators posting about what you heart or watch to the end lately: "Posts about #dance, which
   you watch.";
3. then popular creators (brands left out, as the feed down-weights them): "Popular on Flywheel".

Never yourself, accounts you follow or asked to follow, and accounts blocked either way or
muted. A handful of aggregate queries, whatever the page size."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import Follow, FollowRequest, User
from accounts.services.relations import relations_of
from videos.models import Heart, Video, WatchEvent
from videos.policies.video import public_videos

# how far back "what you watch" looks, and how much of the graph "who your follows follow" reads
INTEREST_DAYS = 30
RECENT_SIGNALS = 500
RECENT_FOLLOWS = 500
TOP_TOPICS = 3


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    reason: str


def suggest(viewer: User | None, limit: int) -> list[Suggestion]:
    if limit <= 0:
        return []
    picks: list[Suggestion] = []
    excluded = _excluded(viewer)
    stages = (_followed_by_your_follows, _creators_of_your_topics) if viewer else ()
    for stage in (*stages, _popular):
        if len(picks) < limit:
            found = stage(viewer, excluded, limit - len(picks))
            picks += found
            excluded |= {pick.user_id for pick in found}
    return picks


def _excluded(viewer: User | None) -> set[int]:
    if viewer is None:
        return set()
    known = relations_of(viewer)
    requested = FollowRequest.objects.filter(requester=viewer).values_list("target", flat=True)
    return {viewer.pk, *known.follows, *requested, *known.hidden_authors}


def _names(usernames: list[str], total: int) -> str:
    """'@ana', '@ana and @bo', '@ana, @bo and 3 others'."""
    handles = [f"@{name}" for name in usernames]
    others = total - len(handles)
    if others <= 0:
        return " and ".join(handles)
    return f"{', '.join(handles)} and {others:,} other{'s' if others > 1 else ''}"


def _followed_by_your_follows(viewer: User, excluded: set[int], limit: int) -> list[Suggestion]:
    followees = Follow.objects.filter(follower=viewer).order_by("-created_at").values("followee")[:RECENT_FOLLOWS]
    through = Follow.objects.filter(follower__in=followees, followee__is_active=True).exclude(followee__in=excluded)
    ranked = list(through.values_list("followee").annotate(n=Count("pk")).order_by("-n", "followee")[:limit])
    if not ranked:
        return []
    # the two best-known of your follows behind each suggestion, to name them
    named = (
        through.filter(followee__in=[pk for pk, _ in ranked])
        .annotate(place=Window(RowNumber(), partition_by=F("followee"), order_by=F("follower__follower_count").desc()))
        .filter(place__lte=2)
        .order_by("followee", "place")
        .values_list("followee", "follower__username")
    )
    names: dict[int, list[str]] = {}
    for followee, username in named:
        names.setdefault(followee, []).append(username)
    return [Suggestion(pk, f"Followed by {_names(names.get(pk, []), n)} you follow.") for pk, n in ranked]


def _creators_of_your_topics(viewer: User, excluded: set[int], limit: int) -> list[Suggestion]:
    since = timezone.now() - timedelta(days=INTEREST_DAYS)
    hearted = Heart.objects.filter(user=viewer, created_at__gte=since).order_by("-created_at").values("video")
    finished = WatchEvent.objects.filter(user=viewer, completed=True, created_at__gte=since).order_by("-created_at")
    liked = {*hearted[:RECENT_SIGNALS].values_list("video", flat=True)}
    liked |= {*finished.values_list("video", flat=True)[:RECENT_SIGNALS]}
    tagged = Video.hashtags.through.objects.filter(video__in=liked)
    topics = list(tagged.values_list("hashtag").annotate(n=Count("pk")).order_by("-n", "hashtag")[:TOP_TOPICS])
    if not topics:
        return []
    rank = {pk: place for place, (pk, _) in enumerate(topics)}
    posts = public_videos().filter(hashtags__in=list(rank)).exclude(author__in=excluded)
    rows = posts.values_list("author", "hashtags", "hashtags__name").annotate(n=Count("pk")).order_by()
    # per creator: videos on your topics, and the strongest of your topics they post about
    best: dict[int, tuple[int, int, str]] = {}
    for author, tag, name, n in rows:
        total, top_rank, top_name = best.get(author, (0, len(rank), ""))
        if rank[tag] < top_rank:
            top_rank, top_name = rank[tag], name
        best[author] = (total + n, top_rank, top_name)
    ordered = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [Suggestion(author, f"Posts about #{name}, which you watch.") for author, (_, _, name) in ordered]


def _popular(viewer: User | None, excluded: set[int], limit: int) -> list[Suggestion]:
    accounts = (
        User.objects.filter(is_active=True, is_private=False, kind__in=[User.Kind.CREATOR, User.Kind.PERSONAL])
        .exclude(pk__in=excluded)
        .order_by("-follower_count", "pk")
        .values_list("pk", "follower_count")[:limit]
    )
    return [
        Suggestion(pk, f"Popular on Flywheel: {count:,} follower{'s' if count != 1 else ''}.") for pk, count in accounts
    ]
