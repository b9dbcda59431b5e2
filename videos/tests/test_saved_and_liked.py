"""Saved videos (bookmarks) and the liked tab: newest first, keyset paginated, private (the liked
tab unless its owner makes it public), and only videos the viewer may still see."""

import pytest

from accounts.services.social_graph import block, follow
from conftest import global_id, make_user
from videos.models import SavedVideo

SAVE = "mutation($input: VideoInput!) { saveVideo(input: $input) { video { id viewerHasSaved } errors { code } } }"
UNSAVE = "mutation($input: VideoInput!) { unsaveVideo(input: $input) { video { id viewerHasSaved } errors { code } } }"
SAVED = """query($first: Int!, $after: String) { viewer { savedVideos(first: $first, after: $after) {
  edges { node { savedAt video { id caption author { username } viewerHasSaved } } }
  pageInfo { hasNextPage endCursor }
} } }"""
OTHERS = "query($id: ID!) { node(id: $id) { ... on User { savedVideos(first: 10) { edges { node { id } } } } } }"


@pytest.fixture
def videos(db, make_published):
    author = make_user("author")
    return [make_published(author, f"video {n}") for n in range(6)]


def save(client, video, key=None):
    variables = {"input": {"videoId": global_id(video), **({"idempotencyKey": key} if key else {})}}
    return client.execute(SAVE, variables)["saveVideo"]


def saved_captions(client, first=10, after=None):
    page = client.execute(SAVED, {"first": first, "after": after})["viewer"]["savedVideos"]
    return [edge["node"]["video"]["caption"] for edge in page["edges"]], page["pageInfo"]


def test_saving_is_idempotent_and_the_list_is_newest_first(api, user, videos):
    for video in (videos[0], videos[2], videos[0], videos[1]):
        assert save(api, video) == {"video": {"id": global_id(video), "viewerHasSaved": True}, "errors": []}
    assert SavedVideo.objects.filter(user=user).count() == 3
    captions, _ = saved_captions(api)
    assert captions == ["video 1", "video 2", "video 0"]


def test_the_saved_list_pages_by_keyset(api, videos):
    for video in videos:
        save(api, video)
    first, info = saved_captions(api, first=4)
    rest, last = saved_captions(api, first=4, after=info["endCursor"])
    assert first + rest == [f"video {n}" for n in reversed(range(6))]
    assert info["hasNextPage"] and not last["hasNextPage"]


def test_unsaving_removes_it_and_says_so(api, videos):
    save(api, videos[0])
    variables = {"input": {"videoId": global_id(videos[0])}}
    unsaved = api.execute(UNSAVE, variables)["unsaveVideo"]
    assert unsaved == {"video": {"id": global_id(videos[0]), "viewerHasSaved": False}, "errors": []}
    assert api.execute(UNSAVE, variables)["unsaveVideo"]["errors"] == []  # again: nothing to do
    assert saved_captions(api)[0] == []


def test_saved_videos_are_private_to_their_owner(api, user, client_for, videos):
    save(api, videos[0])
    stranger = client_for(make_user("stranger"))
    result = stranger.execute(OTHERS, {"id": global_id(user)})["node"]
    assert result == {"savedVideos": {"edges": []}}


def test_a_saved_video_the_viewer_may_no_longer_see_leaves_the_list(api, user, videos):
    save(api, videos[0])
    save(api, videos[1])
    block(videos[0].author, user)  # the author blocks the viewer: their videos disappear for them
    assert saved_captions(api)[0] == []
    hidden = api.execute(UNSAVE, {"input": {"videoId": global_id(videos[0])}})["unsaveVideo"]
    assert hidden == {"video": None, "errors": []}  # removed, and nothing about it shown


def test_saving_needs_an_account_and_a_visible_video(anon, api, videos, make_published):
    assert save(anon, videos[0])["errors"] == [{"code": "UNAUTHENTICATED"}]
    private = make_published(videos[0].author, "mine only", visibility="PRIVATE")
    assert save(api, private)["errors"] == [{"code": "NOT_FOUND"}]
    assert not SavedVideo.objects.exists()


def test_a_retried_save_with_a_key_after_an_unsave_stays_unsaved(api, videos):
    save(api, videos[0], key="save-1")
    api.execute(UNSAVE, {"input": {"videoId": global_id(videos[0])}})
    save(api, videos[0], key="save-1")
    assert not SavedVideo.objects.exists()


@pytest.mark.parametrize("count", [5, 50])
def test_the_saved_list_costs_the_same_queries_at_5_and_50(
    api, user, make_published, count, django_assert_max_num_queries
):
    authors = [make_user(f"maker{n}") for n in range(count)]
    SavedVideo.objects.bulk_create(
        SavedVideo(user=user, video=make_published(author, f"v{n}")) for n, author in enumerate(authors)
    )
    with django_assert_max_num_queries(7):  # the viewer's relations map is one of them
        captions, _ = saved_captions(api, first=count)
    assert len(captions) == count


HEARTED = """query($id: ID!) { node(id: $id) { ... on User {
  heartedVideos(first: 10) { edges { node { heartedAt video { caption } } } }
} } }"""
HEART = "mutation($input: VideoInput!) { heartVideo(input: $input) { errors { code } } }"
PUBLISH_HEARTS = "mutation { updateProfile(input: {heartsPublic: true}) { user { heartsPublic } errors { code } } }"


def hearted(client, user):
    edges = client.execute(HEARTED, {"id": global_id(user)})["node"]["heartedVideos"]["edges"]
    return [edge["node"]["video"]["caption"] for edge in edges]


def test_the_liked_tab_is_the_owners_until_they_make_it_public(api, user, client_for, videos, make_published):
    for video in (videos[0], videos[3]):
        api.execute(HEART, {"input": {"videoId": global_id(video)}})
    follow(user, videos[0].author)
    followers_only = make_published(videos[0].author, "for followers", visibility="FOLLOWERS")
    api.execute(HEART, {"input": {"videoId": global_id(followers_only)}})
    stranger = client_for(make_user("stranger"))
    assert hearted(api, user) == ["for followers", "video 3", "video 0"]
    assert hearted(stranger, user) == []
    assert api.execute(PUBLISH_HEARTS)["updateProfile"] == {"user": {"heartsPublic": True}, "errors": []}
    assert hearted(stranger, user) == ["video 3", "video 0"]  # not what only followers may see


def test_saving_is_rate_limited(api, videos, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "save": {"account": "2/h"}}
    assert [save(api, video)["errors"] for video in videos[:3]] == [[], [], [{"code": "RATE_LIMITED"}]]
    assert SavedVideo.objects.count() == 2
