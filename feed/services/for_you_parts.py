"""The parts For You's stages are made of (feed/services/for_you.py): the candidate and viewer
records, the viewer's exclusions and interest vector, the session's pool and lifts, the match of
videos on trial, and the ordering rule of a page."""

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.utils import timezone

from accounts.services.keyword_filters import NOTHING, Filtered
from accounts.services.relations import Relations, relations_of
from platform.id_lists import among
from videos.models import NotInterested, Report, Video, WatchEvent

from ..models import FeedSettings, InterestReset
from . import session_profile
from .candidates import FIELDS
from .signals import session_strengths, user_recent_strengths
from .tunables import TUNE

CAPTION = FIELDS.index("caption")
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


def viewer_of(user, session_key: str, knobs: FeedSettings, known: Relations | None = None) -> Viewer:
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


def excluded_for(viewer: Viewer, served: set[int]) -> set[int]:
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


def rows(queryset, limit: int) -> list[Candidate]:
    return [Candidate.from_row(row) for row in queryset.values_list(*FIELDS)[:limit]]


def interest_vector(viewer: Viewer, model) -> np.ndarray | None:
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


def apart(a: Candidate, b: Candidate) -> bool:
    return a.author_id != b.author_id and (a.sound_id is None or a.sound_id != b.sound_id)


def order(picks: list[Candidate], size: int) -> list[Candidate]:
    """Best first, but never two in a row from the same author or with the same sound."""
    remaining = sorted(picks, key=lambda c: -c.score)
    page: list[Candidate] = []
    while remaining and len(page) < size:
        index = next((i for i, c in enumerate(remaining) if not page or apart(c, page[-1])), None)
        if index is not None:
            page.append(remaining.pop(index))
            continue
        # Only the last author's videos are left: slot the best one in further up, between
        # two neighbours it differs from, rather than end the page short.
        c = remaining.pop(0)
        slot = next(
            (i for i in range(len(page) - 1, -1, -1) if apart(c, page[i]) and (i == 0 or apart(c, page[i - 1]))),
            None,
        )
        if slot is not None:
            page.insert(slot, c)
    return page


def session_pool(base, profile: session_profile.SessionProfile, have: set[int]) -> list[Candidate]:
    """Candidates sharing the hashtags and creators this session took to, newest first: on a
    big platform the shared lists need not hold them."""
    where = session_profile.session_candidates(profile)
    if where is None:
        return []
    found = base.filter(where).exclude(pk__in=among(have)).distinct().order_by("-published_at", "-pk")
    return rows(found, session_profile.SOURCE_SIZE)


def lifts_of(candidates: list[Candidate], model, profile: session_profile.SessionProfile, knobs) -> dict[int, float]:
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


def pool_match(testing: list[Candidate], model, vector, cluster: int | None) -> dict[int, float]:
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
