"""Training the interest model with the `implicit` library's conjugate-gradient ALS.

Why a library here: `implicit` (Frederickson; Cython/OpenMP, a conjugate-gradient solver after
Takács et al., 2011) trains the same model as our numpy ALS (Hu, Koren & Volinsky, 2008) several
times faster: numpy has no way to batch one small k x k solve per viewer without either a Python
loop over viewers (our exact solver) or materialising nnz x k temporaries per CG step. Our own
solver stays as the reference the tests compare against, and for the request-time fold-in of a
viewer's newest signals (`Factors.user_vector`).

Relies on implicit 0.7.3 (pinned): `implicit.cpu.als.AlternatingLeastSquares(factors,
regularization, alpha, use_cg, iterations, calculate_training_loss, num_threads, random_state)`,
`fit(user_items: csr_matrix, show_progress, callback)` and the `user_factors` / `item_factors`
arrays. `feed/tests/test_implicit_als.py` fails if an upgrade moves any of them.

The confidence of an entry is passed as its value, 1 + alpha * strength, with the library's own
alpha at 1, so both solvers minimise exactly the same loss."""

from collections.abc import Callable

import numpy as np
from implicit.cpu.als import AlternatingLeastSquares
from scipy.sparse import csr_matrix
from threadpoolctl import threadpool_limits

from .interactions import Interactions


def confidence_matrix(interactions: Interactions, alpha: float) -> csr_matrix:
    data = 1.0 + alpha * interactions.strength.astype(np.float32)
    return csr_matrix(
        (data, interactions.items, interactions.indptr), shape=(interactions.n_users, interactions.n_items)
    )


def train_cg(
    interactions: Interactions,
    *,
    factors: int,
    iterations: int,
    regularization: float,
    alpha: float,
    seed: int,
    threads: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(viewer vectors, video vectors) as float32 arrays."""
    # the library parallelises over viewers itself; a threaded BLAS underneath only contends
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=1.0,
            use_cg=True,
            iterations=iterations,
            calculate_training_loss=False,
            num_threads=threads,
            random_state=seed,
        )
        callback = (lambda iteration, elapsed, loss: progress(iteration + 1, iterations)) if progress else None
        model.fit(confidence_matrix(interactions, alpha), show_progress=False, callback=callback)
    return np.ascontiguousarray(model.user_factors, np.float32), np.ascontiguousarray(model.item_factors, np.float32)
