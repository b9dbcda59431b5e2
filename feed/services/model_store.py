"""The trained interest model as a versioned artifact on disk: written by the training
command, loaded (and reloaded when a newer version appears) by every server process.

An artifact is a folder of `.npy` arrays, memory-mapped read-only when loaded: every server
process on a machine reads the same pages from the page cache instead of holding its own copy
(a 100k-viewer, 200k-video model is ~80 MB of vectors). Ids are looked up by binary search in
the sorted id arrays, not in per-process dictionaries of a few hundred thousand entries."""

import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from ..ranking.als import Factors
from ..ranking.value_model import ValueModel
from . import model_sharing

logger = logging.getLogger(__name__)
ARTIFACT = re.compile(r"interest-v(\d+)$")
RECHECK_SECONDS = 30


class IdIndex:
    """Row of each id in a sorted id array (memory-mapped): the mapping API of a dict."""

    def __init__(self, ids: np.ndarray):
        self.ids = ids

    def get(self, key, default=None):
        position = int(np.searchsorted(self.ids, key))
        return position if position < len(self.ids) and self.ids[position] == key else default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key) -> int:
        position = self.get(key)
        if position is None:
            raise KeyError(key)
        return position

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class InterestModel:
    version: int
    user_index: IdIndex
    video_index: IdIndex
    video_ids: np.ndarray
    factors: Factors
    tag_names: list[str]
    tag_projection: np.ndarray
    centroids: np.ndarray  # audience clusters, unit vectors
    cluster_top: np.ndarray  # clusters × N video ids each cluster engages with most (-1 padded)
    best_cluster: np.ndarray  # per video index: the cluster it fares best with (-1: no engagement yet)
    consistency: dict[int, float]  # author id -> how recognisable their topic is (0..1)
    author_vectors: dict[int, np.ndarray]  # author id -> mean vector of their videos (cold start)
    sound_vectors: dict[int, np.ndarray]  # sound id -> mean vector of the videos using it (cold start)
    ranker: ValueModel | None = None  # the ranking stage, when the log could teach one

    def cold_vector(self, tags: list[str], author_id: int | None, sound_id: int | None) -> np.ndarray | None:
        """A vector for a video with no engagement yet, from what is known around it: its
        hashtags, its creator's other videos and other videos with its sound."""
        column = {name: index for index, name in enumerate(self.tag_names)}
        parts = []
        known = [column[name] for name in tags if name in column]
        if known:
            parts.append(self.tag_projection[known].sum(axis=0))
        if author_id in self.author_vectors:
            parts.append(self.author_vectors[author_id])
        if sound_id in self.sound_vectors:
            parts.append(self.sound_vectors[sound_id])
        return np.mean(parts, axis=0) if parts else None

    @property
    def nbytes(self) -> int:
        return (
            self.factors.users.nbytes + self.factors.items.nbytes + self.video_ids.nbytes + self.tag_projection.nbytes
        )


def model_dir() -> Path:
    return Path(settings.FEED_MODEL_DIR)


def _versions() -> list[tuple[int, Path]]:
    folder = model_dir()
    if not folder.exists():
        return []
    return sorted(
        (int(m.group(1)), path) for path in folder.iterdir() if path.is_dir() and (m := ARTIFACT.search(path.name))
    )


