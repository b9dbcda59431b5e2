"""EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): an item-item
model in closed form, one ridge regression of every video's column on all the others.

    P = (XᵀX + λI)⁻¹,   B = I − P · diag(1 / diag(P)),   B_ii = 0,   scores_u = x_u · B

It is a strong, simple retrieval baseline (often better than matrix factorisation on recall),
at the price of an items × items matrix: it suits catalogues up to tens of thousands of videos,
so the offline evaluation uses it and the server does not."""

import numpy as np

from .interactions import Interactions

MAX_ITEMS = 20_000  # an items² float32 matrix of 1.6 GB and an O(items³) inverse: enough


def train_ease(interactions: Interactions, regularization: float) -> np.ndarray:
    """The item-item weight matrix B, from which viewer (binary interaction rows) · B ranks."""
    if interactions.n_items > MAX_ITEMS:
        raise ValueError(f"EASE needs an items² matrix: {interactions.n_items:,} videos is over {MAX_ITEMS:,}")
    x = binary_rows(interactions)
    gram = (x.T @ x).astype(np.float64)
    gram[np.diag_indices_from(gram)] += regularization
    inverse = np.linalg.inv(gram)
    weights = -inverse / np.diag(inverse)
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


def binary_rows(interactions: Interactions) -> np.ndarray:
    """Dense viewers × videos 0/1 matrix of who engaged with what."""
    x = np.zeros((interactions.n_users, interactions.n_items), dtype=np.float32)
    users = np.repeat(np.arange(interactions.n_users), np.diff(interactions.indptr))
    x[users, interactions.items] = 1.0
    return x
