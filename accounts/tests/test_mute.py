"""Mute: the muted account's videos leave the muter's feeds and its comments disappear for the
muter, for a while or until lifted, and the muted account notices nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from strawberry.relay import to_base64

from accounts.models import Mute
from accounts.services import social_graph
from conftest import global_id, make_user
from videos.services.comments import add_comment

pytestmark = pytest.mark.django_db

MUTE = """mutation($id: ID!, $hours: Int) {
  mute(input: {userId: $id, durationHours: $hours}) { user { username } expiresAt errors { field code } }
}"""
UNMUTE = "mutation($id: ID!) { unmute(input: {userId: $id}) { user { username } errors { field code } } }"
FEEDS = """query {
  forYou(first: 20) { edges { node { video { author { username } } } } }
  following(first: 20) { edges { node { video { author { username } } } } }
}"""
COMMENTS = "query($id: ID!) { video(id: $id) { comments(first: 20) { edges { node { text } } } } }"
MUTED = """query($first: Int!) { viewer { mutedAccounts(first: $first) {
  edges { node { account { username } mutedAt expiresAt } } } } }"""


@pytest.fixture
def loud(user, creator, make_published):
    """`creator` is followed by `user` and posts a lot; a quieter account posts too."""
    social_graph.follow(user, creator)
    quiet = make_user("quiet")
    social_graph.follow(user, quiet)
    videos = [make_published(creator, f"loud {n}") for n in range(3)]
    make_published(quiet, "quiet one")
    return videos


def _feed_authors(client) -> dict[str, set[str]]:
    data = client.execute(FEEDS)
    return {name: {e["node"]["video"]["author"]["username"] for e in data[name]["edges"]} for name in data}


def test_a_muted_account_leaves_both_feeds_and_comes_back_when_unmuted(api, creator, loud):
    assert _feed_authors(api) == {"forYou": {"creator", "quiet"}, "following": {"creator", "quiet"}}
    answer = api.execute(MUTE, {"id": global_id(creator)})["mute"]
    assert answer == {"user": {"username": "creator"}, "expiresAt": None, "errors": []}
    assert _feed_authors(api) == {"forYou": {"quiet"}, "following": {"quiet"}}
    assert api.execute(UNMUTE, {"id": global_id(creator)})["unmute"]["errors"] == []
    assert _feed_authors(api) == {"forYou": {"creator", "quiet"}, "following": {"creator", "quiet"}}


def test_a_muted_accounts_comments_are_hidden_from_the_muter_only(api, client_for, user, creator, loud):
    video = loud[0]
    bystander = make_user("bystander")
    add_comment(creator, video.pk, "from the creator")
    add_comment(bystander, video.pk, "from a bystander")
    api.execute(MUTE, {"id": global_id(bystander)})

    def texts(client):
        edges = client.execute(COMMENTS, {"id": global_id(video)})["video"]["comments"]["edges"]
        return {e["node"]["text"] for e in edges}

    assert texts(api) == {"from the creator"}
    assert texts(client_for(creator)) == {"from the creator", "from a bystander"}
    # the muted account notices nothing: it still sees the muter and their videos
    as_bystander = client_for(bystander)
    assert as_bystander.execute('{ user(username: "viewer") { username } }')["user"] == {"username": "viewer"}


def test_a_mute_for_a_duration_ends_by_itself(api, creator, loud):
    answer = api.execute(MUTE, {"id": global_id(creator), "hours": 24})["mute"]
    assert answer["errors"] == []
    ends = timezone.datetime.fromisoformat(answer["expiresAt"])
    assert timedelta(hours=23, minutes=59) < ends - timezone.now() <= timedelta(hours=24)
    assert "creator" not in _feed_authors(api)["following"]
    Mute.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "creator" in _feed_authors(api)["following"]
    assert api.execute(MUTED, {"first": 5})["viewer"]["mutedAccounts"]["edges"] == []


def test_muting_again_sets_the_new_duration(api, creator):
    api.execute(MUTE, {"id": global_id(creator), "hours": 1})
    assert api.execute(MUTE, {"id": global_id(creator)})["mute"]["expiresAt"] is None
    assert Mute.objects.get().expires_at is None


@pytest.mark.parametrize(
    "variables, field, code",
    [({"hours": 0}, "durationHours", "OUT_OF_RANGE"), ({"hours": 10**6}, "durationHours", "OUT_OF_RANGE")],
)
def test_bad_durations_are_refused_and_change_nothing(api, creator, variables, field, code):
    errors = api.execute(MUTE, {"id": global_id(creator), **variables})["mute"]["errors"]
    assert errors == [{"field": field, "code": code}]
    assert not Mute.objects.exists()


def test_nobody_mutes_themselves_an_unknown_account_or_anonymously(api, anon, user):
    assert api.execute(MUTE, {"id": global_id(user)})["mute"]["errors"] == [{"field": "userId", "code": "SELF_ACTION"}]
    unknown = api.execute(MUTE, {"id": to_base64("User", 10**9)})["mute"]["errors"]
    assert unknown == [{"field": "userId", "code": "NOT_FOUND"}]
    assert anon.execute(MUTE, {"id": global_id(user)})["mute"]["errors"][0]["code"] == "UNAUTHENTICATED"
    assert not Mute.objects.exists()


def test_the_muted_list_is_the_muters_own_and_costs_the_same_queries_at_5_and_50(
    api, client_for, user, django_assert_max_num_queries
):
    others = [make_user(f"noisy{n}") for n in range(50)]
    for other in others:
        Mute.objects.create(muter=user, muted=other)
    api.execute(MUTED, {"first": 1})  # warm: the token's first use is recorded once
    counts = {}
    for size in (5, 50):
        with django_assert_max_num_queries(8) as captured:
            edges = api.execute(MUTED, {"first": size})["viewer"]["mutedAccounts"]["edges"]
        assert len(edges) == size
        counts[size] = len(captured)
    assert counts[5] == counts[50]
    assert edges[0]["node"]["account"]["username"] == "noisy49"  # newest first
    # another account asking about this one's mutes learns nothing
    query = '{ user(username: "viewer") { mutedAccounts(first: 5) { edges { node { id } } } } }'
    assert client_for(others[0]).execute(query)["user"]["mutedAccounts"]["edges"] == []