def save(
    user_ids,
    video_ids,
    factors: Factors,
    tag_names: list[str],
    tag_projection: np.ndarray,
    *,
    centroids: np.ndarray,
    cluster_top: np.ndarray,
    best_cluster: np.ndarray,
    consistency: dict[int, float],
    author_vectors: dict[int, np.ndarray],
    sound_vectors: dict[int, np.ndarray],
    ranker: ValueModel | None = None,
) -> Path:
    """Write the next version atomically (a half-written folder is never visible)."""
    folder = model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # numbered after every version any host has published, so the newest is the latest trained
    version = max(_versions()[-1][0] if _versions() else 0, model_sharing.latest_shared()) + 1
    k = factors.items.shape[1]
    arrays = {
        "user_ids": np.asarray(user_ids, np.int64),
        "video_ids": np.asarray(video_ids, np.int64),
        "users": factors.users,
        "items": factors.items,
        "regularization": np.asarray(factors.regularization),
        "alpha": np.asarray(factors.alpha),
        "tag_names": np.array(tag_names, dtype=str),
        "tag_projection": tag_projection,
        "centroids": centroids,
        "cluster_top": cluster_top,
        "best_cluster": best_cluster,
        "consistency_authors": np.array(list(consistency), dtype=np.int64),
        "consistency": np.array(list(consistency.values()), dtype=np.float32),
        "author_keys": np.array(list(author_vectors), dtype=np.int64),
        "author_vectors": np.array(list(author_vectors.values()), dtype=np.float32).reshape(len(author_vectors), k),
        "sound_keys": np.array(list(sound_vectors), dtype=np.int64),
        "sound_vectors": np.array(list(sound_vectors.values()), dtype=np.float32).reshape(len(sound_vectors), k),
    }
    if ranker is not None:
        arrays.update(ranker.arrays())
    if np.any(np.diff(arrays["user_ids"]) <= 0) or np.any(np.diff(arrays["video_ids"]) <= 0):
        raise ValueError("user_ids and video_ids must be sorted and unique: rows are found by binary search")
    staging = Path(tempfile.mkdtemp(dir=folder, suffix=".tmp"))
    for name, array in arrays.items():
        np.save(staging / f"{name}.npy", array)
    target = folder / f"interest-v{version}"
    os.replace(staging, target)
    model_sharing.publish(target, version)
    return target


def _load(version: int, path: Path) -> InterestModel:
    def array(name: str) -> np.ndarray:
        # read-only maps of the files: shared with every other process through the page cache
        return np.load(path / f"{name}.npy", mmap_mode="r")

    user_ids, video_ids = array("user_ids"), array("video_ids")
    model = InterestModel(
        version=version,
        user_index=IdIndex(user_ids),
        video_index=IdIndex(video_ids),
        video_ids=video_ids,
        factors=Factors(
            users=array("users"),
            items=array("items"),
            regularization=float(array("regularization")),
            alpha=float(array("alpha")),
        ),
        tag_names=[str(name) for name in array("tag_names")],
        tag_projection=array("tag_projection"),
        centroids=array("centroids"),
        cluster_top=array("cluster_top"),
        best_cluster=array("best_cluster"),
        consistency=dict(zip(array("consistency_authors").tolist(), array("consistency").tolist(), strict=True)),
        author_vectors=dict(zip(array("author_keys").tolist(), np.array(array("author_vectors")), strict=True)),
        sound_vectors=dict(zip(array("sound_keys").tolist(), np.array(array("sound_vectors")), strict=True)),
        ranker=ValueModel.from_arrays(array) if (path / "ranker_features.npy").exists() else None,
    )
    model.factors.item_gram  # noqa: B018  (computed with the load, not by the first viewer)
    return model


_cache: dict[str, object] = {"model": None, "checked": 0.0}


def current() -> InterestModel | None:
    """The newest model, checking the folder for a newer version at most every 30 s."""
    now = time.monotonic()
    if now - _cache["checked"] > RECHECK_SECONDS or _cache["model"] is None:
        _cache["checked"] = now
        _fetch_newer()
        versions = _versions()
        model = _cache["model"]
        if versions and (model is None or model.version != versions[-1][0]):
            try:
                _cache["model"] = _load(*versions[-1])
            except (KeyError, ValueError, OSError):
                # an artifact from an older format, or damaged: serve without personalisation
                # (or with the model already loaded) rather than fail every feed request
                logger.exception("cannot load %s; retrain with manage.py train_feed_model", versions[-1][1])
    return _cache["model"]


def _fetch_newer() -> None:
    """A newer version published by another host, into the local folder (then loaded below)."""
    try:
        shared = model_sharing.latest_shared()
        local = _versions()[-1][0] if _versions() else 0
        if shared > local:
            model_sharing.fetch(shared, model_dir())
    except Exception:
        # storage unreachable: keep serving the model this process has
        logger.warning("could not check shared storage for a newer model", exc_info=True)


def forget() -> None:
    """Drop the cached model (tests, and after training in the same process)."""
    _cache.update(model=None, checked=0.0)
