"""Collections of saved videos: private to their owner, kept apart from what they may no
longer see, in constant queries."""

import pytest

from accounts.services.social_graph import block
from conftest import global_id, make_user
from videos.models import Collection, SavedVideo

CREATE = "mutation($name: String!) { createCollection(input: {name: $name}) { collection { id name } errors { field code } } }"  # noqa: E501
ADD = """mutation($c: ID!, $v: ID!) { addToCollection(input: {collectionId: $c, videoId: $v}) {
  collection { videoCount } errors { field code } } }"""
REMOVE = """mutation($c: ID!, $v: ID!) { removeFromCollection(input: {collectionId: $c, videoId: $v}) {
  collection { videoCount } errors { field code } } }"""
RENAME = """mutation($c: ID!, $name: String!) { renameCollection(input: {collectionId: $c, name: $name}) {
  collection { name } errors { field code } } }"""
DELETE = "mutation($c: ID!) { deleteCollection(input: {collectionId: $c}) { deletedId errors { field code } } }"
MINE = """query($first: Int!) { viewer { collections(first: $first) { edges { node {
  name videoCount videos(first: 5) { edges { node { video { caption } } } } } } } } }"""


def _create(client, name: str) -> str:
    return client.execute(CREATE, {"name": name})["createCollection"]["collection"]["id"]


def _mine(client, first: int = 10) -> dict[str, list[str]]:
    edges = client.execute(MINE, {"first": first})["viewer"]["collections"]["edges"]
    return {e["node"]["name"]: [v["node"]["video"]["caption"] for v in e["node"]["videos"]["edges"]] for e in edges}


def test_a_collection_keeps_saved_videos_under_a_name(api, user, make_published):
    recipes = _create(api, "Recipes to try")
    soup, cake = make_published(make_user("chef"), "soup"), make_published(make_user("baker"), "cake")
    for video in (soup, cake, cake):  # adding twice changes nothing
        assert api.execute(ADD, {"c": recipes, "v": global_id(video)})["addToCollection"]["errors"] == []
    assert _mine(api) == {"Recipes to try": ["cake", "soup"]}
    assert SavedVideo.objects.filter(user=user).count() == 2  # putting it in a collection saved it
    assert api.execute(REMOVE, {"c": recipes, "v": global_id(soup)})["removeFromCollection"]["collection"] == {
        "videoCount": 1
    }
    assert SavedVideo.objects.filter(user=user, video=soup).exists()  # still saved
    assert api.execute(RENAME, {"c": recipes, "name": "  Baking  "})["renameCollection"]["collection"] == {
        "name": "Baking"
    }
    assert api.execute(DELETE, {"c": recipes})["deleteCollection"]["errors"] == []
    assert _mine(api) == {} and SavedVideo.objects.filter(user=user).count() == 2


def test_names_are_unique_per_owner_and_bounded(api, client_for, settings):
    _create(api, "Dance")
    taken = api.execute(CREATE, {"name": "dance"})["createCollection"]["errors"]
    assert taken == [{"field": "name", "code": "TAKEN"}]
    assert client_for(make_user("other")).execute(CREATE, {"name": "Dance"})["createCollection"]["errors"] == []
    assert api.execute(CREATE, {"name": " "})["createCollection"]["errors"] == [{"field": "name", "code": "REQUIRED"}]
    assert api.execute(CREATE, {"name": "x" * 51})["createCollection"]["errors"] == [
        {"field": "name", "code": "TOO_LONG"}
    ]
    settings.COLLECTIONS_MAX = 1
    assert api.execute(CREATE, {"name": "More"})["createCollection"]["errors"] == [
        {"field": "name", "code": "TOO_LARGE"}
    ]


def test_someone_elses_collection_is_not_found_and_never_shown(api, user, client_for, make_published):
    mine = _create(api, "Mine")
    stranger = client_for(make_user("stranger"))
    video = make_published(make_user("poster"), "clip")
    for mutation, variables in ((ADD, {"c": mine, "v": global_id(video)}), (RENAME, {"c": mine, "name": "x"}),
                                (DELETE, {"c": mine})):  # fmt: skip
        [errors] = [payload["errors"] for payload in stranger.execute(mutation, variables).values()]
        assert errors == [{"field": "collectionId", "code": "NOT_FOUND"}]
    assert stranger.execute('{ node(id: "%s") { id } }' % mine)["node"] is None
    query = '{ user(username: "viewer") { collections(first: 5) { edges { node { name } } } } }'
    assert stranger.execute(query)["user"]["collections"]["edges"] == []
    assert Collection.objects.get().name == "Mine"


def test_a_video_one_may_no_longer_see_drops_out_of_the_collection(api, user, make_published):
    poster = make_user("poster")
    shelf = _create(api, "Shelf")
    for caption in ("stays", "goes"):
        api.execute(
            ADD, {"c": shelf, "v": global_id(make_published(poster if caption == "goes" else make_user("x"), caption))}
        )
    block(poster, user)
    assert _mine(api) == {"Shelf": ["stays"]}


@pytest.mark.parametrize("page", [5, 50])
def test_collections_take_constant_queries(api, user, make_published, page, django_assert_max_num_queries):
    videos = [make_published(make_user(f"poster{n}"), f"clip {n}") for n in range(3)]
    for n in range(page):
        collection = Collection.objects.create(user=user, name=f"list {n}")
        for video in videos:
            saved, _ = SavedVideo.objects.get_or_create(user=user, video=video)
            collection.entries.create(saved=saved)
    with django_assert_max_num_queries(8):
        assert len(_mine(api, page)) == page


def test_collection_changes_are_rate_limited_and_a_refused_one_changes_nothing(api, settings):
    shelf = _create(api, "Shelf")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "save": {"account": "3/h"}}  # creating was one
    answers = [api.execute(RENAME, {"c": shelf, "name": f"Shelf {n}"})["renameCollection"] for n in range(3)]
    assert [answer["errors"] for answer in answers[:2]] == [[], []]
    assert answers[2]["errors"] == [{"field": None, "code": "RATE_LIMITED"}]
    assert Collection.objects.get().name == "Shelf 1"
