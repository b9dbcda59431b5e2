"""The video policy: who may watch a video."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from ..models import Video


def visible_videos(queryset: models.QuerySet, viewer, known=None) -> models.QuerySet:
    """Narrow any queryset of videos to those `viewer` may watch: those whose audience is
    everyone; of an account they follow, those for its followers too (a private account's
    videos are for its accepted followers only); all of their own (whatever the status); never
    across a block. The audience column (kept by the database: migration videos/0022) carries
    the video's status and visibility and its author's privacy and activity, so the rule joins
    nothing. A function, so querysets built by the GraphQL optimizer (which do not carry our
    QuerySet class) can be narrowed too.

    `known`: the viewer's relations map (accounts.services.relations) when the request has
    it; blocks are then a list of ids, usually empty, instead of two subqueries per row."""
    from accounts.models import Block, Follow

    for_everyone = Q(audience=Video.Audience.PUBLIC)
    if viewer is None or not viewer.is_authenticated:
        return queryset.filter(for_everyone)
    follows_author = Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("author")))
    for_followers = Q(audience=Video.Audience.FOLLOWERS) & follows_author
    others = for_everyone | for_followers
    if known is None:
        blocked = Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("author"))) | Exists(
            Block.objects.filter(blocker=OuterRef("author"), blocked=viewer)
        )
        others = ~blocked & others
    elif known.blocked:
        others = ~Q(author_id__in=known.blocked) & others
    return queryset.filter(others | Q(author=viewer))


def video_visible(viewer, ref: str = "video", among: models.QuerySet | None = None, known=None) -> Exists:
    """Per row of another table, whether `viewer` may watch the video its `ref` names (of
    `among`, default all videos). Correlated, so PostgreSQL checks each row's video by key;
    `video__in=<visible videos>` hashed every video the viewer may see (all published ones),
    5 s per read on a million videos."""
    among = Video.objects.all() if among is None else among
    return Exists(visible_videos(among.filter(pk=OuterRef(ref)), viewer, known))


def public_videos() -> models.QuerySet:
    """Published public videos of active public accounts: what anyone may see."""
    return Video.objects.filter(audience=Video.Audience.PUBLIC)


def public_count(relation: str) -> Count:
    """Videos anyone may see along `relation` (a hashtag's, a sound's), as one aggregate."""
    return Count(relation, filter=Q(**{f"{relation}__audience": Video.Audience.PUBLIC}))


def is_public(video: Video) -> bool:
    """Whether everyone may see this loaded video (its file URLs can then be everyone's)."""
    return video.audience == Video.Audience.PUBLIC


def may_see_video(viewer, video: Video, known=None) -> bool:
    """`visible_videos` for one loaded video, in Python: no query when the viewer's relations
    map is at hand (`known`), else the queryset rule for this one row."""
    if viewer is not None and viewer.is_authenticated and viewer.pk == video.author_id:
        return True
    if known is None or viewer is None or not viewer.is_authenticated:
        if video.audience == Video.Audience.PUBLIC and (viewer is None or not viewer.is_authenticated):
            return True
        return visible_videos(Video.objects.filter(pk=video.pk), viewer).exists()
    if video.author_id in known.blocked:
        return False
    if video.audience == Video.Audience.PUBLIC:
        return True
    return video.audience == Video.Audience.FOLLOWERS and video.author_id in known.follows
