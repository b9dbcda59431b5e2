import pytest

from accounts.services.social_graph import block, follow
from conftest import global_id, make_user
from videos.models import Hashtag, Heart
from videos.services.comments import add_comment

pytestmark = pytest.mark.django_db

PAGE = """
query($username: String!, $first: Int!) {
  user(username: $username) {
    videoCount heartCount
    videos(first: $first) {
      totalCount
      edges { node {
        id caption heartCount commentCount shareCount viewCount viewerHasHearted createdAt status
        author { username displayName followerCount viewerFollows }
        hashtags { name }
        comments(first: 3) { edges { node { text author { username } } } }
      } }
    }
  }
}
"""
VIDEO = "query($id: ID!) { video(id: $id) { caption } }"


def seed_videos(creator, make_published, count, viewer):
    tags = [Hashtag.objects.create(name=f"tag{i}") for i in range(3)]
    commenters = [make_user(f"commenter{i}") for i in range(4)]
    videos = []
    for i in range(count):
        video = make_published(creator, f"video {i}")
        video.hashtags.set(tags[: i % 3 + 1])
        for commenter in commenters:
            add_comment(commenter, video.pk, f"comment by {commenter.username} on {i}")
        if i % 2:
            Heart.objects.create(user=viewer, video=video)
        videos.append(video)
    return videos


def test_a_page_of_videos_costs_the_same_queries_at_5_and_50(
    api, user, creator, make_published, django_assert_max_num_queries
):
    seed_videos(creator, make_published, 50, user)
    api.execute("{ viewer { id } }")  # first token use writes last_used_at; not part of a page
    counts = {}
    for size in (5, 50):
        # token, user, the page, totalCount, then one prefetch each for authors, hashtags,
        # the first comments of every video, and those comments' authors; and the viewer's
        # keyword filters, once per request (comment lists apply them)
        with django_assert_max_num_queries(9) as captured:
            data = api.execute(PAGE, {"username": "creator", "first": size})["user"]
        edges = data["videos"]["edges"]
        assert len(edges) == size
        assert all(len(e["node"]["comments"]["edges"]) == 3 for e in edges)
        assert all(e["node"]["hashtags"] for e in edges)
        counts[size] = len(captured)
    assert counts[5] == counts[50]
    assert data["videoCount"] == 50
    hearted = {e["node"]["caption"]: e["node"]["viewerHasHearted"] for e in edges}
    assert hearted["video 1"] is True and hearted["video 2"] is False


def test_user_videos_show_the_author_everything_and_others_what_they_may_see(
    api, client_for, user, creator, make_published
):
    make_published(creator, "public")
    make_published(creator, "followers only", visibility="FOLLOWERS")
    make_published(creator, "private", visibility="PRIVATE")
    make_published(creator, "held", status="IN_REVIEW")
    query = '{ user(username: "creator") { videos { edges { node { caption } } } } }'

    def captions(client):
        return {e["node"]["caption"] for e in client.execute(query)["user"]["videos"]["edges"]}

    assert captions(api) == {"public"}
    follow(user, creator)
    assert captions(api) == {"public", "followers only"}
    assert captions(client_for(creator)) == {"public", "followers only", "private", "held"}


def test_video_by_id_respects_visibility_and_blocks(api, anon, user, creator, make_published):
    public = make_published(creator, "public")
    private = make_published(creator, "private", visibility="PRIVATE")
    assert anon.execute(VIDEO, {"id": global_id(public)})["video"] == {"caption": "public"}
    assert api.execute(VIDEO, {"id": global_id(private)})["video"] is None
    assert api.errors(VIDEO, {"id": "not-an-id"})[0]["extensions"] == {
        "code": "INVALID_ID",
        "field": "id",
        "classification": "BAD_USER_INPUT",
    }
    block(user, creator)
    assert api.execute(VIDEO, {"id": global_id(public)})["video"] is None
    assert api.execute("query($id: ID!) { node(id: $id) { id } }", {"id": global_id(public)})["node"] is None


def test_hashtag_page(anon, creator, make_published):
    video = make_published(creator, "pasta #food")
    hidden = make_published(creator, "secret #food", visibility="PRIVATE")
    tag = Hashtag.objects.create(name="food")
    video.hashtags.add(tag)
    hidden.hashtags.add(tag)
    data = anon.execute('{ hashtag(name: "#Food") { name videoCount videos { edges { node { caption } } } } }')
    assert data["hashtag"] == {
        "name": "food",
        "videoCount": 1,
        "videos": {"edges": [{"node": {"caption": "pasta #food"}}]},
    }
    assert anon.execute('{ hashtag(name: "nothing") { name } }')["hashtag"] is None


def test_search_finds_accounts_hashtags_and_captions(anon, creator, make_published):
    make_user("pastaqueen", display_name="Queen of Pasta")
    tag = Hashtag.objects.create(name="pastalover")
    make_published(creator, "Fresh pasta in five minutes").hashtags.add(tag)
    Hashtag.objects.create(name="pastaunused")  # on no video anyone may see: not found
    make_published(creator, "pasta secret", visibility="PRIVATE")
    data = anon.execute('{ search(query: "pasta") { users { username } hashtags { name } videos { caption } } }')
    assert data["search"] == {
        "users": [{"username": "pastaqueen"}],
        "hashtags": [{"name": "pastalover"}],
        "videos": [{"caption": "Fresh pasta in five minutes"}],
    }


def test_search_with_no_words_finds_nothing(anon):
    assert anon.execute('{ search(query: "  ") { users { id } hashtags { id } videos { id } } }')["search"] == {
        "users": [],
        "hashtags": [],
        "videos": [],
    }


def test_search_costs_one_query_per_group(anon, creator, make_published, django_assert_max_num_queries):
    for i in range(20):
        make_published(creator, f"pasta number {i}").hashtags.add(Hashtag.objects.get_or_create(name=f"p{i}")[0])
    with django_assert_max_num_queries(5):
        data = anon.execute(
            '{ search(query: "pasta", first: 20) { videos { caption author { username } hashtags { name } } } }'
        )
    assert len(data["search"]["videos"]) == 20


def test_authors_delete_their_videos_others_cannot(api, client_for, user, creator, make_published):
    video = make_published(creator, "mine")
    delete = "mutation($id: ID!) { deleteVideo(input: {videoId: $id}) { deletedId errors { code } } }"
    assert api.execute(delete, {"id": global_id(video)})["deleteVideo"]["errors"] == [{"code": "PERMISSION_DENIED"}]
    assert client_for(creator).execute(delete, {"id": global_id(video)})["deleteVideo"] == {
        "deletedId": global_id(video),
        "errors": [],
    }
    assert api.execute(VIDEO, {"id": global_id(video)})["video"] is None
