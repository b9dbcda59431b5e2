"""The rendition ladder, made from real files the tests write: every rendition decodes at its
size, nothing is upscaled, keyframes fall at the same instants in every rendition, the
playlists parse, and the sound lands at the target loudness."""

import math

import av
import m3u8
import numpy as np
import pyloudnorm
import pytest
from PIL import Image

from videos.media.synthetic import make_video
from videos.media.transcode import LadderSettings, Rung, encode_ladder

LADDER = LadderSettings(
    rungs=(Rung(360, 30, 1000), Rung(540, 30, 2000), Rung(720, 30, 3500), Rung(1080, 30, 6000)),
    preset="ultrafast",
)


def _keyframes(path) -> list[float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [round(float(p.pts * stream.time_base), 3) for p in container.demux(stream) if p.is_keyframe]


def _decoded(path) -> tuple[int, tuple[int, int]]:
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
    return len(frames), (frames[0].width, frames[0].height)


def _loudness(path) -> float:
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=48000)
        chunks = [
            f.to_ndarray().reshape(-1, 2) for frame in container.decode(audio=0) for f in resampler.resample(frame)
        ]
    return pyloudnorm.Meter(48000).integrated_loudness(np.concatenate(chunks).astype(np.float64))


def _joined(folder, rendition):
    """The rendition as its playlist delivers it: the init segment, then every media segment."""
    playlist = m3u8.load(str(folder / rendition.playlist))
    parts = [playlist.segment_map[0].uri, *(segment.uri for segment in playlist.segments)]
    joined = folder / f"{rendition.name}-joined.mp4"
    joined.write_bytes(b"".join((folder / part).read_bytes() for part in parts))
    return joined


@pytest.fixture(scope="module")
def ladders(tmp_path_factory):
    """Sources of the shapes phones send, each encoded once."""
    root = tmp_path_factory.mktemp("ladders")
    sources = {
        # few frames per second: what is checked is sizes and instants, and big frames are slow to make
        "portrait": {"size": (1080, 1920), "seconds": 5, "fps": 6},
        "landscape": {"size": (1280, 720), "seconds": 5, "fps": 6},
        "odd": {"size": (333, 591), "seconds": 3},
        "variable": {"size": (480, 854), "seconds": 5, "variable_rate": True},
        "no_sound": {"size": (320, 568), "seconds": 2, "audio": None},
    }
    made = {}
    for name, spec in sources.items():
        source = make_video(root / f"{name}.mp4", **spec)
        folder = root / name
        folder.mkdir()
        made[name] = (source, folder, encode_ladder(str(source), str(folder), LADDER))
    return made


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("portrait", [(360, 640), (540, 960), (720, 1280), (1080, 1920)]),
        ("landscape", [(640, 360), (960, 540), (1280, 720)]),  # no 1080p from a 720p source
        ("odd", [(332, 590)]),  # smaller than the lowest rung: its own size, never more
        ("variable", [(360, 640)]),
    ],
)
def test_each_rendition_decodes_at_its_size_and_none_is_upscaled(ladders, name, sizes):
    source, folder, ladder = ladders[name]
    assert [(r.width, r.height) for r in ladder.renditions] == sizes
    with av.open(str(source)) as container:
        source_frames = container.streams.video[0].frames or sum(1 for _ in container.decode(video=0))
    for rendition in ladder.renditions:
        playlist = m3u8.load(str(folder / rendition.playlist))
        joined = folder / f"{rendition.name}-check.mp4"
        joined.write_bytes(
            b"".join(
                (folder / part).read_bytes()
                for part in [playlist.segment_map[0].uri, *[s.uri for s in playlist.segments]]
            )
        )
        frames, size = _decoded(joined)
        assert size == (rendition.width, rendition.height) and frames == source_frames


@pytest.mark.parametrize("name", ["portrait", "landscape", "variable"])
def test_keyframes_fall_at_the_same_instants_in_every_rendition(ladders, name):
    _, folder, ladder = ladders[name]
    instants = [[round(t, 2) for t in _keyframes(_joined(folder, r))] for r in ladder.renditions]
    assert len(instants[0]) >= 3 and all(found == instants[0] for found in instants)
    # every 2 s of the source's own clock (the first frame at or after it, whatever the frame rate did)
    assert all(0 <= t - 2 * n <= 0.11 for n, t in enumerate(instants[0]))


