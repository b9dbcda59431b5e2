"""Training time of the For You interest model: the solver `train_feed_model` uses (the
`implicit` library's conjugate-gradient ALS, through feed/ranking/als.train_als) against our numpy
exact solver (the trainer before it) on the same matrix, one thread each, in one run; and the
conjugate-gradient solver on every core. Synthetic power-law engagement.

    eval "$(./flywheel env)" && python bench/train.py        # 100k viewers x 200k videos x 2M events
    python bench/train.py --viewers 5000 --videos 10000 --events 100000 --factors 32 --iterations 3   # CI
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from threadpoolctl import threadpool_limits

from feed.ranking.als import train_als
from feed.ranking.interactions import Interactions


def synthetic(viewers: int, videos: int, events: int, seed: int = 0) -> Interactions:
    rng = np.random.default_rng(seed)
    users = rng.integers(0, viewers, events)
    items = np.minimum((rng.pareto(1.2, events) * videos / 50).astype(np.int64), videos - 1)
    strength = rng.uniform(0.1, 3.0, events).astype(np.float32)
    pairs = np.unique(users * videos + items, return_index=True)[1]  # one entry per viewer and video
    return Interactions.from_triples(users[pairs], items[pairs], strength[pairs], viewers, videos)


def timed(interactions: Interactions, **options) -> float:
    start = time.perf_counter()
    train_als(interactions, **options)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=100_000)
    parser.add_argument("--videos", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    interactions = synthetic(args.viewers, args.videos, args.events)
    print(
        f"{args.viewers:,} viewers x {args.videos:,} videos, {len(interactions.items):,} entries; "
        f"{args.factors} factors, {args.iterations} iterations",
        flush=True,
    )
    options = {"factors": args.factors, "iterations": args.iterations, "regularization": 0.1, "alpha": 10.0}
    cg = timed(interactions, solver="cg", threads=1, **options)
    print(f"conjugate gradient (implicit), 1 thread:   {cg:7.1f} s   <- train_feed_model", flush=True)
    with threadpool_limits(1):  # numpy's BLAS would otherwise use every core
        exact = timed(interactions, solver="exact", **options)
    print(f"exact solve per row (numpy), 1 thread:     {exact:7.1f} s   ({exact / cg:.1f}x slower)", flush=True)
    cores = os.cpu_count() or 1
    parallel = timed(interactions, solver="cg", threads=0, **options)
    print(f"conjugate gradient (implicit), {cores} threads:  {parallel:7.1f} s   ({cg / parallel:.1f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
