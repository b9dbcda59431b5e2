"""Why each For You pick is there, in a sentence built from the real score components."""

import math

import numpy as np
from django.db.models import Count
from django.utils.timesince import timesince

from platform.id_lists import among
from videos.models import Video

from .reasons import Reason

NEW_CREATOR_MAX_VIDEOS = 3
# picks ordered by the ranking stage's value; exploration says why it is exploring instead
_RANKED_SOURCES = (Reason.INTEREST, Reason.TRENDING, Reason.POPULAR)
BRAND = "BRAND"


def _because(viewer, candidate_vector: np.ndarray, model, sources: dict[int, str], knobs) -> str:
    """Name the viewer's signal most like this video: which video, whose, and how they engaged."""
    best, best_pk = -math.inf, None
    for pk, strength in viewer.signals.items():
        index = model.video_index.get(pk)
        if strength <= 0 or index is None:
            continue
        similarity = float(model.factors.items[index] @ candidate_vector)
        if similarity > best:
            best, best_pk = similarity, pk
    if best_pk is None:
        return "Picked for the interests your watching has shown."
    author = sources.get(best_pk)
    who = f"@{author}'s video" if author else "a video"
    strength = viewer.signals[best_pk]
    if strength >= knobs.weight_completion + knobs.weight_rewatch:
        return f"Because you rewatched {who}."
    if strength >= knobs.weight_completion:
        return f"Because you watched {who} to the end."
    return f"Because you liked {who}."


def _share(part: int, whole: int) -> int:
    return round(100 * min(part, whole) / whole) if whole else 0


# What a ranking-stage feature says about a video when it is the one that lifted it most, by
# whether the video stood above or below the average on it. A feature that lifted a video from
# the other side (say, few views, where the model learned that few views bode well) has no
# honest sentence; the ranking stage then names the next feature that has one.
RANKER_WORDS = {
    ("interest", True): None,  # the viewer's own signal most like the video: see _because
    ("finish_rate", True): lambda c: (
        f"Watched to the end by {_share(c.completions, c.impressions)}% of the {c.impressions:,} viewers shown it."
    ),
    ("rewatch_rate", True): lambda c: f"Viewers come back to it: {c.rewatches:,} rewatches.",
    ("love_rate", True): lambda c: f"Viewers love it: {c.hearts:,} hearts and {c.comments:,} comments.",
    ("reach", True): lambda c: f"Watched widely: {c.views:,} views.",
    ("reach", False): lambda c: "Early: only a few viewers have seen it yet.",
    ("age", False): lambda c: f"New: posted {timesince(c.published_at)} ago.",
    ("original", True): lambda c: f"An original video by @{c.author}, not a repost.",
    ("creator_affinity", True): lambda c: f"You often watch @{c.author}'s videos to the end.",
    ("creator_recency", True): lambda c: f"You have not seen @{c.author} for a while.",
    ("creator_recency", False): lambda c: f"You watched @{c.author} recently.",
    ("follows_creator", True): lambda c: f"From @{c.author}, whom you follow.",
}


def _ranked(c, viewer, model, sources, knobs) -> str:
    """The ranking stage's reason: the feature that contributed most to this video's value."""
    if c.because == "interest":
        if c.pk not in model.video_index:
            return ""
        return _because(viewer, model.factors.items[model.video_index[c.pk]], model, sources, knobs)
    words = RANKER_WORDS.get((c.because, c.because_above))
    return words(c) if words else ""


def explain(page: list, viewer, model, knobs) -> None:
    """Set `reason` (refined) and `explanation` on each pick of a page."""
    explorers = {c.author_id for c in page if c.reason == Reason.EXPLORATION}
    creators = (
        dict(Video.objects.published().filter(author__in=explorers).values_list("author").annotate(n=Count("pk")))
        if explorers
        else {}
    )
    sources = {}
    if model is not None and viewer.signals:
        sources = dict(Video.objects.filter(pk__in=among(viewer.signals)).values_list("pk", "author__username")[:200])
    for c in page:
        ranked = _ranked(c, viewer, model, sources, knobs) if c.because and c.reason in _RANKED_SOURCES else ""
        if ranked:
            c.explanation = ranked
        elif c.reason == Reason.FOLLOWING:
            c.explanation = f"From @{c.author}, whom you follow."
        elif c.reason == Reason.INTEREST and (model is None or c.pk not in model.video_index):
            # brought by this session's watching (session_profile), not by the interest model
            c.explanation = c.session_because or "Picked for what you watched lately."
        elif c.reason == Reason.INTEREST:
            c.explanation = _because(viewer, model.factors.items[model.video_index[c.pk]], model, sources, knobs)
        elif c.reason == Reason.TRENDING and c.cluster_trend:
            c.explanation = f"Popular right now with viewers who watch what you watch; @{c.author} posted it."
        elif c.reason == Reason.TRENDING:
            c.explanation = f"Trending: {c.views:,} views since it was posted."
        elif c.reason == Reason.POPULAR:
            c.explanation = f"Popular on Flywheel: {c.hearts:,} hearts."
        elif c.pool_trial:
            c.explanation = (
                f"A new video from @{c.author} on trial with a small audience whose interests match its hashtags."
            )
        elif creators.get(c.author_id, 0) <= NEW_CREATOR_MAX_VIDEOS:
            c.reason = Reason.NEW_CREATOR
            c.explanation = f"A new creator, @{c.author}, finding a first audience."
        else:
            c.explanation = f"Something outside what you usually watch, from @{c.author}."
        if c.author_kind == BRAND and c.reason != Reason.FOLLOWING:
            c.explanation += f" (Brand account, shown at {knobs.brand_factor:g}× weight.)"
