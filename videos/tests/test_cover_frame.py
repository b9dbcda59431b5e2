"""Choosing a video's cover frame: the thumbnail is remade from that moment on the task queue,
the old file goes, and the choice is in the audit trail."""

from conftest import global_id, make_user
from videos.media.thumbnail import thumbnail_jpeg
from videos.models import ModerationDecision, Video

UPDATE = """mutation($input: UpdateVideoInput!) { updateVideo(input: $input) {
  video { coverAtMs thumbnailUrl } errors { field code } } }"""


def test_choosing_a_cover_remakes_the_thumbnail_from_that_frame(api, upload, media_root,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    assert upload("good")["video"]["status"] == "PUBLISHED"
    video = Video.objects.get()
    old_name, old_jpeg = video.thumbnail.name, video.thumbnail.read()
    with django_capture_on_commit_callbacks(execute=True):
        data = api.execute(UPDATE, {"input": {"videoId": global_id(video), "coverAtMs": 2500}})["updateVideo"]
    assert data["errors"] == [] and data["video"]["coverAtMs"] == 2500
    video.refresh_from_db()
    assert video.thumbnail.name != old_name and not (media_root / old_name).exists()
    cover = video.thumbnail.read()
    assert cover == thumbnail_jpeg(video.file.path, at_seconds=2.5) and cover != old_jpeg
    [edit] = ModerationDecision.objects.filter(video=video, action=ModerationDecision.Action.EDITED)
    assert edit.reason == "cover: automatic → 2.5 s"


def test_a_cover_outside_the_video_or_by_someone_else_changes_nothing(api, upload, client_for):
    upload("good")
    video = Video.objects.get()
    for moment in (video.duration_ms, video.duration_ms + 1000, -1):
        data = api.execute(UPDATE, {"input": {"videoId": global_id(video), "coverAtMs": moment}})["updateVideo"]
        assert data["errors"] == [{"field": "coverAtMs", "code": "OUT_OF_RANGE"}], moment
    other = client_for(make_user("other")).execute(UPDATE, {"input": {"videoId": global_id(video), "coverAtMs": 10}})
    assert other["updateVideo"]["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]
    video.refresh_from_db()
    assert video.cover_at_ms is None
    assert not ModerationDecision.objects.filter(video=video, action=ModerationDecision.Action.EDITED).exists()


def test_a_video_still_processing_has_no_cover_to_choose_yet(api, user, make_published):
    video = make_published(user, "soon", status=Video.Status.PROCESSING, duration_ms=None)
    data = api.execute(UPDATE, {"input": {"videoId": global_id(video), "coverAtMs": 100}})["updateVideo"]
    assert data["errors"] == [{"field": "coverAtMs", "code": "INVALID_STATE"}]
