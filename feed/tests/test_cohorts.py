"""Offline figures by cohort (issue #26): viewers by history length, videos by exposure, each
with a bootstrap interval; simulated cohorts on a log without timestamps."""

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from feed.ranking import cohorts, evaluation

from .test_ranking import _csv_log, planted_log


@pytest.fixture(scope="module")
def cut():
    log, _, _ = planted_log()
    log.timestamps = None  # as KuaiRec: no time, so cohorts are simulated
    train, test = evaluation.split(log)
    return log, train, test, cohorts.simulate_cohorts(log, train, test, seed=0)


def test_simulated_cohorts_cut_only_test_viewers_training_to_each_cohorts_range(cut):
    log, train, test, kept = cut
    assert not (kept & ~train).any()  # nothing added, nothing moved into training
    history = np.bincount(log.users[kept], minlength=log.n_users)
    tested = np.unique(log.users[test])
    labels = [cohorts._label(cohorts.VIEWER_COHORTS, int(history[user])) for user in tested]
    counts = {name: labels.count(name) for name, _, _ in cohorts.VIEWER_COHORTS}
    assert all(count >= len(tested) // 10 for count in counts.values()), counts  # every cohort is populated
    untested = np.setdiff1d(np.arange(log.n_users), tested)
    assert (history[untested] == np.bincount(log.users[train], minlength=log.n_users)[untested]).all()


def test_a_history_ranker_beats_popularity_only_where_there_is_history(cut):
    """EASE knows nothing of a viewer with no training events: popularity wins that cohort, and
    EASE wins where the history is long; the intervals say how sure each figure is."""
    log, _, test, kept = cut
    ease = cohorts.by_cohort(log, kept, test, evaluation.ease_ranker(log, kept, regularization=50.0))
    popular = cohorts.by_cohort(log, kept, test, evaluation.popularity_ranker(log, kept))
    recall = "viewers: Recall"
    assert popular[recall]["0"].mean > ease[recall]["0"].mean
    assert ease[recall]["21+"].low > popular[recall]["21+"].high
    for figure in ease[recall].values():
        assert figure.viewers > 0 and figure.low <= figure.mean <= figure.high


def test_evaluate_feed_reports_cohorts_in_json_and_a_plot(tmp_path):
    out, plot = StringIO(), tmp_path / "cohorts.png"
    call_command(
        "evaluate_feed", log=str(_csv_log(tmp_path)), iterations=4, json=True, cohorts=True,
        cohort_plot=str(plot), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    result = json.loads(out.getvalue())["cohorts"]
    assert set(result["Flywheel"]) == {"viewers: Recall", "viewers: AUC shown", "videos: Recall"}
    assert list(result["Flywheel"]["videos: Recall"]) == ["0", "1-10", "11-100", "101+"]
    assert result["following only"] is None
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_two_stage_ranker_carries_viewers_it_barely_knows_with_proven_videos(cut):
    """Issue #26: with no history the personal scores know nothing; retrieval then leans on
    the videos viewers finish (trust: how many events before the personal scores count half),
    and where the history is long the personal scores win by far."""
    from feed.ranking.ranking_stage import TwoStage, train_ranking_stage

    log, _, test, kept = cut
    model, stats = train_ranking_stage(log, kept, als={"factors": 16, "iterations": 6}, ease_regularization=50.0)
    flywheel = cohorts.by_cohort(log, kept, test, TwoStage(log, stats, model, trust=10.0))
    popular = cohorts.by_cohort(log, kept, test, evaluation.popularity_ranker(log, kept))
    recall = "viewers: Recall"
    assert flywheel[recall]["0"].mean >= popular[recall]["0"].mean  # personal scores alone: 0.10 < 0.11
    assert flywheel[recall]["21+"].low > popular[recall]["21+"].high
    assert TwoStage(log, stats, model, trust=10.0).known(int(np.argmax(stats.user_shows))) > 0.5
