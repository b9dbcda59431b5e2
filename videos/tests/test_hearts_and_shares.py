import threading

import pytest
from django.db import connection

from conftest import GraphQLClient, global_id, make_user
from videos.models import Heart, NotInterested, Share
from videos.services import engagement

HEART = """mutation($id: ID!) {
  heartVideo(input: {videoId: $id}) { video { heartCount viewerHasHearted } errors { field code } }
}"""
UNHEART = """mutation($id: ID!) {
  unheartVideo(input: {videoId: $id}) { video { heartCount viewerHasHearted } errors { code } }
}"""
SHARE = "mutation($id: ID!) { shareVideo(input: {videoId: $id}) { video { shareCount } errors { code } } }"
NOT_INTERESTED = "mutation($id: ID!) { markNotInterested(input: {videoId: $id}) { ok errors { code } } }"


@pytest.fixture
def video(creator, make_published):
    return make_published(creator, "a public video")


@pytest.mark.django_db
def test_heart_and_unheart_are_idempotent(api, video, creator):
    for _ in range(2):
        assert api.execute(HEART, {"id": global_id(video)})["heartVideo"] == {
            "video": {"heartCount": 1, "viewerHasHearted": True},
            "errors": [],
        }
    creator.refresh_from_db()
    assert creator.heart_count == 1
    for _ in range(2):
        assert api.execute(UNHEART, {"id": global_id(video)})["unheartVideo"]["video"] == {
            "heartCount": 0,
            "viewerHasHearted": False,
        }
    creator.refresh_from_db()
    assert creator.heart_count == 0 and not Heart.objects.exists()


@pytest.mark.django_db
def test_hearts_need_a_signed_in_viewer_who_can_see_the_video(anon, api, video, make_published, creator):
    assert anon.execute(HEART, {"id": global_id(video)})["heartVideo"]["errors"] == [
        {"field": None, "code": "UNAUTHENTICATED"}
    ]
    private = make_published(creator, "mine only", visibility="PRIVATE")
    assert api.execute(HEART, {"id": global_id(private)})["heartVideo"]["errors"] == [
        {"field": "videoId", "code": "NOT_FOUND"}
    ]
    assert not Heart.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_hearts_and_toggles_keep_the_count_equal_to_the_rows(make_published):
    author = make_user("author")
    video = make_published(author, "going viral")
    fans = [make_user(f"fan{i}") for i in range(10)]
    toggler = make_user("toggler")
    barrier = threading.Barrier(len(fans) + 6)

    def run(action, user):
        try:
            barrier.wait()
            action(user, video.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(engagement.heart, fan)) for fan in fans]
    threads += [
        threading.Thread(target=run, args=(engagement.heart if i % 2 else engagement.unheart, toggler))
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    video.refresh_from_db()
    author.refresh_from_db()
    rows = Heart.objects.filter(video=video).count()
    assert video.heart_count == rows == author.heart_count
    assert len(fans) <= rows <= len(fans) + 1


@pytest.mark.django_db
def test_shares_are_counted_for_anyone_who_can_see_the_video(anon, api, video):
    assert anon.execute(SHARE, {"id": global_id(video)})["shareVideo"] == {"video": {"shareCount": 1}, "errors": []}
    assert api.execute(SHARE, {"id": global_id(video)})["shareVideo"]["video"] == {"shareCount": 2}
    assert Share.objects.count() == 2


@pytest.mark.django_db
def test_not_interested_is_remembered_for_accounts_and_sessions(api, anon, user, video):
    for _ in range(2):
        assert api.execute(NOT_INTERESTED, {"id": global_id(video)})["markNotInterested"] == {"ok": True, "errors": []}
    assert NotInterested.objects.filter(user=user).count() == 1
    assert anon.execute(NOT_INTERESTED, {"id": global_id(video)})["markNotInterested"]["ok"] is True
    assert NotInterested.objects.exclude(session_key="").count() == 1


@pytest.mark.django_db
def test_blocked_viewers_cannot_heart(api, user, creator, video):
    from accounts.services.social_graph import block

    block(creator, user)
    assert api.execute(HEART, {"id": global_id(video)})["heartVideo"]["errors"][0]["code"] == "NOT_FOUND"
    assert GraphQLClient().execute(HEART, {"id": global_id(video)})["heartVideo"]["errors"][0]["code"] == (
        "UNAUTHENTICATED"
    )
