"""Media bombs: small files that declare huge pictures or lengths are refused before anything of
them is decoded, and whatever gets past that is read in a child process under a memory ceiling,
where it fails its own review and nothing else."""

import pytest

from videos.media.examine import examine_file
from videos.media.probe import Bounds, probe
from videos.media.sandbox import Budget, OverBudget, run_limited
from videos.models import Video
from videos.services.media import examine

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("name", "reason"),
    [("giant", "16000×16000"), ("marathon", "lasts 7201 s")],
)
def test_a_file_declaring_too_much_is_refused_at_upload_and_nothing_is_stored(upload, media_root, name, reason):
    payload = upload(name, filename=f"{name}.mov")
    assert payload["video"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("file", "INVALID_VIDEO")
    assert reason in error["message"], error["message"]
    assert not Video.objects.exists() and stored_files(media_root) == []


def test_a_file_that_gets_past_the_checks_fails_its_own_review(upload, settings):
    # let the 16000x16000 picture through the header check: decoding it for the review's
    # frame hashes needs ~770 MB, over a 512 MB ceiling
    settings.VIDEO_MAX_LONG_SIDE = 20000
    settings.VIDEO_SANDBOX_MEMORY_MB = 512
    bomb = upload("giant", filename="giant.mov")["video"]
    assert bomb["status"] == "REJECTED"
    assert any("memory" in reason for reason in bomb["rejectionReasons"]), bomb["rejectionReasons"]
    # the process that reviewed it is fine, and so is the next upload
    assert upload("good")["video"]["status"] == "PUBLISHED"


def test_reading_a_normal_file_stays_far_below_the_ceiling(video_library, settings):
    findings, peak = examine(str(video_library["good"]))
    assert findings.unreadable is None and findings.probe.duration_ms > 0
    assert 0 < peak < 200 * 2**20 < settings.VIDEO_SANDBOX_MEMORY_MB * 2**20


def test_the_ceiling_holds_for_whatever_runs_in_the_child():
    with pytest.raises(OverBudget, match="more than 256 MB"):
        run_limited(Budget(memory_bytes=256 * 2**20, cpu_seconds=10, wall_seconds=10), bytearray, 2**31)
    small = run_limited(Budget(memory_bytes=512 * 2**20, cpu_seconds=10, wall_seconds=10), bytearray, 10)
    assert small.value == bytearray(10)


def test_a_child_past_its_deadline_is_stopped():
    import time

    with pytest.raises(OverBudget, match="longer than"):
        run_limited(Budget(memory_bytes=512 * 2**20, cpu_seconds=10, wall_seconds=0.5), time.sleep, 5)


def test_sound_is_analysed_over_its_first_seconds_only(video_library):
    path = str(video_library["good"])  # 3 s of sound
    assert len(probe(path, Bounds(), analysis_seconds=1).audio.envelope) == 10  # 100 ms windows
    assert len(probe(path, Bounds(), analysis_seconds=60).audio.envelope) == 30


def test_a_hostile_file_that_breaks_the_decoder_is_unreadable_not_a_crash(video_library):
    findings = examine_file(str(video_library["corrupt"]), bounds=Bounds(), analysis_seconds=60, silence_dbfs=-50)
    assert findings.unreadable and findings.probe is None
