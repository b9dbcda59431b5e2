"""The moderation panel on a video's admin page (issue #25): the player's signed playlist, and
approve, reject and remove beside it, reject and remove only with a reason."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from videos.models import ModerationDecision, Video

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    client = Client()
    client.force_login(make_user("mod", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def held(creator, make_published):
    video = make_published(creator, "needs a look", status=Video.Status.IN_REVIEW, rejection_reasons=["policy"])
    video.playback = {"master": f"renditions/{video.pk}/x/master.m3u8", "renditions": []}
    video.save(update_fields=["playback"])
    return video


def decide(client, video, decision, reason=None, queue=True):
    model = "videoinreview" if queue else "video"
    data = {"decision": decision, **({"reason": reason} if reason is not None else {})}
    return client.post(reverse(f"admin:videos_{model}_moderate", args=[video.pk]), data)


def test_the_queue_page_of_a_video_has_its_player_and_the_decisions_it_allows(staff, held):
    page = staff.get(reverse("admin:videos_videoinreview_change", args=[held.pk])).content.decode()
    assert 'data-hls="/media/' in page and "/master.m3u8" in page  # signed, ending in the file's name
    assert "videos/hls.min.js" in page and "id_playback" not in page  # the player, not the raw record
    assert 'value="approve"' in page and 'value="reject"' in page and 'value="remove"' in page


def test_approving_from_the_queue_publishes_and_returns_to_the_queue(staff, held):
    answer = decide(staff, held, "approve")
    assert answer.status_code == 302 and answer["Location"] == reverse("admin:videos_videoinreview_changelist")
    held.refresh_from_db()
    assert held.status == Video.Status.PUBLISHED
    assert ModerationDecision.objects.filter(video=held, action="APPROVED").exists()


def test_rejecting_needs_a_reason_and_without_one_changes_nothing(staff, held):
    answer = decide(staff, held, "reject", reason="  ")
    assert answer["Location"] == reverse("admin:videos_videoinreview_change", args=[held.pk])
    held.refresh_from_db()
    assert held.status == Video.Status.IN_REVIEW
    decide(staff, held, "reject", reason="Shows a dangerous stunt.")
    held.refresh_from_db()
    assert held.status == Video.Status.REJECTED and held.rejection_reasons == ["Shows a dangerous stunt."]


def test_a_published_video_offers_remove_but_not_approve_or_reject(staff, creator, make_published):
    video = make_published(creator, "live")
    page = staff.get(reverse("admin:videos_video_change", args=[video.pk])).content.decode()
    assert 'value="remove"' in page and 'value="approve"' not in page and 'value="reject"' not in page
    decide(staff, video, "remove", reason="Spam.", queue=False)
    video.refresh_from_db()
    assert video.status == Video.Status.REMOVED


def test_only_staff_may_decide_and_only_by_post(held, creator):
    outsider = Client()
    outsider.force_login(creator)
    assert decide(outsider, held, "approve").status_code == 302  # to the admin's login page
    viewer_only = make_user("viewer.staff", is_staff=True)  # staff without the change permission
    limited = Client()
    limited.force_login(viewer_only)
    assert decide(limited, held, "approve").status_code == 403
    held.refresh_from_db()
    assert held.status == Video.Status.IN_REVIEW
    staff = Client()
    staff.force_login(make_user("boss", is_staff=True, is_superuser=True))
    assert staff.get(reverse("admin:videos_videoinreview_moderate", args=[held.pk])).status_code == 405
