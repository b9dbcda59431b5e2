"""Offline ranking metrics over the full catalogue (no sampled negatives)."""

import numpy as np


def top_k(scores: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k best scores, best first, never one of `exclude`."""
    scores = scores.astype(np.float64, copy=True)
    if exclude is not None and len(exclude):
        scores[exclude] = -np.inf
    k = min(k, len(scores))
    best = np.argpartition(-scores, k - 1)[:k]
    return best[np.argsort(-scores[best], kind="stable")]


def recall_at_k(ranked: np.ndarray, relevant: set[int], k: int) -> float:
    if not relevant:
        return float("nan")
    hits = sum(1 for item in ranked[:k] if item in relevant)
    return hits / min(len(relevant), k)


def ndcg_at_k(ranked: np.ndarray, relevant: set[int], k: int) -> float:
    if not relevant:
        return float("nan")
    gains = [1.0 / np.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in relevant]
    ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return sum(gains) / ideal


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """The chance that a random positive scores above a random negative (ties count half)."""
    difference = positive[:, None] - negative[None, :]
    return float(np.mean(difference > 0) + 0.5 * np.mean(difference == 0))
