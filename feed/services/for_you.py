"""The For You feed as declared stages (issue #23). A page is

    start       who is asking, the knobs, and the filters every candidate passes: visible to
                the viewer (the visibility policy), not seen lately, not marked not interested,
                not hearted or reported, not already on this feed session, not by an account
                the viewer muted or blocked, not matching their keyword filters;
    sources     candidates from each source: recent posts of followed accounts (FOLLOWING), the
                interest model's nearest videos and the session's own pool (INTEREST), what is
                trending overall and in the viewer's audience cluster (TRENDING), the popular
                fallback (POPULAR), fresh videos outside the viewer's interests and videos on
                trial in their traffic pool (EXPLORATION);
    scoring     the trained ranking stage's value (or, without one, the heuristic score), the
                creator's and the session's lifts, and how each video on trial fits the viewer;
    selection   quotas (following, exploration), the audience cluster's share, the per-author
                cap, the brand factor (in the score of algorithmic picks), then the ordering rule;
    finish      what is still visible now, in order, each pick explained; the side effects
                (the feed session remembers the page, the served-picks tally counts it).

Each stage is a function of the page under construction (`Page`) with its own test."""

import math
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from accounts.services.relations import Relations
from platform.id_lists import among
from videos.models import Video
from videos.policies.video import visible_videos

from ..models import FeedSettings, InterestReset
from ..ranking.clusters import nearest_cluster
from . import feed_session, interests, model_store, ranker, serve_stats, session_profile
from .candidates import FRESH_WINDOW, shared_lists
from .explanations import explain
from .for_you_parts import (
    CAPTION,
    Candidate,
    Viewer,
    excluded_for,
    interest_vector,
    lifts_of,
    order,
    pool_match,
    rows,
    session_pool,
    viewer_of,
)
from .reasons import Reason
from .scoring import score_of
from .tunables import TUNE

SOURCES = ("following", "interest", "trending", "popular", "fresh", "testing")


@dataclass
class Page:
    """One page under construction: what each stage reads and adds."""

    viewer: Viewer
    knobs: FeedSettings
    first: int
    rng: random.Random
    now: object
    token: str
    served: set[int]
    excluded: set[int]
    base: object  # the visible, unexcluded published videos (a queryset)
    model: object | None = None
    vector: np.ndarray | None = None
    cluster: int | None = None
    sources: dict[str, list[Candidate]] = field(default_factory=lambda: {name: [] for name in SOURCES})
    predicted: dict[int, float] = field(default_factory=dict)  # the interest model's guess per video
    profile: session_profile.SessionProfile = field(default_factory=session_profile.SessionProfile)
    lifts: dict[int, float] = field(default_factory=dict)
    trial_match: dict[int, float] = field(default_factory=dict)
    picks: list[Candidate] = field(default_factory=list)

    def candidates(self) -> list[Candidate]:
        return [c for name in SOURCES for c in self.sources[name]]


def for_you_page(
    user,
    session_key: str,
    *,
    first: int,
    cursor: str | None = None,
    rng: random.Random | None = None,
    known: Relations | None = None,
) -> tuple[list[Candidate], str]:
    """One page of For You and the cursor for the next (it carries the feed session, so no
    video repeats across its pages)."""
    page = start(user, session_key, first=first, cursor=cursor, rng=rng, known=known)
    gather_sources(page)
    score_candidates(page)
    select(page)
    return finish(page), page.token


def start(user, session_key: str, *, first: int, cursor=None, rng=None, known=None) -> Page:
    """The viewer, the knobs and the filters (as the base queryset every source reads)."""
    knobs = FeedSettings.objects.current()
    token = cursor if cursor and len(cursor) == 32 else uuid.uuid4().hex
    served = feed_session.served(f"for-you:{token}")
    viewer = viewer_of(user, session_key, knobs, known)
    excluded = excluded_for(viewer, served)
    base = (
        visible_videos(Video.objects.all(), viewer.user, known)
        .filter(status=Video.Status.PUBLISHED)
        .exclude(pk__in=among(excluded))
    )
    if viewer.user:
        base = base.exclude(author__in={viewer.user.pk, *viewer.muted})
    base = viewer.filtered.exclude_from(base, "caption")
    return Page(viewer, knobs, first, rng or random.Random(), timezone.now(), token, served, excluded, base)


def gather_sources(page: Page) -> None:
    viewer, base, sources = page.viewer, page.base, page.sources
    if viewer.follows:
        recent = base.filter(author__in=among(viewer.follows), published_at__gte=page.now - FRESH_WINDOW)
        sources["following"] = rows(recent.order_by("-published_at"), TUNE.following_candidates)
    page.model = model = model_store.current()
    page.vector = vector = interest_vector(viewer, model)
    if vector is not None:
        scores = model.factors.items @ vector
        size = TUNE.interest_candidates
        top = np.argpartition(-scores, min(size, len(scores) - 1))[:size]
        page.predicted = {int(model.video_ids[i]): 1 / (1 + math.exp(-float(scores[i]))) for i in top}
        sources["interest"] = rows(base.filter(pk__in=among(page.predicted)), size)
    shared = shared_lists()
    unwanted = viewer.blocked | viewer.muted | ({viewer.user.pk} if viewer.user else set())

    def usable(name: str, limit: int) -> list[Candidate]:
        # the shared lists are everyone's: this viewer's filters apply here
        kept = (
            row
            for row in shared[name]
            if row[0] not in page.excluded and row[1] not in unwanted and not viewer.filtered.hides(row[CAPTION])
        )
        return [Candidate.from_row(row) for _, row in zip(range(limit), kept, strict=False)]

    sources["trending"] = usable("trending", TUNE.trending_candidates)
    sources["popular"] = usable("popular", TUNE.popular_candidates)
    if vector is not None and len(model.centroids):
        page.cluster = nearest_cluster(model.centroids, vector)
    if page.cluster is not None:
        # what viewers with the same taste engage with most: this viewer's cluster's trending list
        liked = [int(pk) for pk in model.cluster_top[page.cluster][: TUNE.cluster_candidates] if pk >= 0]
        in_cluster = rows(base.filter(pk__in=among(liked)), TUNE.cluster_candidates)
        for c in in_cluster:
            c.cluster_trend = True
        sources["trending"] = in_cluster + sources["trending"]
    sources["fresh"] = usable("fresh", TUNE.fresh_candidates)
    sources["testing"] = usable("testing", TUNE.testing_candidates)
    if page.knobs.session_weight:
        page.profile = session_profile.profile_of(viewer.signals, interests.picked_names(viewer.user))
    sources["interest"] += session_pool(base, page.profile, {c.pk for c in sources["interest"]})


