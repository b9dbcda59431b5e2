from dataclasses import dataclass

import numpy as np


@dataclass
class Interactions:
    """A viewer × video engagement log in compressed-row form.

    `strength` is how strongly each (viewer, video) pair signals interest — in the product, a
    weighted sum of completion, rewatches, hearts, comments, shares, follows after watching
    minus skips; for KuaiRec, the watch ratio."""

    n_users: int
    n_items: int
    indptr: np.ndarray  # row start offsets, length n_users + 1
    items: np.ndarray  # item index of each entry
    strength: np.ndarray  # signal of each entry

    @classmethod
    def from_triples(cls, users: np.ndarray, items: np.ndarray, strength: np.ndarray, n_users: int, n_items: int):
        order = np.lexsort((items, users))
        users, items, strength = users[order], items[order], strength[order].astype(np.float32)
        indptr = np.zeros(n_users + 1, dtype=np.int64)
        np.add.at(indptr, users + 1, 1)
        return cls(n_users, n_items, np.cumsum(indptr), items.astype(np.int64), strength)

    def row(self, user: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.indptr[user], self.indptr[user + 1]
        return self.items[start:end], self.strength[start:end]

    def transpose(self) -> "Interactions":
        users = np.repeat(np.arange(self.n_users), np.diff(self.indptr))
        return Interactions.from_triples(self.items, users, self.strength, self.n_items, self.n_users)

    def item_counts(self, min_strength: float = 0.0) -> np.ndarray:
        counts = np.zeros(self.n_items)
        np.add.at(counts, self.items[self.strength > min_strength], 1)
        return counts
