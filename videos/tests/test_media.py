"""The media modules on real files, no database."""

import pytest

from videos.media import caption, fingerprint
from videos.media.probe import Bounds, NotAVideo, check_upload, probe
from videos.media.thumbnail import thumbnail_jpeg


def test_probe_reads_picture_duration_codecs_and_loudness(video_library):
    found = probe(str(video_library["good"]))
    assert (found.width, found.height, found.video_codec, found.audio_codec) == (320, 568, "h264", "aac")
    assert 2900 <= found.duration_ms <= 3100
    assert found.fps == pytest.approx(12, abs=0.5)
    assert -30 < found.audio.rms_dbfs < -5


def test_silence_and_clipping_are_measured(video_library):
    assert probe(str(video_library["silent"])).audio.rms_dbfs < -60
    assert probe(str(video_library["clipping"])).audio.clipped_ratio > 0.5
    assert probe(str(video_library["no_audio"])).audio is None


def test_garbage_is_not_a_video(video_library):
    with pytest.raises(NotAVideo):
        check_upload(str(video_library["corrupt"]), Bounds())
    with pytest.raises(NotAVideo):
        probe(str(video_library["corrupt"]))


def test_reencoded_copy_has_nearly_the_same_frame_hashes(video_library):
    def hashes(name):
        return fingerprint.frame_hashes(str(video_library[name]), 3000)

    original, copy, other = hashes("good"), hashes("good_reencoded"), hashes("other")
    assert len(original) == fingerprint.FRAME_SAMPLES
    assert fingerprint.mean_frame_distance(original, copy) <= 4
    assert fingerprint.mean_frame_distance(original, other) >= 20
    shared = set(fingerprint.bands(fingerprint.combined_hash(original))) & set(
        fingerprint.bands(fingerprint.combined_hash(copy))
    )
    assert shared, "a re-encoded copy must be found through the band index"


def test_sound_fingerprint_matches_same_audio_only(video_library):
    def sound(name):
        audio = probe(str(video_library[name])).audio
        return fingerprint.sound_fingerprint(audio.envelope, audio.pitch)

    assert sound("good") == sound("good_reencoded")
    assert sound("good") != sound("other")
    assert sound("silent") is None


def test_thumbnail_is_a_jpeg(video_library):
    assert thumbnail_jpeg(str(video_library["good"]), 1.0)[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("text", "tags", "people"),
    [
        ("Cooking #Pasta with @mia.cooks #pasta #quick_meals", ["pasta", "quick_meals"], ["mia.cooks"]),
        ("email me at x@example.com, no#tag here", [], []),
        ("#café and #日本", ["café", "日本"], []),
    ],
)
def test_caption_hashtags_and_mentions(text, tags, people):
    assert caption.hashtags(text) == tags
    assert caption.mentions(text) == people
