"""The ranking stage: of the videos a viewer is shown, which will they watch to the end?

Retrieval models (ALS, EASE) learn what a viewer engages with at all; on the KuaiRec sample
they order the videos a viewer was actually shown worse than a popularity count does (AUC
0.66 and 0.61 against 0.74). A feed's ordering needs P(finish | shown), learned from shown and
finished against shown and skipped. This module scores (viewer, video) pairs with a logistic
regression over the features the server uses (value_model.feature_matrix: the video's smoothed
rates and reach, the viewer's, the viewer's history with the creator, the interest score),
computed from the log's counts as the server computes them from the database, plus an
item-item (EASE) score. It stacks after retrieval: the best retrieval model proposes
candidates, the ranking stage orders them.

No target leakage: the features of a training example come from one part of the log and its
label from another (the part after it, when the log has timestamps)."""

from dataclasses import dataclass

import numpy as np

from . import ease, value_model
from .als import Factors, train_als
from .evaluation import Log, split, train_interactions
from .logistic import Logistic
from .value_model import NEVER_SEEN_HOURS, Priors, feature_matrix, smoothed

# the served features, then one the server cannot afford on a catalogue of 200k videos, then the
# video's tags: how the viewer's finished videos lean towards them, and how their videos fare
FEATURES = (*value_model.FEATURES, "item_item", "tag_match", "tag_finish")
TAG_PRIOR = 5.0  # pseudo-events of the catalogue's tag mix in a viewer's
SKIP_RATIO = 0.2  # a log without watch times: a show watched for under a fifth is a skip
REWATCH_RATIO = 2.0


@dataclass
class Stats:
    """What the features are computed from: one part of the log, counted as the server counts
    the database (shows, completions, watch time and rewatches per video; a viewer's rates; a
    viewer's shows and completions per creator)."""

    factors: Factors
    ease_weights: np.ndarray | None
    ease_rows: np.ndarray | None
    priors: Priors
    item_shows: np.ndarray
    item_done: np.ndarray
    item_watched: np.ndarray
    item_rewatched: np.ndarray
    user_finish: np.ndarray
    user_skip: np.ndarray
    pair_keys: np.ndarray  # sorted viewer * n_authors + author
    pair_shows: np.ndarray
    pair_done: np.ndarray
    user_shows: np.ndarray  # training events per viewer: how much the personal scores know
    tags: "TagStats | None" = None

    def retrieval(self, user: int) -> np.ndarray:
        if self.ease_weights is not None:
            return self.ease_rows[user] @ self.ease_weights
        return self.factors.items @ self.factors.users[user]


