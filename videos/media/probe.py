"""What a video file contains, read with PyAV (FFmpeg). No Django here.

A file is judged by what its container declares before anything is decoded: a 2 MB file can
declare 16000x16000 frames or two hours of audio, and decoding it to find out costs gigabytes.
What is decoded afterwards is bounded too (the first seconds of audio, one frame at a time);
and the whole of it runs in a child process under a memory ceiling (videos.media.sandbox)."""

import math
from dataclasses import dataclass, field

import av
import numpy as np

from .orientation import display_size, first_turn

# Audio is analysed at a low rate in mono: plenty for loudness, cheap to decode.
ANALYSIS_RATE = 8000
# Lossy codecs smear hard clipping, so "clipped" means held near full scale, not exactly at it.
CLIP_LEVEL = 0.9


class NotAVideo(Exception):
    """The file is not a video FFmpeg can decode, or not one we accept to decode."""


@dataclass(frozen=True)
class Bounds:
    """What a container may declare before we decode anything of it."""

    max_long_side: int = 4096
    max_fps: float = 240.0
    max_streams: int = 8
    max_bitrate: int = 200_000_000  # bits per second
    max_duration_ms: int = 10 * 60 * 1000
    max_sample_rate: int = 192_000
    max_channels: int = 8


@dataclass(frozen=True)
class Header:
    """What the container declares: nothing here was decoded."""

    width: int
    height: int
    fps: float
    duration_ms: int  # 0 when the container does not say
    streams: int
    bit_rate: int
    sample_rate: int = 0
    channels: int = 0
    problems: list[str] = field(default_factory=list)


def read_header(container) -> Header:
    """The declared picture, rate, length and streams of an open container, and what is out
    of bounds about them."""
    if not container.streams.video:
        raise NotAVideo("The file has no video track.")
    video = container.streams.video[0]
    rate = video.average_rate or video.guessed_rate
    audio = container.streams.audio[0] if container.streams.audio else None
    return Header(
        width=video.codec_context.width or 0,
        height=video.codec_context.height or 0,
        fps=float(rate) if rate else 0.0,
        duration_ms=_duration_ms(container, video),
        streams=len(container.streams),
        bit_rate=container.bit_rate or 0,
        sample_rate=audio.codec_context.sample_rate if audio else 0,
        channels=audio.codec_context.channels if audio else 0,
    )


def header_problems(header: Header, bounds: Bounds) -> list[str]:
    """Readable reasons to refuse a file from its header alone; empty when it is in bounds."""
    problems = []
    if max(header.width, header.height) > bounds.max_long_side:
        problems.append(
            f"The picture is {header.width}×{header.height}; the largest we take is "
            f"{bounds.max_long_side} pixels on the longer side."
        )
    if header.fps > bounds.max_fps:
        problems.append(f"The video runs at {header.fps:.0f} frames per second; at most {bounds.max_fps:.0f}.")
    if header.streams > bounds.max_streams:
        problems.append(f"The file holds {header.streams} streams; at most {bounds.max_streams}.")
    if header.bit_rate > bounds.max_bitrate:
        problems.append(
            f"The file's bit rate is {header.bit_rate // 1_000_000} Mb/s; at most {bounds.max_bitrate // 1_000_000}."
        )
    if header.duration_ms > bounds.max_duration_ms:
        problems.append(
            f"The video lasts {header.duration_ms / 1000:.0f} s; the maximum is {bounds.max_duration_ms / 1000:g} s."
        )
    if header.sample_rate > bounds.max_sample_rate or header.channels > bounds.max_channels:
        problems.append(
            f"The sound has {header.channels} channels at {header.sample_rate} Hz; that is more than we take."
        )
    return problems


def _duration_ms(container, stream) -> int:
    if container.duration is not None:
        return int(container.duration / 1000)
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    return 0


@dataclass(frozen=True)
class AudioLevels:
    rms_dbfs: float
    peak_dbfs: float
    clipped_ratio: float
    envelope: np.ndarray  # RMS per 100 ms window, for the sound fingerprint
    pitch: np.ndarray  # dominant frequency band per 100 ms window, for the sound fingerprint


