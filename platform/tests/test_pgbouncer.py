"""Through a real PgBouncer in transaction mode (issue #24): writes and reads, repeated and from
many clients at once (PgBouncer hands each transaction any server connection), work, and
restarting PgBouncer loses no accepted write."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from platform.tests.live_server import LiveServer
from platform.tests.pgbouncer_server import PgBouncer
from videos.models import Comment

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
COMMENT = "mutation($id: ID!, $text: String!) { addComment(input: {videoId: $id, text: $text}) { errors { code } } }"
COMMENTS = "query($id: ID!) { video(id: $id) { commentCount comments(first: 50) { edges { node { text } } } } }"


@pytest.fixture
def through_pgbouncer():
    bouncer = PgBouncer()
    server = LiveServer(extra_env={"DATABASE_URL": bouncer.url, "DATABASE_PGBOUNCER": "1", "REDIS_URL": ""})
    yield server, bouncer
    server.stop()
    bouncer.close()


def test_the_api_works_through_pgbouncer_and_a_restart_loses_no_accepted_write(through_pgbouncer, make_published):
    server, bouncer = through_pgbouncer
    video = make_published(make_user("bounced", "CREATOR"), "through the pooler")
    headers = {"Authorization": f"Bearer {issue_token(make_user('talker'))[0]}"}
    accepted = []

    def comment(text: str) -> None:
        # with PgBouncer down, a request waits out the pool's timeout (DATABASE_POOL_TIMEOUT) for its 503
        answer = server.graphql(COMMENT, {"id": global_id(video), "text": text}, headers=headers, timeout=60)
        if answer.status_code == 200 and answer.json().get("data", {}).get("addComment", {}).get("errors") == []:
            accepted.append(text)

    for n in range(8):
        comment(f"before {n}")
        read = server.graphql(COMMENTS, {"id": global_id(video)}, headers=headers).json()
        assert "errors" not in read, read
    assert len(accepted) == 8
    # many clients at once: PgBouncer hands each transaction whichever server connection is free,
    # so a statement prepared on one would be missing on another
    with ThreadPoolExecutor(8) as pool:
        reads = list(pool.map(lambda _: server.graphql(COMMENTS, {"id": global_id(video)}).json(), range(80)))
    assert all("errors" not in read for read in reads), next(read for read in reads if "errors" in read)
    bouncer.stop()
    comment("while it is down")  # refused (503) or accepted: either way, no lie
    bouncer.start()
    for n in range(3):
        comment(f"after {n}")
    read = server.graphql(COMMENTS, {"id": global_id(video)}, headers=headers).json()
    assert "errors" not in read, read
    stored = set(Comment.objects.filter(video=video).values_list("text", flat=True))
    assert set(accepted) <= stored and {"after 0", "after 1", "after 2"} <= set(accepted)
    assert read["data"]["video"]["commentCount"] == len(stored)
