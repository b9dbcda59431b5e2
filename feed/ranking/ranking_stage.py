"""The ranking stage: of the videos a viewer is shown, which will they watch to the end?

Retrieval models (ALS, EASE) learn what a viewer engages with at all; on the KuaiRec sample
they order the videos a viewer was actually shown worse than a popularity count does (AUC
0.66 and 0.61 against 0.74). A feed's ordering needs P(finish | shown), learned from shown and
finished against shown and skipped. This module scores (viewer, video) pairs with a logistic
regression over features of the video (smoothed finish rate and watch ratio, reach), the
viewer (finish rate), the pair (retrieval scores, the viewer's finish rate on the creator's
videos), and stacks it after retrieval: the best retrieval model proposes candidates, the
ranking stage orders them.

No target leakage: the features of a training example come from one part of the log and its
label from another (the part after it, when the log has timestamps)."""

from dataclasses import dataclass

import numpy as np

from . import ease
from .als import Factors, train_als
from .evaluation import Log, split, train_interactions

FEATURES = (
    "interest model score",
    "item-item score",
    "video finish rate",
    "video watch ratio",
    "video reach",
    "viewer finish rate",
    "viewer finish rate on the creator",
)
PRIOR_SHOWS = 10.0  # pseudo-shows that pull a rate seen a few times towards the average


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


@dataclass
class Stats:
    """What the features are computed from: one part of the log."""

    factors: Factors
    ease_weights: np.ndarray | None
    ease_rows: np.ndarray | None
    item_rate: np.ndarray
    item_ratio: np.ndarray
    item_reach: np.ndarray
    user_rate: np.ndarray
    pair_keys: np.ndarray  # sorted viewer * n_authors + author
    pair_rate: np.ndarray

    def retrieval(self, user: int) -> np.ndarray:
        if self.ease_weights is not None:
            return self.ease_rows[user] @ self.ease_weights
        return self.factors.items @ self.factors.users[user]


def _smoothed(finished: np.ndarray, shows: np.ndarray, prior: np.ndarray | float) -> np.ndarray:
    return (finished + PRIOR_SHOWS * prior) / (shows + PRIOR_SHOWS)


