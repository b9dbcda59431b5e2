"""Hashtags and sounds: what videos are tagged with, with the visibility rules of their videos."""

from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoCursorConnection

from accounts.schema.types import UserType
from accounts.services.relations import relations
from platform.graphql.internals import ordered_relation
from platform.graphql.viewer import current_user

from ..models import Hashtag, Sound, Video
from ..policies.sound import visible_sounds
from ..policies.video import public_count, public_videos, visible_videos
from ..services import trending

# Where trendingHashtags and trendingSounds leave each item's count for its trendReason.
HASHTAG_TRENDS = "_hashtag_trends"
SOUND_TRENDS = "_sound_trends"


@strawberry_django.type(Sound, name="Sound")
class SoundType(relay.Node):
    """A soundtrack; videos that use the same audio share one."""

    # Strawberry otherwise re-derives the id attribute from type hints on every resolve.
    _id_attr = "pk"

    title: str = strawberry_django.field(description="The sound's title.")
    duration_ms: int | None = strawberry_django.field(description="Its length in milliseconds.")
    author: UserType | None = strawberry_django.field(
        description="Whose video it came from; null for an uploaded track or a deleted account."
    )

    @strawberry_django.field(
        annotate={"public_use_count": lambda info: public_count("videos")},
        description="Published public videos that use this sound.",
    )
    def use_count(self, root: Sound) -> int:
        if hasattr(root, "public_use_count"):
            return root.public_use_count
        return public_videos().filter(sound=root).count()

    @strawberry_django.field(description="Why it is in trendingSounds; null anywhere else.")
    def trend_reason(self, root: Sound, info: Info) -> str | None:
        count = getattr(info.context, SOUND_TRENDS, {}).get(root.pk)
        return trending.sound_reason(count) if count else None

    @strawberry_django.field(
        only=["original_video"],  # the key the prefetch joins on, else each sound loads it
        prefetch_related=[
            lambda info: Prefetch(
                "original_video",
                queryset=visible_videos(Video.objects.select_related("author"), current_user(info)),
            )
        ],
        description="The video that first used this sound, if the viewer may see it.",
    )
    def original_video(self, root: Sound) -> Annotated["VideoType", strawberry.lazy("videos.schema.types")] | None:  # noqa: F821
        # prefetched through the visibility rule: a hidden original is None, the sound stays
        return root.original_video

    @strawberry_django.connection(
        DjangoCursorConnection[Annotated["VideoType", strawberry.lazy("videos.schema.types")]],  # noqa: F821
        description="Videos with this sound the viewer may see, newest first: the sound's page.",
    )
    def videos(self, root: Sound) -> QuerySet[Video]:
        return Video.objects.filter(sound=root).order_by("-published_at", "-id")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Sound], info: Info, **kwargs) -> QuerySet[Sound]:
        return visible_sounds(queryset, current_user(info))


def _unfiltered(queryset: QuerySet[Video], info: Info) -> QuerySet[Video]:
    """A hashtag page without the videos the viewer's keyword filters hide (read once per request)."""
    return relations(info).filters.exclude_from(queryset, "caption")


@strawberry_django.type(Hashtag, name="Hashtag")
class HashtagType(relay.Node):
    """A topic. A hashtag exists for a viewer through a public, published video that uses it
    (or one of their own): a tag written only in private captions is not discoverable."""

    # Strawberry otherwise re-derives the id attribute from type hints on every resolve.
    _id_attr = "pk"

    name: str = strawberry_django.field(description="The tag without its #, lower case.")

    @strawberry_django.field(
        annotate={"public_video_count": lambda info: public_count("videos")},
        description="Published public videos with this hashtag.",
    )
    def video_count(self, root: Hashtag) -> int:
        if hasattr(root, "public_video_count"):
            return root.public_video_count
        return public_videos().filter(hashtags=root).count()

    @strawberry_django.field(description="Why it is in trendingHashtags; null anywhere else.")
    def trend_reason(self, root: Hashtag, info: Info) -> str | None:
        count = getattr(info.context, HASHTAG_TRENDS, {}).get(root.pk)
        return trending.hashtag_reason(count) if count else None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Hashtag], info: Info, **kwargs) -> QuerySet[Hashtag]:
        # Two cheap look-ups (the first public video with the tag; else one of the viewer's own)
        # rather than the full visibility rule per tag, which cost ~9 ms per video on a page.
        public = Exists(public_videos().filter(hashtags=OuterRef("pk")))
        viewer = current_user(info)
        if viewer is None:
            return queryset.filter(public)
        return queryset.filter(public | Exists(Video.objects.filter(hashtags=OuterRef("pk"), author=viewer)))

    # a relation field, not a resolver: the videos of a whole list of hashtags (a video's tags,
    # trending) load in one query per level instead of one per hashtag
    videos: DjangoCursorConnection[Annotated["VideoType", strawberry.lazy("videos.schema.types")]] = (  # noqa: F821
        strawberry_django.connection(
            field_name="videos",
            field_cls=ordered_relation("-published_at", "-id", narrow=_unfiltered),
            description="Videos with this hashtag the viewer may see, newest first.",
        )
    )
