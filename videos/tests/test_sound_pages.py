"""Sound pages ("use this sound"): a sound, how many public videos use it, and the videos with
it that the viewer may see, newest first, in constant queries."""

import pytest

from accounts.services.social_graph import follow
from conftest import global_id, make_user
from videos.models import Sound, Video

PAGE = """query($id: ID!, $first: Int!) { sound(id: $id) {
  title useCount author { username }
  videos(first: $first) { edges { node { caption author { username } } } pageInfo { hasNextPage } }
} }"""


@pytest.fixture
def hit(db, make_published):
    """A sound first used by its creator's public video, then reused by others."""
    creator = make_user("singer")
    original = make_published(creator, "the original")
    sound = Sound.objects.create(
        fingerprint="hit", title="original sound - singer", author=creator, original_video=original
    )
    Video.objects.filter(pk=original.pk).update(sound=sound)
    return sound, creator


def use(make_published, sound, author, caption, **fields):
    video = make_published(author, caption, **fields)
    Video.objects.filter(pk=video.pk).update(sound=sound)
    return video


def test_a_sound_page_lists_its_videos_newest_first_with_a_public_use_count(anon, hit, make_published):
    sound, _ = hit
    for n in range(3):
        use(make_published, sound, make_user(f"dancer{n}"), f"dance {n}")
    page = anon.execute(PAGE, {"id": global_id(sound), "first": 10})["sound"]
    assert page["title"] == "original sound - singer" and page["author"] == {"username": "singer"}
    assert page["useCount"] == 4
    captions = [edge["node"]["caption"] for edge in page["videos"]["edges"]]
    assert captions == ["dance 2", "dance 1", "dance 0", "the original"]


def test_a_sound_page_shows_each_viewer_only_videos_they_may_see(api, user, anon, hit, make_published):
    sound, _ = hit
    friend = make_user("friend")
    use(make_published, sound, friend, "for my followers", visibility="FOLLOWERS")
    use(make_published, sound, friend, "only me", visibility="PRIVATE")

    def captions(client):
        edges = client.execute(PAGE, {"id": global_id(sound), "first": 10})["sound"]["videos"]["edges"]
        return {edge["node"]["caption"] for edge in edges}

    assert captions(anon) == {"the original"}
    follow(user, friend)
    assert captions(api) == {"the original", "for my followers"}
    assert anon.execute(PAGE, {"id": global_id(sound), "first": 1})["sound"]["useCount"] == 1  # public only


def test_the_sound_of_a_private_video_has_no_page(anon, make_published):
    secret = make_published(make_user("shy"), "hidden", visibility="PRIVATE")
    sound = Sound.objects.create(fingerprint="shy", title="original sound - shy", original_video=secret)
    assert anon.execute(PAGE, {"id": global_id(sound), "first": 5})["sound"] is None


@pytest.mark.parametrize("count", [5, 50])
def test_a_sound_page_costs_the_same_queries_at_5_and_50(
    anon, hit, make_published, count, django_assert_max_num_queries
):
    sound, _ = hit
    for n in range(count):
        use(make_published, sound, make_user(f"user{n}"), f"take {n}")
    with django_assert_max_num_queries(5):
        page = anon.execute(PAGE, {"id": global_id(sound), "first": count})["sound"]
    assert len(page["videos"]["edges"]) == count


def test_a_sound_names_its_original_video_to_whoever_may_see_it(anon, hit, make_published):
    sound, _ = hit
    query = '{ node(id: "%s") { ... on Sound { originalVideo { caption author { username } } } } }' % global_id(sound)
    original = {"caption": "the original", "author": {"username": "singer"}}
    assert anon.execute(query)["node"]["originalVideo"] == original
    Video.objects.filter(pk=sound.original_video_id).delete()
    use(make_published, sound, make_user("dancer"), "still dancing to it")
    assert anon.execute(query)["node"] == {"originalVideo": None}  # gone; the sound lives on in other videos


def test_uploading_with_a_sound_puts_the_video_on_its_page(upload, hit, anon):
    sound, _ = hit
    payload = upload("other", "my take", soundId=global_id(sound))
    assert payload["errors"] == [] and payload["video"]["status"] == "PUBLISHED"
    assert payload["video"]["sound"] == {"title": "original sound - singer"}  # not a new "original sound"
    edges = anon.execute(PAGE, {"id": global_id(sound), "first": 5})["sound"]["videos"]["edges"]
    assert edges[0]["node"]["caption"] == "my take"


def test_a_sound_one_may_not_see_cannot_be_used(upload, make_published):
    secret = make_published(make_user("hermit"), "only me", visibility="PRIVATE")
    sound = Sound.objects.create(fingerprint="secret", title="original sound - hermit", original_video=secret)
    payload = upload("other", soundId=global_id(sound))
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("soundId", "NOT_FOUND")]
    assert list(Video.objects.all()) == [secret]
