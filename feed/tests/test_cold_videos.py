"""New videos offline (issue #26): a video no one has watched is known by its tags, and the
two-stage ranker proposes it to viewers who finish its kind; a second public log's converter."""

import io

import numpy as np
import pytest

from feed.management.commands.fetch_movielens import convert
from feed.ranking import cohorts, evaluation
from feed.ranking.ranking_stage import TwoStage, train_ranking_stage

from .test_ranking import planted_log

FRESH_PER_TOPIC = 10


@pytest.fixture(scope="module")
def fresh():
    """The planted log with each video tagged by its topic, and ten videos per topic that
    nobody watched before the split: their events are held out, never trained on."""
    log, _user_topic, item_topic = planted_log()
    log.item_tags = np.eye(item_topic.max() + 1, dtype=np.float32)[item_topic]
    train, test = evaluation.split(log)
    new = np.concatenate([np.flatnonzero(item_topic == t)[:FRESH_PER_TOPIC] for t in np.unique(item_topic)])
    unwatched = np.isin(log.items, new)
    train, test = train & ~unwatched, test | (unwatched & (log.signal >= 1.0))
    model, stats = train_ranking_stage(log, train, als={"factors": 16, "iterations": 6}, ease_regularization=50.0)
    return log, train, test, model, stats, new


def test_tags_let_the_two_stage_ranker_find_videos_no_one_has_watched(fresh):
    log, train, test, model, stats, new = fresh
    assert np.bincount(log.items[train], minlength=log.n_items)[new].max() == 0
    recall = "videos: Recall"
    blind = cohorts.by_cohort(log, train, test, TwoStage(log, stats, model, trust=3.0))[recall]["0"]
    seeing = cohorts.by_cohort(log, train, test, TwoStage(log, stats, model, trust=3.0, item_trust=3.0))[recall]["0"]
    assert blind.mean < 0.05  # retrieval alone has nothing to go on
    assert seeing.low > blind.high and seeing.mean > 0.2


def test_the_tag_match_feature_follows_what_a_viewer_finishes(fresh):
    log, train, _, _, stats, new = fresh
    viewer = int(log.users[train][0])
    liked = log.items[train & (log.users == viewer) & (log.signal >= 1.0)]
    topic = int(np.argmax(log.item_tags[liked].sum(axis=0)))
    own = new[np.argmax(log.item_tags[new], axis=1) == topic]
    other = new[np.argmax(log.item_tags[new], axis=1) != topic]
    users = np.full(len(own), viewer)
    assert stats.tags.match(users, own).min() > stats.tags.match(np.full(len(other), viewer), other).max()


def test_the_two_stage_ranker_without_tags_ignores_the_videos_trust():
    log, *_ = planted_log(users=60)
    train, _ = evaluation.split(log)
    model, stats = train_ranking_stage(log, train, als={"factors": 8, "iterations": 3}, ease_regularization=50.0)
    assert stats.tags is None and TwoStage(log, stats, model, item_trust=3.0).item_trust == 0.0


def test_movielens_ratings_convert_to_a_log_with_timestamps_and_genres(tmp_path):
    ratings = io.StringIO("userId,movieId,rating,timestamp\n1,10,4.5,100\n1,20,1.0,200\n2,10,3.0,300\n")
    movies = io.StringIO(
        "movieId,title,genres\n10,A (1999),Comedy|Drama\n20,B (2001),Drama\n30,C (2002),(no genres listed)\n"
    )
    assert convert(ratings, movies, tmp_path) == (3, 3)
    log = evaluation.read_log(str(tmp_path / "interactions.csv"))
    assert log.n_users == 2 and log.n_items == 2
    assert list(log.signal) == [1.125, 0.25, 0.75]  # four stars and more reads as watched to the end
    assert list(log.timestamps) == [100.0, 200.0, 300.0]
    assert log.item_tags.tolist() == [[1.0, 1.0], [0.0, 1.0]]  # only the films in the log, genres as tags
