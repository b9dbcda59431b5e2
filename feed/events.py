"""What the feed app announces (platform.events)."""

from dataclasses import dataclass

from platform.events import Event


@dataclass(frozen=True)
class VideoPromoted(Event):
    """Viewers in its pool responded well: the video reaches the next, bigger pool."""

    video_id: int
    author_id: int
    pool: int
