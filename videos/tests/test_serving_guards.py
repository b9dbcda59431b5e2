"""Hot reads stay cheap (issue #27): SQL statements and thread hops per request, counted, not
timed, so a change cannot silently add a query or a trip to the thread pool per video."""

import asyncio
import json

import pytest
from django.test import AsyncClient

from accounts.services.social_graph import follow
from accounts.services.tokens import issue_token
from conftest import GraphQLClient, global_id, make_user
from videos.models import Comment, Hashtag, Heart

FIELDS = "id caption heartCount commentCount viewerHasHearted author { username displayName } hashtags { name }"


def _hops_of(hops, body: dict, token: str) -> list[str]:
    """The thread hops of one warm request (the first one warms caches and the pool)."""

    async def run():
        client = AsyncClient(headers={"Authorization": f"Bearer {token}"})
        await client.post("/graphql", body, content_type="application/json")
        hops.clear()
        response = await client.post("/graphql", body, content_type="application/json")
        assert "errors" not in json.loads(response.content), response.content
        return list(hops)

    return asyncio.run(run())


@pytest.fixture
def screen(db, make_published):
    """Ten videos of ten creators, three hashtags and two comments each; a viewer who follows
    half of the creators and hearted one video."""
    tags = [Hashtag.objects.create(name=f"topic{n}") for n in range(3)]
    viewer = make_user("viewer")
    videos = []
    for n in range(10):
        maker = make_user(f"maker{n}")
        video = make_published(maker, caption=f"clip {n}")
        video.hashtags.set(tags)
        for k in range(2):
            Comment.objects.create(video=video, author=make_user(f"fan{n}_{k}"), text=f"nice {k}")
        if n % 2:
            follow(viewer, maker)
        videos.append(video)
    Heart.objects.create(user=viewer, video=videos[0])
    return issue_token(viewer)[0], videos


def _aliases(videos) -> dict:
    return {
        "query": "{ %s }" % " ".join(f'v{n}: video(id: "{global_id(v)}") {{ {FIELDS} }}' for n, v in enumerate(videos))
    }


READS = {
    "ten aliased videos": lambda videos: _aliases(videos),
    "For You page": lambda videos: {"query": "{ forYou(first: 10) { edges { node { video { %s } } } } }" % FIELDS},
    "Following page": lambda videos: {"query": "{ following(first: 10) { edges { node { video { %s } } } } }" % FIELDS},
    "comments page": lambda videos: {
        "query": "query ($id: ID!) { video(id: $id) { comments(first: 20) { edges { node { id text heartCount "
        "viewerHasHearted author { username displayName } } } } } }",
        "variables": {"id": global_id(videos[3])},
    },
    "profile page": lambda videos: {
        "query": '{ user(username: "maker3") { username displayName followerCount viewerFollows '
        "videos(first: 12) { edges { node { %s } } } } }" % FIELDS
    },
}


# read: (most SQL statements, most thread hops) for the whole request, token included. Neither
# may grow with the number of videos, comments or hashtags on the page.
BOUNDS = {
    # token, the viewer's relations map, videos (one batch), their authors, their hashtags
    "ten aliased videos": (5, 3),
    # + 4 for the session's taste (feed/services/session_profile.py): the interests the account
    # picked, its signals' features, the candidates they bring, and the hashtags of all candidates
    "For You page": (21, 4),
    "Following page": (6, 3),
    "comments page": (4, 3),
    "profile page": (6, 7),  # token, relations, the account, its videos, their authors, their hashtags
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("read", READS)
def test_hot_reads_make_a_bounded_number_of_queries_and_hops(read, screen, hops, django_assert_max_num_queries):
    token, videos = screen
    body = READS[read](videos)
    api = GraphQLClient(token=token)
    first = api.execute(body["query"], body.get("variables"))  # warm
    most_queries, most_hops = BOUNDS[read]
    with django_assert_max_num_queries(most_queries):
        again = api.execute(body["query"], body.get("variables"))
    if read != "For You page":  # For You explores: its pages differ by design
        assert again == first
    sent = _hops_of(hops, body, token)
    assert len(sent) <= most_hops, sent
    assert not [hop for hop in sent if "Middleware" in hop], sent


@pytest.mark.django_db(transaction=True)
def test_ten_aliased_videos_answer_each_alias_with_its_own_video(screen):
    token, videos = screen
    data = GraphQLClient(token=token).execute(_aliases(videos)["query"])
    assert [data[f"v{n}"]["caption"] for n in range(10)] == [f"clip {n}" for n in range(10)]
    assert [data[f"v{n}"]["author"]["username"] for n in range(10)] == [f"maker{n}" for n in range(10)]
    assert [data[f"v{n}"]["viewerHasHearted"] for n in range(10)] == [True] + [False] * 9
    assert all(
        sorted(t["name"] for t in data[f"v{n}"]["hashtags"]) == ["topic0", "topic1", "topic2"] for n in range(10)
    )


@pytest.mark.django_db(transaction=True)
def test_batched_aliases_keep_each_videos_visibility_and_their_own_selection(screen, make_published):
    """One batch, but a hidden video is still null, a missing one too, and two selections of
    the same field are two batches that each get what they asked for."""
    token, videos = screen
    private = make_published(videos[0].author, caption="only me", visibility="PRIVATE")
    query = '{ a: video(id: "%s") { caption } b: video(id: "%s") { caption } c: video(id: "%s") { id } ' % (
        global_id(videos[1]),
        global_id(private),
        global_id(videos[2]),
    )
    query += 'd: video(id: "VmlkZW86OTk5OTk5") { caption } }'
    data = GraphQLClient(token=token).execute(query)
    assert data == {"a": {"caption": "clip 1"}, "b": None, "c": {"id": global_id(videos[2])}, "d": None}
    owner = GraphQLClient(token=issue_token(videos[0].author)[0])
    assert owner.execute(query)["b"] == {"caption": "only me"}
