"""What this session's latest watching says, as real-time features of For You: how much the
viewer took to each hashtag, creator and sound of the videos they finished, rewatched, hearted
or skipped, read from their newest events at request time.

It works without a trained model (a young platform, the demo), for accounts and anonymous
sessions alike; with one, it lifts the ranking stage's order the same way. A candidate's
affinity is the weighted mean of what the viewer showed for its hashtags, its creator and its
sound; For You multiplies its score by exp(session_weight × affinity), so skipping a topic
pushes it down and finishing one pulls it up within the session, on the very next page."""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q

from platform.id_lists import among
from videos.models import Video

# A picked interest (onboarding) counts as this strength on its hashtag, halved once the
# viewer has PICK_FADE_SIGNALS signals of their own, and so on: it carries the first pages and
# fades as real watching speaks (20 finished videos of another topic outweigh it).
PICK_STRENGTH = 4.0
PICK_FADE_SIGNALS = 5
# How much each kind of feature speaks for a video, relative to its hashtags (averaged).
KIND_WEIGHTS = {"tag": 1.0, "author": 0.6, "sound": 0.4}
PRIOR = 1.0  # a feature seen once counts half as much as one seen many times
SOURCE_SIZE = 100  # videos the session's liked hashtags and creators add as candidates


@dataclass
class SessionProfile:
    weights: dict[tuple[str, int], float] = field(default_factory=dict)  # (kind, id) -> mean strength
    watched: frozenset[tuple[str, int]] = frozenset()  # the features the viewer's own signals speak of
    tag_names: dict[int, str] = field(default_factory=dict)
    picked: frozenset[int] = frozenset()  # hashtags the viewer picked at onboarding

    def __bool__(self) -> bool:
        return bool(self.weights)

    def affinity(self, author_id: int, sound_id: int | None, tags: list[int]) -> float:
        """The viewer's shown taste for a video with these features (0: nothing known)."""
        parts = []
        known_tags = [self.weights[("tag", t)] for t in tags if ("tag", t) in self.weights]
        if known_tags:
            parts.append((KIND_WEIGHTS["tag"], sum(known_tags) / len(known_tags)))
        for kind, key in (("author", author_id), ("sound", sound_id)):
            if key is not None and (kind, key) in self.weights:
                parts.append((KIND_WEIGHTS[kind], self.weights[(kind, key)]))
        if not parts:
            return 0.0
        return sum(weight * value for weight, value in parts) / sum(KIND_WEIGHTS.values())

    def liked(self, kind: str, count: int = 5) -> list[int]:
        """The ids of the features of `kind` the viewer took to most (positive only)."""
        ranked = sorted(((w, key) for (k, key), w in self.weights.items() if k == kind and w > 0), reverse=True)
        return [key for _, key in ranked[:count]]

    def because(self, author: str, tags: list[int]) -> str:
        """Why a video this profile lifted is shown: the hashtag of its that the viewer took to
        most, or its creator."""
        weight, tag = max(((self.weights.get(("tag", t), 0.0), t) for t in tags), default=(0.0, None))
        if weight <= 0:
            return f"Because you watched @{author} lately."
        if tag in self.picked and ("tag", tag) not in self.watched:
            return f"Because you picked #{self.tag_names[tag]}."
        return f"Because you watched #{self.tag_names[tag]} videos to the end."


def profile_of(signals: dict[int, float], picked: dict[int, str] | None = None) -> SessionProfile:
    """The profile of a viewer's signals (video id -> strength), in one query, with the
    hashtags they picked (`picked`: id -> name) counting as fading signals of their own."""
    picked = picked or {}
    if not signals and not picked:
        return SessionProfile()
    rows = (
        Video.objects.filter(pk__in=among(signals))
        .annotate(tag_ids=ArrayAgg("hashtags__id", filter=Q(hashtags__isnull=False), default=[]))
        .annotate(tag_names=ArrayAgg("hashtags__name", filter=Q(hashtags__isnull=False), default=[]))
        .values_list("pk", "author_id", "sound_id", "tag_ids", "tag_names")
    )
    totals: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    names: dict[int, str] = {}
    for pk, author_id, sound_id, tag_ids, tag_names in rows if signals else ():
        strength = signals[pk]
        names.update(zip(tag_ids, tag_names, strict=True))
        keys = [("tag", t) for t in tag_ids] + [("author", author_id)]
        keys += [("sound", sound_id)] if sound_id is not None else []
        for key in keys:
            totals[key][0] += strength
            totals[key][1] += 1
    weights = {key: total / (n + PRIOR) for key, (total, n) in totals.items()}
    watched = frozenset(weights)
    fade = 0.5 ** (len(signals) / PICK_FADE_SIGNALS)
    for tag in picked:
        weights[("tag", tag)] = weights.get(("tag", tag), 0.0) + PICK_STRENGTH * fade
    return SessionProfile(weights=weights, watched=watched, tag_names={**names, **picked}, picked=frozenset(picked))


def tags_of(video_ids: list[int]) -> dict[int, list[int]]:
    """Each video's hashtag ids, in one query."""
    tags: dict[int, list[int]] = defaultdict(list)
    through = Video.hashtags.through.objects.filter(video_id__in=among(video_ids))
    for video_id, tag_id in through.values_list("video_id", "hashtag_id"):
        tags[video_id].append(tag_id)
    return tags


def session_candidates(profile: SessionProfile) -> Q | None:
    """Which videos the session's liked hashtags and creators add as candidates, as a filter
    (None when the session liked nothing yet)."""
    tags, authors = profile.liked("tag"), profile.liked("author")
    if not tags and not authors:
        return None
    return Q(hashtags__in=tags) | Q(author__in=authors)


def lift(weight: float, affinity: float) -> float:
    # bounded, so one session's signal reorders a page without drowning quality entirely
    return math.exp(max(-4.0, min(4.0, weight * affinity)))
