"""Phones store a portrait clip as the sensor's landscape picture and a display matrix saying
how to turn it. Everything made from such a file must show it the way its player would: the
recorded size, the renditions, the thumbnail."""

import io

import av
import numpy as np
import pytest
from PIL import Image

from videos.media.probe import probe
from videos.media.synthetic import make_video
from videos.media.thumbnail import thumbnail_jpeg
from videos.media.transcode import LadderSettings, Rung, encode_ladder

LADDER = LadderSettings(rungs=(Rung(180, 30, 500),), preset="ultrafast")
STORED = (320, 180)  # the sensor's picture, as stored in the file


def _stored_picture(path) -> np.ndarray:
    with av.open(str(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="gray").astype(float)


def _closest_turn(picture: np.ndarray, stored: np.ndarray) -> int:
    """Which clockwise turn of the stored picture `picture` shows (compared at its size)."""
    errors = {}
    for turn in (0, 90, 180, 270):
        turned = np.rot90(stored, k=-turn // 90)
        if turned.shape != picture.shape:
            turned = np.asarray(Image.fromarray(turned).resize(picture.shape[::-1]), dtype=float)
        errors[turn] = float(np.mean(np.abs(turned - picture)))
    return min(errors, key=errors.get)


# the matrix's counterclockwise angle -> the clockwise turn a player makes
TURNS = [(-90, 90), (90, 270), (180, 180), (0, 0)]


@pytest.fixture(scope="module", params=TURNS, ids=lambda t: f"matrix{t[0]}")
def phone_clip(request, tmp_path_factory):
    rotation, turn = request.param
    path = make_video(tmp_path_factory.mktemp("phone") / "clip.mp4", size=STORED, seconds=2, rotation=rotation)
    return path, turn


def _shown_size(turn):
    return STORED[::-1] if turn in (90, 270) else STORED


def test_the_probe_reports_the_size_the_video_is_shown_at(phone_clip):
    path, turn = phone_clip
    found = probe(str(path))
    assert (found.width, found.height) == _shown_size(turn)


def test_the_thumbnail_is_turned_like_the_player_turns_the_picture(phone_clip):
    path, turn = phone_clip
    image = Image.open(io.BytesIO(thumbnail_jpeg(str(path), at_seconds=0.0))).convert("L")
    assert image.size == _shown_size(turn)
    assert _closest_turn(np.asarray(image, dtype=float), _stored_picture(path)) == turn


def test_renditions_are_turned_upright_and_carry_no_matrix(phone_clip, tmp_path):
    path, turn = phone_clip
    ladder = encode_ladder(str(path), str(tmp_path), LADDER)
    with av.open(str(tmp_path / ladder.mp4)) as container:
        frame = next(container.decode(video=0))
    assert (frame.width, frame.height) == _shown_size(turn)
    assert frame.rotation == 0  # turned once, by us: a player must not turn it again
    assert _closest_turn(frame.to_ndarray(format="gray").astype(float), _stored_picture(path)) == turn
    shown = _shown_size(turn)
    assert [(r.width, r.height) for r in ladder.renditions] == [shown]
