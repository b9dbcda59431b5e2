"""Media, playback and trained models on S3-compatible object storage (issue #24), through
django-storages' S3 backend against a real S3-protocol server: an upload is reviewed and
published from the bucket, its HLS plays with the stock ffmpeg CLI through Django's signed
playlists and the bucket's presigned segment URLs, and a model published there is served by a
process that started with an empty model folder."""

import subprocess

import httpx
import pytest

from conftest import global_id, make_user
from feed.services import model_sharing
from platform.tests.live_server import LiveServer
from platform.tests.s3_server import S3Server
from videos.management.commands.seed_demo_videos import make_demo_source
from videos.services.pipeline import review
from videos.services.uploads import upload_video

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
PLAYBACK = "query($id: ID!) { video(id: $id) { status playback { hlsUrl mp4Url } } }"


@pytest.fixture
def bucket(settings):
    s3 = S3Server()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3.options()},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield s3
    s3.stop()


def test_an_upload_is_reviewed_and_played_from_object_storage(bucket, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    author = make_user("clouded", "CREATOR")
    source = make_demo_source(tmp_path, 1)
    video = upload_video(author, SimpleUploadedFile("clip.mp4", source.read_bytes(), "video/mp4"), caption="s3")
    assert review(video.pk) == "PUBLISHED"
    assert any(key.endswith(".m4s") for key in bucket.keys("renditions/"))  # the renditions are in the bucket
    server = LiveServer(extra_env=bucket.env())
    try:
        playback = server.graphql(PLAYBACK, {"id": global_id(video)}).json()["data"]["video"]["playback"]
        mp4 = httpx.get(playback["mp4Url"], follow_redirects=False)
        assert mp4.status_code == 302 and mp4.headers["location"].startswith(bucket.url)  # presigned, from S3
        assert httpx.get(mp4.headers["location"]).content[4:8] == b"ftyp"
        played = subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostdin", "-i", playback["hlsUrl"], "-f", "null", "-"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert played.returncode == 0, played.stderr[-2000:]
    finally:
        server.stop()


def test_a_model_published_to_object_storage_is_served_by_a_fresh_process(bucket, settings, tmp_path):
    from feed.tests.test_model_store import save

    settings.FEED_MODEL_STORAGE = "default"
    settings.FEED_MODEL_DIR = tmp_path / "trainer"
    save()
    assert model_sharing.latest_shared() == 1 and any(
        key.endswith("MANIFEST.json") for key in bucket.keys("feed-models/")
    )
    server = LiveServer(
        extra_env={**bucket.env(), "FEED_MODEL_STORAGE": "default", "FEED_MODEL_DIR": str(tmp_path / "empty")}
    )
    try:
        ready = httpx.get(f"{server.url}/health/ready").json()
        assert ready["checks"]["model"] == "v1" and ready["checks"]["storage"] == "ok"
    finally:
        server.stop()
