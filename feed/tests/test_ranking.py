"""The interest model and the offline evaluation, on synthetic logs with planted tastes."""

import numpy as np
import pytest

from feed.ranking import evaluation, tuning
from feed.ranking.als import fit_tag_projection, train_als
from feed.ranking.metrics import auc, ndcg_at_k, recall_at_k, top_k

TOPICS = 4


def log_from_rows(rows, rng, item_author: np.ndarray, is_brand: np.ndarray, n_users: int) -> evaluation.Log:
    """A log of (viewer, video, watch ratio) rows, in a random order of time."""
    users, items, signal = (np.array(column) for column in zip(*rows, strict=True))
    return evaluation.Log(
        users=users,
        items=items,
        signal=signal,
        timestamps=rng.permutation(len(rows)).astype(float),
        item_author=item_author,
        item_is_brand=is_brand,
        n_users=n_users,
        n_items=len(item_author),
    )


def planted_log(seed: int = 0, users: int = 200, items_per_topic: int = 60, authors_per_topic: int = 6):
    """Viewers who each love one topic: they finish and rewatch its videos and skip the
    rest. Every topic has authors, one of them a brand; viewers follow two of their topic."""
    rng = np.random.default_rng(seed)
    n_items = TOPICS * items_per_topic
    item_topic = np.repeat(np.arange(TOPICS), items_per_topic)
    item_author = item_topic * authors_per_topic + rng.integers(0, authors_per_topic, n_items)
    is_brand = (item_author % authors_per_topic == 0).astype(float)
    user_topic = rng.integers(0, TOPICS, users)
    rows = []
    for user in range(users):
        own = np.flatnonzero(item_topic == user_topic[user])
        other = np.flatnonzero(item_topic != user_topic[user])
        for item in rng.choice(own, 24, replace=False):
            rows.append((user, item, rng.uniform(1.0, 2.5)))
        for item in rng.choice(other, 8, replace=False):
            rows.append((user, item, rng.uniform(0.05, 0.5)))
    log = log_from_rows(rows, rng, item_author, is_brand, users)
    log.follows = {
        user: set(user_topic[user] * authors_per_topic + rng.choice(np.arange(1, authors_per_topic), 2, replace=False))
        for user in range(users)
    }
    return log, user_topic, item_topic


@pytest.fixture(scope="module")
def planted():
    log, user_topic, item_topic = planted_log()
    train, test = evaluation.split(log)
    return log, train, test, user_topic, item_topic


def test_the_ranker_recovers_planted_tastes(planted):
    log, train, _test, user_topic, item_topic = planted
    rank = evaluation.flywheel_ranker(log, train, factors=16, iterations=8, brand_factor=1.0)
    on_topic = []
    for user in range(log.n_users):
        seen = log.items[train & (log.users == user)]
        best = top_k(rank(user, seen), 20, seen)
        on_topic.append(np.mean(item_topic[best] == user_topic[user]))
    assert np.mean(on_topic) > 0.9


def test_the_ranker_beats_popularity_and_following_only(planted):
    log, train, test, *_ = planted
    flywheel = evaluation.evaluate(log, train, test, evaluation.flywheel_ranker(log, train, factors=16, iterations=8))
    popular = evaluation.evaluate(log, train, test, evaluation.popularity_ranker(log, train))
    following = evaluation.evaluate(log, train, test, evaluation.following_ranker(log, train))
    assert flywheel.recall > 2 * popular.recall
    assert flywheel.recall > following.recall
    assert flywheel.ndcg > popular.ndcg
    assert flywheel.coverage > popular.coverage


def test_the_brand_multiplier_lowers_the_brand_share(planted):
    log, train, test, *_ = planted
    neutral = evaluation.evaluate(
        log, train, test, evaluation.flywheel_ranker(log, train, factors=16, iterations=8, brand_factor=1.0)
    )
    damped = evaluation.evaluate(
        log, train, test, evaluation.flywheel_ranker(log, train, factors=16, iterations=8, brand_factor=0.5)
    )
    assert damped.brand_share < neutral.brand_share


def test_a_viewer_vector_can_be_computed_from_fresh_events(planted):
    """Request-time personalisation: fold in a new viewer's first completions without retraining."""
    log, train, _test, _user_topic, item_topic = planted
    factors = train_als(evaluation.train_interactions(log, train), factors=16, iterations=8)
    topic = 2
    watched = np.flatnonzero(item_topic == topic)[:5]
    vector = factors.user_vector(watched, np.full(len(watched), 1.5, dtype=np.float32))
    best = top_k(factors.items @ vector, 20, watched)
    assert np.mean(item_topic[best] == topic) > 0.8


def test_new_videos_get_vectors_from_their_tags(planted):
    log, train, _test, user_topic, item_topic = planted
    factors = train_als(evaluation.train_interactions(log, train), factors=16, iterations=8)
    tags = np.eye(TOPICS)[item_topic]
    projection = fit_tag_projection(factors.items, tags)
    cold = np.eye(TOPICS)[[1]] @ projection  # a brand-new video tagged with topic 1
    fans = np.flatnonzero(user_topic == 1)
    others = np.flatnonzero(user_topic != 1)
    assert (factors.users[fans] @ cold.T).mean() > (factors.users[others] @ cold.T).mean()


def test_the_temporal_split_is_global_so_training_never_sees_the_future(planted):
    log, train, test, *_ = planted
    assert log.timestamps[test].min() > log.timestamps[train].max()
    assert test.mean() == pytest.approx(0.2, abs=0.01)


