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


def serve(client, videos) -> None:
    """The viewer loads For You, which serves them these videos (among others)."""
    served = {edge["node"]["video"]["id"] for edge in client.execute(FOR_YOU)["forYou"]["edges"]}
    assert {global_id(video) for video in videos} <= served


def watch(client, videos, ms=1500, served=True):
    if served:
        serve(client, videos)
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
        watch(viewer, [video], ms=200, served=False)  # the same viewer again within the hour: still one
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
    from conftest import make_user

    settings.IMPRESSIONS_PER_VIEWER_HOUR = 2
    # five creators: a page shows one video per creator
    videos = [make_published(make_user(f"maker{i}"), f"clip {i}") for i in range(5)]
    serve(api, videos)
    assert watch(api, videos[:3], served=False)["accepted"] == 3
    roll_up(settle_seconds=0)
    assert watch(api, videos[3:], served=False)["accepted"] == 2
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


def _pool(video) -> VideoDistribution | None:
    return VideoDistribution.objects.filter(video=video).first()


def test_reports_of_a_video_never_served_do_not_move_its_pool(creator, make_published, small_pools, settings):
    """Issue #21, M3: 320 fresh anonymous sessions each reported a 0.5 s skip of a video never
    served to them, and the video went from TESTING to STOPPED. The reports are kept (watch
    history), but the pool does not hear them."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "session": {}}
    video = make_published(creator, "on trial")
    addresses = [f"198.51.100.{n}" for n in range(11)]
    accepted = 0
    for n in range(320):
        saboteur = GraphQLClient(REMOTE_ADDR=addresses[n % len(addresses)])
        accepted += watch(saboteur, [video], ms=500, served=False)["accepted"]
    assert accepted == 320  # stored, as anyone's watch history is
    roll_up(settle_seconds=0)
    video.refresh_from_db()
    assert video.impression_count == 0 and _pool(video) is None
    assert not PoolDecision.objects.exists()


def test_anonymous_sessions_cannot_outvote_viewers(creator, make_published, small_pools, client_for, settings):
    """Twenty sessions from one address, each served the video, are one pool voter; three
    signed-in viewers are three."""
    from conftest import make_user

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "session": {}}
    video = make_published(creator, "on trial")
    for _ in range(20):
        watch(GraphQLClient(REMOTE_ADDR="203.0.113.5"), [video], ms=500)
    roll_up(settle_seconds=0)
    assert _pool(video).pool_impressions == 1
    for i in range(2):
        watch(client_for(make_user(f"viewer{i}")), [video], ms=500)
    roll_up(settle_seconds=0)
    decision = PoolDecision.objects.get()  # the pool of 3 voters has seen it
    assert (decision.action, decision.impressions) == (PoolDecision.Action.STOPPED, 3)


def test_a_viewer_finishing_again_and_again_counts_once(api, creator, make_published, small_pools):
    video = make_published(creator, "loop me")
    serve(api, [video])
    for _ in range(5):
        batch = {"events": [{"videoId": global_id(video), "watchedMs": 15000, "completed": True}]}
        assert api.execute(WATCH, {"b": batch})["recordWatchEvents"]["accepted"] == 1
        roll_up(settle_seconds=0)
    video.refresh_from_db()
    pool = _pool(video)
    assert (pool.pool_impressions, pool.pool_completions) == (1, 1)
    assert video.completion_count == 5  # the video's own statistics still count every report
