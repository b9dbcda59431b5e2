"""Real video files made from nothing, written with PyAV (libx264 + AAC): for tests and demo data."""

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def _field(width: int, height: int, seed: int) -> np.ndarray:
    """A coarse random colour field, smoothly upscaled: distinct per seed, stable across encodings."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, size=(4, 4, 3)).astype(np.float32)
    ys = np.linspace(0, 3, height)[:, None]
    xs = np.linspace(0, 3, width)[None, :]
    y0, x0 = np.floor(ys).astype(int).clip(0, 2), np.floor(xs).astype(int).clip(0, 2)
    fy, fx = (ys - y0)[..., None], (xs - x0)[..., None]
    top = base[y0, x0] * (1 - fx) + base[y0, x0 + 1] * fx
    bottom = base[y0 + 1, x0] * (1 - fx) + base[y0 + 1, x0 + 1] * fx
    return (top * (1 - fy) + bottom * fy).clip(0, 255).astype(np.uint8)


def _frame(field: np.ndarray, index: int, fps: int) -> np.ndarray:
    """The field with a bar sweeping across it, a quarter of the width per second."""
    image = field.copy()
    width = field.shape[1]
    bar = slice(max(0, int((index / fps * 0.25 % 1) * width) - 8), int((index / fps * 0.25 % 1) * width) + 8)
    image[:, bar] = 255 - image[:, bar]
    return image


def _melody(t: np.ndarray, seed: int) -> np.ndarray:
    """Notes of a pentatonic scale, a quarter second each, each fading out: a tune with a
    pitch and a rhythm of its own per seed."""
    rng = np.random.default_rng(seed)
    scale = 261.63 * 2 ** (np.array([0, 2, 4, 7, 9, 12, 14, 16, 19, 21]) / 12)
    note_index = (t / 0.25).astype(int)
    notes = rng.choice(scale, size=note_index.max() + 1)
    phase_in_note = t - note_index * 0.25
    return 0.35 * np.sin(2 * np.pi * notes[note_index] * t) * np.exp(-4 * phase_in_note)


def make_declared_giant(path: Path | str, *, side: int = 16000) -> Path:
    """A picture bomb: one frame that declares side x side pixels, in a file of a few KB (a
    blank 1-bit PNG compresses to nothing; decoded to RGB it is side² x 3 bytes)."""
    path = Path(path)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = side, side, "monob"
        frame = av.VideoFrame(side, side, "monob")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.pts, frame.time_base = 0, Fraction(1, 1)
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def make_declared_marathon(path: Path | str, *, seconds: int = 7200) -> Path:
    """A duration bomb: two frames `seconds` apart, so the container declares that length in
    a file of a few KB."""
    path = Path(path)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=1, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 320, 568, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        for pts in (0, seconds * 1000):
            frame = av.VideoFrame.from_ndarray(np.zeros((568, 320, 3), np.uint8), format="rgb24")
            frame.pts, frame.time_base = pts, Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def _frame_times(seconds: float, fps: int, variable: bool):
    """(pts, time base) of each frame: every 1/fps s, or (variable) gaps of 33, 33, 100 and
    67 ms in turn, as a phone that drops its frame rate in the dark records."""
    if not variable:
        yield from ((index, Fraction(1, fps)) for index in range(round(seconds * fps)))
        return
    gaps, elapsed, index = (33, 33, 100, 67), 0, 0
    while elapsed < seconds * 1000:
        yield elapsed, Fraction(1, 1000)
        elapsed += gaps[index % len(gaps)]
        index += 1


def make_video(
    path: Path | str,
    *,
    seconds: float = 3.0,
    size: tuple[int, int] = (320, 568),
    fps: int = 12,
    audio: str | None = "tone",
    seed: int = 0,
    crf: int = 28,
    audio_seed: int | None = None,
    variable_rate: bool = False,
    rotation: int = 0,
) -> Path:
    """Write an H.264/AAC video. `audio`: "tone" (a melody), "silent", "clipping" or None.
    The picture follows `seed`, the melody `audio_seed` (default: `seed`). `rotation` is a
    display matrix's counterclockwise angle, as phones write: `size` is then the stored
    picture, and players show it turned (-90 shows a 1920x1080 picture as 1080x1920)."""
    path = Path(path)
    width, height = size
    with av.open(str(path), mode="w") as container:
        video = container.add_stream("libx264", rate=fps, options={"crf": str(crf), "preset": "ultrafast"})
        if variable_rate:
            video.codec_context.time_base = Fraction(1, 1000)
        # 4:2:0 needs even sizes; an odd-sized source (some phones' crops) is 4:4:4
        odd = width % 2 or height % 2
        video.width, video.height, video.pix_fmt = width, height, "yuv444p" if odd else "yuv420p"
        if rotation:
            video.set_display_rotation(rotation)
        sound = container.add_stream("aac", rate=22050) if audio else None
        if sound is not None:
            sound.layout = "mono"
        field = _field(width, height, seed)
        for index, (pts, time_base) in enumerate(_frame_times(seconds, fps, variable_rate)):
            frame = av.VideoFrame.from_ndarray(_frame(field, index, fps), format="rgb24")
            frame.pts, frame.time_base = pts, time_base
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if sound is not None:
            rate, chunk = 22050, 1024
            t = np.arange(int(seconds * rate)) / rate
            if audio == "silent":
                wave = np.zeros_like(t)
            elif audio == "clipping":
                wave = np.clip(3.0 * np.sin(2 * np.pi * 440.0 * t), -1, 1)
            else:
                wave = _melody(t, seed if audio_seed is None else audio_seed)
            samples = wave.astype(np.float32)
            for start in range(0, len(samples), chunk):
                piece = samples[start : start + chunk]
                frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="flt", layout="mono")
                frame.sample_rate, frame.pts = rate, start
                container.mux(sound.encode(frame))
            container.mux(sound.encode(None))
    return path
