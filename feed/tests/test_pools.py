import pytest

from conftest import global_id, make_user
from feed.models import FeedSettings, PoolDecision, VideoDistribution
from feed.services.pools import record_impressions
from videos.events import PoolVotes

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pools():
    return FeedSettings.objects.create(version=1, pool_sizes="3,6,12", pool_bars="0.3,0.4")


def show(video, times, knobs, completed=0):
    """`times` impressions from distinct pool viewers, the first `completed` of whom finished it."""
    decisions = []
    for n in range(times):
        decisions += record_impressions({video.pk: PoolVotes(1, completions=int(n < completed))}, knobs)
    return decisions


def test_a_video_viewers_respond_to_moves_to_the_next_pool(creator, make_published, small_pools):
    video = make_published(creator, "hit", heart_count=2)
    decisions = show(video, 3, small_pools, completed=3)
    assert [(d.pool, d.action) for d in decisions] == [(1, PoolDecision.Action.PROMOTED)]
    distribution = VideoDistribution.objects.get(video=video)
    assert (distribution.pool, distribution.pool_impressions, distribution.status) == (2, 0, "TESTING")
    assert decisions[0].engagement > 0.3


def test_a_video_nobody_responds_to_stops(creator, make_published, small_pools):
    video = make_published(creator, "flop")
    decisions = show(video, 5, small_pools)
    assert [(d.pool, d.action) for d in decisions] == [(1, PoolDecision.Action.STOPPED)]
    assert VideoDistribution.objects.get(video=video).status == "STOPPED"


def test_the_next_pool_judges_its_own_viewers_only(creator, make_published, small_pools):
    video = make_published(creator, "one-hit wonder", heart_count=2)
    show(video, 3, small_pools, completed=3)  # promoted on pool 1's response
    decisions = show(video, 6, small_pools)  # pool 2 saw no new response at all
    assert [(d.pool, d.action) for d in decisions] == [(2, PoolDecision.Action.STOPPED)]


def test_two_views_and_two_hearts_is_not_a_perfect_video(creator, make_published, small_pools):
    from feed.services.pools import engagement

    video = make_published(creator, "tiny sample", heart_count=2)
    show(video, 2, small_pools)
    distribution = VideoDistribution.objects.get(video=video)
    assert engagement(distribution, video) < 0.5


def test_authors_see_how_their_video_is_doing_and_others_do_not(api, client_for, creator, make_published, small_pools):
    video = make_published(creator, "mine")
    show(video, 2, small_pools, completed=1)
    query = """query($id: ID!) { videoPerformance(videoId: $id) {
      pool status impressions poolImpressions poolSize completionRate engagement } }"""
    mine = client_for(creator).execute(query, {"id": global_id(video)})["videoPerformance"]
    assert mine["pool"] == 1 and mine["status"] == "TESTING"
    assert (mine["impressions"], mine["poolImpressions"], mine["poolSize"]) == (2, 2, 3)
    assert mine["completionRate"] == 0.5
    assert api.execute(query, {"id": global_id(video)})["videoPerformance"] is None


def test_pool_settings_are_validated():
    from django.core.exceptions import ValidationError

    for sizes, bars in [("300,30", "0.3"), ("300,3000", "0.3,0.4"), ("x", ""), ("300,3000", "1.5")]:
        with pytest.raises(ValidationError):
            FeedSettings(pool_sizes=sizes, pool_bars=bars).full_clean(exclude=["version"])


def test_stopped_videos_get_no_more_exploration_traffic(api, user, make_published):
    from feed.services.for_you import for_you_page

    creator = make_user("newcomer")
    stopped = make_published(creator, "stopped")
    VideoDistribution.objects.create(video=stopped, status="STOPPED", impressions=300, pool_impressions=300)
    trial = make_published(creator, "on trial")
    explored = set()
    for _ in range(5):
        page, _ = for_you_page(user, "", first=10)
        exploration = {c.pk for c in page if c.reason in ("EXPLORATION", "NEW_CREATOR")}
        assert stopped.pk not in exploration
        explored |= exploration
    assert trial.pk in explored
