"""The pipeline works on any Django storage, not only the local filesystem."""

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.utils import timezone

from videos.models import DiscardedMedia, Video
from videos.services import media_trash
from videos.services.pipeline import review
from videos.services.uploads import upload_video

from .media_client import PLAYBACK, get, uris

pytestmark = pytest.mark.django_db


def test_upload_and_review_on_a_storage_without_local_paths(user, video_upload, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    video = upload_video(user, video_upload("good"), caption="in the cloud")
    assert isinstance(video.file.storage, InMemoryStorage)
    status = review(video.pk)
    video.refresh_from_db()
    assert status == Video.Status.PUBLISHED, video.rejection_reasons
    video.refresh_from_db()
    assert video.thumbnail.storage.exists(video.thumbnail.name)
    assert video.width == 320


def test_playback_and_its_deletion_on_object_storage(api, upload, settings, django_capture_on_commit_callbacks):
    """Playlists are served (rewritten) by Django; every file they name is a redirect to the
    storage's own URL for it, as an object store's signed URL would be. Deleting the video
    empties the storage once the grace period has passed."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    video_id = upload("good")["video"]["id"]
    playback = api.execute(PLAYBACK, {"id": video_id})["video"]["playback"]
    stored = _stored_names()
    response, master = get(playback["hlsUrl"])
    assert response.status_code == 200
    [variant] = uris(master.decode())
    response, media = get(variant)
    assert response.status_code == 200
    named = [*uris(media.decode()), playback["mp4Url"], playback["previewUrl"]]
    for url in named:
        response, _ = get(url)
        assert response.status_code == 302
        assert response["Location"].removeprefix(settings.MEDIA_URL) in stored
    assert len(named) >= 5  # init, segments, the MP4 and the preview

    with django_capture_on_commit_callbacks(execute=True):
        api.execute("mutation($id: ID!) { deleteVideo(input: {videoId: $id}) { deletedId } }", {"id": video_id})
    assert _stored_names() == stored  # kept, unserved, for the grace period
    DiscardedMedia.objects.update(delete_after=timezone.now())
    assert media_trash.purge_due() == 1
    assert _stored_names() == set()


def _stored_names(folder: str = "") -> set[str]:
    folders, files = default_storage.listdir(folder)
    names = {f"{folder}/{name}".lstrip("/") for name in files}
    for sub in folders:
        names |= _stored_names(f"{folder}/{sub}".lstrip("/"))
    return names
