"""Idempotency keys: a phone that retries a mutation on a flaky network gets it carried out
once, with the first attempt's answer, even when both copies arrive at the same moment."""

import threading
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from accounts.models import Follow
from accounts.services.tokens import issue_token
from conftest import global_id, make_user
from platform.models import IdempotentRequest
from platform.worker import forget_old_retry_keys
from videos.models import Comment, Heart

COMMENT = """mutation($input: AddCommentInput!) {
  addComment(input: $input) { comment { id text } errors { field code } }
}"""
SHARE = """mutation($input: VideoInput!) {
  shareVideo(input: $input) { video { shareCount } errors { field code } }
}"""
HEART = """mutation($input: VideoInput!) {
  heartVideo(input: $input) { video { heartCount viewerHasHearted } errors { code } }
}"""
UNHEART = "mutation($input: VideoInput!) { unheartVideo(input: $input) { video { heartCount } errors { code } } }"
FOLLOW = "mutation($input: FollowInput!) { follow(input: $input) { user { followerCount } errors { code } } }"
UNFOLLOW = "mutation($input: FollowInput!) { unfollow(input: $input) { errors { code } } }"


@pytest.fixture
def video(db, make_published):
    return make_published(make_user("author"), "retry me")


def comment_on(video, text="hello", key="k-1"):
    return {"input": {"videoId": global_id(video), "text": text, "idempotencyKey": key}}


def test_a_retried_comment_is_posted_once_and_both_attempts_get_the_same_comment(api, video):
    first = api.execute(COMMENT, comment_on(video))["addComment"]
    again = api.execute(COMMENT, comment_on(video))["addComment"]

    assert first["errors"] == [] and again == first
    assert Comment.objects.filter(video=video).count() == 1
    video.refresh_from_db()
    assert video.comment_count == 1


def test_without_a_key_or_with_new_keys_each_request_acts(api, video):
    api.execute(COMMENT, {"input": {"videoId": global_id(video), "text": "one"}})
    api.execute(COMMENT, {"input": {"videoId": global_id(video), "text": "one"}})
    api.execute(COMMENT, comment_on(video, key="a"))
    api.execute(COMMENT, comment_on(video, key="b"))
    assert Comment.objects.filter(video=video).count() == 4


def test_a_retried_share_counts_once(anon, video):
    counts = [anon.execute(SHARE, {"input": {"videoId": global_id(video), "idempotencyKey": "s"}}) for _ in range(3)]
    assert [c["shareVideo"]["video"]["shareCount"] for c in counts] == [1, 1, 1]
    video.refresh_from_db()
    assert video.share_count == 1


def test_a_key_sent_again_with_other_input_is_refused_and_changes_nothing(api, video):
    api.execute(COMMENT, comment_on(video, text="first"))
    reused = api.execute(COMMENT, comment_on(video, text="second"))["addComment"]
    assert reused == {"comment": None, "errors": [{"field": "idempotencyKey", "code": "IDEMPOTENCY_KEY_REUSED"}]}
    assert list(Comment.objects.values_list("text", flat=True)) == ["first"]


def test_a_retry_after_an_unheart_does_not_heart_again(api, user, video):
    heart = {"input": {"videoId": global_id(video), "idempotencyKey": "heart-1"}}
    api.execute(HEART, heart)
    api.execute(UNHEART, {"input": {"videoId": global_id(video), "idempotencyKey": "unheart-1"}})
    retried = api.execute(HEART, heart)["heartVideo"]
    # the answer is the first attempt's, read afresh: today's counts
    assert retried["video"] == {"heartCount": 0, "viewerHasHearted": False}
    assert not Heart.objects.filter(user=user, video=video).exists()


def test_a_refused_attempt_does_not_use_up_its_key(api, video):
    refused = api.execute(COMMENT, comment_on(video, text="   "))["addComment"]
    assert refused["errors"][0]["code"] == "REQUIRED"
    posted = api.execute(COMMENT, comment_on(video, text="fixed"))["addComment"]
    assert posted["errors"] == [] and posted["comment"]["text"] == "fixed"


def test_keys_belong_to_one_account(client_for, video):
    for name in ("ana", "ben"):
        client_for(make_user(name)).execute(COMMENT, comment_on(video, key="same"))
    assert Comment.objects.filter(video=video).count() == 2


def test_a_retried_follow_after_an_unfollow_stays_unfollowed(api, user):
    star = make_user("star")
    follow = {"input": {"userId": global_id(star), "idempotencyKey": "f-1"}}
    api.execute(FOLLOW, follow)
    api.execute(UNFOLLOW, {"input": {"userId": global_id(star)}})
    assert api.execute(FOLLOW, follow)["follow"]["errors"] == []
    assert not Follow.objects.filter(follower=user, followee=star).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.live
def test_two_copies_arriving_together_post_one_comment(live_server_process, make_published):
    video = make_published(make_user("author"), "race")
    token = issue_token(make_user("phone"))[0]
    answers, start = [], threading.Barrier(8)

    def send():
        start.wait()
        response = httpx.post(
            f"{live_server_process.url}/graphql",
            json={"query": COMMENT, "variables": comment_on(video, key="race-1")},
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
        answers.append(response.json()["data"]["addComment"])

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Comment.objects.filter(video=video).count() == 1
    assert len({answer["comment"]["id"] for answer in answers}) == 1
    assert all(answer["errors"] == [] for answer in answers)


def test_keys_are_forgotten_after_their_retention_and_the_rest_kept(api, video, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    api.execute(COMMENT, comment_on(video, key="old"))
    api.execute(COMMENT, comment_on(video, key="new"))
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert forget_old_retry_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


def test_an_anonymous_key_never_fails_a_mutation_when_no_session_may_be_made(anon, video, settings):
    # anonymous keys belong to a session; past the new-session limit the share runs keyless
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "session": {"address": "0/h"}}
    shared = anon.execute(SHARE, {"input": {"videoId": global_id(video), "idempotencyKey": "s"}})["shareVideo"]
    assert shared == {"video": {"shareCount": 1}, "errors": []}


SAVE = "mutation($input: VideoInput!) { saveVideo(input: $input) { video { caption visibility } errors { code } } }"


@pytest.mark.parametrize(("mutation", "field"), [(HEART, "heartVideo"), (SAVE, "saveVideo")])
def test_a_replay_reads_its_objects_as_the_viewer_is_now(api, user, video, mutation, field):
    """Issue #21, M1: after the owner made the video private and blocked the replayer, a replay
    of their key answered the new caption, visibility and counts for the key's 24 h."""
    from accounts.services.social_graph import block

    variables = {"input": {"videoId": global_id(video), "idempotencyKey": f"{field}-1"}}
    assert api.execute(mutation, variables)[field]["video"] is not None
    video.caption, video.visibility = "now a secret", "PRIVATE"
    video.save(update_fields=["caption", "visibility"])
    block(video.author, user)
    replayed = api.execute(mutation, variables)[field]
    assert replayed == {"video": None, "errors": []}
