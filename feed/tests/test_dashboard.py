"""The admin dashboard's figures (issue #25): each chart's numbers are the database's, in one
query per chart, cached; what For You served is counted without a write per page."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from feed.dashboard import figures
from feed.models import FeedServeDay, VideoDistribution
from feed.services import serve_stats
from feed.services.for_you_parts import Candidate
from videos.models import ModerationDecision, Report, Video, WatchEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _held(make_published, creator, hours_to_decision=None, decision="APPROVED"):
    video = make_published(creator, "held", status=Video.Status.IN_REVIEW, rejection_reasons=["policy"])
    sent = ModerationDecision.objects.create(video=video, action="SENT_TO_REVIEW", reason="policy")
    if hours_to_decision is not None:
        decided = ModerationDecision.objects.create(video=video, action=decision)
        ModerationDecision.objects.filter(pk=decided.pk).update(
            created_at=sent.created_at + timedelta(hours=hours_to_decision)
        )
        Video.objects.filter(pk=video.pk).update(status=Video.Status.PUBLISHED)
    return video


def test_review_counts_held_decided_median_hours_and_the_backlog(make_published, creator):
    _held(make_published, creator, 2.0)
    _held(make_published, creator, 4.0, decision="REJECTED")
    _held(make_published, creator, 30.0)
    _held(make_published, creator)  # still waiting
    got = figures.review.compute()
    today = timezone.localdate().isoformat()
    at = got["labels"].index(today)
    assert (got["held"][at], got["decided"][at], got["median_hours"][at]) == (4, 3, 4.0)
    assert got["backlog"] == 1 and len(got["labels"]) == figures.DAYS and sum(got["held"]) == 4


def test_open_reports_by_reason(user, creator, make_published):
    video = make_published(creator, "reported")
    Report.objects.create(reporter=user, video=video, reason="SPAM")
    Report.objects.create(reporter=creator, video=video, reason="SPAM")
    Report.objects.create(reporter=user, account=creator, reason="HATE", status="DISMISSED")
    got = figures.reports.compute()
    assert got["total"] == 2 and got["open"][[v for v, _ in Report.Reason.choices].index("SPAM")] == 2


def test_uploads_and_viewers_per_day_count_accounts_and_sessions_once(user, creator, make_published):
    video = make_published(creator, "watched")
    for _ in range(3):
        WatchEvent.objects.create(video=video, user=user, watched_ms=5000)
    WatchEvent.objects.create(video=video, session_key="anon1", watched_ms=1000)
    old = WatchEvent.objects.create(video=video, user=creator, watched_ms=1000)
    WatchEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    got = figures.activity.compute()
    assert got["viewers"][-1] == 2 and got["viewers"][-4] == 1 and got["uploads"][-1] == 1


def _pick(pk, reason, kind="PERSONAL"):
    fields = {name: None for name in Candidate.__dataclass_fields__}
    return Candidate(**{**fields, "pk": pk, "author_kind": kind, "reason": reason})


def test_for_you_pages_are_counted_in_memory_and_added_in_one_statement(django_assert_num_queries):
    serve_stats._tally.clear()  # pages other tests served in this process
    page = [_pick(1, "FOLLOWING"), _pick(2, "EXPLORATION"), _pick(3, "INTEREST", "BRAND"), _pick(4, "POPULAR")]
    with django_assert_num_queries(0):
        serve_stats.count(page)
        serve_stats.count(page[:2])
    with django_assert_num_queries(1):
        serve_stats.flush()
    serve_stats.count(page)
    serve_stats.flush()
    serve_stats.flush()  # nothing new: nothing added
    day = FeedServeDay.objects.get()
    assert (day.pages, day.picks, day.following, day.exploration, day.algorithmic, day.brand) == (3, 10, 3, 3, 7, 2)
    got = figures.feed_shares.compute()
    assert got["exploration"][-1] == 0.3 and got["brand"][-1] == round(2 / 7, 4)
    assert got["exploration_setting"] == 0.15


def test_the_funnel_counts_videos_that_reached_each_pool(creator, make_published):
    for pool, status in ((1, "TESTING"), (1, "STOPPED"), (2, "TESTING"), (3, "GRADUATED")):
        VideoDistribution.objects.create(video=make_published(creator, "v"), pool=pool, status=status)
    got = figures.funnel.compute()
    assert got["videos"][:3] == [4, 2, 1] and got["videos"][-1] == 1


def test_the_dashboard_page_is_for_staff_and_costs_one_query_per_chart(django_assert_max_num_queries):
    staff = Client()
    staff.force_login(make_user("mod", is_staff=True, is_superuser=True))
    assert b"admin/dashboard/" in staff.get(reverse("admin:index")).content
    with django_assert_max_num_queries(len(figures.CHARTS) + 4):  # + session, user, the knobs twice
        page = staff.get(reverse("admin-dashboard"))
    assert page.status_code == 200 and b'id="dashboard-figures"' in page.content
    with django_assert_max_num_queries(2):  # cached: the session and user alone
        staff.get(reverse("admin-dashboard"))
    outsider = Client()
    outsider.force_login(make_user("someone"))
    assert outsider.get(reverse("admin-dashboard")).status_code == 302


def test_a_for_you_page_served_through_the_api_is_tallied(api, make_published):
    for n in range(6):
        make_published(make_user(f"maker{n}", "CREATOR"), f"clip {n}")
    serve_stats._tally.clear()
    served = api.execute("{ forYou(first: 3) { edges { node { video { id } } } } }")["forYou"]["edges"]
    tally = serve_stats._tally[timezone.localdate()]
    assert tally["pages"] == 1 and tally["picks"] == len(served) == 3
