"""Counts and lookups show only what the viewer may see: no private or unreviewed video leaks
through a count, a sound, a hashtag or search."""

import pytest
from strawberry.relay import to_base64

from accounts.services.social_graph import follow
from conftest import global_id
from videos.models import Hashtag, Sound, Video

pytestmark = pytest.mark.django_db

COUNT = '{ user(username: "creator") { videoCount } }'


@pytest.fixture
def shelf(creator, make_published):
    """One published video of each visibility, and one still being reviewed."""
    videos = {
        "public": make_published(creator, "hello #open"),
        "followers": make_published(creator, "friends only #inner", visibility="FOLLOWERS"),
        "private": make_published(creator, "just me #secretplans", visibility="PRIVATE"),
        "in_review": make_published(creator, "pending #pending", status=Video.Status.IN_REVIEW, published_at=None),
    }
    for key, video in videos.items():
        tag = Hashtag.objects.get_or_create(name=video.caption.split("#")[1])[0]
        video.hashtags.add(tag)
        sound = Sound.objects.create(
            fingerprint=key, title=f"original sound - {key}", author=creator, original_video=video
        )
        video.sound = sound
        video.save(update_fields=["sound"])
    return videos


def test_video_count_is_what_the_viewer_may_see(anon, api, user, creator, client_for, shelf):
    assert anon.execute(COUNT)["user"]["videoCount"] == 1
    assert api.execute(COUNT)["user"]["videoCount"] == 1
    follow(user, creator)
    assert api.execute(COUNT)["user"]["videoCount"] == 2
    assert client_for(creator).execute(COUNT)["user"]["videoCount"] == 3  # published, all visibilities


def test_sounds_of_private_and_unreviewed_videos_are_not_nodes(anon, client_for, creator, shelf):
    query = "query($id: ID!) { node(id: $id) { ... on Sound { title author { username } } } }"
    for key in ("private", "in_review", "followers"):
        sound = Sound.objects.get(fingerprint=key)
        assert anon.execute(query, {"id": global_id(sound)})["node"] is None, key
    public = Sound.objects.get(fingerprint="public")
    assert anon.execute(query, {"id": global_id(public)})["node"]["title"] == "original sound - public"
    mine = Sound.objects.get(fingerprint="private")
    assert client_for(creator).execute(query, {"id": global_id(mine)})["node"]["author"] == {"username": "creator"}


def test_sounds_walked_by_sequential_ids_reveal_nothing_hidden(anon, shelf):
    found = []
    for pk in range(1, Sound.objects.order_by("-pk").first().pk + 1):
        node = anon.execute("query($id: ID!) { node(id: $id) { id } }", {"id": to_base64("Sound", pk)})["node"]
        found += [node] if node else []
    assert found == [{"id": global_id(Sound.objects.get(fingerprint="public"))}]


def test_a_sound_whose_first_video_is_gone_stays_while_a_public_video_uses_it(anon, creator, make_published, shelf):
    sound = Sound.objects.get(fingerprint="private")
    shelf["private"].delete()
    query = "query($id: ID!) { node(id: $id) { id } }"
    assert anon.execute(query, {"id": global_id(sound)})["node"] is None
    make_published(creator, "reuse", sound=sound)
    assert anon.execute(query, {"id": global_id(sound)})["node"] == {"id": global_id(sound)}


def test_a_hashtag_only_in_hidden_captions_cannot_be_found(anon, api, client_for, creator, shelf):
    for name in ("secretplans", "pending", "inner"):
        assert anon.execute("query($n: String!) { hashtag(name: $n) { name } }", {"n": name})["hashtag"] is None
        assert anon.execute("query($n: String!) { search(query: $n) { hashtags { name } } }", {"n": name}) == {
            "search": {"hashtags": []}
        }
        tag = Hashtag.objects.get(name=name)
        assert anon.execute("query($id: ID!) { node(id: $id) { id } }", {"id": global_id(tag)})["node"] is None
    assert anon.execute('{ hashtag(name: "open") { name videoCount } }')["hashtag"] == {"name": "open", "videoCount": 1}
    own = client_for(creator).execute(
        "query($id: ID!) { video(id: $id) { hashtags { name } } }", {"id": global_id(shelf["private"])}
    )
    assert own["video"]["hashtags"] == [{"name": "secretplans"}]


def test_search_finds_only_public_published_videos(api, user, creator, shelf):
    follow(user, creator)
    for word in ("friends", "just", "pending"):
        assert api.execute("query($q: String!) { search(query: $q) { videos { id } } }", {"q": word}) == {
            "search": {"videos": []}
        }
    assert api.execute('{ search(query: "hello") { videos { caption } } }')["search"]["videos"] == [
        {"caption": "hello #open"}
    ]


def test_counts_in_search_results_are_the_viewers_too(anon, creator, shelf):
    data = anon.execute('{ search(query: "creator") { users { username videoCount } } }')
    assert data["search"]["users"] == [{"username": "creator", "videoCount": 1}]


NODE = "query($id: ID!) { node(id: $id) { id } }"


def test_a_follow_request_is_its_two_accounts_business(anon, api, user, client_for, no_errors_logged):
    """Issue #21, L1: node(id) of a FollowRequest returned anyone's pending request."""
    from accounts.models import FollowRequest
    from conftest import make_user

    private = make_user("hermit", is_private=True)
    follow(user, private)  # a private account: this asks instead
    request = FollowRequest.objects.get(requester=user, target=private)
    gid = global_id(request)
    assert api.execute(NODE, {"id": gid})["node"] == {"id": gid}
    assert client_for(private).execute(NODE, {"id": gid})["node"] == {"id": gid}
    assert anon.execute(NODE, {"id": gid})["node"] is None
    assert client_for(make_user("nosy")).execute(NODE, {"id": gid})["node"] is None


def test_a_heart_shows_only_where_its_account_shows_hearts(anon, api, user, creator, client_for, shelf,
                                                          no_errors_logged):  # fmt: skip
    """Issue #21, L2: node(id) of a heart ignored heartsPublic, and a heart on a hidden video
    answered a masked error, which told the caller it exists."""
    from conftest import make_user
    from videos.models import Heart

    fan = make_user("fan")
    public, private = (
        to_base64("HeartedVideo", Heart.objects.create(user=fan, video=shelf[key]).pk) for key in ("public", "private")
    )
    stranger = client_for(make_user("stranger"))
    assert stranger.execute(NODE, {"id": public})["node"] is None  # hearts not public
    assert client_for(fan).execute(NODE, {"id": public})["node"] is not None
    type(fan).objects.filter(pk=fan.pk).update(hearts_public=True)
    assert stranger.execute(NODE, {"id": public})["node"] == {"id": public}
    assert anon.execute(NODE, {"id": public})["node"] == {"id": public}
    assert stranger.execute(NODE, {"id": private})["node"] is None  # no error: nothing there