def test_validation_is_carved_from_training_the_same_way(planted):
    log, train, test, *_ = planted
    fit, validation = evaluation.split(log, within=train)
    assert not (fit | validation)[test].any()
    assert (fit | validation)[train].all()
    assert log.timestamps[validation].min() > log.timestamps[fit].max()


def test_hyperparameters_are_chosen_without_looking_at_the_test_part(planted):
    log, train, test, *_ = planted
    given = []

    def build(log, mask, **params):
        given.append(mask)
        return evaluation.flywheel_ranker(log, mask, iterations=10, brand_factor=1.0, **params)

    choice = tuning.choose(log, train, build, tuning.grid({"factors": (2, 16), "regularization": (0.1,)}))
    assert choice.params == {"factors": 16, "regularization": 0.1}  # 2 factors cannot hold 4 tastes
    assert given and not any((mask & test).any() for mask in given)


def test_auc_among_shown_rewards_ordering_finished_videos_above_skipped_ones(planted):
    log, train, test, *_ = planted
    flywheel = evaluation.evaluate(log, train, test, evaluation.flywheel_ranker(log, train, factors=16, iterations=8))
    popular = evaluation.evaluate(log, train, test, evaluation.popularity_ranker(log, train))
    ties = evaluation.evaluate(log, train, test, lambda user, seen: np.zeros(log.n_items))
    assert flywheel.auc_shown > 0.9 > popular.auc_shown
    assert ties.auc_shown == pytest.approx(0.5)  # all ties: no better than a coin


def test_ease_learns_the_planted_tastes(planted):
    log, train, test, *_ = planted
    ease = evaluation.evaluate(log, train, test, evaluation.ease_ranker(log, train, regularization=50.0))
    popular = evaluation.evaluate(log, train, test, evaluation.popularity_ranker(log, train))
    assert ease.recall > 2 * popular.recall
    assert ease.auc_shown > 0.9


def test_metrics_on_a_known_ranking():
    ranked = np.array([3, 1, 7, 5])
    assert recall_at_k(ranked, {1, 5, 9}, 4) == pytest.approx(2 / 3)
    assert ndcg_at_k(ranked, {3}, 4) == pytest.approx(1.0)
    assert ndcg_at_k(ranked, {1}, 4) == pytest.approx(1 / np.log2(3))
    assert list(top_k(np.array([0.1, 0.9, 0.5, 0.7]), 2, exclude=np.array([1]))) == [3, 2]
    assert auc(np.array([0.9, 0.4]), np.array([0.5, 0.1])) == pytest.approx(0.75)
    assert auc(np.array([0.5]), np.array([0.5])) == pytest.approx(0.5)


def _csv_log(tmp_path):
    log, *_ = planted_log(users=60)
    path = tmp_path / "log.csv"
    lines = ["user_id,video_id,watch_ratio,timestamp"] + [
        f"{u},{i},{s:.3f},{t:.0f}" for u, i, s, t in zip(log.users, log.items, log.signal, log.timestamps, strict=True)
    ]
    path.write_text("\n".join(lines))
    return path


def test_evaluate_feed_prints_the_table_for_a_csv_log(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("evaluate_feed", log=str(_csv_log(tmp_path)), iterations=4, stdout=out, stderr=StringIO())
    table = out.getvalue()
    assert "global temporal split" in table
    assert "ALS: factors " in table and "EASE: regularization " in table  # chosen on validation
    rows = {line.split()[0]: line.split() for line in table.splitlines() if line[:1].isalpha()}
    assert float(rows["Flywheel"][1]) > float(rows["most"][2])  # Recall@20 against most popular's
    assert "n/a: the log lacks what it needs" in table  # following only: no follow graph in a CSV


def test_evaluate_feed_writes_json_and_a_plot(tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    out, plot = StringIO(), tmp_path / "table.png"
    call_command(
        "evaluate_feed",
        log=str(_csv_log(tmp_path)),
        iterations=4,
        json=True,
        plot=str(plot),
        stdout=out,
        stderr=StringIO(),
    )
    result = json.loads(out.getvalue())
    assert set(result["rankers"]) == {"most popular", "following only", "ALS retrieval", "EASE", "Flywheel"}
    assert result["rankers"]["following only"] is None
    assert 0.5 < result["rankers"]["EASE"]["auc_shown"] <= 1.0
    assert set(result["chosen_on_validation"]["ALS"]["params"]) == {"factors", "regularization", "alpha"}
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000


def test_clusters_find_the_planted_audiences_and_their_favourites(planted):
    from feed.ranking.clusters import cluster_engagement, creator_consistency, kmeans

    log, train, _test, user_topic, item_topic = planted
    interactions = evaluation.train_interactions(log, train)
    factors = train_als(interactions, factors=16, iterations=8)
    _centroids, labels = kmeans(factors.users, TOPICS)
    purity = np.mean(
        [
            np.bincount(user_topic[labels == c]).max() / max((labels == c).sum(), 1)
            for c in range(TOPICS)
            if (labels == c).any()
        ]
    )
    assert purity > 0.9
    engagement = cluster_engagement(labels, interactions, TOPICS)
    for cluster in range(TOPICS):
        members = user_topic[labels == cluster]
        if len(members):
            favourite_topic = np.bincount(members).argmax()
            assert np.mean(item_topic[np.argsort(-engagement[cluster])[:10]] == favourite_topic) > 0.8
    consistency = creator_consistency(factors.items, log.item_author)
    mixed = creator_consistency(factors.items, np.zeros(log.n_items, dtype=int))  # one creator of everything
    assert min(consistency.values()) > mixed[0]
