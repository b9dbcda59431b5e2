"""The For You feed: candidates from several sources, scored, mixed and ordered under rules
that hold whatever the scores say, each pick with the reason it was shown.

Sources: recent posts of followed accounts (FOLLOWING), the interest model's nearest videos
(INTEREST), what is trending (TRENDING), popular fallback (POPULAR), and exploration outside
the viewer's known interests (EXPLORATION, or NEW_CREATOR for accounts with few videos)."""

import math
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.utils import timezone

from accounts.services.keyword_filters import NOTHING, Filtered
from accounts.services.relations import Relations, relations_of
from platform.id_lists import among
from videos.models import NotInterested, Report, Video, WatchEvent

from ..models import FeedSettings, InterestReset
from ..ranking.clusters import nearest_cluster
from . import feed_session, interests, model_store, ranker, serve_stats, session_profile
from .candidates import FIELDS, FRESH_WINDOW, shared_lists
from .explanations import explain
from .reasons import Reason
from .scoring import score_of
from .signals import session_strengths, user_recent_strengths
from .tunables import TUNE

_CAPTION = FIELDS.index("caption")
SEEN_WINDOW = timedelta(days=3)


@dataclass
class Candidate:
    pk: int
    author_id: int
    author: str
    author_kind: str
    sound_id: int | None
    published_at: object
    is_original: bool
    views: int
    completions: int
    rewatches: int
    hearts: int
    impressions: int
    comments: int
    shares: int
    watch_time_ms: int
    duration_ms: int | None
    caption: str
    reason: str = ""
    explanation: str = ""
    score: float = 0.0
    pool_trial: bool = False
    cluster_trend: bool = False
    value: float | None = None  # the ranking stage's predicted value for this viewer
    because: str = ""  # the ranking-stage feature that raised the value most
    because_above: bool = False  # whether that feature was above its average (a long gap, an old video)
    session_because: str = ""  # what this session's watching liked about it (session_profile)

    @classmethod
    def from_row(cls, row) -> "Candidate":
        return cls(*row)


@dataclass
class Viewer:
    user: object | None
    session_key: str
    signals: dict[int, float] = field(default_factory=dict)  # video id -> interest strength
    follows: set[int] = field(default_factory=set)
    muted: set[int] = field(default_factory=set)  # accounts the viewer muted: never in their feed
    blocked: set[int] = field(default_factory=set)  # either side of a block: never in their feed
    filtered: Filtered = NOTHING  # words and hashtags the viewer never wants to see

    @property
    def key(self) -> str:
        return f"u{self.user.pk}" if self.user else f"s{self.session_key}"


def _viewer(user, session_key: str, knobs: FeedSettings, known: Relations | None = None) -> Viewer:
    viewer = Viewer(user if user is not None and user.is_authenticated else None, session_key)
    reset = (
        InterestReset.objects.filter(user=viewer.user)
        if viewer.user
        else InterestReset.objects.filter(session_key=session_key)
    ).first()
    if viewer.user:
        viewer.signals = user_recent_strengths(viewer.user, knobs, since=reset.reset_at if reset else None)
        known = known or relations_of(viewer.user)
        viewer.follows, viewer.muted, viewer.blocked = set(known.follows), set(known.muted), set(known.blocked)
        viewer.filtered = known.filters
    elif session_key:
        viewer.signals = session_strengths(session_key, knobs, since=reset.reset_at if reset else None)
    viewer.reset = reset
    return viewer


def _excluded(viewer: Viewer, served: set[int]) -> set[int]:
    """Seen recently, hearted, marked not interested, reported, or already on this feed session."""
    since = timezone.now() - SEEN_WINDOW
    if viewer.user:
        seen = WatchEvent.objects.filter(user=viewer.user, created_at__gte=since)
        hidden = set(NotInterested.objects.filter(user=viewer.user).values_list("video", flat=True))
        hidden |= set(viewer.user.hearts.values_list("video", flat=True))
        hidden |= set(Report.objects.filter(reporter=viewer.user, video__isnull=False).values_list("video", flat=True))
    else:
        seen = WatchEvent.objects.filter(session_key=viewer.session_key, user__isnull=True, created_at__gte=since)
        hidden = set(
            NotInterested.objects.filter(session_key=viewer.session_key, user__isnull=True).values_list(
                "video", flat=True
            )
        )
    return hidden | set(seen.values_list("video", flat=True)) | served


