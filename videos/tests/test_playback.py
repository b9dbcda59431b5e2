"""Playback through the API: a published video has its ladder, every playlist and segment is
fetched through signed URLs, and no file outlives its video or a review that lost a race."""

import re

from django.test import Client

from conftest import global_id
from videos.models import Video
from videos.services import pipeline

PLAYBACK = """query($id: ID!) { video(id: $id) { status videoUrl
  playback { hlsUrl mp4Url posterUrl renditions { width height bitrate url } } } }"""


def _get(url: str, **headers):
    response = Client().get(url.removeprefix("http://testserver"), **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _uris(playlist: str) -> list[str]:
    return [line for line in playlist.splitlines() if line and not line.startswith("#")] + re.findall(
        r'URI="([^"]+)"', playlist
    )


def test_a_published_video_plays_over_hls_through_signed_urls(api, upload, media_root):
    payload = upload("good")
    video = api.execute(PLAYBACK, {"id": payload["video"]["id"]})["video"]
    playback = video["playback"]
    assert video["status"] == "PUBLISHED" and playback["renditions"]
    assert [(r["width"], r["height"]) for r in playback["renditions"]] == [(320, 568)]  # never upscaled
    response, master = _get(playback["hlsUrl"])
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.apple.mpegurl"
    [variant] = _uris(master.decode())
    assert variant.startswith("/media/")  # signed: a storage path is never a URL
    response, media = _get(variant)
    parts = _uris(media.decode())
    assert len(parts) >= 3  # the init segment and 2 s segments of a 3 s video
    for part in parts:
        response, body = _get(part)
        assert response.status_code == 200 and body
        assert response["Content-Type"] in ("video/mp4", "video/iso.segment")
    response, head = _get(playback["mp4Url"], HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and len(head) == 100 and response["Content-Type"] == "video/mp4"
    assert video["videoUrl"] == playback["mp4Url"]


def test_deleting_a_video_leaves_no_file_behind(api, upload, media_root, django_capture_on_commit_callbacks):
    video_id = upload("good")["video"]["id"]
    assert any((media_root / "renditions").rglob("*.m4s"))
    with django_capture_on_commit_callbacks(execute=True):
        data = api.execute("mutation($id: ID!) { deleteVideo(input: {videoId: $id}) { deletedId } }", {"id": video_id})
    assert data["deleteVideo"]["deletedId"] == video_id
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_a_review_that_lost_the_race_leaves_no_renditions(upload, media_root, monkeypatch):
    real = pipeline.encode_playback

    def encode_while_another_run_decides(video_id, path):
        made = real(video_id, path)
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
    response, _ = _get(playback["renditions"][0]["url"])
    assert response["Cache-Control"].startswith("public, max-age=")
    assert global_id(Video.objects.get()) == payload["video"]["id"]
