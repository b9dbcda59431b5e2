"""The production topology on one machine (issue #24): a PostgreSQL primary behind PgBouncer
(transaction mode) with a streaming replica, Redis, an S3-protocol server for media and models,
two server processes and a task worker. Through it, over HTTP and websockets: upload, review and
publish (the worker, from the bucket); HLS playback with ffmpeg from the other process; a live
comment posted on one process and received on the other; For You served from the replica; and a
write read back at once by its author."""

import asyncio
import json
import subprocess

import httpx
import pytest

from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from platform.tests.live_server import LiveServer, RedisServer, start_worker
from platform.tests.pgbouncer_server import PgBouncer
from platform.tests.replica_server import ReplicaServer
from platform.tests.s3_server import S3Server
from platform.tests.waiting import until
from videos.management.commands.seed_demo_videos import make_demo_source
from videos.models import Video
from videos.tests.live_client import ADD, ADDED, watch

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
UPLOAD = (
    'mutation($f: Upload!) { uploadVideo(input: {file: $f, caption: "fleet #topology"}) '
    "{ video { id } errors { code } } }"
)
STATUS = "query($id: ID!) { video(id: $id) { status caption playback { hlsUrl } } }"
FOR_YOU = "{ forYou(first: 5) { edges { node { video { id caption } } } } }"


@pytest.fixture
def fleet():
    parts = []
    try:
        replica = ReplicaServer()
        parts.append(replica.close)
        bouncer = PgBouncer()
        parts.append(bouncer.close)
        redis = RedisServer()
        parts.append(redis.stop)
        s3 = S3Server()
        parts.append(s3.stop)
        env = {
            "DATABASE_URL": bouncer.url, "DATABASE_PGBOUNCER": "1", "DATABASE_REPLICA_URL": replica.url,
            "REPLICA_CHECK_SECONDS": "0", "REDIS_URL": redis.url, "FEED_MODEL_STORAGE": "default", **s3.env(),
        }  # fmt: skip
        servers = [LiveServer(extra_env=env), LiveServer(extra_env=env)]
        parts += [server.stop for server in servers]
        worker = start_worker(bouncer.url, **{k: v for k, v in env.items() if k != "DATABASE_URL"})
        parts.append(lambda: (worker.terminate(), worker.wait(timeout=10)))
        yield servers, replica
    finally:
        for stop in reversed(parts):
            stop()


def _graphql(server, query, variables=None, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return server.graphql(query, variables, headers=headers, timeout=30).json()


def test_the_fleet_serves_a_video_from_upload_to_live_comments(fleet, tmp_path):
    (a, b), replica = fleet
    author = make_user("fleet.author", "CREATOR")
    token = issue_token(author)[0]
    clip = make_demo_source(tmp_path, 1)
    with open(clip, "rb") as handle:
        uploaded = httpx.post(
            f"{a.url}/graphql",
            headers={"Authorization": f"Bearer {token}", "Apollo-Require-Preflight": "true"},
            data={
                "operations": json.dumps({"query": UPLOAD, "variables": {"f": None}}),
                "map": '{"0": ["variables.f"]}',
            },
            files={"0": ("clip.mp4", handle, "video/mp4")},
            timeout=60,
        ).json()
    assert uploaded["data"]["uploadVideo"]["errors"] == [], uploaded
    video_id = uploaded["data"]["uploadVideo"]["video"]["id"]

    def published() -> bool:  # the worker reviews it from the bucket
        status = _graphql(a, STATUS, {"id": video_id}, token)["data"]["video"]["status"]
        assert status in ("PROCESSING", "PUBLISHED"), status
        return status == "PUBLISHED"

    until(published, tries=240, pause=0.5, what="the upload published")
    video = Video.objects.get(author=author)
    # another viewer reads the replica, which shows the publication once it has replayed it
    replica.wait_for("SELECT count(*) FROM videos_video WHERE id = %s AND status = 'PUBLISHED'", [video.pk])

    playback = _graphql(b, STATUS, {"id": video_id})["data"]["video"]["playback"]
    played = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", playback["hlsUrl"], "-f", "null", "-"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert played.returncode == 0, played.stderr[-2000:]

    viewer_token = issue_token(make_user("fleet.viewer"))[0]

    def post_on_a():
        answer = _graphql(a, ADD, {"id": global_id(video), "text": "from process A"}, viewer_token)
        assert answer["data"]["addComment"]["errors"] == []

    [received] = asyncio.run(watch(b, ADDED, video, 1, post_on_a))
    assert received["commentAdded"]["text"] == "from process A"

    edit = 'mutation($id: ID!) { updateVideo(input: {videoId: $id, caption: "edited at once"}) { errors { code } } }'
    assert _graphql(a, edit, {"id": video_id}, token)["data"]["updateVideo"]["errors"] == []
    assert _graphql(b, STATUS, {"id": video_id}, token)["data"]["video"]["caption"] == "edited at once"

    replica.wait_for("SELECT count(*) FROM videos_video WHERE caption = 'edited at once'")

    def for_you_from_the_replica() -> list:
        picks = _graphql(b, FOR_YOU)["data"]["forYou"]["edges"]
        with replica.connect() as conn:
            reads = conn.execute(
                "SELECT query FROM pg_stat_activity WHERE application_name = 'flywheel-replica-reads'"
            ).fetchall()
        return picks if any("videos_video" in query for (query,) in reads) else []

    picks = until(for_you_from_the_replica, tries=50, pause=0.3, what="For You read from the replica")
    assert [edge["node"]["video"]["caption"] for edge in picks] == ["edited at once"]
