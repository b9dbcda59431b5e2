"""What a player needs to play a video: its HLS master playlist, a progressive MP4 for players
without HLS, the poster, an animated preview, and the ladder. Every URL is signed (platform.media)."""

import strawberry
from django.conf import settings
from strawberry import Info

from platform.graphql.cost import ListSize
from platform.graphql.urls import request_origin
from platform.media import media_url

# one per rung of the ladder the video was encoded with
RENDITIONS_MAX = len(settings.VIDEO_LADDER)


@strawberry.type(description="One rung of the ladder.")
class Rendition:
    width: int = strawberry.field(description="Pixels, as displayed (turned upright).")
    height: int = strawberry.field(description="Pixels, as displayed (turned upright).")
    bitrate: int = strawberry.field(description="Average bits per second, measured.")
    url: str = strawberry.field(description="Its HLS media playlist.")


@strawberry.type(description="How to play a video. Each URL works for a while (MEDIA_URL_TTL); ask again after.")
class Playback:
    hls_url: str = strawberry.field(description="The HLS master playlist (fMP4 segments, 2 s keyframes).")
    mp4_url: str = strawberry.field(description="A fast-start MP4 of the middle rendition, for players without HLS.")
    poster_url: str | None = strawberry.field(description="A still to show before it plays.")
    preview_url: str | None = strawberry.field(
        description="The first seconds as a small, silent, looping animated WebP, for feed grids "
        "(an <img>, no player). Null for videos encoded before previews existed."
    )
    renditions: list[Rendition] = strawberry.field(
        description="The ladder: one rendition per height the video was encoded at.",
        directives=[ListSize(max=RENDITIONS_MAX)],
    )


def playback_of(video, info: Info, claims: dict) -> Playback | None:
    """The video's playback URLs, bound to `claims` (the video; the viewer, when it is not
    public); None until its renditions exist."""
    record = video.playback
    if not record:
        return None
    origin = request_origin(info.context.request)

    def url(name: str) -> str:
        return media_url(origin, name, **claims)

    return Playback(
        hls_url=url(record["master"]),
        mp4_url=url(record["mp4"]),
        poster_url=url(video.thumbnail.name) if video.thumbnail else None,
        preview_url=url(record["preview"]) if record.get("preview") else None,
        renditions=[
            Rendition(width=r["width"], height=r["height"], bitrate=r["bitrate"], url=url(r["playlist"]))
            for r in record["renditions"]
        ],
    )
