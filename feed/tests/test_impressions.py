"""Traffic pools count impressions that a real viewer's player reported, not pages served: a
script loading For You without cookies cannot move a video between pools, and one viewer
counts once per video and hour, and only so often per hour."""

import pytest

from conftest import GraphQLClient, global_id
from feed.models import FeedSettings, PoolDecision, VideoDistribution
from videos.services.watch_rollup import roll_up

pytestmark = pytest.mark.django_db

WATCH = "mutation($b: WatchEventsInput!) { recordWatchEvents(input: $b) { accepted errors { code } } }"
FOR_YOU = "{ forYou(first: 50) { edges { node { video { id } } } } }"


@pytest.fixture
def small_pools():
    return FeedSettings.objects.create(version=1, pool_sizes="3,30", pool_bars="0.3")


def watch(client, videos, ms=1500):
    batch = {"events": [{"videoId": global_id(video), "watchedMs": ms} for video in videos]}
    return client.execute(WATCH, {"b": batch})["recordWatchEvents"]


def test_pages_served_to_scripts_count_no_impressions(creator, make_published, small_pools):
    videos = [make_published(creator, f"new {i}") for i in range(5)]
    for _ in range(40):  # cookie-less: every page is a stranger's
        assert GraphQLClient().execute(FOR_YOU)["forYou"]["edges"]
    roll_up(settle_seconds=0)
    assert not VideoDistribution.objects.filter(impressions__gt=0).exists()
    assert not PoolDecision.objects.exists()
    assert all(v.impression_count == 0 for v in type(videos[0]).objects.all())


def test_watch_reports_are_impressions_once_per_viewer_and_hour(creator, make_published, small_pools, client_for):
    from conftest import make_user

    video = make_published(creator, "on trial")
    viewers = [client_for(make_user(f"viewer{i}")) for i in range(3)]
    for viewer in viewers[:2]:
        watch(viewer, [video])
        watch(viewer, [video], ms=200)  # the same viewer again within the hour: still one
    roll_up(settle_seconds=0)
    video.refresh_from_db()
    assert video.impression_count == 2
    assert VideoDistribution.objects.get(video=video).pool_impressions == 2
    assert not PoolDecision.objects.exists()
    watch(viewers[2], [video], ms=100)  # a quick skip is an impression too
    roll_up(settle_seconds=0)
    decision = PoolDecision.objects.get()  # the pool of 3 has seen it and nobody responded
    assert (decision.pool, decision.action, decision.impressions) == (1, PoolDecision.Action.STOPPED, 3)


def test_one_viewer_counts_only_so_many_impressions_an_hour(api, creator, make_published, settings):
    settings.IMPRESSIONS_PER_VIEWER_HOUR = 2
    videos = [make_published(creator, f"clip {i}") for i in range(5)]
    assert watch(api, videos[:3])["accepted"] == 3
    roll_up(settle_seconds=0)
    assert watch(api, videos[3:])["accepted"] == 2
    roll_up(settle_seconds=0)
    counted = sorted(v.impression_count for v in type(videos[0]).objects.all())
    assert counted == [0, 0, 0, 1, 1]


def test_new_anonymous_sessions_are_limited_per_address(creator, make_published, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "session": {"address": "2/h"}}
    video = make_published(creator, "watch me")
    accepted = [watch(GraphQLClient(), [video]) for _ in range(4)]
    assert [a["errors"] for a in accepted] == [[], [], [{"code": "RATE_LIMITED"}], [{"code": "RATE_LIMITED"}]]
    # a stranger without a session still gets a page, unpersonalised
    assert GraphQLClient().execute(FOR_YOU)["forYou"]["edges"]
