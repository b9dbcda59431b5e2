"""The pipeline works on any Django storage, not only the local filesystem."""

import pytest
from django.core.files.storage import InMemoryStorage

from videos.models import Video
from videos.services.pipeline import review
from videos.services.uploads import upload_video

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
