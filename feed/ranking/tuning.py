"""Hyperparameters chosen honestly: on a validation split carved from the training part
(the same kind of split as the test one), by NDCG@k; the test part is never looked at."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import product

import numpy as np

from .evaluation import Log, Ranker, evaluate, split

ALS_GRID = {"factors": (32, 64), "regularization": (0.1, 1.0, 10.0), "alpha": (5.0, 20.0)}
EASE_GRID = {"regularization": (10.0, 50.0, 200.0, 1000.0)}


@dataclass
class Choice:
    params: dict
    validation_ndcg: float


def grid(axes: dict[str, Iterable]) -> list[dict]:
    return [dict(zip(axes, values, strict=True)) for values in product(*axes.values())]


def choose(
    log: Log,
    train: np.ndarray,
    build: Callable[..., Ranker | None],
    candidates: list[dict],
    *,
    k: int = 20,
    seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> Choice | None:
    """The candidate whose ranker, fitted on the training part minus a validation split,
    ranks that validation split best. `build(log, fit_mask, **params)`."""
    fit, validation = split(log, seed=seed, within=train)
    best = None
    for params in candidates:
        ranker = build(log, fit, **params)
        if progress:
            progress()
        if ranker is None:
            return None
        ndcg = evaluate(log, fit, validation, ranker, k=k).ndcg
        if best is None or ndcg > best.validation_ndcg:
            best = Choice(params, ndcg)
    return best


TWO_STAGE_GRID = {"candidates": (20, 40, 80), "mix": (0.5, 1.0, 2.0), "trust": (0.0, 3.0, 10.0, 30.0)}
ITEM_TRUST_GRID = (0.0, 3.0, 30.0)  # a video's events before its personal score counts half against its tags


def choose_two_stage(log: Log, train: np.ndarray, *, als: dict, ease_regularization, k: int = 20, seed: int = 0):
    """Candidates per viewer, the retrieval mix and how far to trust a short history, for the
    two-stage ranker, on validation: the ranking stage is trained once on the training part
    minus validation. On a log without timestamps the validation viewers' histories are cut
    into cohorts (cohorts.simulate_cohorts), so the choice also weighs viewers we barely know,
    as a global time split would give them."""
    from .cohorts import simulate_cohorts
    from .ranking_stage import TwoStage, train_ranking_stage

    fit, validation = split(log, seed=seed, within=train)
    if log.timestamps is None:
        fit = simulate_cohorts(log, fit, validation, seed=seed)
    model, stats = train_ranking_stage(log, fit, als=als, ease_regularization=ease_regularization, seed=seed)
    best = None
    item_trust = ITEM_TRUST_GRID if log.item_tags is not None else (0.0,)
    for params in grid({**TWO_STAGE_GRID, "item_trust": item_trust}):
        ndcg = evaluate(log, fit, validation, TwoStage(log, stats, model, **params), k=k).ndcg
        if best is None or ndcg > best.validation_ndcg:
            best = Choice(params, ndcg)
    return best
