"""The rendition ladder of a video: H.264/AAC renditions with keyframes at the same instants,
each an HLS media playlist of fMP4 segments under one master playlist, and a fast-start MP4
of the middle rendition for players without HLS. The sound is brought to one loudness
(ITU-R BS.1770 / EBU R128 integrated loudness) so the feed does not jump in volume.

The source is decoded once; each frame is scaled for every rendition and handed to its
encoder. A keyframe is forced at every multiple of `keyframe_seconds` of the source's own
timestamps (x264's scene-cut keyframes are off), so every rendition switches at the same
instants whatever the frame rate did, and segments line up across the ladder. Nothing here
imports Django: it runs in the media sandbox."""

import math
import os
import shutil
from dataclasses import dataclass, field
from fractions import Fraction

import av
import numpy as np
import pyloudnorm

from .orientation import Upright, display_size, first_turn
from .preview import FILE_NAME as PREVIEW_FILE
from .preview import PreviewSettings, PreviewWriter

AUDIO_RATE = 48_000
AUDIO_LAYOUT = "stereo"


@dataclass(frozen=True)
class Rung:
    height: int  # of a landscape picture; of the short side in general (1080 for 1080x1920)
    crf: int
    max_kbps: int


@dataclass(frozen=True)
class LadderSettings:
    rungs: tuple[Rung, ...]
    keyframe_seconds: float = 2.0
    audio_kbps: int = 128
    loudness_lufs: float = -14.0
    peak_dbfs: float = -1.0
    preset: str = "veryfast"
    preview: PreviewSettings = field(default_factory=PreviewSettings)


@dataclass
class Rendition:
    name: str
    width: int
    height: int
    bitrate: int = 0  # bits per second, measured
    playlist: str = ""  # file names, relative to the output folder
    segments: list[str] = field(default_factory=list)
    codecs: str = ""  # RFC 6381, as the master playlist's CODECS attribute


@dataclass
class Ladder:
    renditions: list[Rendition]
    master: str
    mp4: str
    preview: str
    duration_ms: int
    loudness_gain_db: float