@dataclass
class TagStats:
    """What a video's tags say before anyone has watched it (issue #26, new videos): per viewer
    the log-lift of each tag among the videos they finished over the catalogue's finished mix,
    and per tag the smoothed finish rate of its videos."""

    item_tags: np.ndarray  # items x tags, each row summing to 1 (or 0 for a video with none)
    user_lift: np.ndarray  # viewers x tags
    tag_finish: np.ndarray  # logit of each tag's smoothed finish rate

    @classmethod
    def fit(cls, log: Log, users, items, done: np.ndarray, prior: float) -> "TagStats | None":
        if log.item_tags is None:
            return None
        tags = log.item_tags / np.maximum(log.item_tags.sum(axis=1, keepdims=True), 1.0)
        finished = tags[items[done > 0]]
        mix = (finished.sum(axis=0) + 1.0) / (finished.sum() + tags.shape[1])
        per_user = np.zeros((log.n_users, tags.shape[1]))
        np.add.at(per_user, users[done > 0], finished)
        mine = (per_user + TAG_PRIOR * mix) / (per_user.sum(axis=1, keepdims=True) + TAG_PRIOR)
        shown = tags[items].sum(axis=0)
        rate = smoothed((tags[items] * done[:, None]).sum(axis=0), shown, prior)
        return cls(tags.astype(np.float64), np.log(mine / mix), np.log(rate / (1 - rate)))

    def match(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->i", self.user_lift[users], self.item_tags[items])

    def finish(self, items: np.ndarray) -> np.ndarray:
        return self.item_tags[items] @ self.tag_finish

    def for_viewer(self, user: int) -> np.ndarray:
        """Every video's match with this viewer plus how its tags fare: a score for videos no
        one has watched, which the retrieval models cannot give."""
        return self.item_tags @ (self.user_lift[user] + self.tag_finish)


def _authors(log: Log) -> np.ndarray:
    return log.item_author if log.item_author is not None else np.zeros(log.n_items, dtype=np.int64)


def fit_stats(log: Log, mask: np.ndarray, *, als: dict, ease_regularization: float | None, seed: int = 0) -> Stats:
    users, items, signal = log.users[mask], log.items[mask], np.clip(log.signal[mask], 0.0, 4.0)
    done = (signal >= 1.0).astype(np.float64)
    skipped = (signal < SKIP_RATIO).astype(np.float64)
    rewatched = (signal >= REWATCH_RATIO).astype(np.float64)

    def mean(values: np.ndarray, fallback: float) -> float:
        return float(np.clip(values.mean(), 0.01, 0.99)) if len(values) else fallback

    priors = Priors(
        finish=mean(done, 0.5),
        ratio=float(signal.mean()) if len(signal) else 1.0,
        rewatch=mean(rewatched, 0.1),
        love=0.01,
        skip=mean(skipped, 0.2),
    )
    user_shows = np.bincount(users, minlength=log.n_users).astype(np.float64)
    n_authors = int(_authors(log).max()) + 1
    keys, inverse = np.unique(users * n_authors + _authors(log)[items], return_inverse=True)
    interactions = train_interactions(log, mask)
    small = ease_regularization is not None and log.n_items <= ease.MAX_ITEMS
    return Stats(
        factors=train_als(interactions, seed=seed, **als),
        ease_weights=ease.train_ease(interactions, ease_regularization) if small else None,
        ease_rows=ease.binary_rows(interactions) if small else None,
        priors=priors,
        item_shows=np.bincount(items, minlength=log.n_items).astype(np.float64),
        item_done=np.bincount(items, done, log.n_items),
        item_watched=np.bincount(items, signal, log.n_items),
        item_rewatched=np.bincount(items, rewatched, log.n_items),
        user_finish=smoothed(np.bincount(users, done, log.n_users), user_shows, priors.finish),
        user_skip=smoothed(np.bincount(users, skipped, log.n_users), user_shows, priors.skip),
        pair_keys=keys,
        pair_shows=np.bincount(inverse).astype(np.float64),
        pair_done=np.bincount(inverse, done),
        user_shows=user_shows,
        tags=TagStats.fit(log, users, items, done, priors.finish),
    )


def features(stats: Stats, log: Log, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """One row per (viewer, video) pair, one column per name in FEATURES: the server's features
    (value_model.feature_matrix) from this log's counts, then the item-item score."""
    interest = np.einsum("ij,ij->i", stats.factors.users[users], stats.factors.items[items])
    if stats.ease_weights is not None:
        item_item = np.einsum("ij,ji->i", stats.ease_rows[users], stats.ease_weights[:, items])
    else:
        item_item = np.zeros(len(users))
    authors = _authors(log)[items]
    keys = users * (int(_authors(log).max()) + 1) + authors
    at = np.clip(np.searchsorted(stats.pair_keys, keys), 0, max(len(stats.pair_keys) - 1, 0))
    known = (stats.pair_keys[at] == keys) if len(stats.pair_keys) else np.zeros(len(keys), dtype=bool)
    follows = np.array([int(a) in log.follows.get(int(u), ()) for u, a in zip(users, authors, strict=True)])
    served = feature_matrix(
        stats.priors,
        interest=interest,
        shows=stats.item_shows[items],
        completions=stats.item_done[items],
        watched=stats.item_watched[items],
        rewatches=stats.item_rewatched[items],
        loves=0.0,  # logs such as KuaiRec do not say who hearted what
        age_hours=0.0,
        original=1.0,
        pair_shows=np.where(known, stats.pair_shows[at] if len(keys) and len(stats.pair_keys) else 0.0, 0.0),
        pair_completions=np.where(known, stats.pair_done[at] if len(keys) and len(stats.pair_keys) else 0.0, 0.0),
        pair_hours_since=NEVER_SEEN_HOURS,
        follows=follows.astype(np.float64),
        viewer_finish=stats.user_finish[users],
        viewer_skip=stats.user_skip[users],
        viewer_history=stats.user_shows[users],
    )
    if stats.tags is None:
        return np.column_stack([served, item_item, np.zeros(len(users)), np.zeros(len(users))])
    return np.column_stack([served, item_item, stats.tags.match(users, items), stats.tags.finish(items)])


def train_ranking_stage(log: Log, train: np.ndarray, *, als: dict, ease_regularization: float | None, seed: int = 0):
    """The model, learned on the training part alone: features from its earlier part, labels
    (finished or not) from its later part. Returns (model, stats of the whole training part)."""
    earlier, later = split(log, seed=seed + 1, within=train)
    stats = fit_stats(log, earlier, als=als, ease_regularization=ease_regularization, seed=seed)
    x = features(stats, log, log.users[later], log.items[later])
    model = Logistic.fit(x, (log.signal[later] >= 1.0).astype(np.float64))
    return model, fit_stats(log, train, als=als, ease_regularization=ease_regularization, seed=seed)


def _standardised(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros_like(values)
    mean, spread = values[finite].mean(), values[finite].std()
    return np.where(finite, (values - mean) / (spread + 1e-9), values)


class TwoStage:
    """A Ranker in two stages. Retrieval proposes `candidates` videos; the ranking stage orders them by its predicted
    finish logit plus `mix` times the retrieval score (standardised over the candidates).

    Retrieval knows what it does not know: it blends the personal scores with the videos'
    finishes (popularity) by how much the viewer's history says, n / (n + `trust`) for a viewer
    with n training events, so a viewer with none gets the proven videos and one with a long
    history their own (`trust` 0: personal scores alone, as before). The same holds of videos
    when they carry tags: a video's personal score is blended with its tags' match with the
    viewer (TagStats.for_viewer) by e / (e + `item_trust`) for a video with e training events,
    so one no one has watched yet is proposed by its kind to viewers who finish that kind."""

    def __init__(
        self,
        log: Log,
        stats: Stats,
        model: Logistic,
        *,
        candidates: int = 40,
        mix: float = 1.0,
        trust: float = 0.0,
        item_trust: float = 0.0,
        brand_factor=1.0,
    ):
        self.log, self.stats, self.model, self.candidates, self.mix = log, stats, model, candidates, mix
        self.trust, self.item_trust = trust, item_trust if stats.tags is not None else 0.0
        self.exposure_known = stats.item_shows / (stats.item_shows + self.item_trust) if self.item_trust else None
        self.popularity = _standardised(np.log1p(stats.item_done))
        # brand videos' odds of being picked multiplied by brand_factor, as in the feed
        brands = log.item_is_brand if log.item_is_brand is not None else np.zeros(log.n_items)
        self.brand_shift = np.log(brand_factor) * brands.astype(bool)

    def score(self, user: int, items: np.ndarray) -> np.ndarray:
        """The ranking stage alone: what it thinks of the videos a viewer is shown."""
        return self.model.logit(features(self.stats, self.log, np.full(len(items), user), items))

    def known(self, user: int) -> float:
        """How much the personal scores count for this viewer, 0 to 1."""
        history = float(self.stats.user_shows[user])
        if self.trust <= 0:
            return 1.0 if history > 0 else 0.0
        return history / (history + self.trust)

    def __call__(self, user: int, seen: np.ndarray) -> np.ndarray:
        known = self.known(user)
        personal = _standardised(self.stats.retrieval(user).astype(np.float64))
        if self.exposure_known is not None:
            content = _standardised(self.stats.tags.for_viewer(user))
            personal = self.exposure_known * personal + (1 - self.exposure_known) * content
        retrieval = known * personal + (1 - known) * self.popularity
        retrieval[seen] = -np.inf
        count = min(self.candidates, self.log.n_items - len(seen))
        picked = np.argpartition(-retrieval, count - 1)[:count]
        proposed = retrieval[picked]
        standardised = (proposed - proposed.mean()) / (proposed.std() + 1e-9)
        scores = np.full(self.log.n_items, -1e9)
        scores[picked] = self._by_kind(picked, self.score(user, picked)) + self.mix * standardised
        scores[picked] += self.brand_shift[picked]
        return scores

    def _by_kind(self, picked: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """The ranking stage has never seen a video without events: its counters read as
        unproven. Such a video is worth, to this viewer, what the candidates of its kind (its
        tags) are worth, blended with its own score as its events grow (item_trust)."""
        if self.exposure_known is None:
            return scores
        tags = self.stats.tags.item_tags[picked]
        known = self.exposure_known[picked]
        overlap = tags @ tags.T * known[None, :]  # similarity to the candidates that have events
        weight = overlap.sum(axis=1)
        kind = np.divide(overlap @ scores, weight, out=scores.copy(), where=weight > 0)
        return known * scores + (1 - known) * kind
