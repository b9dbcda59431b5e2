"""Replay an interaction log: train on one part, rank the full catalogue for every viewer,
and score the held-out part. Used by `manage.py evaluate_feed` and by the tests."""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import ease
from .als import train_als
from .interactions import Interactions
from .metrics import auc, ndcg_at_k, recall_at_k, top_k


@dataclass
class Log:
    users: np.ndarray
    items: np.ndarray
    signal: np.ndarray
    timestamps: np.ndarray | None = None
    item_author: np.ndarray | None = None  # author index per item, when known
    item_is_brand: np.ndarray | None = None
    follows: dict[int, set[int]] = field(default_factory=dict)  # viewer -> authors followed
    item_tags: np.ndarray | None = None  # items x tags, 1 where a video carries a tag (content)
    n_users: int = 0
    n_items: int = 0


def read_log(path: str) -> Log:
    """CSV with columns user, item and signal (named user_id/user, video_id/item,
    watch_ratio/signal), and optionally timestamp. Ids are remapped to 0..n-1."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path} has no rows")

    def column(*names):
        for name in names:
            if name in rows[0]:
                return name
        raise ValueError(f"{path} has none of the columns {names}")

    user_col, item_col = column("user_id", "user"), column("video_id", "item", "item_id")
    signal_col = column("watch_ratio", "signal")
    time_col = "timestamp" if "timestamp" in rows[0] else None
    user_ids = {value: index for index, value in enumerate(dict.fromkeys(r[user_col] for r in rows))}
    item_ids = {value: index for index, value in enumerate(dict.fromkeys(r[item_col] for r in rows))}
    log = Log(
        users=np.array([user_ids[r[user_col]] for r in rows]),
        items=np.array([item_ids[r[item_col]] for r in rows]),
        signal=np.array([float(r[signal_col]) for r in rows]),
        timestamps=np.array([float(r[time_col]) for r in rows]) if time_col else None,
        n_users=len(user_ids),
        n_items=len(item_ids),
    )
    log.item_keys = list(item_ids)  # original ids, to join side data such as tags
    log.item_tags = read_tags(Path(path).with_name("item_categories.csv"), item_ids)
    return log


def read_tags(path: Path, item_ids: dict[str, int]) -> np.ndarray | None:
    """The videos' tags (`video_id,feat` with feat a list of tag ids, as KuaiRec ships them)
    beside the log, when there is such a file: a video no one has watched yet is known by them."""
    if not path.exists():
        return None
    pairs = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            index = item_ids.get(row["video_id"])
            if index is not None:
                pairs += [(index, int(tag)) for tag in json.loads(row["feat"])]
    if not pairs:
        return None
    items, tags = np.array(pairs).T
    matrix = np.zeros((len(item_ids), int(tags.max()) + 1), dtype=np.float32)
    matrix[items, tags] = 1.0
    return matrix


def split(
    log: Log, test_share: float = 0.2, seed: int = 0, within: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, test) over the events `within` (all by default).

    With timestamps the split is global and temporal: the latest `test_share` of the events go
    to test, so training never sees anything that happened after a test event, as in
    production. Without timestamps, a random `test_share` of each viewer's events. The same
    function carves the validation split out of the training part."""
    within = np.ones(len(log.users), dtype=bool) if within is None else within
    test = np.zeros(len(log.users), dtype=bool)
    if log.timestamps is not None:
        cutoff = np.quantile(log.timestamps[within], 1 - test_share)
        test = within & (log.timestamps > cutoff)
        return within & ~test, test
    rng = np.random.default_rng(seed)
    rows_in = np.flatnonzero(within)
    order = rows_in[np.argsort(log.users[rows_in], kind="stable")]
    starts = np.searchsorted(log.users[order], np.arange(log.n_users + 1))
    for user in range(log.n_users):
        rows = order[starts[user] : starts[user + 1]]
        if len(rows) < 2:
            continue
        held = max(1, round(len(rows) * test_share))
        test[rng.permutation(rows)[-held:]] = True
    return within & ~test, test


def interest_strength(signal: np.ndarray) -> np.ndarray:
    """Watch ratio as interest: quick skips count for nothing, a full watch for 1, each
    rewatch for more, capped so one obsessive loop does not dominate."""
    return np.clip(signal - 0.3, 0.0, 4.0)


Ranker = Callable[[int, np.ndarray], np.ndarray]  # (viewer, items seen in training) -> scores


@dataclass
class Scores:
    recall: float
    ndcg: float
    auc_shown: float | None  # among each viewer's held-out videos: finished ones above the rest?
    coverage: float
    author_diversity: float | None
    brand_share: float | None


