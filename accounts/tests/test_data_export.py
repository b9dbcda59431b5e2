"""Take your data with you: requestDataExport builds a ZIP on the task queue and emails an
expiring link; its contents are checked against the database."""

import io
import json
import os
import re
import tracemalloc
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.models import DataExport, User
from accounts.services import social_graph
from conftest import global_id, make_user
from videos.models import Report, WatchEvent
from videos.services import collections, engagement
from videos.services.comments import add_comment

EXPORT = "mutation { requestDataExport { ok errors { code } } }"
FILE_BYTES = b"\x00\x00\x00\x18ftypmp42 pretend this is a whole video"


@pytest.fixture(autouse=True)
def _immediate_tasks_and_media(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def exporter(user, make_published):
    """The viewer's life on the platform, one of each kind of thing an export holds."""
    mia, bo = make_user("mia", User.Kind.CREATOR), make_user("bo")
    social_graph.follow(user, mia)
    social_graph.follow(bo, user)
    own = make_published(user, "my first dance #dance")
    own.file.save("dance.mp4", ContentFile(FILE_BYTES))
    mias = make_published(mia, "mia's recipe")
    engagement.heart(user, mias.pk)
    engagement.save(user, mias.pk)
    collections.add(user, collections.create(user, "Recipes").pk, mias.pk)
    add_comment(user, mias.pk, "looks tasty")
    WatchEvent.objects.create(video=mias, user=user, watched_ms=12_000, completed=True, loops=1)
    Report.objects.create(reporter=user, account=bo, reason=Report.Reason.SPAM, details="sells followers")
    return {"own": own, "mias": mias}


def _export(api, django_capture_on_commit_callbacks, mailoutbox) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        assert api.execute(EXPORT)["requestDataExport"] == {"ok": True, "errors": []}
    link = re.search(r"https?://\S+", mailoutbox[-1].body).group(0)
    return urlsplit(link).path


def _download(path: str) -> zipfile.ZipFile | None:
    response = Client().get(path)
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="flywheel-data.zip"'
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_what_the_database_holds(api, user, exporter, django_capture_on_commit_callbacks, mailoutbox):
    archive = _download(_export(api, django_capture_on_commit_callbacks, mailoutbox))
    assert mailoutbox[-1].to == ["viewer@example.com"]

    def document(name):
        return json.loads(archive.read(f"{name}.json"))

    assert document("profile")["username"] == "viewer" and document("profile")["email"] == "viewer@example.com"
    assert [row["username"] for row in document("following")] == ["mia"]
    assert [row["username"] for row in document("followers")] == ["bo"]
    [video] = document("videos")
    assert (video["id"], video["caption"]) == (global_id(exporter["own"]), "my first dance #dance")
    assert archive.read(video["file"]) == FILE_BYTES
    assert [row["text"] for row in document("comments")] == ["looks tasty"]
    assert [row["video"] for row in document("hearts")] == [global_id(exporter["mias"])]
    assert [row["video"] for row in document("saved")] == [global_id(exporter["mias"])]
    assert [(c["name"], c["videos"]) for c in document("collections")] == [("Recipes", [global_id(exporter["mias"])])]
    [watched] = document("watch_history")
    assert (watched["video"], watched["watched_ms"], watched["completed"]) == (global_id(exporter["mias"]), 12000, True)
    [report] = document("reports_filed")
    assert (report["account"], report["reason"], report["details"]) == ("bo", "SPAM", "sells followers")


def test_another_accounts_data_is_not_in_my_export(api, exporter, client_for, django_capture_on_commit_callbacks,
                                                   mailoutbox):  # fmt: skip
    bo = User.objects.get(username="bo")
    archive = _download(_export(client_for(bo), django_capture_on_commit_callbacks, mailoutbox))
    assert json.loads(archive.read("profile.json"))["username"] == "bo"
    assert json.loads(archive.read("videos.json")) == [] and json.loads(archive.read("hearts.json")) == []
    assert [row["username"] for row in json.loads(archive.read("following.json"))] == ["viewer"]


def test_a_new_export_replaces_the_old_and_links_expire(api, user, exporter, settings,
                                                        django_capture_on_commit_callbacks, mailoutbox):  # fmt: skip
    first = _export(api, django_capture_on_commit_callbacks, mailoutbox)
    old_file = DataExport.objects.get(user=user).file.path
    second = _export(api, django_capture_on_commit_callbacks, mailoutbox)
    assert _download(first) is None and _download(second) is not None
    assert DataExport.objects.filter(user=user).count() == 1
    assert not os.path.exists(old_file)
    settings.DATA_EXPORT_LINK_TTL = timedelta(seconds=-1)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": {}}
    assert _download(_export(api, django_capture_on_commit_callbacks, mailoutbox)) is None


def test_a_deleted_accounts_export_link_dies_with_it(api, user, exporter, django_capture_on_commit_callbacks,
                                                    mailoutbox):  # fmt: skip
    """Issue #21, L8: the data-export link of an account waiting to be deleted still downloaded."""
    from accounts.services.account_deletion import cancel_deletion, schedule_deletion

    link = _export(api, django_capture_on_commit_callbacks, mailoutbox)
    schedule_deletion(user)
    assert _download(link) is None
    cancel_deletion(user)  # the owner came back: the export is theirs again
    assert _download(link) is not None


def test_exports_are_limited_to_two_a_day(api, exporter):
    answers = [api.execute(EXPORT)["requestDataExport"] for _ in range(3)]
    assert [answer["ok"] for answer in answers] == [True, True, False]
    assert answers[-1]["errors"] == [{"code": "RATE_LIMITED"}]


def test_exporting_needs_an_account(anon):
    assert anon.execute(EXPORT)["requestDataExport"]["errors"] == [{"code": "UNAUTHENTICATED"}]


def _peak_bytes_of_building(user) -> int:
    """The peak of a warm build: a first build pays one-time costs (imports, caches) that would
    otherwise land in whichever measurement came first."""
    from accounts.services import data_export

    data_export.build(user.pk)
    tracemalloc.start()
    try:
        data_export.build(user.pk)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_watch_history_is_streamed_not_held(user, make_published):
    """The export writes each document a chunk of rows at a time: ten times the history costs
    about the same memory (one chunk of rows more in flight), not ten times (holding it as a
    list did: 30 MB at 20k rows)."""
    video = make_published(make_user("mia", User.Kind.CREATOR), "watched a lot")

    def watched(count):
        WatchEvent.objects.bulk_create(WatchEvent(video=video, user=user, watched_ms=n) for n in range(count))

    watched(2_000)
    small = _peak_bytes_of_building(user)
    watched(18_000)
    large = _peak_bytes_of_building(user)
    with zipfile.ZipFile(DataExport.objects.get(user=user).file.path) as archive:
        assert len(json.loads(archive.read("watch_history.json"))) == 20_000
    assert large < 2 * small, (small, large)
