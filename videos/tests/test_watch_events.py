import pytest
from django.utils import timezone

from conftest import global_id
from videos.models import VideoView, WatchEvent
from videos.services.watch_rollup import roll_up

pytestmark = pytest.mark.django_db

RECORD = """
mutation($events: [WatchEventInput!]!) {
  recordWatchEvents(input: {events: $events}) { accepted rejected { index reason } errors { code message } }
}
"""


@pytest.fixture
def video(creator, make_published):
    return make_published(creator, "watch me", duration_ms=10_000)


def event(video, ms, completed=False, loops=0):
    return {"videoId": global_id(video), "watchedMs": ms, "completed": completed, "loops": loops}


def record(client, events):
    """Send a batch, then fold it into the counters as the queued roll-up would."""
    result = client.execute(RECORD, {"events": events})["recordWatchEvents"]
    roll_up(settle_seconds=0)
    return result


def test_a_batch_is_stored_and_counters_move(api, user, video):
    result = record(api, [event(video, 4000), event(video, 10_000, completed=True), event(video, 25_000, True, 2)])
    assert result == {"accepted": 3, "rejected": [], "errors": []}
    video.refresh_from_db()
    assert (video.view_count, video.completion_count, video.rewatch_count, video.watch_time_ms) == (1, 2, 1, 39_000)
    assert WatchEvent.objects.filter(user=user).count() == 3


def test_bad_events_are_rejected_with_reasons_and_the_rest_kept(api, video, creator, make_published):
    private = make_published(creator, "private", visibility="PRIVATE")
    result = record(
        api,
        [
            event(video, 5000),
            event(video, -1),
            event(video, 60_000),  # longer than a 10 s video played once
            {"videoId": "garbage", "watchedMs": 10, "completed": False, "loops": 0},
            event(private, 1000),
            event(video, 1000, loops=1000),
        ],
    )
    assert result["accepted"] == 1
    reasons = {r["index"]: r["reason"] for r in result["rejected"]}
    assert set(reasons) == {1, 2, 3, 4, 5}
    assert "negative" in reasons[1] and "longer" in reasons[2] and reasons[3] == reasons[4] == "No such video."
    assert WatchEvent.objects.count() == 1


def test_a_view_counts_once_per_viewer_per_hour_after_three_seconds(api, client_for, creator, video):
    record(api, [event(video, 2000)])  # a quick skip is not a view
    record(api, [event(video, 3000), event(video, 8000)])
    record(api, [event(video, 9000)])
    video.refresh_from_db()
    assert video.view_count == 1
    record(client_for(creator), [event(video, 5000)])
    video.refresh_from_db()
    assert video.view_count == 2
    VideoView.objects.update(hour=timezone.now() - timezone.timedelta(hours=2))
    record(api, [event(video, 5000)])
    video.refresh_from_db()
    assert video.view_count == 3


def test_half_of_a_short_video_is_a_view(api, creator, make_published):
    short = make_published(creator, "short", duration_ms=4000)
    record(api, [event(short, 2000)])
    short.refresh_from_db()
    assert short.view_count == 1


def test_anonymous_viewers_are_tracked_by_session(anon, video):
    assert record(anon, [event(video, 5000)])["accepted"] == 1
    assert record(anon, [event(video, 5000)])["accepted"] == 1
    stored = WatchEvent.objects.all()
    assert {e.user_id for e in stored} == {None} and len({e.session_key for e in stored}) == 1
    video.refresh_from_db()
    assert video.view_count == 1


def test_batches_are_capped(api, video):
    result = record(api, [event(video, 1000)] * 1001)
    assert result["accepted"] == 0 and result["errors"][0]["code"] == "TOO_LARGE"


def test_a_batch_costs_a_fixed_number_of_queries(api, video, django_assert_max_num_queries):
    api.execute("{ viewer { id } }")
    for size in (5, 1000):
        # token, visibility read, one write statement (plus the transaction's savepoint pair)
        with django_assert_max_num_queries(5):
            result = api.execute(RECORD, {"events": [event(video, 4000)] * size})["recordWatchEvents"]
        assert result["accepted"] == size


def test_the_roll_up_is_queued_after_the_batch_commits(api, video, django_capture_on_commit_callbacks, settings):
    settings.WATCH_ROLLUP_SETTLE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        api.execute(RECORD, {"events": [event(video, 5000)]})
    assert len(callbacks) == 1
    video.refresh_from_db()
    assert (video.view_count, video.watch_time_ms) == (1, 5000)


def test_the_roll_up_counts_each_event_once_and_waits_for_unsettled_ones(api, video):
    api.execute(RECORD, {"events": [event(video, 5000)]})
    assert roll_up(settle_seconds=3600) == 0  # too fresh: not counted yet
    assert roll_up(settle_seconds=0) == 1
    assert roll_up(settle_seconds=0) == 0
    video.refresh_from_db()
    assert video.watch_time_ms == 5000


def test_a_retried_batch_counts_once(api, creator, make_published):
    from videos.models import WatchEvent

    video = make_published(creator, "retry me")
    batch = {"batchId": "4b9f0e6e-retry", "events": [{"videoId": global_id(video), "watchedMs": 4000}] * 3}
    query = "mutation($b: WatchEventsInput!) { recordWatchEvents(input: $b) { accepted errors { code } } }"
    answers = [api.execute(query, {"b": batch})["recordWatchEvents"] for _ in range(3)]
    assert answers == [{"accepted": 3, "errors": []}] * 3
    assert WatchEvent.objects.count() == 3
    other = {**batch, "batchId": "4b9f0e6e-next"}
    assert api.execute(query, {"b": other})["recordWatchEvents"]["accepted"] == 3
    assert WatchEvent.objects.count() == 6


def test_batch_ids_belong_to_their_viewer(api, client_for, creator, make_published):
    from videos.models import WatchEvent

    video = make_published(creator, "two viewers")
    batch = {"batchId": "same-id", "events": [{"videoId": global_id(video), "watchedMs": 4000}]}
    query = "mutation($b: WatchEventsInput!) { recordWatchEvents(input: $b) { accepted } }"
    assert api.execute(query, {"b": batch})["recordWatchEvents"]["accepted"] == 1
    assert client_for(creator).execute(query, {"b": batch})["recordWatchEvents"]["accepted"] == 1
    assert WatchEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # real commits: on_commit work runs inside the request
def test_with_the_cache_down_a_committed_batch_is_still_answered_as_accepted(api, creator, make_published):
    from django.test import override_settings

    from platform.tests.live_server import free_port

    # Redis gone: rate limits fail open, the roll-up is queued without debouncing, and the
    # client is told its events were stored (they were), so it does not retry and double count
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    video = make_published(creator, "cache down")
    query = "mutation($b: WatchEventsInput!) { recordWatchEvents(input: $b) { accepted errors { code } } }"
    batch = {"events": [{"videoId": global_id(video), "watchedMs": 4000}]}
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": unreachable}}
    ):
        assert api.execute(query, {"b": batch})["recordWatchEvents"] == {"accepted": 1, "errors": []}
    assert WatchEvent.objects.count() == 1
