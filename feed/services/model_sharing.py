"""Trained models shared between hosts through storage (issue #24): the training command
publishes each version there, and every server process, on any host, fetches the newest one into
its local model folder (which it then memory-maps, as model_store does with any local version).

Storage is FEED_MODEL_STORAGE, a STORAGES alias (the media's S3-compatible bucket in production;
empty keeps models on the local disk alone). A version is published as its .npy files, then its
MANIFEST.json (each file's size and SHA-256), then LATEST names it: a version without its
manifest, or with a file that does not match it, is never loaded, so a reader racing an upload
or meeting a damaged file keeps serving the model it has."""

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from videos.media.fingerprint import content_hash  # a file's SHA-256, as uploads are compared

logger = logging.getLogger(__name__)
PREFIX = "feed-models"
MANIFEST = "MANIFEST.json"


def _storage():
    alias = settings.FEED_MODEL_STORAGE
    return storages[alias] if alias else None


def latest_shared() -> int:
    """The newest published version; 0 when there is none (or no shared storage)."""
    storage = _storage()
    if storage is None or not storage.exists(f"{PREFIX}/LATEST"):
        return 0
    with storage.open(f"{PREFIX}/LATEST", "rb") as handle:
        text = handle.read(32).decode().strip()
    return int(text) if text.isdigit() else 0


def publish(folder: Path, version: int) -> None:
    """Upload a local artifact folder as `version`: the files, the manifest, then LATEST."""
    storage = _storage()
    if storage is None:
        return
    files = sorted(path for path in folder.iterdir() if path.suffix == ".npy")
    manifest = {path.name: {"size": path.stat().st_size, "sha256": content_hash(path)} for path in files}
    remote = f"{PREFIX}/interest-v{version}"
    for path in files:
        with open(path, "rb") as handle:
            _replace(storage, f"{remote}/{path.name}", handle)
    _replace(storage, f"{remote}/{MANIFEST}", ContentFile(json.dumps(manifest).encode()))
    if version > latest_shared():
        _replace(storage, f"{PREFIX}/LATEST", ContentFile(str(version).encode()))


def _replace(storage, name: str, content) -> None:
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, content)


def fetch(version: int, into: Path) -> Path | None:
    """Download a published version into the folder `into`/interest-v{version}; None (and the
    reason in the log) when it is incomplete or does not match its manifest."""
    storage = _storage()
    remote = f"{PREFIX}/interest-v{version}"
    target = into / f"interest-v{version}"
    if target.exists():
        return target
    if storage is None or not storage.exists(f"{remote}/{MANIFEST}"):
        return None  # not (yet) completely published
    with storage.open(f"{remote}/{MANIFEST}", "rb") as handle:
        manifest = json.loads(handle.read(1 << 20))
    into.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=into, suffix=".tmp"))
    try:
        for name, expected in manifest.items():
            local = staging / Path(name).name
            with storage.open(f"{remote}/{name}", "rb") as source, open(local, "wb") as copy:
                shutil.copyfileobj(source, copy)
            if local.stat().st_size != expected["size"] or content_hash(local) != expected["sha256"]:
                logger.error("model v%s: %s does not match its manifest; not loading it", version, name)
                return None
        os.replace(staging, target)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
