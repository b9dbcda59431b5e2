"""Uploads through the GraphQL multipart endpoint, reviewed by the pipeline, end to end."""

import pytest
from django.test import Client

from conftest import GraphQLClient, global_id
from videos.models import ModerationDecision, PolicyTerm, Sound, Video
from videos.tests.conftest import STATUS, UPLOAD

pytestmark = pytest.mark.django_db


def test_a_good_video_is_published_with_metadata_and_a_thumbnail(upload, media_root):
    payload = upload("good", caption="Pasta in 15 seconds #Food #quick")
    video = payload["video"]
    assert payload["errors"] == []
    assert video["status"] == "PUBLISHED" and video["rejectionReasons"] == []
    assert (video["width"], video["height"]) == (320, 568)
    assert 2900 <= video["durationMs"] <= 3100
    stored = Video.objects.get()
    thumbnail = Client().get(video["thumbnailUrl"].removeprefix("http://testserver"))
    assert b"".join(thumbnail.streaming_content)[:3] == b"\xff\xd8\xff"
    played = Client().get(video["videoUrl"].removeprefix("http://testserver"))
    assert b"".join(played.streaming_content) == (media_root / stored.playback["mp4"]).read_bytes()  # a rendition
    original = Client().get(video["originalUrl"].removeprefix("http://testserver"))  # the author asks
    assert b"".join(original.streaming_content) == (media_root / stored.file.name).read_bytes()
    assert {tag["name"] for tag in video["hashtags"]} == {"food", "quick"}
    assert stored.decisions.get().action == ModerationDecision.Action.PUBLISHED


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("silent", "silent"),
        ("no_audio", "no sound track"),
        ("clipping", "clipping"),
        ("tiny", "160×96"),
        ("short", "minimum is 2 s"),
    ],
)
def test_quality_problems_reject_with_readable_reasons(upload, name, reason):
    video = upload(name)["video"]
    assert video["status"] == "REJECTED"
    assert any(reason in text for text in video["rejectionReasons"]), video["rejectionReasons"]
    assert Video.objects.get().decisions.get().action == ModerationDecision.Action.AUTO_REJECTED


def test_a_file_that_is_not_a_video_is_refused_and_nothing_is_stored(upload, media_root):
    payload = upload("corrupt")
    assert payload["video"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("file", "INVALID_VIDEO")]
    assert not Video.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_an_account_must_verify_its_address_before_uploading(upload, user, media_root, settings):
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    payload = upload("good")
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "EMAIL_UNVERIFIED")]
    assert not Video.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))
    settings.UNVERIFIED_EMAIL_BLOCKS = []  # the limits are settings
    assert upload("good")["video"]["status"] == "PUBLISHED"


def test_wrong_file_type_and_size_are_refused(upload, settings):
    assert upload("good", filename="clip.exe")["errors"][0]["code"] == "UNSUPPORTED_TYPE"
    settings.VIDEO_MAX_BYTES = 1000
    assert upload("good")["errors"][0]["code"] == "TOO_LARGE"
    assert not Video.objects.exists()


def test_policy_terms_send_videos_to_human_review(upload):
    PolicyTerm.objects.create(term="miracle cure", kind=PolicyTerm.Kind.TERM)
    PolicyTerm.objects.create(term="giveaway", kind=PolicyTerm.Kind.HASHTAG)
    by_term = upload("good", caption="This MIRACLE CURE works")["video"]
    assert by_term["status"] == "IN_REVIEW"
    assert "miracle cure" in by_term["rejectionReasons"][0]
    by_tag = upload("other", caption="win big #Giveaway")["video"]
    assert by_tag["status"] == "IN_REVIEW" and "#giveaway" in by_tag["rejectionReasons"][0]


def test_inactive_policy_terms_do_not_match(upload):
    PolicyTerm.objects.create(term="miracle", is_active=False)
    assert upload("good", caption="a miracle")["video"]["status"] == "PUBLISHED"


@pytest.mark.parametrize("copy", ["good", "good_reencoded"])
def test_reuploads_are_published_but_flagged_unoriginal(upload, client_for, creator, copy):
    original = upload("good", client=client_for(creator))["video"]
    again = upload(copy)["video"]
    assert original["isOriginal"] is True
    assert again["status"] == "PUBLISHED" and again["isOriginal"] is False
    assert "re-upload" in again["reviewNotes"][0]
    assert Video.objects.get(is_original=False).original_of_id == Video.objects.get(is_original=True).pk


def test_different_videos_are_both_original(upload):
    assert upload("good")["video"]["isOriginal"] is True
    assert upload("other")["video"]["isOriginal"] is True


def test_videos_with_the_same_audio_share_one_sound(upload, client_for, creator):
    first = upload("good", client=client_for(creator))["video"]
    second = upload("same_sound")["video"]
    third = upload("other")["video"]
    assert first["sound"]["title"] == "original sound - creator"
    assert second["sound"] == first["sound"]
    assert third["sound"] != first["sound"]
    assert Sound.objects.count() == 2


def test_mentions_link_existing_accounts(upload, creator):
    upload("good", caption="duet with @Creator and @nobody_here")
    assert list(Video.objects.get().mentions.values_list("username", flat=True)) == ["creator"]


def test_reasons_are_for_the_author_only(upload, client_for, creator):
    video = upload("silent")["video"]
    seen_by_other = client_for(creator).execute(STATUS, {"id": video["id"]})["video"]
    assert seen_by_other is None  # not published, so not visible at all
    Video.objects.update(status=Video.Status.PUBLISHED)
    assert client_for(creator).execute(STATUS, {"id": video["id"]})["video"]["rejectionReasons"] == []


def test_anonymous_visitors_cannot_upload(upload):
    payload = upload("good", client=GraphQLClient())
    assert payload["errors"][0]["code"] == "UNAUTHENTICATED"
    assert not Video.objects.exists()


def test_review_runs_on_the_queue_after_commit(api, video_upload, settings):
    """With the database queue, the upload answers PROCESSING and the worker decides later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    from videos.services.pipeline import review_video

    response = api.upload(UPLOAD, {"input": {"file": None}}, {"input.file": video_upload("good")})
    assert response.json()["data"]["uploadVideo"]["video"]["status"] == "PROCESSING"
    video = Video.objects.get()
    review_video.call(video.pk)  # what the worker does with the queued task
    video.refresh_from_db()
    assert video.status == Video.Status.PUBLISHED
    assert DBTaskResult.objects.count() == 0  # not enqueued: the request's transaction never committed
    assert global_id(video)


def test_a_retried_upload_stores_one_video(api, user, video_upload, django_capture_on_commit_callbacks):
    def send():
        with django_capture_on_commit_callbacks(execute=True):
            response = api.upload(
                UPLOAD,
                {"input": {"file": None, "caption": "once", "idempotencyKey": "up-1"}},
                {"input.file": video_upload("good")},
            )
        return response.json()["data"]["uploadVideo"]["video"]["id"]

    assert send() == send()
    assert Video.objects.filter(author=user).count() == 1
