"""The ranking stage on synthetic logs: it learns which shown videos get finished, per video and
per viewer and creator, and stacked after retrieval it orders the feed better than either."""

import numpy as np
import pytest

from feed.ranking import evaluation
from feed.ranking.ranking_stage import FEATURES, Logistic, TwoStage, train_ranking_stage
from feed.tests.test_ranking import log_from_rows, planted_log

ALS = {"factors": 16, "iterations": 6}


def _finish_chance(author: int, audience: int, good: bool) -> float:
    if author == 0:
        return 0.9 if audience == 0 else 0.1
    return 0.8 if good else 0.2


def audiences_log(seed: int = 0, per_audience: int = 80):
    """Two audiences shown the same videos. Everyone finishes the good videos and skips the
    dull ones; creator 0's videos are finished by audience A and skipped by audience B."""
    rng = np.random.default_rng(seed)
    n_items = 120
    item_author = np.r_[np.zeros(20, dtype=int), 1 + rng.integers(0, 10, n_items - 20)]
    good = rng.random(n_items) < 0.5
    users = 2 * per_audience
    audience = np.repeat([0, 1], per_audience)
    rows = []
    for user in range(users):
        for item in rng.choice(n_items, 40, replace=False):
            finish = _finish_chance(item_author[item], audience[user], good[item])
            rows.append((user, item, rng.uniform(1.0, 1.6) if rng.random() < finish else rng.uniform(0.05, 0.6)))
    log = log_from_rows(rows, rng, item_author, np.zeros(n_items), users)
    return log, audience


def test_the_ranking_stage_learns_that_a_creator_is_finished_by_one_audience_and_skipped_by_another():
    log, audience = audiences_log()
    train, _ = evaluation.split(log)
    model, stats = train_ranking_stage(log, train, als=ALS, ease_regularization=10.0)
    ranker = TwoStage(log, stats, model)
    creators_videos = np.flatnonzero(log.item_author == 0)
    fans = np.mean([ranker.score(user, creators_videos).mean() for user in np.flatnonzero(audience == 0)])
    others = np.mean([ranker.score(user, creators_videos).mean() for user in np.flatnonzero(audience == 1)])
    assert fans > others + 1.0  # logits: several times the odds of finishing
    weights = dict(zip(FEATURES, model.weights, strict=False))
    assert weights["creator_affinity"] > 0
    assert weights["finish_rate"] > 0


def test_the_ranking_stage_orders_what_is_shown_better_than_retrieval_or_popularity():
    log, _ = audiences_log(seed=1)
    train, test = evaluation.split(log)
    model, stats = train_ranking_stage(log, train, als=ALS, ease_regularization=10.0)
    two_stage = evaluation.evaluate(log, train, test, TwoStage(log, stats, model))
    popular = evaluation.evaluate(log, train, test, evaluation.popularity_ranker(log, train))
    retrieval = evaluation.evaluate(log, train, test, evaluation.ease_ranker(log, train, regularization=10.0))
    assert two_stage.auc_shown > max(popular.auc_shown, retrieval.auc_shown) + 0.01


def test_on_planted_tastes_the_two_stage_ranker_keeps_retrievals_recall():
    log, *_ = planted_log()
    train, test = evaluation.split(log)
    model, stats = train_ranking_stage(log, train, als=ALS, ease_regularization=50.0)
    two_stage = evaluation.evaluate(log, train, test, TwoStage(log, stats, model, candidates=40))
    ease = evaluation.evaluate(log, train, test, evaluation.ease_ranker(log, train, regularization=50.0))
    assert two_stage.recall >= ease.recall - 0.02
    assert two_stage.auc_shown > 0.9


def test_brand_videos_are_down_weighted_after_ranking():
    log, *_ = planted_log()
    train, test = evaluation.split(log)
    model, stats = train_ranking_stage(log, train, als=ALS, ease_regularization=50.0)
    neutral = evaluation.evaluate(log, train, test, TwoStage(log, stats, model))
    damped = evaluation.evaluate(log, train, test, TwoStage(log, stats, model, brand_factor=0.2))
    assert damped.brand_share < neutral.brand_share


def test_logistic_regression_recovers_known_weights():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, 2))
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(2.0 * x[:, 0] - 1.0 * x[:, 1] + 0.5)))).astype(float)
    model = Logistic.fit(x, y, l2=0.0)
    assert model.weights[:2] * (1 / model.scale) == pytest.approx([2.0, -1.0], abs=0.1)
