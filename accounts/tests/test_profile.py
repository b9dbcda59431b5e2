import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import User

pytestmark = pytest.mark.django_db

UPDATE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { displayName bio kind avatarUrl } errors { field code message } }
}
"""


def png(size=(64, 64), color="teal") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_update_display_name_and_bio(api):
    payload = api.execute(UPDATE, {"input": {"displayName": "  New Name ", "bio": "I film cats."}})["updateProfile"]
    assert payload == {
        "user": {"displayName": "New Name", "bio": "I film cats.", "kind": "PERSONAL", "avatarUrl": None},
        "errors": [],
    }


def test_personal_accounts_can_become_creators_and_back(api):
    assert api.execute(UPDATE, {"input": {"kind": "CREATOR"}})["updateProfile"]["user"]["kind"] == "CREATOR"
    assert api.execute(UPDATE, {"input": {"kind": "PERSONAL"}})["updateProfile"]["user"]["kind"] == "PERSONAL"


def test_only_staff_make_or_unmake_brands(api, brand, client_for):
    assert (
        api.execute(UPDATE, {"input": {"kind": "BRAND"}})["updateProfile"]["errors"][0]["code"] == "PERMISSION_DENIED"
    )
    as_brand = client_for(brand)
    assert (
        as_brand.execute(UPDATE, {"input": {"kind": "CREATOR"}})["updateProfile"]["errors"][0]["code"]
        == "PERMISSION_DENIED"
    )
    brand.refresh_from_db()
    assert brand.kind == User.Kind.BRAND


def test_too_long_bio_changes_nothing(api, user):
    payload = api.execute(UPDATE, {"input": {"displayName": "Kept?", "bio": "x" * 301}})["updateProfile"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("bio", "TOO_LONG")]
    user.refresh_from_db()
    assert user.display_name == ""


def test_anonymous_visitors_have_no_profile_to_edit(anon):
    assert anon.execute(UPDATE, {"input": {"bio": "hi"}})["updateProfile"]["errors"][0]["code"] == "UNAUTHENTICATED"


def test_avatar_upload_through_multipart(api, user, media_root):
    response = api.upload(UPDATE, {"input": {"avatar": None}}, {"input.avatar": png()})
    assert response.status_code == 200, response.content
    payload = response.json()["data"]["updateProfile"]
    assert payload["errors"] == []
    user.refresh_from_db()
    fetched = Client().get(payload["user"]["avatarUrl"].removeprefix("http://testserver"))
    assert b"".join(fetched.streaming_content) == (media_root / user.avatar.name).read_bytes()


def test_replacing_the_avatar_deletes_the_old_file(api, user, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.upload(UPDATE, {"input": {"avatar": None}}, {"input.avatar": png()})
    user.refresh_from_db()
    first = media_root / user.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        api.upload(UPDATE, {"input": {"avatar": None}}, {"input.avatar": png(color="red")})
    assert not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        payload = api.execute(UPDATE, {"input": {"removeAvatar": True}})["updateProfile"]
    assert payload["user"]["avatarUrl"] is None
    assert list(media_root.rglob("*.png")) == []


def test_a_file_that_is_not_an_image_is_refused(api, user, media_root):
    fake = SimpleUploadedFile("me.png", b"definitely not a png", content_type="image/png")
    payload = api.upload(UPDATE, {"input": {"avatar": None, "bio": "new"}}, {"input.avatar": fake}).json()
    assert [(e["field"], e["code"]) for e in payload["data"]["updateProfile"]["errors"]] == [("avatar", "INVALID")]
    user.refresh_from_db()
    assert not user.avatar and user.bio == ""
    assert list(media_root.rglob("*")) == []


def test_oversized_avatar_is_refused(api, settings):
    settings.AVATAR_MAX_BYTES = 100
    payload = api.upload(UPDATE, {"input": {"avatar": None}}, {"input.avatar": png()}).json()
    assert payload["data"]["updateProfile"]["errors"][0]["code"] == "TOO_LARGE"
