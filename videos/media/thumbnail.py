import io

import av
from PIL import Image

from .fingerprint import frame_at
from .orientation import upright_image

MAX_WIDTH = 540


def thumbnail_jpeg(path: str, at_seconds: float) -> bytes:
    """A JPEG of the first frame at or after `at_seconds` (or the first frame, for a video
    shorter than that), at most MAX_WIDTH wide."""
    with av.open(path) as container:
        frame = frame_at(container, at_seconds) or frame_at(container, 0.0)
        if frame is None:
            raise ValueError("no frame to make a thumbnail from")
        image = upright_image(frame)
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()
