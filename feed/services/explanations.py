"""Why each For You pick is there, in a sentence built from the real score components."""

import math

import numpy as np
from django.db.models import Count

from videos.models import Video

NEW_CREATOR_MAX_VIDEOS = 3
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


def explain(page: list, viewer, model, knobs) -> None:
    """Set `reason` (refined) and `explanation` on each pick of a page."""
    explorers = {c.author_id for c in page if c.reason == "EXPLORATION"}
    creators = (
        dict(Video.objects.published().filter(author__in=explorers).values_list("author").annotate(n=Count("pk")))
        if explorers
        else {}
    )
    sources = {}
    if model is not None and viewer.signals:
        sources = dict(Video.objects.filter(pk__in=list(viewer.signals)).values_list("pk", "author__username")[:200])
    for c in page:
        if c.reason == "FOLLOWING":
            c.explanation = f"From @{c.author}, whom you follow."
        elif c.reason == "INTEREST":
            c.explanation = _because(viewer, model.factors.items[model.video_index[c.pk]], model, sources, knobs)
        elif c.reason == "TRENDING" and c.cluster_trend:
            c.explanation = f"Popular right now with viewers who watch what you watch; @{c.author} posted it."
        elif c.reason == "TRENDING":
            c.explanation = f"Trending: {c.views:,} views since it was posted."
        elif c.reason == "POPULAR":
            c.explanation = f"Popular on Flywheel: {c.hearts:,} hearts."
        elif c.pool_trial:
            c.explanation = (
                f"A new video from @{c.author} on trial with a small audience whose interests match its hashtags."
            )
        elif creators.get(c.author_id, 0) <= NEW_CREATOR_MAX_VIDEOS:
            c.reason = "NEW_CREATOR"
            c.explanation = f"A new creator, @{c.author}, finding a first audience."
        else:
            c.explanation = f"Something outside what you usually watch, from @{c.author}."
        if c.author_kind == BRAND and c.reason not in ("FOLLOWING",):
            c.explanation += f" (Brand account, shown at {knobs.brand_factor:g}× weight.)"
