"""Editing a post: a typo in a caption no longer costs the post and its engagement."""

import pytest

from conftest import global_id, make_user
from videos.models import Heart, ModerationDecision, PolicyTerm, Video

UPDATE = """mutation($input: UpdateVideoInput!) { updateVideo(input: $input) {
  video { caption visibility status hashtags { name } heartCount } errors { field code }
} }"""
SEE = "query($id: ID!) { video(id: $id) { caption } }"


@pytest.fixture
def post(user, make_published):
    video = make_published(user, "My frist dance #dnace", heart_count=1)
    Heart.objects.create(user=make_user("fan"), video=video)
    return video


def edit(client, video, **fields):
    return client.execute(UPDATE, {"input": {"videoId": global_id(video), **fields}})["updateVideo"]


def test_fixing_a_caption_retags_the_video_and_keeps_its_engagement(api, post):
    edited = edit(api, post, caption="My first dance #dance @fan")
    assert edited["errors"] == []
    assert edited["video"]["caption"] == "My first dance #dance @fan"
    assert edited["video"]["hashtags"] == [{"name": "dance"}]
    assert edited["video"]["status"] == "PUBLISHED" and edited["video"]["heartCount"] == 1
    post.refresh_from_db()
    assert [user.username for user in post.mentions.all()] == ["fan"]
    assert Heart.objects.filter(video=post).count() == 1


def test_every_edit_is_in_the_audit_trail(api, post):
    edit(api, post, caption="My first dance", visibility="FOLLOWERS")
    decision = ModerationDecision.objects.get(video=post, action="EDITED")
    assert "caption: “My frist dance #dnace” → “My first dance”" in decision.reason
    assert "visibility: PUBLIC → FOLLOWERS" in decision.reason


def test_making_a_post_followers_only_hides_it_from_strangers_at_once(api, anon, post):
    assert anon.execute(SEE, {"id": global_id(post)})["video"] is not None
    assert edit(api, post, visibility="FOLLOWERS")["video"]["visibility"] == "FOLLOWERS"
    assert anon.execute(SEE, {"id": global_id(post)})["video"] is None


def test_a_caption_that_now_needs_a_human_look_sends_the_post_back_to_review(api, post):
    PolicyTerm.objects.create(term="giveaway")
    edited = edit(api, post, caption="Huge giveaway, follow me!")
    assert edited["video"]["status"] == "IN_REVIEW"
    post.refresh_from_db()
    assert "giveaway" in post.rejection_reasons[0]
    assert ModerationDecision.objects.filter(video=post, action="SENT_TO_REVIEW").exists()


def test_only_the_author_may_edit_and_others_learn_nothing_new(client_for, post, make_published):
    stranger = client_for(make_user("stranger"))
    assert edit(stranger, post, caption="mine now")["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]
    private = make_published(post.author, "secret", visibility="PRIVATE")
    assert edit(stranger, private, caption="x")["errors"] == [{"field": "videoId", "code": "NOT_FOUND"}]
    post.refresh_from_db()
    assert post.caption == "My frist dance #dnace"


def test_a_removed_post_cannot_be_edited_and_bad_input_changes_nothing(api, post, settings):
    too_long = "x" * (settings.CAPTION_MAX_LENGTH + 1)
    assert edit(api, post, caption=too_long)["errors"] == [{"field": "caption", "code": "TOO_LONG"}]
    Video.objects.filter(pk=post.pk).update(status=Video.Status.REMOVED)
    assert edit(api, post, caption="fixed")["errors"] == [{"field": "videoId", "code": "INVALID_STATE"}]
    post.refresh_from_db()
    assert post.caption == "My frist dance #dnace"
    assert not ModerationDecision.objects.filter(video=post, action="EDITED").exists()


def test_edits_are_rate_limited_and_a_refused_edit_changes_nothing(api, post, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "edit": {"account": "1/h"}}
    assert edit(api, post, caption="once")["errors"] == []
    assert edit(api, post, caption="twice")["errors"] == [{"field": None, "code": "RATE_LIMITED"}]
    post.refresh_from_db()
    assert post.caption == "once"
