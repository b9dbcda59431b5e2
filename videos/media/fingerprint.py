"""Fingerprints that recognise the same video or the same sound after re-encoding."""

import hashlib

import av
import numpy as np
from PIL import Image

from .orientation import upright_image

FRAME_SAMPLES = 8
BANDS = 4  # 64-bit hash cut into four 16-bit bands for indexed candidate look-up


def content_hash(path: str) -> str:
    """SHA-256 of the file's bytes: the very same upload."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dhash(image: Image.Image) -> int:
    """64-bit difference hash: is each pixel of a 9x8 greyscale thumbnail brighter than its
    right neighbour. Survives scaling, re-encoding and small colour changes."""
    pixels = np.asarray(image.convert("L").resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).flatten()
    return int("".join("1" if bit else "0" for bit in bits), 2)


def frame_at(container, seconds: float):
    """The first frame at or after `seconds`: seek to the keyframe before it, decode forward.
    A ten-minute video costs a few GOPs per look-up, not a decode of everything before."""
    stream = container.streams.video[0]
    if stream.time_base:
        try:
            container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
        except av.error.FFmpegError:  # no index to seek by: decode from the start
            container.seek(0)
    for frame in container.decode(stream):
        if frame.time is not None and frame.time >= seconds:
            return frame
    return None


def frame_hashes(path: str, duration_ms: int, samples: int = FRAME_SAMPLES) -> list[int]:
    """dHashes of frames at evenly spaced points of the video (10% ... 90%), so the same
    content lines up whatever its frame rate or container."""
    hashes: list[int] = []
    with av.open(path) as container:
        for i in range(samples):
            frame = frame_at(container, duration_ms * (i + 1) / (samples + 1) / 1000)
            if frame is None:
                break
            hashes.append(dhash(upright_image(frame)))
    return hashes


def combined_hash(hashes: list[int]) -> int:
    """One 64-bit hash for a whole video: the majority vote of each bit over its frames."""
    if not hashes:
        return 0
    votes = np.array([[(h >> (63 - i)) & 1 for i in range(64)] for h in hashes])
    bits = votes.sum(axis=0) * 2 >= len(hashes)
    return int("".join("1" if bit else "0" for bit in bits), 2)


def bands(value: int) -> list[int]:
    """Index keys for candidate look-up: band number in the high bits, so equal values in
    different bands do not collide. Videos whose hashes differ in at most BANDS-1 bits always
    share a key; the caller then checks the frame hashes properly."""
    return [(band << 16) | ((value >> (16 * band)) & 0xFFFF) for band in range(BANDS)]


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def mean_frame_distance(a: list[int], b: list[int]) -> float:
    if not a or not b or len(a) != len(b):
        return 64.0
    return sum(hamming(x, y) for x, y in zip(a, b, strict=True)) / len(a)


def sound_fingerprint(envelope: np.ndarray, pitch: np.ndarray) -> str | None:
    """A signature of a soundtrack over its first 30 s, in 100 ms windows: whether loudness
    rises or falls, and which frequency band is loudest. Re-encoding keeps both; another
    tune or rhythm does not. None for silence, which is no sound to reuse."""
    head, bands = envelope[:300], pitch[:300]
    if len(head) < 10 or float(np.max(head, initial=0.0)) < 1e-3:
        return None
    rises = np.packbits(np.diff(head) > 0).tobytes()
    return hashlib.sha1(rises + bands.astype(np.int8).tobytes() + len(head).to_bytes(2, "big")).hexdigest()
