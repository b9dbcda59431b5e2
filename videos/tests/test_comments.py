import pytest

from accounts.services.social_graph import block
from conftest import global_id, make_user
from videos.models import Comment

pytestmark = pytest.mark.django_db

ADD = """
mutation($video: ID!, $text: String!, $parent: ID) {
  addComment(input: {videoId: $video, text: $text, parentId: $parent}) {
    comment { id text replyCount parent { id } author { username } }
    errors { field code message }
  }
}
"""
DELETE = "mutation($id: ID!) { deleteComment(input: {commentId: $id}) { deletedId errors { code } } }"
THREAD = """
query($id: ID!) {
  video(id: $id) {
    commentCount
    comments(first: 10) { edges { node { text replyCount replies(first: 10) { edges { node { text } } } } } }
  }
}
"""


@pytest.fixture
def video(creator, make_published):
    return make_published(creator, "comment on me")


def add(client, video, text, parent=None):
    variables = {"video": global_id(video), "text": text, "parent": parent}
    return client.execute(ADD, variables)["addComment"]


def test_comments_and_replies_thread_newest_first(api, client_for, creator, video):
    first = add(api, video, "first!")["comment"]
    add(api, video, "second")
    reply = add(client_for(creator), video, "thanks", parent=first["id"])
    assert reply["comment"]["parent"] == {"id": first["id"]}
    nested = add(api, video, "reply to a reply", parent=reply["comment"]["id"])
    assert nested["comment"]["parent"] == {"id": first["id"]}  # threads stay one level deep

    data = api.execute(THREAD, {"id": global_id(video)})["video"]
    assert data["commentCount"] == 4
    top = [edge["node"] for edge in data["comments"]["edges"]]
    assert [c["text"] for c in top] == ["second", "first!"]
    assert top[1]["replyCount"] == 2
    assert [e["node"]["text"] for e in top[1]["replies"]["edges"]] == ["reply to a reply", "thanks"]


@pytest.mark.parametrize(("text", "code"), [("", "REQUIRED"), ("   ", "REQUIRED"), ("x" * 501, "TOO_LONG")])
def test_comment_text_is_validated(api, video, text, code):
    error = add(api, video, text)["errors"][0]
    assert (error["field"], error["code"]) == ("text", code) and error["message"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize("blocker", ["author", "commenter"])
def test_blocked_accounts_cannot_comment_on_each_others_videos(api, user, creator, video, blocker):
    if blocker == "author":
        block(creator, user)
    else:
        block(user, creator)
    # the video is hidden across a block, whichever side made it
    assert add(api, video, "hello?")["errors"][0]["code"] == "NOT_FOUND"
    assert not Comment.objects.exists()


def test_cannot_reply_across_a_block(api, client_for, user, creator, video):
    bystander = make_user("bystander")
    parent = add(client_for(bystander), video, "hot take")["comment"]
    block(bystander, user)
    assert add(api, video, "reply", parent=parent["id"])["errors"][0]["code"] == "PERMISSION_DENIED"


def test_anonymous_visitors_cannot_comment(anon, video):
    assert add(anon, video, "hi")["errors"][0]["code"] == "UNAUTHENTICATED"


def test_comment_author_and_video_author_may_delete_others_may_not(api, client_for, creator, video):
    mine = add(api, video, "mine")["comment"]
    theirs = add(client_for(make_user("stranger")), video, "theirs")["comment"]
    assert api.execute(DELETE, {"id": theirs["id"]})["deleteComment"]["errors"] == [{"code": "PERMISSION_DENIED"}]
    assert api.execute(DELETE, {"id": mine["id"]})["deleteComment"] == {"deletedId": mine["id"], "errors": []}
    assert client_for(creator).execute(DELETE, {"id": theirs["id"]})["deleteComment"]["errors"] == []
    video.refresh_from_db()
    assert video.comment_count == 0 and not Comment.objects.exists()


def test_deleting_a_thread_removes_its_replies_and_fixes_counts(api, client_for, creator, video):
    top = add(api, video, "top")["comment"]
    reply = add(client_for(creator), video, "reply", parent=top["id"])["comment"]
    add(api, video, "reply 2", parent=top["id"])
    api.execute(DELETE, {"id": reply["id"]})  # not mine: refused
    client_for(creator).execute(DELETE, {"id": reply["id"]})
    assert Comment.objects.get(text="top").reply_count == 1
    api.execute(DELETE, {"id": top["id"]})
    video.refresh_from_db()
    assert video.comment_count == 0 and not Comment.objects.exists()


def test_comments_of_blocked_accounts_are_hidden_from_the_blocker(api, client_for, user, video):
    troll = make_user("troll")
    add(client_for(troll), video, "rude")
    add(api, video, "nice")
    block(user, troll)
    edges = api.execute(THREAD, {"id": global_id(video)})["video"]["comments"]["edges"]
    assert [e["node"]["text"] for e in edges] == ["nice"]


def test_comments_on_videos_you_cannot_see_are_refused(api, creator, make_published):
    private = make_published(creator, "private", visibility="PRIVATE")
    assert add(api, private, "peek")["errors"][0] == {
        "field": "videoId",
        "code": "NOT_FOUND",
        "message": "No such video.",
    }


@pytest.mark.django_db(transaction=True)
def test_deleting_a_thread_and_its_reply_at_once_never_deadlocks(make_published):
    import threading

    from django.db import connection

    from accounts.models import User
    from conftest import make_user
    from videos.models import Comment, Video
    from videos.services.comments import add_comment, delete_comment

    author, fan = make_user("author"), make_user("fan")
    video = make_published(author, "hot take")
    failures = []

    def run(action, *args):
        try:
            barrier.wait()
            action(*args)
        except Exception as exc:  # NOT_FOUND is fine (the reply went with its thread); nothing else is
            if "No such comment" not in str(exc):
                failures.append(exc)
        finally:
            connection.close()

    for _ in range(30):
        top = add_comment(author, video.pk, "first")
        reply = add_comment(fan, video.pk, "a reply", parent_id=top.pk)
        barrier = threading.Barrier(3)
        threads = [
            threading.Thread(target=run, args=(delete_comment, author, top.pk)),
            threading.Thread(target=run, args=(delete_comment, fan, reply.pk)),
            threading.Thread(target=run, args=(add_comment, fan, video.pk, "another", top.pk)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    video.refresh_from_db()
    assert video.comment_count == Comment.objects.filter(video=video).count() == 0
    assert User.objects.count() == 2 and Video.objects.count() == 1