def fit_stats(log: Log, mask: np.ndarray, *, als: dict, ease_regularization: float | None, seed: int = 0) -> Stats:
    finished = (log.signal >= 1.0).astype(np.float64)
    users, items, done = log.users[mask], log.items[mask], finished[mask]
    prior = float(done.mean()) if len(done) else 0.5
    item_shows = np.bincount(items, minlength=log.n_items).astype(np.float64)
    user_shows = np.bincount(users, minlength=log.n_users).astype(np.float64)
    user_rate = _smoothed(np.bincount(users, done, log.n_users), user_shows, prior)
    ratio = np.clip(log.signal[mask], 0.0, 4.0)
    mean_ratio = float(ratio.mean()) if len(ratio) else 1.0
    authors = log.item_author if log.item_author is not None else np.zeros(log.n_items, dtype=np.int64)
    n_authors = int(authors.max()) + 1
    keys, inverse = np.unique(users * n_authors + authors[items], return_inverse=True)
    pair_shows = np.bincount(inverse).astype(np.float64)
    pair_done = np.bincount(inverse, done)
    interactions = train_interactions(log, mask)
    small = ease_regularization is not None and log.n_items <= ease.MAX_ITEMS
    return Stats(
        factors=train_als(interactions, seed=seed, **als),
        ease_weights=ease.train_ease(interactions, ease_regularization) if small else None,
        ease_rows=ease.binary_rows(interactions) if small else None,
        item_rate=_smoothed(np.bincount(items, done, log.n_items), item_shows, prior),
        item_ratio=_smoothed(np.bincount(items, ratio, log.n_items), item_shows, mean_ratio),
        item_reach=np.log1p(item_shows),
        user_rate=user_rate,
        pair_keys=keys,
        pair_rate=_smoothed(pair_done, pair_shows, user_rate[keys // n_authors]),
    )


def features(stats: Stats, log: Log, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """One row per (viewer, video) pair, one column per name in FEATURES."""
    interest = np.einsum("ij,ij->i", stats.factors.users[users], stats.factors.items[items])
    if stats.ease_weights is not None:
        item_item = np.einsum("ij,ji->i", stats.ease_rows[users], stats.ease_weights[:, items])
    else:
        item_item = np.zeros(len(users))
    authors = log.item_author if log.item_author is not None else np.zeros(log.n_items, dtype=np.int64)
    n_authors = int(authors.max()) + 1
    keys = users * n_authors + authors[items]
    at = np.clip(np.searchsorted(stats.pair_keys, keys), 0, max(len(stats.pair_keys) - 1, 0))
    known = len(stats.pair_keys) > 0 and stats.pair_keys[at] == keys
    pair = np.where(known, stats.pair_rate[at] if len(stats.pair_keys) else 0.0, stats.user_rate[users])
    return np.column_stack(
        [
            interest,
            item_item,
            logit(stats.item_rate[items]),
            stats.item_ratio[items],
            stats.item_reach[items],
            logit(stats.user_rate[users]),
            logit(pair),
        ]
    )


STANDARD_LIMIT = 4.0


def _standardised(x: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Standard scores, clipped: a value far outside what training saw (a video seconds old when
    every training show was days after posting) must not push the logit to certainty."""
    return np.clip((x - mean) / scale, -STANDARD_LIMIT, STANDARD_LIMIT)


@dataclass
class Logistic:
    """L2-regularised logistic regression on standardised features, fitted by Newton's method
    (a handful of features: each step is one small solve)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # one per feature, then the intercept

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 25) -> "Logistic":
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        z = np.column_stack([_standardised(x, mean, scale), np.ones(len(x))])
        weights = np.zeros(z.shape[1])
        penalty = l2 * np.r_[np.ones(z.shape[1] - 1), 0.0]
        for _ in range(steps):
            p = 1.0 / (1.0 + np.exp(-z @ weights))
            gradient = z.T @ (p - y) + penalty * weights
            hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
            step = np.linalg.solve(hessian, gradient)
            weights -= step
            if np.abs(step).max() < 1e-6:
                break
        return cls(mean, scale, weights)

    def logit(self, x: np.ndarray) -> np.ndarray:
        return _standardised(x, self.mean, self.scale) @ self.weights[:-1] + self.weights[-1]

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Each feature's share of each row's logit (relative to an average row): the words of
        an explanation name the largest."""
        return _standardised(x, self.mean, self.scale) * self.weights[:-1]


def train_ranking_stage(log: Log, train: np.ndarray, *, als: dict, ease_regularization: float | None, seed: int = 0):
    """The model, learned on the training part alone: features from its earlier part, labels
    (finished or not) from its later part. Returns (model, stats of the whole training part)."""
    earlier, later = split(log, seed=seed + 1, within=train)
    stats = fit_stats(log, earlier, als=als, ease_regularization=ease_regularization, seed=seed)
    x = features(stats, log, log.users[later], log.items[later])
    model = Logistic.fit(x, (log.signal[later] >= 1.0).astype(np.float64))
    return model, fit_stats(log, train, als=als, ease_regularization=ease_regularization, seed=seed)


class TwoStage:
    """A Ranker in two stages. Retrieval proposes `candidates` videos; the ranking stage orders them by its predicted
    finish logit plus `mix` times the retrieval score (standardised over the candidates)."""

    def __init__(
        self, log: Log, stats: Stats, model: Logistic, *, candidates: int = 40, mix: float = 1.0, brand_factor=1.0
    ):
        self.log, self.stats, self.model, self.candidates, self.mix = log, stats, model, candidates, mix
        # brand videos' odds of being picked multiplied by brand_factor, as in the feed
        brands = log.item_is_brand if log.item_is_brand is not None else np.zeros(log.n_items)
        self.brand_shift = np.log(brand_factor) * brands.astype(bool)

    def score(self, user: int, items: np.ndarray) -> np.ndarray:
        """The ranking stage alone: what it thinks of the videos a viewer is shown."""
        return self.model.logit(features(self.stats, self.log, np.full(len(items), user), items))

    def __call__(self, user: int, seen: np.ndarray) -> np.ndarray:
        retrieval = self.stats.retrieval(user).astype(np.float64)
        retrieval[seen] = -np.inf
        count = min(self.candidates, self.log.n_items - len(seen))
        picked = np.argpartition(-retrieval, count - 1)[:count]
        proposed = retrieval[picked]
        standardised = (proposed - proposed.mean()) / (proposed.std() + 1e-9)
        scores = np.full(self.log.n_items, -1e9)
        scores[picked] = self.score(user, picked) + self.mix * standardised + self.brand_shift[picked]
        return scores
