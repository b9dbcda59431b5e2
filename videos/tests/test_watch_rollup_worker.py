"""Watch events reach the counters through the real queue and a real worker: a lone batch, with
nothing after it, is counted within seconds (it used to wait for more traffic forever)."""

import time

import httpx
import pytest

from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from platform.tests.live_server import scratch_database_url, start_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]


@pytest.fixture
def worker(live_server_process):
    process = start_worker(scratch_database_url())
    time.sleep(3)  # polling by now: a task enqueued later is picked up within the interval
    yield process
    process.terminate()
    process.wait(timeout=10)


def test_a_lone_watch_batch_is_counted_within_seconds(live_server_process, worker, make_published):
    video = make_published(make_user("author"), "watch me")
    token = issue_token(make_user("viewer"))[0]
    batch = {"events": [{"videoId": global_id(video), "watchedMs": 5000, "completed": True}]}
    headers = {"Authorization": f"Bearer {token}"}
    page = httpx.post(
        f"{live_server_process.url}/graphql",
        json={"query": "{ forYou(first: 10) { edges { node { video { id } } } } }"},
        headers=headers,
    ).json()
    assert [e["node"]["video"]["id"] for e in page["data"]["forYou"]["edges"]] == [global_id(video)]
    answer = httpx.post(
        f"{live_server_process.url}/graphql",
        json={
            "query": "mutation($b: WatchEventsInput!) { recordWatchEvents(input: $b) { accepted } }",
            "variables": {"b": batch},
        },
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert answer == {"data": {"recordWatchEvents": {"accepted": 1}}}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        video.refresh_from_db()
        if video.view_count:
            break
        time.sleep(0.2)
    assert (video.view_count, video.completion_count, video.impression_count) == (1, 1, 1)
