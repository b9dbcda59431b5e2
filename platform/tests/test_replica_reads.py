"""Reads from a real streaming replica (issue #24), through a live server: queries read from the
replica (seen in its pg_stat_activity), a viewer who just wrote reads their write from the
primary, and a replica that stops mid-run costs the client nothing, and is used again once back."""

from contextlib import contextmanager

import pytest

from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from platform.tests.live_server import LiveServer
from platform.tests.replica_server import ReplicaServer
from platform.tests.waiting import until

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
READ = "query($id: ID!) { video(id: $id) { caption } }"
EDIT = 'mutation($id: ID!) { updateVideo(input: {videoId: $id, caption: "second words"}) { errors { code } } }'


@contextmanager
def _fleet(replica: ReplicaServer, **env: str):
    """A live server reading from `replica`, which it measures on every request."""
    server = LiveServer(
        extra_env={"DATABASE_REPLICA_URL": replica.url, "REPLICA_CHECK_SECONDS": "0", "REDIS_URL": "", **env}
    )
    try:
        yield server
    finally:
        server.stop()
        replica.close()


@pytest.fixture
def fleet():
    replica = ReplicaServer()
    with _fleet(replica) as server:
        yield server, replica


def _replica_reads(replica) -> list[str]:
    """What the server's replica connections last ran, as the replica itself reports it."""
    with replica.connect() as conn:
        rows = conn.execute(
            "SELECT query FROM pg_stat_activity WHERE application_name = 'flywheel-replica-reads'"
        ).fetchall()
    return [query for (query,) in rows]


def _reads_reach_the_replica(server, replica, video, caption: str) -> None:
    """Queries answer right all along, and within seconds come from the replica (each process
    measures the replica's lag in the background before it sends reads there)."""

    def read_reached_the_replica() -> bool:
        answer = server.graphql(READ, {"id": global_id(video)})
        assert answer.status_code == 200 and answer.json() == {"data": {"video": {"caption": caption}}}
        return any("videos_video" in query for query in _replica_reads(replica))

    until(read_reached_the_replica, tries=75, pause=0.2, what="a read on the replica")


def test_queries_read_from_the_replica_and_a_writer_reads_their_write(fleet, make_published):
    server, replica = fleet
    author = make_user("replicated", "CREATOR")
    video = make_published(author, "first words")
    replica.wait_for("SELECT count(*) FROM videos_video WHERE id = %s", [video.pk])
    _reads_reach_the_replica(server, replica, video, "first words")

    # the replica stops replaying: what it serves is now behind the primary
    with replica.connect() as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    headers = {"Authorization": f"Bearer {issue_token(author)[0]}"}
    edited = server.graphql(EDIT, {"id": global_id(video)}, headers=headers).json()
    assert edited["data"]["updateVideo"]["errors"] == []
    mine = server.graphql(READ, {"id": global_id(video)}, headers=headers).json()
    assert mine["data"]["video"]["caption"] == "second words"  # the writer reads the primary
    theirs = server.graphql(READ, {"id": global_id(video)}).json()
    assert theirs["data"]["video"]["caption"] == "first words"  # anyone else: the (paused) replica
    with replica.connect() as conn:
        conn.execute("SELECT pg_wal_replay_resume()")


def test_a_replica_that_stops_costs_the_client_nothing_and_is_used_again_when_back(fleet, make_published):
    server, replica = fleet
    video = make_published(make_user("steady", "CREATOR"), "still here")
    replica.wait_for("SELECT count(*) FROM videos_video WHERE id = %s", [video.pk])
    _reads_reach_the_replica(server, replica, video, "still here")
    replica.stop()
    for _ in range(10):
        answer = server.graphql(READ, {"id": global_id(video)})
        assert answer.status_code == 200 and answer.json() == {"data": {"video": {"caption": "still here"}}}
    replica.start()
    _reads_reach_the_replica(server, replica, video, "still here")


def test_for_yous_shared_lists_are_refreshed_from_the_replica_whoever_asks(make_published):
    """The trending, popular, fresh and on-trial lists every viewer shares are refreshed in the
    background; that refresh reads the replica, also when the viewer whose request started it
    is pinned to the primary (they just wrote): the lists are nobody's own write."""
    replica = ReplicaServer(log_statements=True)
    with _fleet(replica, READ_YOUR_WRITES_SECONDS="600", FEED_SHARED_LISTS_SECONDS="0") as server:
        creator, writer = make_user("lists", "CREATOR"), make_user("writer")
        videos = [make_published(creator, f"shared {n}") for n in range(3)]
        replica.wait_for("SELECT count(*) FROM videos_video WHERE id = %s", [videos[-1].pk])
        headers = {"Authorization": f"Bearer {issue_token(writer)[0]}"}
        heart = "mutation($id: ID!) { heartVideo(input: {videoId: $id}) { errors { code } } }"
        assert server.graphql(heart, {"id": global_id(videos[0])}, headers=headers).json()["data"]["heartVideo"] == {
            "errors": []
        }

        def refreshed_on_the_replica() -> bool:
            page = server.graphql("{ forYou(first: 3) { edges { node { video { id } } } } }", headers=headers)
            assert page.status_code == 200 and "errors" not in page.json(), page.text
            # the shared lists' queries: their columns, and the popular and trending lists' size
            shared = [q for q in replica.statements("flywheel-replica-reads") if "author__username" in q]
            return any(q.rstrip().endswith("LIMIT 500") for q in shared)

        until(refreshed_on_the_replica, tries=50, pause=0.3, what="the shared lists read from the replica")
