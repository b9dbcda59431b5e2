"""The `implicit` library trains the interest model (feed/ranking/implicit_als.py, pinned 0.7.3):
it must keep the API we call and learn what our own exact solver learns."""

import numpy as np

from feed.ranking import evaluation
from feed.ranking.als import train_als
from feed.ranking.implicit_als import confidence_matrix, train_cg
from feed.tests.test_ranking import planted_log


def test_the_library_api_we_rely_on_trains_and_reports_each_iteration():
    log, *_ = planted_log(users=60)
    interactions = evaluation.train_interactions(log, np.ones(len(log.users), dtype=bool))
    done = []
    users, items = train_cg(
        interactions,
        factors=8,
        iterations=3,
        regularization=0.1,
        alpha=10.0,
        seed=0,
        progress=lambda d, t: done.append(d),
    )
    assert users.shape == (log.n_users, 8) and items.shape == (log.n_items, 8)
    assert users.dtype == items.dtype == np.float32
    assert done == [1, 2, 3]


def test_confidence_is_passed_as_one_plus_alpha_times_strength():
    log, *_ = planted_log(users=10)
    interactions = evaluation.train_interactions(log, np.ones(len(log.users), dtype=bool))
    matrix = confidence_matrix(interactions, alpha=10.0)
    user = 3
    items, strength = interactions.row(user)
    assert np.allclose(matrix[user, items].toarray().ravel(), 1 + 10.0 * strength)


def test_conjugate_gradient_learns_what_the_exact_solver_learns():
    log, *_ = planted_log()
    train, test = evaluation.split(log)
    interactions = evaluation.train_interactions(log, train)
    recall = {}
    for solver in ("exact", "cg"):
        factors = train_als(interactions, factors=16, iterations=10, regularization=0.1, alpha=10.0, solver=solver)
        recall[solver] = evaluation.evaluate(log, train, test, evaluation.factor_ranker(log, factors)).recall
    popular = evaluation.evaluate(log, train, test, evaluation.popularity_ranker(log, train)).recall
    assert recall["cg"] > 3 * popular
    assert abs(recall["cg"] - recall["exact"]) < 0.05
