"""The model artifact: versioned folders of arrays, memory-mapped so every server process on a
machine shares one copy, and ids found by binary search."""

import numpy as np
import pytest

from feed.ranking.als import Factors
from feed.services import model_store


def save(user_ids=(3, 7, 42), video_ids=(10, 11, 20, 30), k=4):
    rng = np.random.default_rng(0)
    factors = Factors(
        users=rng.normal(size=(len(user_ids), k)).astype(np.float32),
        items=rng.normal(size=(len(video_ids), k)).astype(np.float32),
        regularization=0.1,
        alpha=10.0,
    )
    path = model_store.save(
        user_ids,
        video_ids,
        factors,
        ["food"],
        np.ones((1, k), np.float32),
        centroids=np.zeros((1, k), np.float32),
        cluster_top=np.full((1, 2), -1),
        best_cluster=np.full(len(video_ids), -1),
        consistency={5: 0.5},
        author_vectors={5: np.ones(k)},
        sound_vectors={},
    )
    return path, factors


def test_a_loaded_model_maps_its_vectors_read_only_instead_of_copying_them(model_folder):
    _, factors = save()
    model = model_store.current()
    for array in (model.factors.users, model.factors.items, model.video_ids):
        assert isinstance(array, np.memmap) and not array.flags.writeable
    assert np.array_equal(model.factors.items, factors.items)
    assert model.consistency == {5: 0.5} and model.tag_names == ["food"]


def test_ids_are_found_by_binary_search_like_a_dict(model_folder):
    save()
    model = model_store.current()
    assert model.video_index[20] == 2 and model.video_index.get(30) == 3
    assert 11 in model.video_index and 12 not in model.video_index and 99 not in model.video_index
    assert model.user_index.get(8) is None and model.user_index.get(42) == 2 and len(model.user_index) == 3
    with pytest.raises(KeyError):
        model.video_index[9]


def test_each_training_run_is_a_new_version_and_unfinished_folders_are_ignored(model_folder):
    save()
    (model_folder / "interest-v7.tmp").mkdir()  # a save that died half-way
    path, _ = save()
    assert path.name == "interest-v2"
    model_store.forget()
    assert model_store.current().version == 2


def test_ids_must_be_sorted_for_the_binary_search(model_folder):
    with pytest.raises(ValueError, match="sorted"):
        save(video_ids=(10, 30, 20, 40))
