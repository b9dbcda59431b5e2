"""L2-regularised logistic regression for the ranking stage's heads, and the helpers its
features share: the logit and how rates seen a few times are smoothed."""

from dataclasses import dataclass

import numpy as np

PRIOR_SHOWS = 10.0  # pseudo-shows that pull a rate seen a few times towards the average


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


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
