"""A For You candidate's score: the ranking stage's value when a trained one ships, else a
heuristic of its engagement, freshness and originality; either times the brand factor and lifts."""

import math

from ..models import FeedSettings
from .explanations import BRAND
from .tunables import TUNE


def quality(c) -> float:
    """Smoothed engagement rates: a prior of a few average views, so 2 views and 2 hearts
    is not a perfect video."""
    (a, b), (la, lb) = TUNE.completion_prior, TUNE.love_prior
    completion = (c.completions + a) / (c.views + b)
    love = (c.hearts + c.rewatches + la) / (c.views + lb)
    return completion * (1 + love)


def score_of(c, predicted: float, knobs: FeedSettings, now, algorithmic: bool, lift: float = 1.0) -> float:
    brand = knobs.brand_factor if algorithmic and c.author_kind == BRAND else 1.0
    if c.value is not None:
        # the ranking stage already weighed quality, freshness and originality for this viewer
        return math.exp(c.value) * brand * lift
    age_hours = max(0.0, (now - c.published_at).total_seconds() / 3600) if c.published_at else 1e6
    freshness = 0.5 ** (age_hours / knobs.freshness_half_life_hours)
    originality = 1.0 if c.is_original else TUNE.unoriginal_factor
    recency = TUNE.stale_floor + (1 - TUNE.stale_floor) * freshness
    return predicted * quality(c) * recency * originality * brand * lift
