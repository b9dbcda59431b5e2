"""Models everywhere (issue #24): a model trained on one host is published to shared storage and
served by a process on another host that started with an empty model folder; a half-uploaded or
damaged version is never loaded."""

import numpy as np
import pytest
from django.core.files.base import ContentFile

from feed.services import model_sharing, model_store

from .test_model_store import save


@pytest.fixture
def hosts(tmp_path, settings):
    """Two hosts' model folders and the storage they share (a folder here; S3 in production)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "models": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "s3"}},
    }
    settings.FEED_MODEL_STORAGE = "models"  # (changing STORAGES resets Django's storage handler)

    def on(host: str):
        settings.FEED_MODEL_DIR = tmp_path / host
        model_store.forget()

    yield on
    model_store.forget()


def test_a_model_trained_on_one_host_is_served_by_a_fresh_process_on_another(hosts):
    hosts("trainer")
    _, factors = save()
    hosts("server")  # an empty model folder
    model = model_store.current()
    assert model is not None and model.version == 1
    assert np.array_equal(np.asarray(model.factors.items), factors.items)
    assert isinstance(model.factors.items, np.memmap)  # a local, memory-mapped copy


def test_the_next_version_on_any_host_is_newer_than_every_published_one(hosts):
    hosts("a")
    save()
    hosts("b")
    path, _ = save()  # host b has no local versions, yet this is version 2
    assert path.name == "interest-v2" and model_sharing.latest_shared() == 2
    hosts("a")
    assert model_store.current().version == 2


def test_a_half_uploaded_version_is_never_loaded(hosts, settings):
    hosts("trainer")
    save()
    storage = model_sharing._storage()
    storage.delete(f"{model_sharing.PREFIX}/interest-v1/{model_sharing.MANIFEST}")  # upload cut short
    hosts("server")
    assert model_store.current() is None
    assert not list((settings.FEED_MODEL_DIR).glob("interest-v*"))


def test_a_damaged_file_is_refused_and_the_served_model_kept(hosts):
    hosts("trainer")
    save()
    hosts("server")
    assert model_store.current().version == 1
    hosts("trainer")
    save()
    storage = model_sharing._storage()
    name = f"{model_sharing.PREFIX}/interest-v2/items.npy"
    storage.delete(name)
    storage.save(name, ContentFile(b"not the array it was"))
    hosts("server")
    assert model_store.current().version == 1  # v2 does not match its manifest
