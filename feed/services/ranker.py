"""The ranking stage in a request: every candidate of a For You page gets the value the trained
model predicts for this viewer (`Candidate.value`) and the feature that raised it most
(`Candidate.because`), from the same feature function the model was trained with."""

import numpy as np

from ..ranking.value_model import FEATURES, feature_matrix, head_weights
from .explanations import RANKER_WORDS
from .viewer_history import History, pair_arrays, recent_rows, session_rows, summarise

# Which features have words for a video above (below) the average on them. A viewer's own rates
# have none: they shift every candidate alike, so they never say why this video and not another.
_SAYABLE = {side: np.array([(name, side) in RANKER_WORDS for name in FEATURES]) for side in (True, False)}


def viewer_history(viewer, model, now) -> History | None:
    """The viewer's recent watching as the ranking stage reads it (one query)."""
    if model is None or model.ranker is None:
        return None
    if viewer.user:
        rows = recent_rows([viewer.user.pk], now)[viewer.user.pk]
    elif viewer.session_key:
        rows = session_rows(viewer.session_key, now)
    else:
        rows = []
    return summarise(rows, model.ranker.priors, viewer.follows)


def rank(candidates: list, history: History | None, model, vector, knobs, now) -> None:
    """Set `value` and `because` on each candidate (left as they are without a ranking stage)."""
    if history is None or not candidates:
        return
    unique = list({c.pk: c for c in candidates}.values())
    interest = np.zeros(len(unique))
    if vector is not None:
        rows = [(i, model.video_index.get(c.pk)) for i, c in enumerate(unique)]
        known = [(i, row) for i, row in rows if row is not None]
        if known:
            positions, indices = zip(*known, strict=True)
            interest[list(positions)] = model.factors.items[list(indices)] @ vector
    x = feature_matrix(
        model.ranker.priors,
        interest=interest,
        shows=[c.impressions for c in unique],
        completions=[c.completions for c in unique],
        watched=[c.watch_time_ms / max(c.duration_ms or 1, 1) for c in unique],
        rewatches=[c.rewatches for c in unique],
        loves=[c.hearts + c.comments + c.shares for c in unique],
        age_hours=[(now - c.published_at).total_seconds() / 3600 if c.published_at else 0.0 for c in unique],
        original=[c.is_original for c in unique],
        **pair_arrays(history, np.array([c.author_id for c in unique]), now),
    )
    values, contributions = model.ranker.value(x, head_weights(knobs))
    above = x > model.ranker.heads["finish"].mean  # each feature against its training average
    sayable = np.where(above, _SAYABLE[True], _SAYABLE[False])
    contributions = np.where(sayable, contributions, -np.inf)
    top = contributions.argmax(axis=1)
    for row, c in enumerate(unique):
        c.value = float(values[row])
        lifted = contributions[row, top[row]] > 0
        c.because, c.because_above = (FEATURES[top[row]], bool(above[row, top[row]])) if lifted else ("", False)
    by_pk = {c.pk: c for c in unique}
    for c in candidates:  # copies of a video from several sources share its value
        c.value, c.because, c.because_above = by_pk[c.pk].value, by_pk[c.pk].because, by_pk[c.pk].because_above
