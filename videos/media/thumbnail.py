import io

import av
from PIL import Image

MAX_WIDTH = 540


def thumbnail_jpeg(path: str, at_seconds: float) -> bytes:
    """A JPEG of the first frame at or after `at_seconds`, at most MAX_WIDTH wide."""
    image = None
    with av.open(path) as container:
        for frame in container.decode(video=0):
            image = frame.to_image()
            if frame.time is not None and frame.time >= at_seconds:
                break
    if image is None:
        raise ValueError("no frame to make a thumbnail from")
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()
