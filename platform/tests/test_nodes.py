"""`nodes(ids:)`: Relay's refetch of many objects, under the same visibility and cost rules as
`node(id:)`."""

import pytest

from accounts.services.social_graph import block
from conftest import global_id, make_user
from platform.schema import MAX_NODES
from videos.services.comments import add_comment

pytestmark = pytest.mark.django_db

NODES = """query($ids: [ID!]!) { nodes(ids: $ids) {
  id ... on Video { caption } ... on Comment { text } ... on User { username } } }"""


def test_nodes_come_in_the_order_asked_with_null_for_what_the_viewer_may_not_see(
    client_for, make_published, django_assert_max_num_queries
):
    viewer, creator, blocker = make_user("viewer"), make_user("creator"), make_user("blocker")
    public = make_published(creator, "for everyone")
    private = make_published(creator, "just me", visibility="PRIVATE")
    theirs = make_published(blocker, "not for you")
    block(blocker, viewer)
    comment = add_comment(creator, public.pk, "first!")
    ids = [global_id(private), global_id(comment), global_id(public), global_id(theirs), global_id(creator)]
    client = client_for(viewer)
    with django_assert_max_num_queries(8):  # token, relations, then one query per type asked for
        nodes = client.execute(NODES, {"ids": ids})["nodes"]
    assert nodes == [
        None,
        {"id": global_id(comment), "text": "first!"},
        {"id": global_id(public), "caption": "for everyone"},
        None,
        {"id": global_id(creator), "username": "creator"},
    ]
    assert client_for(creator).execute(NODES, {"ids": ids[:1]})["nodes"] == [
        {"id": global_id(private), "caption": "just me"}
    ]


def test_too_many_or_malformed_ids_are_refused_before_anything_runs(anon, make_published):
    video = make_published(make_user("creator"), "clip")
    too_many = anon.post(NODES, {"ids": [global_id(video)] * (MAX_NODES + 1)}).json()["errors"][0]
    assert too_many["extensions"]["code"] == "TOO_LONG"
    malformed = anon.post(NODES, {"ids": [global_id(video), "not-an-id"]}).json()["errors"][0]
    assert malformed["extensions"]["code"] == "INVALID_ID"
