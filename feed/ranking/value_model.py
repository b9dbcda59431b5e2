"""The feed's ranking stage as served: per candidate, the probabilities of the engagements the
feed is for (watched to the end, rewatched, hearted, skipped), combined into one value with the
admins' signal weights.

Train/serve consistency is the point of this module: the training command and the server
build a candidate's features with the same function (`feature_matrix`) from the same kinds of
facts, each as known at the moment of prediction — the video's counters, the viewer's most
recent RECENT_EVENTS watch events, the time since things happened. Training takes the facts
from the log before a cutoff and the labels from after it; the server takes them from the
database now.

The traffic-pool stage is not a feature: which pool a video was in when it was shown is not
logged, and using today's pool for yesterday's shows would leak the outcome into the input."""

from dataclasses import dataclass

import numpy as np

from .logistic import PRIOR_SHOWS, Logistic, logit

RECENT_EVENTS = 200  # a viewer's watch events that describe them, newest first
NEVER_SEEN_HOURS = 24 * 60.0  # "time since the viewer last saw this creator" when they never did
FEATURES = (
    "interest",
    "finish_rate",
    "watch_ratio",
    "rewatch_rate",
    "love_rate",
    "reach",
    "age",
    "original",
    "creator_affinity",
    "creator_recency",
    "follows_creator",
    "viewer_finish_rate",
    "viewer_skip_rate",
    "viewer_history",
    "interest_known",
)
HEADS = ("finish", "rewatch", "heart", "skip")
MIN_EACH_CLASS = 10  # a head with fewer positives or negatives predicts its base rate


@dataclass
class Priors:
    """Average rates of the training log: where a rate with few observations is pulled to."""

    finish: float
    ratio: float  # watch time over duration, per show
    rewatch: float
    love: float
    skip: float

    def array(self) -> np.ndarray:
        return np.array([self.finish, self.ratio, self.rewatch, self.love, self.skip])

    @classmethod
    def from_array(cls, values) -> "Priors":
        return cls(*(float(v) for v in values))


def smoothed(count: np.ndarray, shows: np.ndarray, prior) -> np.ndarray:
    return (count + PRIOR_SHOWS * prior) / (shows + PRIOR_SHOWS)


def feature_matrix(
    priors: Priors,
    *,
    interest,
    shows,
    completions,
    watched,
    rewatches,
    loves,
    age_hours,
    original,
    pair_shows,
    pair_completions,
    pair_hours_since,
    follows,
    viewer_finish,
    viewer_skip,
    viewer_history,
) -> np.ndarray:
    """One row per candidate, one column per name in FEATURES. Every argument is an array with
    one entry per row (or a scalar): the video's counters so far (`watched`: its watch time in
    multiples of its duration), the viewer's shows and
    completions of this creator among their recent events and the hours since the last one
    (NEVER_SEEN_HOURS if none), the viewer's own smoothed finish and skip rates, and how many
    events the viewer has (at most RECENT_EVENTS).

    The last two columns tell the model how sure it can be (issue #26): the viewer's history
    length, and the interest score scaled by it, so the personal model can count for little
    with a viewer we barely know and for much with one we know well. A video's exposure is
    `reach`."""
    n = len(shows)

    def column(values) -> np.ndarray:
        return np.broadcast_to(np.asarray(values, dtype=np.float64), (n,))

    shows, pair_shows, viewer_finish = column(shows), column(pair_shows), column(viewer_finish)
    known = np.log1p(np.clip(column(viewer_history), 0, RECENT_EVENTS)) / np.log1p(RECENT_EVENTS)
    return np.column_stack(
        [
            column(interest),
            logit(smoothed(column(completions), shows, priors.finish)),
            smoothed(column(watched), shows, priors.ratio),
            logit(smoothed(column(rewatches), shows, priors.rewatch)),
            logit(smoothed(column(loves), shows, priors.love)),
            np.log1p(shows),
            np.log1p(np.clip(column(age_hours), 0, None)),
            column(original),
            logit(smoothed(column(pair_completions), pair_shows, viewer_finish)),
            np.log1p(np.clip(column(pair_hours_since), 0, NEVER_SEEN_HOURS)),
            column(follows),
            logit(viewer_finish),
            column(viewer_skip),
            known,
            column(interest) * known,
        ]
    )


def fit_head(x: np.ndarray, y: np.ndarray, l2: float) -> Logistic:
    """A logistic head, or its base rate when the log has too few of one class to learn from."""
    positives = int(y.sum())
    if min(positives, len(y) - positives) < MIN_EACH_CLASS:
        rate = float(np.clip((positives + 1) / (len(y) + 2), 1e-4, 1 - 1e-4))
        return Logistic(
            np.zeros(x.shape[1]), np.ones(x.shape[1]), np.r_[np.zeros(x.shape[1]), np.log(rate / (1 - rate))]
        )
    return Logistic.fit(x, y, l2=l2)


@dataclass
class ValueModel:
    priors: Priors
    heads: dict[str, Logistic]

    def probabilities(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {name: 1.0 / (1.0 + np.exp(-head.logit(x))) for name, head in self.heads.items()}

    def value(self, x: np.ndarray, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """(value per row, contribution of each feature to it): the weighted sum of the heads'
        probabilities, and each feature's first-order share of it relative to an average row."""
        probabilities = self.probabilities(x)
        value = sum(weights[name] * p for name, p in probabilities.items())
        contributions = sum(
            (weights[name] * p * (1 - p))[:, None] * self.heads[name].contributions(x)
            for name, p in probabilities.items()
        )
        return value, contributions

    def arrays(self) -> dict[str, np.ndarray]:
        """What the artifact stores."""
        return {
            "ranker_features": np.array(FEATURES, dtype=str),
            "ranker_heads": np.array(list(self.heads), dtype=str),
            "ranker_priors": self.priors.array(),
            "ranker_mean": np.stack([h.mean for h in self.heads.values()]),
            "ranker_scale": np.stack([h.scale for h in self.heads.values()]),
            "ranker_weights": np.stack([h.weights for h in self.heads.values()]),
        }

    @classmethod
    def from_arrays(cls, array) -> "ValueModel | None":
        """Back from the artifact; None when it was trained with other features than these."""
        if tuple(str(name) for name in array("ranker_features")) != FEATURES:
            return None
        heads = {
            str(name): Logistic(np.array(mean), np.array(scale), np.array(weights))
            for name, mean, scale, weights in zip(
                array("ranker_heads"), array("ranker_mean"), array("ranker_scale"), array("ranker_weights"), strict=True
            )
        }
        return cls(Priors.from_array(array("ranker_priors")), heads)


def head_weights(knobs) -> dict[str, float]:
    """The admins' signal weights, per head."""
    return {
        "finish": knobs.weight_completion,
        "rewatch": knobs.weight_rewatch,
        "heart": knobs.weight_heart,
        "skip": knobs.weight_skip,
    }
