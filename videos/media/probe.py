"""What a video file contains, read with PyAV (FFmpeg). No Django here."""

import math
from dataclasses import dataclass

import av
import numpy as np

# Audio is analysed at a low rate in mono: plenty for loudness, cheap to decode.
ANALYSIS_RATE = 8000
# Lossy codecs smear hard clipping, so "clipped" means held near full scale, not exactly at it.
CLIP_LEVEL = 0.9


class NotAVideo(Exception):
    """The file is not a video FFmpeg can decode."""


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
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str | None
    audio: AudioLevels | None


def _dbfs(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


def check_decodable(path: str) -> None:
    """Cheap check used while the upload request is still open: the container opens and its
    first video frame decodes. Raises NotAVideo otherwise."""
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise NotAVideo("The file has no video track.")
            for _frame in container.decode(video=0):
                return
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise NotAVideo("The file is not a video we can read.") from exc
    raise NotAVideo("The video track has no frames.")


def _audio_levels(path: str) -> AudioLevels | None:
    with av.open(path) as container:
        if not container.streams.audio:
            return None
        resampler = av.AudioResampler(format="flt", layout="mono", rate=ANALYSIS_RATE)
        chunks = []
        for frame in container.decode(audio=0):
            for resampled in resampler.resample(frame):
                chunks.append(resampled.to_ndarray().reshape(-1))
        for resampled in resampler.resample(None):
            chunks.append(resampled.to_ndarray().reshape(-1))
    if not chunks:
        return None
    samples = np.concatenate(chunks).astype(np.float64)
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


def probe(path: str) -> Probe:
    """Duration, picture, codecs and audio loudness of a video file."""
    try:
        with av.open(path) as container:
            if not container.streams.video:
                raise NotAVideo("The file has no video track.")
            stream = container.streams.video[0]
            if container.duration is not None:
                duration_ms = int(container.duration / 1000)
            elif stream.duration is not None and stream.time_base is not None:
                duration_ms = int(stream.duration * stream.time_base * 1000)
            else:
                duration_ms = 0
            rate = stream.average_rate or stream.guessed_rate
            audio_codec = container.streams.audio[0].codec_context.name if container.streams.audio else None
            result = dict(
                duration_ms=duration_ms,
                width=stream.codec_context.width,
                height=stream.codec_context.height,
                fps=float(rate) if rate else 0.0,
                video_codec=stream.codec_context.name,
                audio_codec=audio_codec,
            )
        return Probe(**result, audio=_audio_levels(path))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise NotAVideo("The file is not a video we can read.") from exc