def _rows(queryset, limit: int) -> list[Candidate]:
    return [Candidate.from_row(row) for row in queryset.values_list(*FIELDS)[:limit]]


def _interest_vector(viewer: Viewer, model) -> np.ndarray | None:
    """The viewer's vector: the trained one updated with their newest signals, so the feed
    reacts within the session; for a new or anonymous viewer, from those signals alone."""
    if model is None:
        return None
    known = [
        (model.video_index[pk], strength)
        for pk, strength in viewer.signals.items()
        if pk in model.video_index and strength > 0
    ]
    if not known:
        stored = model.user_index.get(viewer.user.pk) if viewer.user and not viewer.reset else None
        return model.factors.users[stored] if stored is not None else None
    items = np.array([index for index, _ in known])
    strengths = np.array([strength for _, strength in known], dtype=np.float32)
    return model.factors.user_vector(items, strengths)


def _apart(a: Candidate, b: Candidate) -> bool:
    return a.author_id != b.author_id and (a.sound_id is None or a.sound_id != b.sound_id)


def _order(picks: list[Candidate], size: int) -> list[Candidate]:
    """Best first, but never two in a row from the same author or with the same sound."""
    remaining = sorted(picks, key=lambda c: -c.score)
    page: list[Candidate] = []
    while remaining and len(page) < size:
        index = next((i for i, c in enumerate(remaining) if not page or _apart(c, page[-1])), None)
        if index is not None:
            page.append(remaining.pop(index))
            continue
        # Only the last author's videos are left: slot the best one in further up, between
        # two neighbours it differs from, rather than end the page short.
        c = remaining.pop(0)
        slot = next(
            (i for i in range(len(page) - 1, -1, -1) if _apart(c, page[i]) and (i == 0 or _apart(c, page[i - 1]))),
            None,
        )
        if slot is not None:
            page.insert(slot, c)
    return page


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
    rng = rng or random.Random()
    knobs = FeedSettings.objects.current()
    token = cursor if cursor and len(cursor) == 32 else uuid.uuid4().hex
    served_key = f"for-you:{token}"
    served = feed_session.served(served_key)
    viewer = _viewer(user, session_key, knobs, known)
    excluded = _excluded(viewer, served)
    now = timezone.now()
    base = (
        Video.objects.visible_to(viewer.user, known)
        .filter(status=Video.Status.PUBLISHED)
        .exclude(pk__in=among(excluded))
    )
    if viewer.user:
        base = base.exclude(author__in={viewer.user.pk, *viewer.muted})
    base = viewer.filtered.exclude_from(base, "caption")

    following = (
        _rows(
            base.filter(author__in=among(viewer.follows), published_at__gte=now - FRESH_WINDOW).order_by(
                "-published_at"
            ),
            TUNE.following_candidates,
        )
        if viewer.follows
        else []
    )
    model = model_store.current()
    vector = _interest_vector(viewer, model)
    predicted: dict[int, float] = {}
    interest: list[Candidate] = []
    if vector is not None:
        scores = model.factors.items @ vector
        size = TUNE.interest_candidates
        top = np.argpartition(-scores, min(size, len(scores) - 1))[:size]
        predicted = {int(model.video_ids[i]): 1 / (1 + math.exp(-float(scores[i]))) for i in top}
        interest = _rows(base.filter(pk__in=among(predicted)), size)
    shared = shared_lists()
    unwanted_authors = viewer.blocked | viewer.muted | ({viewer.user.pk} if viewer.user else set())

    def usable(name: str, limit: int) -> list[Candidate]:
        rows = (
            row
            for row in shared[name]
            if row[0] not in excluded and row[1] not in unwanted_authors and not viewer.filtered.hides(row[_CAPTION])
        )
        return [Candidate.from_row(row) for _, row in zip(range(limit), rows, strict=False)]

    trending, popular = usable("trending", TUNE.trending_candidates), usable("popular", TUNE.popular_candidates)
    cluster = nearest_cluster(model.centroids, vector) if vector is not None and len(model.centroids) else None
    if cluster is not None:
        # what viewers with the same taste engage with most: this viewer's cluster's trending list
        liked = [int(pk) for pk in model.cluster_top[cluster][: TUNE.cluster_candidates] if pk >= 0]
        in_cluster = _rows(base.filter(pk__in=among(liked)), TUNE.cluster_candidates)
        for c in in_cluster:
            c.cluster_trend = True
        trending = in_cluster + trending
    fresh, testing = usable("fresh", TUNE.fresh_candidates), usable("testing", TUNE.testing_candidates)
    profile = (
        session_profile.profile_of(viewer.signals, interests.picked_names(viewer.user))
        if knobs.session_weight
        else session_profile.SessionProfile()
    )
    interest += _session_pool(base, profile, {c.pk for c in interest})
    ranker.rank(
        [*following, *interest, *trending, *popular, *fresh, *testing],
        ranker.viewer_history(viewer, model, now),
        model,
        vector,
        knobs,
        now,
    )
    pool_match = _pool_match(testing, model, vector, cluster)
    everyone = [*following, *interest, *trending, *popular, *fresh, *testing]
    lifts = _lifts(everyone, model, profile, knobs)

    n_follow = min(len(following), round(first * knobs.following_share))
    n_explore = round(first * knobs.exploration_share)
    taken: set[int] = set()
    # a page is never one creator's: `_order` can only alternate authors it was given
    per_author, author_cap = Counter(), max(2, math.ceil(first * TUNE.authors_per_page_share))
    picks: list[Candidate] = []

    def take(candidates: list[Candidate], count: int, reason: str, algorithmic: bool) -> None:
        def score(c: Candidate) -> float:
            return score_of(
                c, predicted.get(c.pk, TUNE.neutral_prediction), knobs, now, algorithmic, lifts.get(c.pk, 1.0)
            )

        for c in sorted(candidates, key=lambda c: -score(c)):
            if count <= 0:
                return
            if c.pk in taken or per_author[c.author_id] >= author_cap:
                continue
            c.score = score(c)
            c.reason = reason
            taken.add(c.pk)
            per_author[c.author_id] += 1
            picks.append(c)
            count -= 1

    take(following, n_follow, Reason.FOLLOWING, algorithmic=False)
    # Exploration is half new videos on trial in their traffic pool, matched to the viewer's
    # interests through their hashtags, and half videos outside the viewer's known interests
    # (the model's favourites for them — a few pages' worth, but never the whole catalogue).
    # videos with no engagement yet (pool 1) before those already promoted, best match first
    trials = sorted(
        (c for c in testing if pool_match.get(c.pk, 0) > 0),
        key=lambda c: (model is not None and c.pk in model.video_index, -pool_match[c.pk]),
    )
    for c in trials[: (n_explore + 1) // 2]:
        if c.pk not in taken and per_author[c.author_id] < author_cap:
            c.reason, c.score, c.pool_trial = (
                Reason.EXPLORATION,
                score_of(c, TUNE.neutral_prediction, knobs, now, True, lifts.get(c.pk, 1.0)),
                True,
            )
            taken.add(c.pk)
            per_author[c.author_id] += 1
            picks.append(c)
    known = set(sorted(predicted, key=predicted.get, reverse=True)[: min(4 * first, len(predicted) // 2)])
    outside = [c for c in fresh if c.pk not in known and c.pk not in taken]
    rng.shuffle(outside)
    take(
        outside,
        n_explore - sum(1 for c in picks if c.reason == Reason.EXPLORATION),
        Reason.EXPLORATION,
        algorithmic=True,
    )
    # a fifth of the algorithmic slots: what the viewer's audience cluster engages with most
    take(
        [c for c in trending if c.cluster_trend],
        round((first - len(picks)) * TUNE.cluster_trend_share),
        Reason.TRENDING,
        algorithmic=True,
    )
    take(interest, first - len(picks), Reason.INTEREST, algorithmic=True)
    take(trending, first - len(picks), Reason.TRENDING, algorithmic=True)
    take(popular, first - len(picks), Reason.POPULAR, algorithmic=True)

    # Shared lists are up to 30 s old: keep only what is still published and visible now.
    alive = set(base.filter(pk__in=[c.pk for c in picks]).values_list("pk", flat=True))
    page = _order([c for c in picks if c.pk in alive], first)
    # Serving a page counts nothing: impressions come from what players report watching.
    explain(page, viewer, model, knobs)
    feed_session.remember(served_key, served | {c.pk for c in page})
    serve_stats.count(page)
    return page, token


def _session_pool(base, profile: session_profile.SessionProfile, have: set[int]) -> list[Candidate]:
    """Candidates sharing the hashtags and creators this session took to, newest first: on a
    big platform the shared lists need not hold them."""
    where = session_profile.session_candidates(profile)
    if where is None:
        return []
    rows = base.filter(where).exclude(pk__in=among(have)).distinct().order_by("-published_at", "-pk")
    return _rows(rows, session_profile.SOURCE_SIZE)


def _lifts(candidates: list[Candidate], model, profile: session_profile.SessionProfile, knobs) -> dict[int, float]:
    """Per candidate, what multiplies its score beyond quality: the creator's consistency (a
    trained model's) and this session's taste for its hashtags, creator and sound."""
    lifts = (
        {c.pk: 1 + TUNE.consistency_lift * model.consistency.get(c.author_id, 0.0) for c in candidates} if model else {}
    )
    if not profile:
        return lifts
    tags = session_profile.tags_of([c.pk for c in candidates])
    for c in candidates:
        affinity = profile.affinity(c.author_id, c.sound_id, tags.get(c.pk, []))
        lifts[c.pk] = lifts.get(c.pk, 1.0) * session_profile.lift(knobs.session_weight, affinity)
        if affinity > 0:
            c.session_because = profile.because(c.author, tags.get(c.pk, []))
    return lifts


def _pool_match(testing: list[Candidate], model, vector, cluster: int | None) -> dict[int, float]:
    """How well each video on trial fits the viewer. A video the model has not learned yet
    is matched through its hashtags, creator and sound; one in a later pool, by whether the viewer belongs to
    the audience cluster it fared best with so far."""
    if model is None or vector is None or not testing:
        return {c.pk: 0.0 for c in testing}
    match = {}
    for c in testing:
        index = model.video_index.get(c.pk)
        if index is not None and cluster is not None and model.best_cluster[index] == cluster:
            match[c.pk] = float(model.factors.items[index] @ vector)
    cold = [c for c in testing if c.pk not in model.video_index]
    tags: dict[int, list[str]] = {}
    for video_id, name in Video.hashtags.through.objects.filter(video_id__in=among(c.pk for c in cold)).values_list(
        "video_id", "hashtag__name"
    ):
        tags.setdefault(video_id, []).append(name)
    for c in cold:
        item = model.cold_vector(tags.get(c.pk, []), c.author_id, c.sound_id)
        if item is not None:
            match[c.pk] = float(item @ vector)
    return match


def reset_interests(user, session_key: str) -> None:
    """Start the viewer's For You over; follows stay."""
    lookup = (
        {"user": user} if user is not None and user.is_authenticated else {"session_key": session_key, "user": None}
    )
    InterestReset.objects.update_or_create(**lookup, defaults={"reset_at": timezone.now()})