@dataclass(frozen=True)
class Probe:
    duration_ms: int
    width: int  # as shown: a phone's portrait clip is 1080 wide whatever its sensor stored
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    audio: AudioLevels | None


def _dbfs(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


def check_upload(path: str, bounds: Bounds) -> Header:
    """The check made while the upload request is still open: the header is in bounds and the
    first video frame decodes. Raises NotAVideo with the reason otherwise."""
    try:
        with av.open(path) as container:
            header = read_header(container)
            if problems := header_problems(header, bounds):
                raise NotAVideo(" ".join(problems))
            for _frame in container.decode(video=0):
                return header
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise NotAVideo("The file is not a video we can read.") from exc
    raise NotAVideo("The video track has no frames.")


def _audio_levels(path: str, seconds: float) -> AudioLevels | None:
    """Loudness of the first `seconds` of the soundtrack: decoding stops there, so a file that
    holds hours of audio costs what a short one does."""
    wanted = int(seconds * ANALYSIS_RATE)
    chunks, have = [], 0
    with av.open(path) as container:
        if not container.streams.audio:
            return None
        resampler = av.AudioResampler(format="flt", layout="mono", rate=ANALYSIS_RATE)
        for frame in container.decode(audio=0):
            for resampled in resampler.resample(frame):
                chunks.append(resampled.to_ndarray().reshape(-1))
                have += chunks[-1].size
            if have >= wanted:
                break
        else:
            chunks += [resampled.to_ndarray().reshape(-1) for resampled in resampler.resample(None)]
    if not chunks:
        return None
    samples = np.concatenate(chunks)[:wanted].astype(np.float64)
    window = ANALYSIS_RATE // 10
    usable = len(samples) // window * window
    windows = samples[:usable].reshape(-1, window)
    envelope = np.sqrt(np.mean(windows**2, axis=1)) if usable else np.zeros(0)
    return AudioLevels(
        rms_dbfs=_dbfs(float(np.sqrt(np.mean(samples**2)))),
        peak_dbfs=_dbfs(float(np.max(np.abs(samples)))),
        clipped_ratio=float(np.mean(np.abs(samples) >= CLIP_LEVEL)),
        envelope=envelope,
        pitch=_dominant_bands(windows),
    )


# Log-spaced bands from 100 Hz to the analysis Nyquist: where most of a sound's energy sits.
BAND_EDGES = np.geomspace(100, ANALYSIS_RATE / 2, 25)


def _dominant_bands(windows: np.ndarray) -> np.ndarray:
    """Index of the loudest frequency band in each window."""
    if not len(windows):
        return np.zeros(0, dtype=np.int8)
    spectrum = np.abs(np.fft.rfft(windows * np.hanning(windows.shape[1]), axis=1))
    frequencies = np.fft.rfftfreq(windows.shape[1], 1 / ANALYSIS_RATE)
    band_of_bin = np.digitize(frequencies, BAND_EDGES)
    energy = np.stack([spectrum[:, band_of_bin == band].sum(axis=1) for band in range(len(BAND_EDGES) + 1)], axis=1)
    return np.argmax(energy, axis=1).astype(np.int8)


def probe(path: str, bounds: Bounds | None = None, analysis_seconds: float = 60.0) -> Probe:
    """Duration, picture, codecs and audio loudness (of the first `analysis_seconds`) of a
    video file whose header is within `bounds`."""
    bounds = bounds or Bounds()
    try:
        with av.open(path) as container:
            header = read_header(container)
            if problems := header_problems(header, bounds):
                raise NotAVideo(" ".join(problems))
            stream = container.streams.video[0]
            audio_codec = container.streams.audio[0].codec_context.name if container.streams.audio else None
            width, height = display_size(header.width, header.height, first_turn(path))
            result = dict(
                duration_ms=header.duration_ms,
                width=width,
                height=height,
                fps=header.fps,
                video_codec=stream.codec_context.name,
                audio_codec=audio_codec,
            )
        return Probe(**result, audio=_audio_levels(path, analysis_seconds))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise NotAVideo("The file is not a video we can read.") from exc
