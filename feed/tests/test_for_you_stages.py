"""For You's stages each on their own (issue #23): selection's quotas, author cap and brand
factor on a hand-built page; the start's filters on real rows."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from feed.models import FeedSettings
from feed.services import for_you
from feed.services.for_you_parts import Candidate, Viewer
from feed.services.reasons import Reason
from videos.models import NotInterested


def _candidate(pk: int, author: int, kind: str = "PERSONAL", views: int = 100, completions: int = 50) -> Candidate:
    fields = dict.fromkeys(Candidate.__dataclass_fields__)
    fields.update(
        pk=pk, author_id=author, author=f"a{author}", author_kind=kind, sound_id=None,
        published_at=timezone.now() - timedelta(hours=1), is_original=True, views=views,
        completions=completions, rewatches=0, hearts=0, impressions=views, comments=0, shares=0,
        watch_time_ms=0, duration_ms=10_000, caption="", reason="", explanation="", score=0.0,
        pool_trial=False, cluster_trend=False, value=None, because="", because_above=False, session_because="",
    )  # fmt: skip
    return Candidate(**fields)


def _page(**sources) -> for_you.Page:
    page = for_you.Page(
        Viewer(None, "s"), FeedSettings(), first=10, rng=random.Random(0), now=timezone.now(), token="t",
        served=set(), excluded=set(), base=None,
    )  # fmt: skip
    page.sources.update(sources)
    return page


def test_selection_keeps_the_following_quota_and_the_author_cap():
    following = [_candidate(pk, author=1) for pk in range(1, 9)]  # eight from one followed account
    interest = [_candidate(100 + pk, author=10 + pk) for pk in range(20)]
    page = _page(following=following, interest=interest)
    for_you.select(page)
    reasons = [c.reason for c in page.picks]
    assert len(page.picks) == 10
    assert reasons.count(Reason.FOLLOWING) == 3  # following_share 0.3 of 10, under the author cap of 3
    assert sum(1 for c in page.picks if c.author_id == 1) == 3


def test_selection_weighs_brand_accounts_algorithmic_picks_down():
    brand = [_candidate(pk, author=pk, kind="BRAND", completions=60) for pk in range(1, 6)]
    personal = [_candidate(10 + pk, author=10 + pk, completions=50) for pk in range(1, 6)]
    page = _page(interest=brand + personal)
    page.first = 5
    for_you.select(page)
    assert {c.author_kind for c in page.picks} == {"PERSONAL"}  # better rates, halved: behind


@pytest.mark.django_db
def test_the_start_filters_out_what_the_viewer_marked_not_interested(creator, make_published):
    viewer = make_user("picky")
    shown, unwanted = make_published(creator, "keep"), make_published(creator, "never again")
    NotInterested.objects.create(user=viewer, video=unwanted)
    page = for_you.start(viewer, "", first=5)
    assert unwanted.pk in page.excluded
    assert set(page.base.values_list("pk", flat=True)) == {shown.pk}
