"""Each video's audience column stays exact however its inputs change (issue #22): the video's
status and visibility, its author's privacy and activity, by a save, a queryset update or raw
SQL; and what anonymous viewers see follows it at once."""

import pytest
from django.db import connection

from accounts.models import User
from conftest import global_id
from videos.models import Video

pytestmark = pytest.mark.django_db

SEEN = """query($id: ID!) { video(id: $id) { id } user(username: "creator") { videoCount } }"""


def audience(video) -> str:
    return Video.objects.values_list("audience", flat=True).get(pk=video.pk)


def test_the_audience_follows_every_input_by_every_path(creator, make_published):
    video = make_published(creator, "hello")
    assert video.audience == audience(video) == "PUBLIC"  # read back on insert
    Video.objects.filter(pk=video.pk).update(visibility="FOLLOWERS")
    assert audience(video) == "FOLLOWERS"
    Video.objects.filter(pk=video.pk).update(visibility="PUBLIC")
    User.objects.filter(pk=creator.pk).update(is_private=True)
    assert audience(video) == "FOLLOWERS"  # a private account's videos are for its followers
    User.objects.filter(pk=creator.pk).update(is_private=False, is_active=False)
    assert audience(video) == "HIDDEN"
    User.objects.filter(pk=creator.pk).update(is_active=True)
    assert audience(video) == "PUBLIC"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE videos_video SET visibility = 'PRIVATE' WHERE id = %s", [video.pk])
    assert audience(video) == "PRIVATE"
    video.visibility, video.status = "PUBLIC", Video.Status.REMOVED
    video.save()  # writes its stale audience too: recomputed
    assert audience(video) == "HIDDEN"


def test_what_a_stranger_sees_follows_the_audience_at_once(anon, creator, make_published):
    video = make_published(creator, "hello")
    assert anon.execute(SEEN, {"id": global_id(video)}) == {
        "video": {"id": global_id(video)},
        "user": {"videoCount": 1},
    }
    User.objects.filter(pk=creator.pk).update(is_private=True)
    assert anon.execute(SEEN, {"id": global_id(video)}) == {"video": None, "user": {"videoCount": 0}}
    User.objects.filter(pk=creator.pk).update(is_private=False)
    assert anon.execute(SEEN, {"id": global_id(video)})["video"] == {"id": global_id(video)}