def _by_user(users: np.ndarray, values: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(users, kind="stable")
    keys, starts = np.unique(users[order], return_index=True)
    return {int(key): part for key, part in zip(keys, np.split(values[order], starts[1:]), strict=True)}


def evaluate(
    log: Log, train: np.ndarray, test: np.ndarray, ranker: Ranker, *, k: int = 20, relevant_at: float = 1.0
) -> Scores:
    """Rank the whole catalogue for each viewer with a held-out positive (signal ≥
    `relevant_at`, i.e. watched to the end), excluding what they saw in training: Recall and
    NDCG at k. And, among the videos each viewer was shown in the held-out part, how well the
    ranker orders the finished ones above the skipped (AUC): what a feed's ordering is for."""
    seen = _by_user(log.users[train], log.items[train])
    held_items = _by_user(log.users[test], log.items[test])
    held_signal = _by_user(log.users[test], log.signal[test])
    recalls, ndcgs, aucs, shown, diversity, brands = [], [], [], set(), [], []
    for user, items in held_items.items():
        finished = held_signal[user] >= relevant_at
        excluded = seen.get(user, np.zeros(0, dtype=np.int64)).astype(np.int64)
        scores = ranker(user, excluded)
        if finished.any() and not finished.all():
            # a two-stage ranker's ranking stage orders what was shown, as the feed does with
            # its candidates; any other ranker's catalogue scores are used as they are
            shown_scores = ranker.score(user, items) if hasattr(ranker, "score") else scores[items]
            aucs.append(auc(shown_scores[finished], shown_scores[~finished]))
        if not finished.any():
            continue
        ranked = top_k(scores, k, excluded)
        wanted = {int(item) for item in items[finished]}
        recalls.append(recall_at_k(ranked, wanted, k))
        ndcgs.append(ndcg_at_k(ranked, wanted, k))
        shown.update(int(item) for item in ranked)
        if log.item_author is not None:
            diversity.append(len(set(log.item_author[ranked])) / len(ranked))
        if log.item_is_brand is not None:
            brands.append(float(np.mean(log.item_is_brand[ranked])))
    return Scores(
        recall=float(np.mean(recalls)) if recalls else float("nan"),
        ndcg=float(np.mean(ndcgs)) if ndcgs else float("nan"),
        auc_shown=float(np.mean(aucs)) if aucs else None,
        coverage=len(shown) / log.n_items,
        author_diversity=float(np.mean(diversity)) if diversity else None,
        brand_share=float(np.mean(brands)) if brands else None,
    )


def train_interactions(log: Log, train: np.ndarray) -> Interactions:
    """The training events that signal interest; skips are left out rather than counted as
    weak positives (ALS treats every observed pair as 'likes it')."""
    strength = interest_strength(log.signal)
    keep = train & (strength > 0)
    return Interactions.from_triples(log.users[keep], log.items[keep], strength[keep], log.n_users, log.n_items)


def popularity_ranker(log: Log, train: np.ndarray, relevant_at: float = 1.0) -> Ranker:
    counts = np.zeros(log.n_items)
    np.add.at(counts, log.items[train & (log.signal >= relevant_at)], 1)
    return lambda user, seen: counts


def following_ranker(log: Log, train: np.ndarray) -> Ranker | None:
    """Videos of followed authors, most recent (highest index) first; None without a graph."""
    if log.item_author is None or not log.follows:
        return None
    recency = np.arange(log.n_items, dtype=np.float64) / log.n_items

    def rank(user, seen):
        followed = np.isin(log.item_author, list(log.follows.get(user, ())))
        return np.where(followed, 1.0 + recency, recency - 1.0)

    return rank


def flywheel_ranker(log: Log, train: np.ndarray, *, brand_factor: float = 0.5, progress=None, **als) -> Ranker:
    """The interest model's predicted engagement, with brand videos multiplied by
    `brand_factor` (as in the For You feed's algorithmic picks)."""
    return factor_ranker(log, train_als(train_interactions(log, train), progress=progress, **als), brand_factor)


def factor_ranker(log: Log, factors, brand_factor: float = 1.0) -> Ranker:
    """Scores from trained ALS factors; brand videos' scores multiplied by `brand_factor`."""
    multiplier = np.ones(log.n_items)
    if log.item_is_brand is not None:
        multiplier[log.item_is_brand.astype(bool)] = brand_factor

    def rank(user, seen):
        scores = factors.items @ factors.users[user]
        return np.where(scores > 0, scores * multiplier, scores / multiplier)

    return rank


def ease_ranker(log: Log, train: np.ndarray, *, regularization: float = 100.0) -> Ranker | None:
    """EASE's item-item scores of each viewer's training interactions; None for catalogues
    too large for its items² matrix."""
    interactions = train_interactions(log, train)
    if interactions.n_items > ease.MAX_ITEMS:
        return None
    weights = ease.train_ease(interactions, regularization)
    rows = ease.binary_rows(interactions)
    return lambda user, seen: rows[user] @ weights
