"""Model memory: what each server process pays for the For You interest model.

Writes a model of the given size (random vectors: the size is what matters) with the real
model store, then starts N processes that load it as a server process does and answer a few
feed-sized requests (item vectors x a viewer vector, which reads every page of the item
vectors). Each reports its RSS and its PSS (proportional set size: shared pages divided among
the processes sharing them), with the model memory-mapped (how it loads) and, as the baseline
in the same run, with each process holding its own copy of the vectors and dictionaries from
ids to rows (how it loaded before).

    eval "$(./flywheel env)" && python bench/model_memory.py         # 100k viewers x 200k videos
    python bench/model_memory.py --viewers 10000 --videos 20000        # CI smoke
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import os, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
import django, platform_shim
django.setup()
import numpy as np
from feed.services import model_store

model = model_store.current()
if {copy}:  # as the loader did before: arrays read into memory, id -> row dictionaries
    model.factors.users, model.factors.items = np.array(model.factors.users), np.array(model.factors.items)
    model.user_index = {{int(pk): row for row, pk in enumerate(model.user_index.ids)}}
    model.video_index = {{int(pk): row for row, pk in enumerate(model.video_index.ids)}}
for user in range(0, len(model.user_index), max(1, len(model.user_index) // 20)):
    scores = model.factors.items @ model.factors.users[user]
    np.argpartition(-scores, 300)[:300]
fields = dict(line.split(":", 1) for line in open("/proc/self/smaps_rollup").read().splitlines()[1:])
print(int(fields["Rss"].split()[0]) // 1024, int(fields["Pss"].split()[0]) // 1024, flush=True)
sys.stdin.read()  # stay alive until every process has reported, so pages are shared meanwhile
"""


def write_model(folder: Path, viewers: int, videos: int, factors: int) -> float:
    os.environ["FEED_MODEL_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
    sys.path.insert(0, str(ROOT))
    import django

    import platform_shim  # noqa: F401

    django.setup()
    import numpy as np

    from feed.ranking.als import Factors
    from feed.services import model_store

    rng = np.random.default_rng(0)
    vectors = Factors(
        users=rng.normal(0, 0.1, (viewers, factors)).astype(np.float32),
        items=rng.normal(0, 0.1, (videos, factors)).astype(np.float32),
        regularization=0.1,
        alpha=10.0,
    )
    model_store.save(
        np.arange(viewers),
        np.arange(videos),
        vectors,
        [],
        np.zeros((0, factors), np.float32),
        centroids=np.zeros((1, factors), np.float32),
        cluster_top=np.full((1, 1), -1),
        best_cluster=np.full(videos, -1),
        consistency={},
        author_vectors={},
        sound_vectors={},
    )
    return (vectors.users.nbytes + vectors.items.nbytes) / 2**20


def measure(processes: int, copy: bool) -> list[tuple[int, int]]:
    """(RSS MB, PSS MB) of each of `processes` concurrent loaders."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), copy=copy)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    figures = [tuple(int(value) for value in child.stdout.readline().split()) for child in children]
    for child in children:
        child.communicate("")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=100_000)
    parser.add_argument("--videos", type=int, default=200_000)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flywheel-model-") as folder:
        size = write_model(Path(folder), args.viewers, args.videos, args.factors)
        print(f"model: {args.viewers:,} viewers x {args.videos:,} videos x {args.factors} factors = {size:.0f} MB")
        print(f"{'loading':<22}{'RSS/process':>12}{'PSS/process':>12}{'PSS total':>11}")
        totals = {}
        for name, copy in (("own copy (before)", True), ("memory-mapped (now)", False)):
            figures = measure(args.processes, copy)
            rss = sum(f[0] for f in figures) / len(figures)
            pss = sum(f[1] for f in figures) / len(figures)
            totals[name] = sum(f[1] for f in figures)
            print(f"{name:<22}{rss:>9.0f} MB{pss:>9.0f} MB{totals[name]:>8.0f} MB")
    before, now = totals.values()
    print(f"{args.processes} processes use {now / before:.2f}x the memory they used with a copy each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
