from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from feed.ranking import evaluation

DEFAULT_LOG = Path(settings.BASE_DIR) / "feed" / "data" / "kuairec" / "interactions.csv"


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "Replay an interaction log (CSV: user, item, watch ratio or signal, optional timestamp) and print "
        "Recall@K, NDCG@K, catalogue coverage, author diversity and brand share for the Flywheel ranker and "
        "the baselines, ranking over the full catalogue. Default log: the KuaiRec sample in feed/data/kuairec "
        "(Gao et al., CIKM 2022, CC BY-SA 4.0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--log", default=str(DEFAULT_LOG))
        parser.add_argument("--k", type=int, default=20)
        parser.add_argument("--factors", type=int, default=64)
        parser.add_argument("--iterations", type=int, default=10)
        parser.add_argument("--regularization", type=float, default=1.0)
        parser.add_argument("--alpha", type=float, default=20.0)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        if not Path(options["log"]).exists():
            raise CommandError(f"No log at {options['log']}")
        log = evaluation.read_log(options["log"])
        train, test = evaluation.split(log, seed=options["seed"])
        split_kind = "temporal" if log.timestamps is not None else "random per viewer"
        self.stdout.write(
            f"{len(log.users):,} events, {log.n_users:,} viewers, {log.n_items:,} videos; "
            f"{split_kind} split, {int(test.sum()):,} held out"
        )
        with tqdm(total=options["iterations"], desc="training", unit="iteration") as bar:
            flywheel = evaluation.flywheel_ranker(
                log,
                train,
                factors=options["factors"],
                iterations=options["iterations"],
                regularization=options["regularization"],
                alpha=options["alpha"],
                seed=options["seed"],
                progress=lambda done, total: bar.update(1),
            )
        rankers = {
            "Flywheel (implicit ALS)": flywheel,
            "most popular": evaluation.popularity_ranker(log, train),
            "following only": evaluation.following_ranker(log, train),
        }
        k = options["k"]
        self.stdout.write("")
        self.stdout.write(
            f"{'ranker':<26}{'Recall@' + str(k):>10}{'NDCG@' + str(k):>10}{'coverage':>10}{'authors':>10}{'brands':>10}"
        )
        for name, ranker in rankers.items():
            if ranker is None:
                self.stdout.write(f"{name:<26}{'n/a: the log has no follow graph':>50}")
                continue
            scores = evaluation.evaluate(log, train, test, ranker, k=k)
            self.stdout.write(
                f"{name:<26}{scores.recall:>10.3f}{scores.ndcg:>10.3f}{scores.coverage:>10.3f}"
                f"{_figure(scores.author_diversity):>10}{_figure(scores.brand_share):>10}"
            )
