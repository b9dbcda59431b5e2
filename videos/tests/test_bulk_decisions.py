"""Issue #23: a moderator's bulk decision changes every selected video in one statement, and
still does everything a single decision does: the authors hear, the counts viewers see drop,
open live streams check again, and the audit trail has one line per video."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from notifications.models import NotificationGroup
from platform.events import recorded
from videos.events import VideosAudienceChanged, VideosReviewed
from videos.models import ModerationDecision, Video
from videos.services import moderation
from videos.services.pipeline import tag_from_caption

pytestmark = pytest.mark.django_db

COUNTS = """
query($a: String!, $b: String!) {
  a: user(username: $a) { videoCount }
  b: user(username: $b) { videoCount }
  hashtag(name: "dance") { videoCount }
}
"""


@pytest.fixture
def moderator():
    return make_user("mod", is_staff=True, is_superuser=True)


@pytest.fixture
def scene(make_published):
    ana, ben = make_user("ana"), make_user("ben")
    videos = {}
    for author, name in ((ana, "a1"), (ana, "a2"), (ben, "b1"), (ben, "b2")):
        videos[name] = make_published(author, f"{name} #dance")
        tag_from_caption(videos[name])
    return ana, ben, videos


def _told(author) -> list[str]:
    groups = NotificationGroup.objects.filter(recipient=author, kind="REVIEW")
    return list(groups.order_by("video_id").values_list("text", flat=True))


def _counts(anon) -> tuple[int, int, int]:
    data = anon.execute(COUNTS, {"a": "ana", "b": "ben"})
    tag = data["hashtag"] or {"videoCount": 0}  # a tag with nothing to show is not shown
    return data["a"]["videoCount"], data["b"]["videoCount"], tag["videoCount"]


def test_a_bulk_removal_does_what_single_removals_do(anon, moderator, scene):
    ana, ben, videos = scene
    assert _counts(anon) == (2, 2, 4)

    with recorded(VideosAudienceChanged, VideosReviewed) as single:
        moderation.remove(videos["a1"], moderator, "Spam.")
    assert _counts(anon) == (1, 2, 3)
    assert _told(ana) == ["A moderator removed your video. Spam."]

    staff = Client()
    staff.force_login(moderator)
    selected = [videos[name].pk for name in ("a2", "b1", "b2")]
    with recorded(VideosAudienceChanged, VideosReviewed) as bulk:
        staff.post(
            reverse("admin:videos_video_changelist"),
            {"action": "remove", "_selected_action": selected, "reason": "Spam."},
        )

    assert set(Video.objects.filter(pk__in=selected).values_list("status", flat=True)) == {Video.Status.REMOVED}
    assert _counts(anon) == (0, 0, 0)
    # each author hears of each video, as from single decisions
    assert _told(ana) == ["A moderator removed your video. Spam."] * 2
    assert _told(ben) == ["A moderator removed your video. Spam."] * 2
    # what the single path said for one video, the bulk path said for each of its three
    assert [type(event) for event in single] == [VideosReviewed, VideosAudienceChanged]
    assert [type(event) for event in bulk] == [VideosReviewed, VideosAudienceChanged]
    assert sorted(bulk[1].video_ids) == sorted(selected)
    assert sorted(d.video_id for d in bulk[0].decisions) == sorted(selected)
    trail = ModerationDecision.objects.filter(video_id__in=selected, action=ModerationDecision.Action.REMOVED)
    assert sorted(trail.values_list("video_id", flat=True)) == sorted(selected)
    assert set(trail.values_list("moderator", flat=True)) == {moderator.pk}


def test_a_bulk_decision_skips_the_videos_it_does_not_apply_to_and_says_why(moderator, scene, make_published):
    ana, _, videos = scene
    held = make_published(ana, "held", status=Video.Status.IN_REVIEW)
    with recorded(VideosAudienceChanged) as said:
        decided, refused = moderation.decide([held, videos["a1"]], moderator, "reject", "Not for us.")
    assert [v.pk for v in decided] == [held.pk]
    assert [(v.pk, why) for v, why in refused] == [(videos["a1"].pk, "A published video cannot be rejected.")]
    assert [event.video_ids for event in said] == [(held.pk,)]
    assert Video.objects.get(pk=videos["a1"].pk).status == Video.Status.PUBLISHED


def test_only_moderators_decide_and_a_reason_is_required(moderator, scene):
    ana, _, videos = scene
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        moderation.decide([videos["a1"]], ana, "remove", "mine now")
    with pytest.raises(ValidationError):
        moderation.decide([videos["a1"]], moderator, "remove", "   ")
    assert Video.objects.get(pk=videos["a1"].pk).status == Video.Status.PUBLISHED
    assert _told(ana) == []
