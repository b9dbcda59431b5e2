"""Playback through the API: a published video has its ladder, every playlist and segment is
fetched through signed URLs, and no file outlives its video or a review that lost a race."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import global_id
from videos.models import DiscardedMedia, Video
from videos.services import media_trash, pipeline, uploads
from videos.services import playback as playback_service

from .media_client import PLAYBACK, get, uris


def test_a_published_video_plays_over_hls_through_signed_urls(api, upload, media_root):
    payload = upload("good")
    video = api.execute(PLAYBACK, {"id": payload["video"]["id"]})["video"]
    playback = video["playback"]
    assert video["status"] == "PUBLISHED" and playback["renditions"]
    assert [(r["width"], r["height"]) for r in playback["renditions"]] == [(320, 568)]  # never upscaled
    response, master = get(playback["hlsUrl"])
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.apple.mpegurl"
    [variant] = uris(master.decode())
    assert variant.startswith("/media/")  # signed: a storage path is never a URL
    response, media = get(variant)
    parts = uris(media.decode())
    assert len(parts) >= 3  # the init segment and 2 s segments of a 3 s video
    for part in parts:
        response, body = get(part)
        assert response.status_code == 200 and body
        assert response["Content-Type"] in ("video/mp4", "video/iso.segment")
    response, head = get(playback["mp4Url"], HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and len(head) == 100 and response["Content-Type"] == "video/mp4"
    assert video["videoUrl"] == playback["mp4Url"]
    response, preview = get(playback["previewUrl"])
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert preview[:4] == b"RIFF" and preview[8:12] == b"WEBP"


def _stored(media_root) -> set:
    return {path for path in media_root.rglob("*") if path.is_file()}


def test_a_deleted_videos_files_stop_being_served_at_once_and_go_after_the_grace_period(
    api, upload, media_root, settings, django_capture_on_commit_callbacks
):
    video_id = upload("good")["video"]["id"]
    playback = api.execute(PLAYBACK, {"id": video_id})["video"]["playback"]
    files = _stored(media_root)
    assert any(path.suffix == ".m4s" for path in files) and any(path.name == "preview.webp" for path in files)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        data = api.execute("mutation($id: ID!) { deleteVideo(input: {videoId: $id}) { deletedId } }", {"id": video_id})
    assert data["deleteVideo"]["deletedId"] == video_id
    assert get(playback["hlsUrl"])[0].status_code == 404  # nothing of it is served any more
    assert get(playback["previewUrl"])[0].status_code == 404
    assert _stored(media_root) == files  # but storage keeps it for the grace period
    [row] = DiscardedMedia.objects.all()
    assert {media_root / name for name in row.names} == files
    purge = DBTaskResult.objects.get(task_path="videos.services.media_trash.purge_discarded_media")
    assert purge.run_after == row.delete_after == row.discarded_at + settings.VIDEO_FILE_GRACE
    assert media_trash.purge(row.pk) is False and _stored(media_root) == files  # not yet due
    call_command("purge_orphan_media", min_age_minutes=0, stdout=StringIO())
    assert _stored(media_root) == files  # waiting out its grace is not being an orphan
    DiscardedMedia.objects.update(delete_after=timezone.now())
    assert media_trash.purge(row.pk) is True
    assert _stored(media_root) == set() and not DiscardedMedia.objects.exists()


def test_the_cron_backstop_finishes_a_purge_that_died_half_way(api, upload, media_root):
    """A purge killed after deleting some files leaves its row; the daily command finishes it."""
    upload("good")
    video = Video.objects.get()
    with transaction.atomic():
        uploads.forget_files([video], "test", grace=timedelta(0))
        video.delete()
    [row] = DiscardedMedia.objects.all()
    (media_root / row.names[0]).unlink()  # the part that got done before the kill
    out = StringIO()
    call_command("purge_discarded_media", stdout=out)
    assert _stored(media_root) == set() and not DiscardedMedia.objects.exists()
    assert out.getvalue().startswith("1 deleted video")


def test_a_review_that_lost_the_race_leaves_no_renditions(upload, media_root, monkeypatch):
    real = pipeline.encode_playback

    def encode_while_another_run_decides(video_id, path, duration_ms):
        made = real(video_id, path, duration_ms)
        Video.objects.filter(pk=video_id).update(status=Video.Status.IN_REVIEW)
        return made

    monkeypatch.setattr(pipeline, "encode_playback", encode_while_another_run_decides)
    assert upload("good")["video"]["status"] == "IN_REVIEW"
    assert not any((media_root / "renditions").rglob("*.*"))
    assert Video.objects.get().playback is None


def test_a_video_that_cannot_be_encoded_waits_for_a_moderator_with_the_reason(upload, media_root, settings):
    settings.VIDEO_TRANSCODE_MEMORY_MB = 64  # far below what the encoders need
    payload = upload("good")
    assert payload["video"]["status"] == "IN_REVIEW"
    assert any("could not be prepared for playback" in reason for reason in payload["video"]["rejectionReasons"])
    assert not any((media_root / "renditions").rglob("*.*"))


def test_an_anonymous_viewer_of_a_public_video_gets_shared_cacheable_urls(anon, upload):
    payload = upload("good")
    playback = anon.execute(PLAYBACK, {"id": payload["video"]["id"]})["video"]["playback"]
    response, _ = get(playback["renditions"][0]["url"])
    assert response["Cache-Control"].startswith("public, max-age=")
    assert global_id(Video.objects.get()) == payload["video"]["id"]


def test_the_encode_gets_cpu_time_in_proportion_to_the_videos_length(settings):
    """A 10-minute video needs ~25 min of CPU for its ladder (bench/transcode.py: 2.4 s per
    second of 1080p); a flat ceiling made of it either a failure or an hour for a 5 s file."""
    settings.VIDEO_TRANSCODE_CPU_PER_SECOND, settings.VIDEO_TRANSCODE_MIN_SECONDS = 6, 60
    assert playback_service.transcode_budget(5_000).cpu_seconds == 90
    longest = playback_service.transcode_budget(settings.VIDEO_MAX_DURATION_MS).cpu_seconds
    assert longest == 60 + 6 * settings.VIDEO_MAX_DURATION_MS // 1000
    assert (
        playback_service.transcode_budget(10 * settings.VIDEO_MAX_DURATION_MS).cpu_seconds == longest
    )  # a lying header
    assert longest < settings.REVIEW_STALL_SECONDS  # a long encode is not mistaken for a lost review


def test_an_encode_over_its_cpu_budget_waits_for_a_moderator(upload, media_root, settings):
    settings.VIDEO_TRANSCODE_CPU_PER_SECOND, settings.VIDEO_TRANSCODE_MIN_SECONDS = 0, 0
    payload = upload("good")
    assert payload["video"]["status"] == "IN_REVIEW"
    assert any("could not be prepared for playback" in reason for reason in payload["video"]["rejectionReasons"])


def test_videos_an_older_encoder_made_are_encoded_again_and_their_old_files_discarded(api, upload, media_root):
    video_id = upload("good")["video"]["id"]
    video = Video.objects.get()
    before = {key: value for key, value in video.playback.items() if key not in ("version", "preview")}
    Video.objects.filter(pk=video.pk).update(playback=before)  # as the first encoder recorded it
    assert api.execute(PLAYBACK, {"id": video_id})["video"]["playback"]["previewUrl"] is None
    out = StringIO()
    call_command("encode_renditions", stdout=out)
    assert "Encoded 1;" in out.getvalue()
    video.refresh_from_db()
    assert video.playback["version"] == playback_service.ENCODER_VERSION
    assert video.playback["folder"] != before["folder"]
    response, _ = get(api.execute(PLAYBACK, {"id": video_id})["video"]["playback"]["previewUrl"])
    assert response.status_code == 200
    [discarded] = DiscardedMedia.objects.all()  # players in the middle of the old encode finish it
    assert discarded.names and all(name.startswith(before["folder"] + "/") for name in discarded.names)
    again = StringIO()
    call_command("encode_renditions", stdout=again)
    assert "Encoded 0;" in again.getvalue()
