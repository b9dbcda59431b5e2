"""Implicit-feedback matrix factorisation (Hu, Koren & Volinsky, 2008), alternating least
squares in numpy.

Why this model: our signals are implicit (watching, looping, hearting), there are no
ratings; ALS weighs every observed interaction by confidence and treats everything unseen
as a weak negative, which is what "ranking over the full catalogue" needs. It trains in
seconds on a laptop for millions of events, produces vectors we can update at request time
(one small solve per viewer), and its item vectors can be regressed onto hashtags for new
videos."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .interactions import Interactions


@dataclass
class Factors:
    users: np.ndarray  # n_users × k
    items: np.ndarray  # n_items × k
    regularization: float
    alpha: float

    @cached_property
    def item_gram(self) -> np.ndarray:
        """itemsᵀ·items, the same for every viewer: computed once per model, not per request
        (at a million items it is ~4 GFLOP: 60 ms on this machine when idle, 250 ms under load)."""
        return self.items.T @ self.items

    def user_vector(self, items: np.ndarray, strength: np.ndarray) -> np.ndarray:
        """A viewer's vector from their interactions alone, with item vectors fixed: how a
        feed reacts within a session, before the next training run."""
        return _solve_row(self.items, self.item_gram, items, strength, self.alpha, self.regularization)


def _solve_row(
    other: np.ndarray, gram: np.ndarray, items: np.ndarray, strength: np.ndarray, alpha: float, regularization: float
) -> np.ndarray:
    k = other.shape[1]
    if len(items) == 0:
        return np.zeros(k, dtype=other.dtype)
    vectors = other[items]
    confidence = alpha * strength  # c - 1 for the observed entries
    a = gram + (vectors.T * confidence) @ vectors + regularization * np.eye(k, dtype=other.dtype)
    b = vectors.T @ (1.0 + confidence)  # preference 1 for every observed entry
    return np.linalg.solve(a, b)


def _half_step(fixed: np.ndarray, rows: Interactions, alpha: float, regularization: float) -> np.ndarray:
    gram = fixed.T @ fixed
    result = np.zeros((rows.n_users, fixed.shape[1]), dtype=fixed.dtype)
    for row in range(rows.n_users):
        items, strength = rows.row(row)
        result[row] = _solve_row(fixed, gram, items, strength, alpha, regularization)
    return result


def train_als(
    interactions: Interactions,
    *,
    factors: int = 32,
    iterations: int = 12,
    regularization: float = 0.1,
    alpha: float = 10.0,
    seed: int = 0,
    solver: str = "cg",
    threads: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Factors:
    """Learn viewer and video vectors. `solver`: "cg", the `implicit` library's conjugate
    gradient (fast; `threads` 0 = every core), or "exact", our numpy solve per row (the
    reference). `progress(done, total)` is called after each iteration."""
    if solver == "cg":
        from .implicit_als import train_cg

        users, items = train_cg(
            interactions,
            factors=factors,
            iterations=iterations,
            regularization=regularization,
            alpha=alpha,
            seed=seed,
            threads=threads,
            progress=progress,
        )
        return Factors(users=users, items=items, regularization=regularization, alpha=alpha)
    if solver != "exact":
        raise ValueError(f"unknown ALS solver {solver!r}")
    rng = np.random.default_rng(seed)
    users = rng.normal(0, 0.01, (interactions.n_users, factors)).astype(np.float32)
    items = rng.normal(0, 0.01, (interactions.n_items, factors)).astype(np.float32)
    by_item = interactions.transpose()
    for iteration in range(iterations):
        users = _half_step(items, interactions, alpha, regularization)
        items = _half_step(users, by_item, alpha, regularization)
        if progress:
            progress(iteration + 1, iterations)
    return Factors(users=users, items=items, regularization=regularization, alpha=alpha)


def fit_tag_projection(item_vectors: np.ndarray, tags: np.ndarray, regularization: float = 1.0) -> np.ndarray:
    """Ridge regression from a video's tags (multi-hot rows) to its learned vector, so a new
    video with no engagement yet gets a vector from its hashtags."""
    a = tags.T @ tags + regularization * np.eye(tags.shape[1])
    return np.linalg.solve(a, tags.T @ item_vectors)
