"""A video's renditions: encoded in the media sandbox, stored beside its original under one
folder per encode (`renditions/<video>/<encode>/`), and removed with the video.

An encode writes to a fresh folder and only then is recorded on the video, under its row lock;
an encode that lost (a review run twice) deletes its own folder, so a retried review leaves no
orphans. `purge_orphan_media` finds what a killed worker left behind."""

import math
import os
import tempfile
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from ..media.preview import PreviewSettings
from ..media.sandbox import Budget, OverBudget, run_limited
from ..media.transcode import LadderSettings, Rung, encode_ladder

ROOT = "renditions"
# Raised when the encoder makes something players should have for videos encoded before:
# `encode_renditions` then re-encodes those. 2: previews, upright phone video, true CODECS.
ENCODER_VERSION = 2


class TranscodeFailed(Exception):
    """The video could not be prepared for playback; the message says why, for moderators."""


def ladder_settings() -> LadderSettings:
    rungs = []
    for spec in settings.VIDEO_LADDER:
        height, crf, max_kbps = (int(part) for part in spec.split(":"))
        rungs.append(Rung(height, crf, max_kbps))
    return LadderSettings(
        rungs=tuple(rungs),
        keyframe_seconds=settings.VIDEO_KEYFRAME_SECONDS,
        loudness_lufs=settings.VIDEO_LOUDNESS_LUFS,
        peak_dbfs=settings.VIDEO_PEAK_DBFS,
        preset=settings.VIDEO_X264_PRESET,
        preview=PreviewSettings(seconds=settings.VIDEO_PREVIEW_SECONDS, short_side=settings.VIDEO_PREVIEW_SHORT_SIDE),
    )


def transcode_budget(duration_ms: int) -> Budget:
    """What an encode may spend: CPU in proportion to the video's length (bounded, as the
    length is, by VIDEO_MAX_DURATION_MS), memory by the encoders' ceiling."""
    length = min(max(duration_ms, 0), settings.VIDEO_MAX_DURATION_MS) / 1000
    seconds = math.ceil(settings.VIDEO_TRANSCODE_MIN_SECONDS + settings.VIDEO_TRANSCODE_CPU_PER_SECOND * length)
    return Budget(settings.VIDEO_TRANSCODE_MEMORY_MB * 2**20, cpu_seconds=seconds, wall_seconds=seconds + 5)


def encode(video_id: int, path: str, duration_ms: int) -> dict:
    """Encode the ladder of the file at `path` (`duration_ms` long, as its probe found) and store
    it; the video's `playback` record."""
    folder = f"{ROOT}/{video_id}/{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="ladder-") as scratch:
        try:
            budget = transcode_budget(duration_ms)
            ladder = run_limited(budget, encode_ladder, path, scratch, ladder_settings()).value
        except OverBudget as exc:
            raise TranscodeFailed(f"The video could not be prepared for playback: it {exc}.") from exc
        except Exception as exc:  # a decoder's or encoder's error, for this file only
            raise TranscodeFailed(f"The video could not be prepared for playback ({exc}).") from exc
        stored = []
        try:
            for name in sorted(os.listdir(scratch)):
                with open(os.path.join(scratch, name), "rb") as handle:
                    stored.append(default_storage.save(f"{folder}/{name}", File(handle)))
        except Exception:
            delete_files(stored)
            raise
    return {
        "version": ENCODER_VERSION,
        "folder": folder,
        "master": f"{folder}/{ladder.master}",
        "mp4": f"{folder}/{ladder.mp4}",
        "preview": f"{folder}/{ladder.preview}",
        "loudness_gain_db": round(float(ladder.loudness_gain_db), 2),
        "renditions": [
            {
                "name": r.name,
                "width": r.width,
                "height": r.height,
                "bitrate": r.bitrate,
                "playlist": f"{folder}/{r.playlist}",
            }
            for r in ladder.renditions
        ],
    }


def files_of(playback: dict | None) -> list[str]:
    """Every stored file of an encode."""
    if not playback:
        return []
    folder = playback["folder"]
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in names]


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def delete_playback(playback: dict | None) -> None:
    delete_files(files_of(playback))


def belongs_to(playback: dict | None, name: str) -> bool:
    """Whether the stored file `name` is one of this encode's (what a media URL may fetch)."""
    return bool(playback) and name.startswith(playback["folder"] + "/") and ".." not in name


def outdated(playback: dict | None) -> bool:
    """Whether a video needs encoding: it has no renditions, or an older encoder made them."""
    return playback is None or playback.get("version", 1) < ENCODER_VERSION


def encode_missing(video_id: int) -> bool:
    """Give a video current renditions: one approved by a moderator after its encode failed,
    published before playback existed, or encoded by an older ENCODER_VERSION. The old encode's
    files go after the grace period (players in the middle of it finish); whether it was done."""
    from ..models import Video
    from .media_trash import discard
    from .stored_files import stored_file_path

    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video.file or not outdated(video.playback):
        return False
    before = (video.playback or {}).get("folder")
    with stored_file_path(video.file) as path:
        playback = encode(video.pk, path, video.duration_ms)
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or (video.playback or {}).get("folder") != before:  # gone, or another run was first
            delete_playback(playback)
            return False
        discard(files_of(video.playback), f"video {video_id} re-encoded")
        video.playback = playback
        video.save(update_fields=["playback"])
    return True


@task()
def encode_renditions(video_id: int) -> bool:
    """Make the renditions of a video that has none (see encode_missing)."""
    try:
        return encode_missing(video_id)
    except TranscodeFailed:
        return False
