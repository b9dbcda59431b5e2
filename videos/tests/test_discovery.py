"""Trending hashtags and sounds: what many new public videos use, with the reason, the same
visibility rules as everywhere, and constant queries whatever the page size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services.social_graph import block, follow
from conftest import make_user
from videos.models import Hashtag, Sound, Video

HASHTAGS = "query($first: Int!) { trendingHashtags(first: $first) { name trendReason videoCount } }"
SOUNDS = """query($first: Int!) { trendingSounds(first: $first) {
  title trendReason useCount originalVideo { caption author { username } } } }"""


@pytest.fixture
def tagged(make_published):
    def post(author, tag: str, days_ago: float = 1, **fields) -> Video:
        video = make_published(author, f"#{tag}", published_at=timezone.now() - timedelta(days=days_ago), **fields)
        video.hashtags.add(Hashtag.objects.get_or_create(name=tag)[0])
        return video

    return post


def test_trending_hashtags_count_new_public_videos(anon, tagged):
    author, private_account = make_user("poster"), make_user("hidden", is_private=True)
    for _ in range(3):
        tagged(author, "dance")
    for _ in range(2):
        tagged(author, "food")
    for _ in range(5):
        tagged(author, "throwback", days_ago=30)  # before the window
        tagged(author, "secret", visibility="PRIVATE")
        tagged(private_account, "members")
    data = anon.execute(HASHTAGS, {"first": 10})["trendingHashtags"]
    assert data == [
        {"name": "dance", "trendReason": "3 new videos this week.", "videoCount": 3},
        {"name": "food", "trendReason": "2 new videos this week.", "videoCount": 2},
    ]
    assert anon.execute('{ search(query: "dance") { hashtags { name trendReason } } }')["search"]["hashtags"] == [
        {"name": "dance", "trendReason": None}  # the reason belongs to the trending list
    ]


def test_one_account_tagging_every_video_cannot_take_the_top(anon, tagged):
    """Issue #21, L12: one account's 9 videos took the top of trendingHashtags."""
    spammer = make_user("spammer")
    for _ in range(9):
        tagged(spammer, "buynow")
    for n in range(3):
        tagged(make_user(f"cook{n}"), "pasta")
    names = [tag["name"] for tag in anon.execute(HASHTAGS, {"first": 2})["trendingHashtags"]]
    assert names == ["pasta", "buynow"]


def test_the_ranking_is_computed_once_per_cache_period(anon, tagged, settings):
    author = make_user("poster")
    tagged(author, "dance")
    with CaptureQueriesContext(connection) as first:
        anon.execute(HASHTAGS, {"first": 5})
    tagged(author, "food")
    tagged(author, "food")
    with CaptureQueriesContext(connection) as second:
        names = [tag["name"] for tag in anon.execute(HASHTAGS, {"first": 5})["trendingHashtags"]]
    assert names == ["dance"] and len(second) == len(first) - 1  # served from the cache
    settings.TRENDING_CACHE_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    assert [tag["name"] for tag in anon.execute(HASHTAGS, {"first": 5})["trendingHashtags"]] == ["food", "dance"]


def _sound(make_published, author, name: str, uses: int, **fields) -> Sound:
    original = make_published(author, f"{name} original", **fields)
    sound = Sound.objects.create(fingerprint=name, title=f"original sound - {name}", author=author,
                                 original_video=original)  # fmt: skip
    Video.objects.filter(pk=original.pk).update(sound=sound)
    for n in range(uses):
        video = make_published(make_user(f"{name}fan{n}"), f"{name} take {n}")
        Video.objects.filter(pk=video.pk).update(sound=sound)
    return sound


@pytest.mark.parametrize("page", [5, 50])
def test_trending_lists_take_constant_queries(anon, make_published, tagged, page, django_assert_max_num_queries):
    author = make_user("poster")
    for n in range(page + 2):
        tagged(author, f"tag{n}")
        _sound(make_published, make_user(f"singer{n}"), f"s{n}", uses=0)
    with django_assert_max_num_queries(6):
        assert len(anon.execute(HASHTAGS, {"first": page})["trendingHashtags"]) == page
    with django_assert_max_num_queries(8):
        assert len(anon.execute(SOUNDS, {"first": page})["trendingSounds"]) == page


def test_a_trending_sound_shows_as_its_original_video_does(anon, api, user, client_for, make_published):
    singer = make_user("singer", is_private=True)
    _sound(make_published, singer, "hum", uses=3)
    _sound(make_published, make_user("open"), "beat", uses=1)

    def titles(client):
        return [sound["title"] for sound in client.execute(SOUNDS, {"first": 10})["trendingSounds"]]

    assert titles(anon) == ["original sound - beat"]  # the private singer's original is hidden
    assert titles(api) == ["original sound - beat"]  # a stranger
    follow(user, singer)
    from accounts.models import FollowRequest
    from accounts.services.social_graph import accept_follow_request

    assert FollowRequest.objects.filter(requester=user, target=singer).exists()
    accept_follow_request(singer, user)
    follower = client_for(user).execute(SOUNDS, {"first": 10})["trendingSounds"]
    assert [sound["title"] for sound in follower] == ["original sound - hum", "original sound - beat"]
    assert follower[0]["trendReason"] == "Used in 3 new videos this week."
    assert follower[0]["originalVideo"] == {"caption": "hum original", "author": {"username": "singer"}}
    blocked = make_user("blocked")
    block(singer, blocked)
    assert titles(client_for(blocked)) == ["original sound - beat"]
