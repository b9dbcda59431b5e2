import asyncio
from dataclasses import dataclass, field

import strawberry
from asgiref.sync import sync_to_async
from strawberry import Info, relay
from strawberry_django.optimizer import optimize

from videos.models import Video
from videos.schema.types import VideoType

from ..services.reasons import Reason

FeedReason = strawberry.enum(Reason, name="FeedReason", description="Why a video is in a feed.")


@dataclass
class PageVideos:
    """The videos of one feed page, loaded together the first time any item asks, with the
    selection the client made (so a page costs the same few queries at any size)."""

    ids: list[int]
    # Items resolve concurrently; the first starts the load and the others await the same one.
    loading: asyncio.Future | None = field(default=None)

    async def get(self, video_id: int, info: Info) -> Video | None:
        if self.loading is None:
            self.loading = asyncio.ensure_future(sync_to_async(self._load)(info))
        return (await self.loading).get(video_id)

    def _load(self, info: Info) -> dict[int, Video]:
        queryset = VideoType.get_queryset(Video.objects.filter(pk__in=self.ids), info)
        return {video.pk: video for video in optimize(queryset, info)}


@strawberry.type(description="One slot of a feed page.")
class FeedItem:
    video_id: strawberry.Private[int]
    page: strawberry.Private[PageVideos]
    reason: FeedReason = strawberry.field(
        description="Why it was picked (FOLLOWING, INTEREST, EXPLORATION, TRENDING, POPULAR, ...)."
    )
    explanation: str = strawberry.field(description="A sentence a person can read: why this video is here.")

    @strawberry.field(description="The video.")
    async def video(self, info: Info) -> VideoType:
        return await self.page.get(self.video_id, info)


@strawberry.type(description="One pick of a feed page, with its cursor.")
class FeedEdge:
    cursor: str = strawberry.field(description="Pass as after to get the picks after this one.")
    node: FeedItem = strawberry.field(description="The pick.")


@strawberry.type(description="A page of a feed.")
class FeedConnection:
    edges: list[FeedEdge] = strawberry.field(description="The page's picks, in the order to show them.")
    page_info: relay.PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="How a video is doing in staged distribution. Visible to its author only.")
class VideoPerformance:
    pool: int = strawberry.field(description="Traffic pool it is in: 1 is the smallest audience.")
    status: str = strawberry.field(description="TESTING, STOPPED or GRADUATED.")
    impressions: int = strawberry.field(description="Times For You showed it, all pools.")
    pool_impressions: int = strawberry.field(description="Times it was shown in its current pool.")
    pool_size: int = strawberry.field(description="Impressions the current pool tries it on.")
    completion_rate: float = strawberry.field(
        description="Share of the current pool's impressions watched to the end, 0 to 1."
    )
    rewatch_rate: float = strawberry.field(description="Share of the current pool's impressions rewatched, 0 to 1.")
    heart_rate: float = strawberry.field(description="Hearts per impression in the current pool.")
    engagement: float = strawberry.field(description="Smoothed response its current pool is judged on.")
