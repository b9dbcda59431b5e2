"""Offline figures by cohort (issue #26): how each ranker does for viewers with little or no
history, and for videos with little or no exposure, each figure with a bootstrap confidence
interval over viewers.

Viewer cohorts are by the viewer's training events (0, 1-2, 3-5, 6-20, more). On a log split
in time, the cohorts are what the cutoff left each test viewer. On a log without timestamps
every test viewer has a long history, so `simulate_cohorts` assigns each test viewer a cohort
at random and keeps only its first k training events (k drawn within the cohort): the model is
then trained on what a viewer of that cohort would have given it. Video cohorts are by the
video's training events (0, 1-10, 11-100, more): a held-out finished video counts for the
cohort of its exposure."""

from dataclasses import dataclass

import numpy as np

from .evaluation import Log, Ranker, _by_user
from .metrics import auc, recall_at_k, top_k

VIEWER_COHORTS = (("0", 0, 0), ("1-2", 1, 2), ("3-5", 3, 5), ("6-20", 6, 20), ("21+", 21, None))
VIDEO_COHORTS = (("0", 0, 0), ("1-10", 1, 10), ("11-100", 11, 100), ("101+", 101, None))
RESAMPLES = 1000


def _label(cohorts, n: int) -> str:
    return next(name for name, low, high in cohorts if n >= low and (high is None or n <= high))


@dataclass
class Figure:
    mean: float | None
    low: float | None  # the 95% bootstrap interval over viewers
    high: float | None
    viewers: int


def _figure(values: list[float], rng: np.random.Generator) -> Figure:
    values = np.array([v for v in values if v == v], dtype=np.float64)  # drop NaN
    if not len(values):
        return Figure(None, None, None, 0)
    means = values[rng.integers(0, len(values), size=(RESAMPLES, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Figure(float(values.mean()), float(low), float(high), len(values))


def simulate_cohorts(log: Log, train: np.ndarray, test: np.ndarray, seed: int = 0) -> np.ndarray:
    """The training mask with each test viewer cut to its first k training events, its cohort
    drawn at random (the log's order stands for time). Other viewers keep everything."""
    rng = np.random.default_rng(seed)
    cut = train.copy()
    rows = np.flatnonzero(train)
    per_viewer = _by_user(log.users[rows], rows)
    for user in np.unique(log.users[test]):
        mine = np.sort(per_viewer.get(int(user), np.zeros(0, dtype=np.int64)))
        _, low, high = VIEWER_COHORTS[rng.integers(len(VIEWER_COHORTS))]
        keep = int(rng.integers(low, (high if high is not None else max(low, len(mine))) + 1))
        cut[mine[keep:]] = False
    return cut


def by_cohort(
    log: Log, train: np.ndarray, test: np.ndarray, ranker: Ranker, *, k: int = 20, seed: int = 0
) -> dict[str, dict[str, Figure]]:
    """Recall@k and AUC among shown per viewer cohort, and Recall@k per video cohort (the
    share of each viewer's held-out finished videos of that exposure found in the top k)."""
    history = np.bincount(log.users[train], minlength=log.n_users)
    exposure = np.bincount(log.items[train], minlength=log.n_items)
    seen = _by_user(log.users[train], log.items[train])
    held_items = _by_user(log.users[test], log.items[test])
    held_signal = _by_user(log.users[test], log.signal[test])
    viewer_recall: dict[str, list] = {name: [] for name, _, _ in VIEWER_COHORTS}
    viewer_auc: dict[str, list] = {name: [] for name, _, _ in VIEWER_COHORTS}
    video_recall: dict[str, list] = {name: [] for name, _, _ in VIDEO_COHORTS}
    for user, items in held_items.items():
        cohort = _label(VIEWER_COHORTS, int(history[user]))
        finished = held_signal[user] >= 1.0
        excluded = seen.get(user, np.zeros(0, dtype=np.int64)).astype(np.int64)
        scores = ranker(user, excluded)
        if finished.any() and not finished.all():
            shown = ranker.score(user, items) if hasattr(ranker, "score") else scores[items]
            viewer_auc[cohort].append(auc(shown[finished], shown[~finished]))
        if not finished.any():
            continue
        ranked = top_k(scores, k, excluded)
        viewer_recall[cohort].append(recall_at_k(ranked, {int(i) for i in items[finished]}, k))
        for name, _, _ in VIDEO_COHORTS:
            wanted = {int(i) for i in items[finished] if _label(VIDEO_COHORTS, int(exposure[i])) == name}
            if wanted:
                video_recall[name].append(recall_at_k(ranked, wanted, k))
    rng = np.random.default_rng(seed)
    return {
        "viewers: Recall": {name: _figure(values, rng) for name, values in viewer_recall.items()},
        "viewers: AUC shown": {name: _figure(values, rng) for name, values in viewer_auc.items()},
        "videos: Recall": {name: _figure(values, rng) for name, values in video_recall.items()},
    }


def plot_cohorts(results: dict[str, dict], k: int, path, title: str) -> None:
    """One panel per figure (viewer Recall, viewer AUC, video Recall), a group of bars per
    cohort, one bar per ranker, with the bootstrap interval as error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rankers = [name for name, figures in results.items() if figures is not None]
    panels = list(results[rankers[0]])
    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.2))
    for axis, panel in zip(axes, panels, strict=True):
        cohorts = list(results[rankers[0]][panel])
        width = 0.8 / len(rankers)
        for n, name in enumerate(rankers):
            shown = [results[name][panel][c] for c in cohorts]
            values = [f.mean or 0.0 for f in shown]
            errors = [
                [max(0.0, (f.mean or 0) - (f.low or 0)) for f in shown],
                [max(0.0, (f.high or 0) - (f.mean or 0)) for f in shown],
            ]
            positions = [i + (n - (len(rankers) - 1) / 2) * width for i in range(len(cohorts))]
            axis.bar(positions, values, width, yerr=errors, capsize=2, label=name)
        axis.set_xticks(range(len(cohorts)), cohorts)
        axis.set_title(panel.replace("Recall", f"Recall@{k}"))
        axis.set_xlabel("training events per viewer" if panel.startswith("viewers") else "training events per video")
        axis.set_ylim(0, 1.0)
    axes[0].legend(fontsize=8)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