def test_the_progressive_mp4_starts_with_its_index_and_keeps_the_keyframes(ladders):
    _, folder, ladder = ladders["portrait"]
    data = (folder / ladder.mp4).read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # fast start: playable before fully downloaded
    assert [round(t) for t in _keyframes(folder / ladder.mp4)] == [0, 2, 4]


def test_the_playlists_parse_and_the_master_names_every_rendition(ladders):
    _, folder, ladder = ladders["portrait"]
    master = m3u8.load(str(folder / ladder.master))
    assert [p.stream_info.resolution for p in master.playlists] == [(r.width, r.height) for r in ladder.renditions]
    assert all(
        p.stream_info.average_bandwidth == r.bitrate > 0
        for p, r in zip(master.playlists, ladder.renditions, strict=True)
    )
    media = m3u8.load(str(folder / ladder.renditions[0].playlist))
    assert media.playlist_type == "vod" and media.is_endlist and media.target_duration <= 2
    assert math.isclose(sum(s.duration for s in media.segments), 5.0, abs_tol=0.1)


@pytest.mark.parametrize("name", ["portrait", "no_sound"])
def test_the_master_names_the_codecs_each_rendition_really_has(ladders, name):
    """A player decides from CODECS whether it can play a variant at all: it must name the
    profile and level x264 produced (ultrafast here gives Constrained Baseline, not High) and
    only the tracks that exist."""
    _, folder, ladder = ladders[name]
    master = m3u8.load(str(folder / ladder.master))
    for variant, rendition in zip(master.playlists, ladder.renditions, strict=True):
        with av.open(str(_joined(folder, rendition))) as container:
            avcc = container.streams.video[0].codec_context.extradata  # the init segment's avcC record
            tracks = {stream.type for stream in container.streams}
        expected = [f"avc1.{avcc[1:4].hex()}", *(["mp4a.40.2"] if "audio" in tracks else [])]
        assert variant.stream_info.codecs == ",".join(expected)
    assert ("audio" in tracks) == (name != "no_sound")


def test_the_sound_lands_within_one_lu_of_the_target(ladders):
    for name in ("portrait", "odd"):
        _, folder, ladder = ladders[name]
        assert abs(_loudness(folder / ladder.mp4) - LADDER.loudness_lufs) <= 1.0, name


def _preview_frames(path) -> list[tuple[np.ndarray, int]]:
    """Each frame of an animated WebP with how long it shows (ms)."""
    frames = []
    with Image.open(path) as image:
        assert image.is_animated and image.info["loop"] == 0  # loops for ever
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
            frames.append((np.asarray(image.convert("L"), dtype=float), image.info["duration"]))
    return frames


@pytest.mark.parametrize(("name", "size"), [("portrait", (270, 480)), ("landscape", (480, 270)), ("odd", (270, 478))])
def test_the_preview_is_a_small_looping_animation_of_the_first_seconds(ladders, name, size):
    _, folder, ladder = ladders[name]
    with Image.open(folder / ladder.preview) as image:
        assert image.size == size
    frames = _preview_frames(folder / ladder.preview)
    # 3 s at 10 ticks a second; the encoder merges a tick that repeats its frame into the one before
    assert sum(duration for _, duration in frames) == 3000 and all(duration % 100 == 0 for _, duration in frames)
    assert not all(np.array_equal(frames[0][0], picture) for picture, _ in frames)  # it moves


def test_the_preview_keeps_the_pace_of_a_variable_frame_rate_source(ladders):
    """Tick k of the preview (every 100 ms) shows the source's first frame at or after k/10 s,
    even where the source skipped 100 ms: it neither drifts nor speeds up."""
    source, folder, ladder = ladders["variable"]
    frames = _preview_frames(folder / ladder.preview)
    with av.open(str(source)) as container:
        shown = [
            (frame.time, np.asarray(frame.to_image().convert("L").resize(frames[0][0].shape[::-1]), dtype=float))
            for frame in container.decode(video=0)
            if frame.time < 3.1
        ]
    starts = np.cumsum([0] + [duration for _, duration in frames[:-1]]) / 1000
    for start, (picture, _) in zip(starts, frames, strict=True):
        closest = min(shown, key=lambda item: np.mean(np.abs(item[1] - picture)))[0]
        assert start - 1e-6 <= closest < start + 0.1, start
