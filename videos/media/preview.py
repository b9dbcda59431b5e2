"""The animated preview a feed grid shows before anyone taps: the first seconds of the video,
small, silent, at a few frames per second, as a looping animated WebP (an `<img>` every
browser and both phone platforms play, with no player). Made from the frames the ladder
decodes anyway, so it costs a few dozen scaled frames and no second decode."""

from dataclasses import dataclass
from fractions import Fraction

import av

FILE_NAME = "preview.webp"


@dataclass(frozen=True)
class PreviewSettings:
    seconds: float = 3.0
    fps: int = 10
    short_side: int = 270  # a feed grid's tile on a phone
    quality: int = 60


def preview_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    """The preview's size: `short_side` on the short side, never upscaled, even numbers."""
    scale = min(1.0, short_side / min(width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


class PreviewWriter:
    """Takes every decoded (upright) frame; keeps one per 1/fps s of the first `seconds`."""

    def __init__(self, path: str, width: int, height: int, settings: PreviewSettings):
        self.settings = settings
        self.width, self.height = preview_size(width, height, settings.short_side)
        # the muxer's loop count: 0 loops for ever (its default, 1, plays once and stops)
        self.container = av.open(path, "w", format="webp", options={"loop": "0"})
        self.stream = self.container.add_stream("libwebp_anim", rate=settings.fps)
        self.stream.width, self.stream.height, self.stream.pix_fmt = self.width, self.height, "yuv420p"
        self.stream.options = {"quality": str(settings.quality)}
        self.taken = 0

    @property
    def wants_more(self) -> bool:
        return self.taken < self.settings.seconds * self.settings.fps

    def offer(self, frame, time: float) -> None:
        """Show `frame` (shown at `time` s) at every tick it reaches: a frame that follows a
        gap fills each tick the gap skipped, so the preview keeps the video's own pace."""
        small = None
        while self.wants_more and time >= self.taken / self.settings.fps - 1e-6:
            if small is None:
                small = frame.reformat(width=self.width, height=self.height, format="yuv420p", interpolation="AREA")
            # the encoder keeps its own reference to what it was sent, so one frame can be re-sent
            small.pts, small.time_base = self.taken, Fraction(1, self.settings.fps)
            self.container.mux(self.stream.encode(small))
            self.taken += 1

    def close(self) -> None:
        self.container.mux(self.stream.encode(None))
        self.container.close()