def score_candidates(page: Page) -> None:
    everyone = page.candidates()
    history = ranker.viewer_history(page.viewer, page.model, page.now)
    ranker.rank(everyone, history, page.model, page.vector, page.knobs, page.now)
    page.trial_match = pool_match(page.sources["testing"], page.model, page.vector, page.cluster)
    page.lifts = lifts_of(everyone, page.model, page.profile, page.knobs)


def select(page: Page) -> None:
    """The picks, by quota and source, best score first within each, under the author cap."""
    first, knobs, sources, picks = page.first, page.knobs, page.sources, page.picks
    n_follow = min(len(sources["following"]), round(first * knobs.following_share))
    n_explore = round(first * knobs.exploration_share)
    taken: set[int] = set()
    # a page is never one creator's: `order` can only alternate authors it was given
    per_author, author_cap = Counter(), max(2, math.ceil(first * TUNE.authors_per_page_share))

    def score(c: Candidate, algorithmic: bool, guess: float | None = None) -> float:
        guess = page.predicted.get(c.pk, TUNE.neutral_prediction) if guess is None else guess
        return score_of(c, guess, knobs, page.now, algorithmic, page.lifts.get(c.pk, 1.0))

    def add(c: Candidate, reason: Reason, value: float) -> None:
        c.score, c.reason = value, reason
        taken.add(c.pk)
        per_author[c.author_id] += 1
        picks.append(c)

    def take(candidates: list[Candidate], count: int, reason: Reason, algorithmic: bool) -> None:
        for c in sorted(candidates, key=lambda c: -score(c, algorithmic)):
            if count <= 0:
                return
            if c.pk not in taken and per_author[c.author_id] < author_cap:
                add(c, reason, score(c, algorithmic))
                count -= 1

    take(sources["following"], n_follow, Reason.FOLLOWING, algorithmic=False)
    # Exploration is half new videos on trial in their traffic pool, matched to the viewer's
    # interests through their hashtags, and half videos outside the viewer's known interests
    # (the model's favourites for them — a few pages' worth, but never the whole catalogue).
    # videos with no engagement yet (pool 1) before those already promoted, best match first
    model, match = page.model, page.trial_match
    trials = sorted(
        (c for c in sources["testing"] if match.get(c.pk, 0) > 0),
        key=lambda c: (model is not None and c.pk in model.video_index, -match[c.pk]),
    )
    for c in trials[: (n_explore + 1) // 2]:
        if c.pk not in taken and per_author[c.author_id] < author_cap:
            add(c, Reason.EXPLORATION, score(c, True, TUNE.neutral_prediction))
            c.pool_trial = True
    predicted = page.predicted
    known = set(sorted(predicted, key=predicted.get, reverse=True)[: min(4 * first, len(predicted) // 2)])
    outside = [c for c in sources["fresh"] if c.pk not in known and c.pk not in taken]
    page.rng.shuffle(outside)
    explored = sum(1 for c in picks if c.reason == Reason.EXPLORATION)
    take(outside, n_explore - explored, Reason.EXPLORATION, algorithmic=True)
    # a share of the algorithmic slots: what the viewer's audience cluster engages with most
    in_cluster = [c for c in sources["trending"] if c.cluster_trend]
    take(in_cluster, round((first - len(picks)) * TUNE.cluster_trend_share), Reason.TRENDING, algorithmic=True)
    take(sources["interest"], first - len(picks), Reason.INTEREST, algorithmic=True)
    take(sources["trending"], first - len(picks), Reason.TRENDING, algorithmic=True)
    take(sources["popular"], first - len(picks), Reason.POPULAR, algorithmic=True)


def finish(page: Page) -> list[Candidate]:
    """What is still visible now, in order and explained; the feed session and the tally."""
    # Shared lists are up to 30 s old: keep only what is still published and visible now.
    alive = set(page.base.filter(pk__in=[c.pk for c in page.picks]).values_list("pk", flat=True))
    shown = order([c for c in page.picks if c.pk in alive], page.first)
    # Serving a page counts nothing: impressions come from what players report watching.
    explain(shown, page.viewer, page.model, page.knobs)
    feed_session.remember(f"for-you:{page.token}", page.served | {c.pk for c in shown})
    serve_stats.count(shown)
    return shown


def reset_interests(user, session_key: str) -> None:
    """Start the viewer's For You over; follows stay."""
    lookup = (
        {"user": user} if user is not None and user.is_authenticated else {"session_key": session_key, "user": None}
    )
    InterestReset.objects.update_or_create(**lookup, defaults={"reset_at": timezone.now()})
