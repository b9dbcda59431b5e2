"""The offline evaluation's table as a picture: one group of bars per ranker."""

from pathlib import Path

from .evaluation import Scores

METRICS = (("recall", "Recall@{k}"), ("ndcg", "NDCG@{k}"), ("auc_shown", "AUC among shown"), ("coverage", "coverage"))


def plot_scores(results: dict[str, Scores | None], k: int, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers
    import matplotlib.pyplot as plt

    rankers = [name for name, scores in results.items() if scores is not None]
    width = 0.8 / len(METRICS)
    figure, axes = plt.subplots(figsize=(10, 4.8))
    for n, (field, label) in enumerate(METRICS):
        values = [getattr(results[name], field) or 0.0 for name in rankers]
        positions = [index + (n - (len(METRICS) - 1) / 2) * width for index in range(len(rankers))]
        bars = axes.bar(positions, values, width, label=label.format(k=k))
        axes.bar_label(bars, fmt="%.2f", fontsize=7, padding=1)
    axes.set_xticks(range(len(rankers)), rankers)
    axes.set_ylim(0, 1.05)
    axes.set_title(title)
    axes.legend(ncols=len(METRICS), loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
