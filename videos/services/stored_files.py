"""A stored file as a local path, for the tools that read files (PyAV, ffmpeg), wherever it is
stored. Used by the review pipeline, the transcoder and the cover frames."""

import shutil
import tempfile
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage


@contextmanager
def stored_file_path(field_file):
    """A local path for a stored file: the file itself on local storage, a temporary copy
    when it lives in object storage. (Some storages answer `.path` with a path that does
    not exist, so ask what the storage is rather than what it says.)"""
    if isinstance(field_file.storage, FileSystemStorage):
        yield field_file.path
        return
    with field_file.open("rb") as source, tempfile.NamedTemporaryFile(suffix=".video") as copy:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name
