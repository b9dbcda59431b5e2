"""purge_orphan_media removes rendition folders no video records, and only those."""

import os
import time
from io import StringIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from videos.models import Video


def test_only_unrecorded_old_rendition_folders_are_removed(upload, media_root):
    upload("good")
    video = Video.objects.get()
    recorded = video.playback["folder"]
    orphan = f"renditions/{video.pk}/left-by-a-killed-worker/360p_000.m4s"
    gone = "renditions/999999/abc/master.m3u8"
    fresh = f"renditions/{video.pk}/still-being-recorded/master.m3u8"
    for name in (orphan, gone, fresh):
        default_storage.save(name, ContentFile(b"x"))
    old = time.time() - 3 * 3600
    for path in [media_root / orphan, media_root / gone, *(media_root / recorded).iterdir()]:
        os.utime(path, (old, old))
    out = StringIO()
    call_command("purge_orphan_media", stdout=out)
    assert "2 orphaned rendition folders" in out.getvalue()
    assert not default_storage.exists(orphan) and not default_storage.exists(gone)
    assert default_storage.exists(fresh)
    assert default_storage.listdir(recorded)[1]  # the video's own encode is untouched
