import json
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from feed.ranking import evaluation, tuning
from feed.ranking.als import train_als
from feed.ranking.ranking_stage import FEATURES, TwoStage, train_ranking_stage

DEFAULT_LOG = Path(settings.BASE_DIR) / "feed" / "data" / "kuairec" / "interactions.csv"


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _cell(figure) -> str:
    if figure.mean is None:
        return "n/a"
    return f"{figure.mean:.3f} [{figure.low:.2f},{figure.high:.2f}] {figure.viewers}"


def asdict_cohorts(figures) -> dict | None:
    if figures is None:
        return None
    return {panel: {c: asdict(f) for c, f in by.items()} for panel, by in figures.items()}


class Command(BaseCommand):
    help = (
        "Replay an interaction log (CSV: user, item, watch ratio or signal, optional timestamp) and print, for "
        "each ranker, Recall@K and NDCG@K over the full catalogue, AUC among the videos each viewer was shown, "
        "catalogue coverage, author diversity and brand share, for the baselines, the retrieval models (ALS, EASE) "
        "and Flywheel's two-stage ranker. Hyperparameters are chosen on a validation split "
        "carved from the training part; the test part is scored once. Default log: the KuaiRec sample in "
        "feed/data/kuairec (Gao et al., CIKM 2022, CC BY-SA 4.0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--log", default=str(DEFAULT_LOG))
        parser.add_argument("--k", type=int, default=20)
        parser.add_argument("--iterations", type=int, default=10, help="ALS iterations (for every fit)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
        parser.add_argument("--plot", help="also draw the table as a PNG at this path")
        parser.add_argument(
            "--cohorts",
            action="store_true",
            help="also report each ranker by viewer history (0, 1-2, 3-5, 6-20, 21+ training events) and video "
            "exposure (0, 1-10, 11-100, 101+), with 95%% bootstrap intervals; on a log without timestamps the "
            "test viewers' histories are cut to simulate the cohorts (the rankers are trained again on that)",
        )
        parser.add_argument("--cohort-plot", help="draw the cohort figures as a PNG at this path")

    def handle(self, *args, **options):
        if not Path(options["log"]).exists():
            raise CommandError(f"No log at {options['log']}")
        log = evaluation.read_log(options["log"])
        train, test = evaluation.split(log, seed=options["seed"])
        split_kind = "global temporal" if log.timestamps is not None else "random per viewer"
        summary = (
            f"{len(log.users):,} events, {log.n_users:,} viewers, {log.n_items:,} videos; "
            f"{split_kind} split, {int(test.sum()):,} held out"
        )
        (self.stderr if options["json"] else self.stdout).write(summary)
        chosen = self._choose(log, train, options)
        rankers = self._rankers(log, train, chosen, options)
        k = options["k"]
        results = {
            name: None if ranker is None else evaluation.evaluate(log, train, test, ranker, k=k)
            for name, ranker in rankers.items()
        }
        cohorts = self._cohorts(log, train, test, chosen, options) if options["cohorts"] else None
        if options["json"]:
            document = self._as_json(options, split_kind, chosen, results)
            if cohorts is not None:
                document["cohorts"] = {name: asdict_cohorts(figures) for name, figures in cohorts.items()}
            self.stdout.write(json.dumps(document, indent=2))
        else:
            self._table(chosen, results, k)
            if cohorts is not None:
                self._cohort_table(cohorts)
        if options["plot"]:
            from feed.ranking.plot import plot_scores

            plot_scores(results, k, Path(options["plot"]), f"{Path(options['log']).name}: {summary}")

    def _choose(self, log, train, options) -> dict[str, tuning.Choice | None]:
        """Every hyperparameter from the validation split, never from the test part."""
        iterations, seed, k = options["iterations"], options["seed"], options["k"]

        def als(log, mask, **params):
            return evaluation.flywheel_ranker(log, mask, brand_factor=1.0, iterations=iterations, seed=seed, **params)

        candidates = {"ALS": tuning.grid(tuning.ALS_GRID), "EASE": tuning.grid(tuning.EASE_GRID)}
        builders = {"ALS": als, "EASE": evaluation.ease_ranker}
        total = sum(len(grid) for grid in candidates.values())
        with tqdm(total=total, desc="choosing hyperparameters on validation", unit="fit") as bar:
            chosen = {
                name: tuning.choose(log, train, builders[name], grid, k=k, seed=seed, progress=bar.update)
                for name, grid in candidates.items()
            }
        self.stderr.write("choosing the two-stage ranker's candidates and mix on validation…")
        chosen["two-stage"] = tuning.choose_two_stage(log, train, **self._stage_inputs(chosen, options), k=k, seed=seed)
        return chosen

    @staticmethod
    def _stage_inputs(chosen, options) -> dict:
        ease = chosen["EASE"]
        return {
            "als": {**chosen["ALS"].params, "iterations": options["iterations"]},
            "ease_regularization": ease.params["regularization"] if ease else None,
        }

    def _rankers(self, log, train, chosen, options) -> dict:
        als = chosen["ALS"].params
        interactions = evaluation.train_interactions(log, train)
        with tqdm(total=options["iterations"], desc="training ALS", unit="iteration") as bar:
            factors = train_als(
                interactions,
                iterations=options["iterations"],
                seed=options["seed"],
                progress=lambda done, total: bar.update(1),
                **als,
            )
        ease = chosen["EASE"]
        self.stderr.write("training the ranking stage…")
        model, stats = train_ranking_stage(log, train, **self._stage_inputs(chosen, options), seed=options["seed"])
        self.ranking_weights = dict(zip(FEATURES, model.weights[:-1], strict=True))
        flywheel = TwoStage(log, stats, model, brand_factor=0.5, **chosen["two-stage"].params)
        return {
            "most popular": evaluation.popularity_ranker(log, train),
            "following only": evaluation.following_ranker(log, train),
            "ALS retrieval": evaluation.factor_ranker(log, factors),
            "EASE": evaluation.ease_ranker(log, train, **ease.params) if ease else None,
            "Flywheel": flywheel,
        }

    def _cohorts(self, log, train, test, chosen, options) -> dict:
        """Every ranker's figures by cohort; without timestamps, on the test viewers' histories
        cut to simulate the cohorts (hyperparameters stay those chosen on validation)."""
        from feed.ranking import cohorts

        if log.timestamps is None:
            self.stderr.write("cutting the test viewers' histories into cohorts and training again…")
            train = cohorts.simulate_cohorts(log, train, test, seed=options["seed"])
            rankers = self._rankers(log, train, chosen, options)
        else:
            rankers = self._rankers(log, train, chosen, options)
        results = {}
        for name, ranker in tqdm(rankers.items(), desc="scoring by cohort", unit="ranker"):
            results[name] = (
                None
                if ranker is None
                else cohorts.by_cohort(log, train, test, ranker, k=options["k"], seed=options["seed"])
            )
        if options.get("cohort_plot"):
            figures = {name: value for name, value in results.items() if value is not None}
            cohorts.plot_cohorts(figures, options["k"], Path(options["cohort_plot"]), Path(options["log"]).name)
        return results

    def _cohort_table(self, results) -> None:
        panels = next(value for value in results.values() if value is not None)
        for panel, by_name in panels.items():
            self.stdout.write(f"\n{panel} by cohort (mean [95% interval], viewers)")
            cohorts = list(by_name)
            self.stdout.write(f"{'ranker':<18}" + "".join(f"{c:>24}" for c in cohorts))
            for name, figures in results.items():
                if figures is None:
                    continue
                cells = [figures[panel][c] for c in cohorts]
                self.stdout.write(f"{name:<18}" + "".join(f"{_cell(f):>24}" for f in cells))

    def _table(self, chosen, results, k) -> None:
        for name, choice in chosen.items():
            if choice is not None:
                params = ", ".join(f"{key} {value:g}" for key, value in choice.params.items())
                self.stdout.write(f"{name}: {params} (validation NDCG@{k} {choice.validation_ndcg:.3f})")
        weights = ", ".join(f"{name} {weight:+.2f}" for name, weight in self.ranking_weights.items())
        self.stdout.write(f"ranking stage (standardised weights): {weights}")
        self.stdout.write("")
        header = ["ranker", f"Recall@{k}", f"NDCG@{k}", "AUC shown", "coverage", "authors", "brands"]
        self.stdout.write(f"{header[0]:<18}" + "".join(f"{column:>11}" for column in header[1:]))
        for name, scores in results.items():
            if scores is None:
                self.stdout.write(f"{name:<18}{'n/a: the log lacks what it needs':>50}")
                continue
            figures = (scores.recall, scores.ndcg, scores.auc_shown, scores.coverage)
            figures += (scores.author_diversity, scores.brand_share)
            self.stdout.write(f"{name:<18}" + "".join(f"{_figure(value):>11}" for value in figures))

    def _as_json(self, options, split_kind, chosen, results) -> dict:
        return {
            "log": options["log"],
            "split": split_kind,
            "k": options["k"],
            "chosen_on_validation": {
                name: None if choice is None else asdict(choice) for name, choice in chosen.items()
            },
            "ranking_stage_weights": self.ranking_weights,
            "rankers": {name: None if scores is None else asdict(scores) for name, scores in results.items()},
        }
