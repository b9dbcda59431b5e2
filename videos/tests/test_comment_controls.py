"""What creators control about comments (who may comment, a pinned comment, deleting any
comment on their video) and hearts on comments, over the API."""

import threading

import pytest
from django.db import connection

from accounts.services.mutes import mute
from accounts.services.social_graph import block, follow
from conftest import global_id, make_user
from videos.models import Comment, CommentHeart
from videos.services import comment_controls
from videos.services.comments import add_comment

pytestmark = pytest.mark.django_db

ADD = """mutation($video: ID!, $text: String!) {
  addComment(input: {videoId: $video, text: $text}) { comment { id } errors { field code message } }
}"""
SET_POLICY = """mutation($video: ID!, $policy: CommentPolicy!) {
  updateVideo(input: {videoId: $video, commentPolicy: $policy}) { video { commentPolicy } errors { code } }
}"""
CAN = "query($id: ID!) { video(id: $id) { viewerCanComment } }"
PIN = """mutation($video: ID!, $comment: ID) {
  pinComment(input: {videoId: $video, commentId: $comment}) {
    video { pinnedComment { text } } errors { field code }
  }
}"""
PINNED = "query($id: ID!) { video(id: $id) { pinnedComment { text } } }"
HEART = """mutation($id: ID!) {
  heartComment(input: {commentId: $id}) { comment { heartCount viewerHasHearted } errors { field code } }
}"""
UNHEART = """mutation($id: ID!) {
  unheartComment(input: {commentId: $id}) { comment { heartCount viewerHasHearted } errors { field code } }
}"""
TOP = """query($id: ID!, $first: Int!) { video(id: $id) {
  topComments(first: $first) { edges { node { text heartCount replyCount viewerHasHearted author { username } } } }
} }"""
DELETE = "mutation($id: ID!) { deleteComment(input: {commentId: $id}) { errors { code } } }"


@pytest.fixture
def video(creator, make_published):
    return make_published(creator, "talk to me")


def _comment(client, video, text="hi"):
    return client.execute(ADD, {"video": global_id(video), "text": text})["addComment"]


def test_comments_for_followers_only_or_nobody(api, client_for, user, creator, video):
    as_creator = client_for(creator)
    assert as_creator.execute(SET_POLICY, {"video": global_id(video), "policy": "FOLLOWERS"})["updateVideo"] == {
        "video": {"commentPolicy": "FOLLOWERS"},
        "errors": [],
    }
    refused = _comment(api, video)
    assert refused["comment"] is None
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED" and "followers" in refused["errors"][0]["message"]
    assert api.execute(CAN, {"id": global_id(video)})["video"]["viewerCanComment"] is False
    follow(user, creator)
    assert api.execute(CAN, {"id": global_id(video)})["video"]["viewerCanComment"] is True
    assert _comment(api, video)["errors"] == []

    as_creator.execute(SET_POLICY, {"video": global_id(video), "policy": "NOBODY"})
    assert _comment(api, video)["errors"][0]["code"] == "PERMISSION_DENIED"
    assert _comment(as_creator, video)["errors"] == []  # the author always may
    assert Comment.objects.filter(author=user).count() == 1


def test_new_videos_take_the_authors_default_comment_setting(client_for, creator):
    as_creator = client_for(creator)
    query = """mutation { updateProfile(input: {defaultCommentPolicy: FOLLOWERS}) {
      user { defaultCommentPolicy } errors { code } } }"""
    assert as_creator.execute(query)["updateProfile"] == {"user": {"defaultCommentPolicy": "FOLLOWERS"}, "errors": []}
    creator.refresh_from_db()
    assert creator.default_comment_policy == "FOLLOWERS"
    # others never see the setting
    other = client_for(make_user("other"))
    assert other.execute('{ user(username: "creator") { defaultCommentPolicy } }')["user"] == {
        "defaultCommentPolicy": None
    }


