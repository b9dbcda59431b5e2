"""Audience clusters and per-creator consistency, from the learned vectors."""

import numpy as np

from .interactions import Interactions


def kmeans(vectors: np.ndarray, k: int, iterations: int = 20, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Centroids and labels of k clusters of (unit-normalised) viewer vectors."""
    if len(vectors) == 0:
        return np.zeros((0, vectors.shape[1])), np.zeros(0, dtype=np.int64)
    k = max(1, min(k, len(vectors)))
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    rng = np.random.default_rng(seed)
    centroids = unit[rng.choice(len(unit), k, replace=False)]
    labels = np.zeros(len(unit), dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmax(unit @ centroids.T, axis=1)
        for cluster in range(k):
            members = unit[labels == cluster]
            if len(members):
                centre = members.mean(axis=0)
                centroids[cluster] = centre / max(np.linalg.norm(centre), 1e-9)
    return centroids, labels


def nearest_cluster(centroids: np.ndarray, vector: np.ndarray) -> int:
    return int(np.argmax(centroids @ (vector / max(np.linalg.norm(vector), 1e-9))))


def cluster_engagement(labels: np.ndarray, interactions: Interactions, k: int) -> np.ndarray:
    """k × items: mean interest strength per member of each cluster."""
    totals = np.zeros((k, interactions.n_items))
    users = np.repeat(np.arange(interactions.n_users), np.diff(interactions.indptr))
    np.add.at(totals, (labels[users], interactions.items), interactions.strength)
    sizes = np.maximum(np.bincount(labels, minlength=k), 1)
    return totals / sizes[:, None]


def creator_consistency(item_vectors: np.ndarray, item_author: np.ndarray) -> dict[int, float]:
    """How closely each creator's videos keep to one direction of taste: the mean cosine of
    their videos to their own centroid (1 for a creator with one recognisable topic)."""
    unit = item_vectors / np.maximum(np.linalg.norm(item_vectors, axis=1, keepdims=True), 1e-9)
    result = {}
    for author in np.unique(item_author):
        mine = unit[item_author == author]
        if len(mine) < 2:
            continue
        centre = mine.mean(axis=0)
        result[int(author)] = float(np.clip(mine @ (centre / max(np.linalg.norm(centre), 1e-9)), 0, 1).mean())
    return result


def group_means(item_vectors: np.ndarray, groups: np.ndarray, skip: int | None = None) -> dict[int, np.ndarray]:
    """Mean vector per group (a creator's videos, a sound's videos)."""
    order = np.argsort(groups, kind="stable")
    keys, starts = np.unique(groups[order], return_index=True)
    sums = np.add.reduceat(item_vectors[order], starts, axis=0) if len(keys) else np.zeros((0, item_vectors.shape[1]))
    counts = np.diff(np.append(starts, len(groups)))
    return {int(key): sums[i] / counts[i] for i, key in enumerate(keys) if key != skip}