def _even(value: float) -> int:
    """Down to even (H.264 4:2:0 needs it): never a pixel more than the source has."""
    return max(2, int(value) // 2 * 2)


def rendition_sizes(width: int, height: int, rungs: tuple[Rung, ...]) -> list[tuple[Rung, int, int]]:
    """(rung, width, height) for each rung not above the source's short side: never upscale.
    A source smaller than the lowest rung gets one rendition at its own size."""
    short = min(width, height)
    chosen = []
    for rung in sorted(rungs, key=lambda r: r.height):
        if rung.height > short:
            break
        scale = rung.height / short
        chosen.append((rung, _even(width * scale), _even(height * scale)))
    if not chosen:
        chosen.append((min(rungs, key=lambda r: r.height), _even(width), _even(height)))
    return chosen


def measure_gain_db(path: str, settings: LadderSettings) -> float:
    """The gain that brings the soundtrack to the target loudness without its peak passing
    `peak_dbfs` (a quieter result beats a clipped one)."""
    samples = []
    with av.open(path) as container:
        if not container.streams.audio:
            return 0.0
        resampler = av.AudioResampler(format="flt", layout=AUDIO_LAYOUT, rate=AUDIO_RATE)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                samples.append(out.to_ndarray().reshape(-1, 2))
    if not samples:
        return 0.0
    audio = np.concatenate(samples).astype(np.float64)
    block = min(0.4, len(audio) / AUDIO_RATE)
    loudness = pyloudnorm.Meter(AUDIO_RATE, block_size=block).integrated_loudness(audio)
    peak = float(np.max(np.abs(audio)))
    if not math.isfinite(loudness) or peak <= 0:
        return 0.0
    headroom = settings.peak_dbfs - 20 * math.log10(peak)
    return min(settings.loudness_lufs - loudness, headroom)


class _Output:
    """One rendition: its encoders and its HLS muxer."""

    def __init__(self, folder: str, rendition: Rendition, rung: Rung, settings: LadderSettings, source, sound: bool):
        self.rendition = rendition
        name = rendition.name
        rendition.playlist = f"{name}.m3u8"
        self.container = av.open(
            os.path.join(folder, rendition.playlist),
            "w",
            format="hls",
            options={
                "hls_time": f"{settings.keyframe_seconds:g}",
                "hls_playlist_type": "vod",
                "hls_segment_type": "fmp4",
                "hls_fmp4_init_filename": f"{name}_init.mp4",
                "hls_segment_filename": os.path.join(folder, f"{name}_%03d.m4s"),
                "hls_flags": "independent_segments",
            },
        )
        self.video = self.container.add_stream("libx264")
        self.video.width, self.video.height, self.video.pix_fmt = rendition.width, rendition.height, "yuv420p"
        self.video.time_base = source.time_base
        self.video.codec_context.time_base = source.time_base
        self.video.codec_context.framerate = source.average_rate or Fraction(30)
        self.video.options = {
            "preset": settings.preset,
            "crf": str(rung.crf),
            "maxrate": f"{rung.max_kbps}k",
            "bufsize": f"{2 * rung.max_kbps}k",
            "profile": "high",
            "forced-idr": "1",
            # keyframes only where we force them: the same instants in every rendition
            "x264-params": "keyint=infinite:scenecut=0:open-gop=0",
        }
        self.audio = None  # a silent film (a moderator may publish one) gets no empty sound track
        if sound:
            self.audio = self.container.add_stream("aac", rate=AUDIO_RATE, layout=AUDIO_LAYOUT)
            self.audio.bit_rate = settings.audio_kbps * 1000
        self.bytes = 0

    def _mux(self, packets) -> None:
        for packet in packets:
            self.bytes += packet.size
            self.container.mux(packet)

    def encode_video(self, frame) -> None:
        self._mux(self.video.encode(frame))

    def encode_audio(self, frame) -> None:
        self._mux(self.audio.encode(frame))

    def close(self, duration_s: float) -> None:
        self._mux(self.video.encode(None))
        if self.audio is not None:
            self._mux(self.audio.encode(None))
        codecs = [avc_codec_string(self.video.codec_context.extradata or b"")]
        self.rendition.codecs = ",".join(codecs + (["mp4a.40.2"] if self.audio is not None else []))
        self.container.close()
        self.rendition.bitrate = int(self.bytes * 8 / max(duration_s, 0.001))


def avc_codec_string(extradata: bytes) -> str:
    """RFC 6381's "avc1.PPCCLL" (profile, constraint flags, level) from an H.264 encoder's
    extradata: an avcC record, or Annex B parameter sets as libx264 gives them. Players use it to
    decide whether they can play a rendition at all, so it names what x264 actually made (a
    fast preset drops to Constrained Baseline; the level follows the picture size)."""
    if len(extradata) >= 4 and extradata[0] == 1:  # avcC: version 1, then the three bytes
        return f"avc1.{extradata[1:4].hex()}"
    start = extradata.find(b"\x00\x00\x01")
    while start != -1:
        nal = extradata[start + 3 : start + 7]
        if len(nal) == 4 and nal[0] & 0x1F == 7:  # a sequence parameter set
            return f"avc1.{nal[1:4].hex()}"
        start = extradata.find(b"\x00\x00\x01", start + 3)
    return "avc1.640028"  # High 4.0: what the ladder asks of x264, when nothing says otherwise


def _scaled(frame, rendition: Rendition, key: bool):
    out = frame.reformat(width=rendition.width, height=rendition.height, format="yuv420p", interpolation="BICUBIC")
    out.pts, out.time_base = frame.pts, frame.time_base
    out.pict_type = av.video.frame.PictureType.I if key else av.video.frame.PictureType.NONE
    return out


def _gained(frame, gain: float, resampler):
    for out in resampler.resample(frame):
        samples = out.to_ndarray() * gain
        louder = av.AudioFrame.from_ndarray(samples.astype(np.float32), format="fltp", layout=AUDIO_LAYOUT)
        louder.sample_rate, louder.pts, louder.time_base = AUDIO_RATE, out.pts, out.time_base
        yield louder


def encode_ladder(path: str, folder: str, settings: LadderSettings) -> Ladder:
    """Write the ladder of the video at `path` into `folder` (which must exist)."""
    gain_db = measure_gain_db(path, settings)
    gain = 10 ** (gain_db / 20)
    turn = first_turn(path)
    with av.open(path) as container:
        source = container.streams.video[0]
        source.thread_type = "AUTO"
        upright = Upright(source, turn)
        sound = bool(container.streams.audio)
        shown = display_size(source.codec_context.width, source.codec_context.height, turn)
        sizes = rendition_sizes(*shown, settings.rungs)
        outputs = [
            _Output(folder, Rendition(f"{rung.height}p", width, height), rung, settings, source, sound)
            for rung, width, height in sizes
        ]
        preview = PreviewWriter(os.path.join(folder, PREVIEW_FILE), *shown, settings.preview)
        streams = [source, *container.streams.audio[:1]]
        resampler = av.AudioResampler(format="fltp", layout=AUDIO_LAYOUT, rate=AUDIO_RATE)
        next_key, last_time = 0.0, 0.0
        for packet in container.demux(*streams):
            for frame in packet.decode():
                if packet.stream.type == "video":
                    frame = upright(frame)
                    time = float(frame.pts * frame.time_base) if frame.pts is not None else last_time
                    key = time >= next_key - 1e-6
                    while time >= next_key - 1e-6:
                        next_key += settings.keyframe_seconds
                    last_time = max(last_time, time)
                    preview.offer(frame, time)
                    for output in outputs:
                        output.encode_video(_scaled(frame, output.rendition, key))
                else:
                    for louder in _gained(frame, gain, resampler):
                        for output in outputs:
                            output.encode_audio(louder)
        duration_s = max(last_time, float(container.duration or 0) / av.time_base)
    for output in outputs:
        output.close(duration_s)
    preview.close()
    renditions = [output.rendition for output in outputs]
    for rendition in renditions:
        prefix = f"{rendition.name}_"
        rendition.segments = sorted(n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".m4s"))
    master = write_master(folder, renditions, settings)
    middle = renditions[(len(renditions) - 1) // 2]
    mp4 = progressive_mp4(folder, middle)
    return Ladder(renditions, master, mp4, PREVIEW_FILE, int(duration_s * 1000), gain_db)


def write_master(folder: str, renditions: list[Rendition], settings: LadderSettings) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition in renditions:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={int(rendition.bitrate * 1.2)},AVERAGE-BANDWIDTH={rendition.bitrate},"
            f'RESOLUTION={rendition.width}x{rendition.height},CODECS="{rendition.codecs}"'
        )
        lines.append(rendition.playlist)
    with open(os.path.join(folder, "master.m3u8"), "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return "master.m3u8"


def progressive_mp4(folder: str, rendition: Rendition) -> str:
    """The rendition's segments remuxed (no re-encoding) into one MP4 with its index first."""
    joined = os.path.join(folder, f"{rendition.name}_joined.mp4")
    with open(joined, "wb") as out:
        for name in [f"{rendition.name}_init.mp4", *rendition.segments]:
            with open(os.path.join(folder, name), "rb") as part:
                shutil.copyfileobj(part, out)
    target = f"{rendition.name}.mp4"
    sink = av.open(os.path.join(folder, target), "w", options={"movflags": "+faststart"})
    with av.open(joined) as source, sink:
        mapping = {stream.index: sink.add_stream_from_template(stream) for stream in source.streams}
        for packet in source.demux():
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream.index]
            sink.mux(packet)
    os.remove(joined)
    return target