def test_only_the_author_pins_a_top_level_comment_of_their_own_video(api, client_for, user, creator, video):
    comment = Comment.objects.get(pk=_node_pk(_comment(api, video, "pin me")["comment"]["id"]))
    reply = add_comment(creator, video.pk, "a reply", parent_id=comment.pk)
    as_creator = client_for(creator)
    refused = api.execute(PIN, {"video": global_id(video), "comment": global_id(comment)})["pinComment"]
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"
    bad = as_creator.execute(PIN, {"video": global_id(video), "comment": global_id(reply)})["pinComment"]
    assert bad["errors"] == [{"field": "commentId", "code": "NOT_FOUND"}]
    pinned = as_creator.execute(PIN, {"video": global_id(video), "comment": global_id(comment)})["pinComment"]
    assert pinned == {"video": {"pinnedComment": {"text": "pin me"}}, "errors": []}
    # a viewer who muted the comment's author does not see it pinned; others do
    viewer = make_user("muter")
    mute(viewer, user)
    assert client_for(viewer).execute(PINNED, {"id": global_id(video)})["video"]["pinnedComment"] is None
    assert api.execute(PINNED, {"id": global_id(video)})["video"]["pinnedComment"] == {"text": "pin me"}
    unpinned = as_creator.execute(PIN, {"video": global_id(video), "comment": None})["pinComment"]
    assert unpinned == {"video": {"pinnedComment": None}, "errors": []}


def test_the_videos_author_deletes_any_comment_on_it_and_nobody_else_does(api, client_for, user, creator, video):
    comment_id = _comment(client_for(make_user("rude")), video, "rude")["comment"]["id"]
    assert api.execute(DELETE, {"id": comment_id})["deleteComment"]["errors"][0]["code"] == "PERMISSION_DENIED"
    assert client_for(creator).execute(DELETE, {"id": comment_id})["deleteComment"]["errors"] == []
    assert not Comment.objects.exists()


def test_hearting_a_comment_is_idempotent_and_counted_once(api, video, creator):
    comment = add_comment(creator, video.pk, "heart me")
    for _ in range(2):
        answer = api.execute(HEART, {"id": global_id(comment)})["heartComment"]
        assert answer == {"comment": {"heartCount": 1, "viewerHasHearted": True}, "errors": []}
    for _ in range(2):
        answer = api.execute(UNHEART, {"id": global_id(comment)})["unheartComment"]
        assert answer == {"comment": {"heartCount": 0, "viewerHasHearted": False}, "errors": []}


def test_a_comment_the_viewer_may_not_see_cannot_be_hearted(api, user, creator, make_published):
    hidden = make_published(creator, "followers only", visibility="FOLLOWERS")
    comment = add_comment(creator, hidden.pk, "secret")
    assert api.execute(HEART, {"id": global_id(comment)})["heartComment"]["errors"] == [
        {"field": "commentId", "code": "NOT_FOUND"}
    ]
    troll = make_user("troll")
    public = make_published(creator, "public")
    trolling = add_comment(troll, public.pk, "hello")
    block(user, troll)
    assert api.execute(HEART, {"id": global_id(trolling)})["heartComment"]["errors"][0]["code"] == "NOT_FOUND"
    assert not CommentHeart.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_comment_hearts_keep_the_count_equal_to_the_rows(make_published):
    author = make_user("author")
    comment = add_comment(author, make_published(author, "viral").pk, "first")
    fans = [make_user(f"fan{i}") for i in range(8)]
    toggler = make_user("toggler")
    barrier = threading.Barrier(len(fans) + 6)

    def run(action, who):
        try:
            barrier.wait()
            action(who, comment.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(comment_controls.heart_comment, fan)) for fan in fans]
    threads += [
        threading.Thread(
            target=run, args=(comment_controls.heart_comment if i % 2 else comment_controls.unheart_comment, toggler)
        )
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    comment.refresh_from_db()
    assert comment.heart_count == CommentHeart.objects.filter(comment=comment).count()


def test_top_comments_are_most_hearted_then_most_answered_and_cost_the_same_queries_at_5_and_50(
    api, user, creator, video, django_assert_max_num_queries
):
    comments = [add_comment(make_user(f"c{i}"), video.pk, f"comment {i}") for i in range(50)]
    fans = [make_user(f"fan{i}") for i in range(3)]
    for fan in fans:
        comment_controls.heart_comment(fan, comments[10].pk)
    comment_controls.heart_comment(fans[0], comments[20].pk)
    add_comment(creator, video.pk, "an answer", parent_id=comments[30].pk)
    api.execute(TOP, {"id": global_id(video), "first": 1})  # warm: the token's first use is recorded once
    counts = {}
    for size in (5, 50):
        with django_assert_max_num_queries(10) as captured:
            edges = api.execute(TOP, {"id": global_id(video), "first": size})["video"]["topComments"]["edges"]
        assert len(edges) == size
        counts[size] = len(captured)
    assert counts[5] == counts[50]
    texts = [edge["node"]["text"] for edge in edges]
    assert texts[:4] == ["comment 10", "comment 20", "comment 30", "comment 49"]


def _node_pk(global_id_value: str) -> int:
    from strawberry.relay import GlobalID

    return int(GlobalID.from_id(global_id_value).node_id)
