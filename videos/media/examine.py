"""Everything the review pipeline reads from a file, in one call that runs in the sandbox."""

from dataclasses import dataclass, field

from . import fingerprint
from .probe import Bounds, Header, NotAVideo, Probe, check_upload, probe
from .thumbnail import thumbnail_jpeg


@dataclass
class MediaFindings:
    """What the file is: learned without the database, in a child process."""

    probe: Probe | None = None
    unreadable: str | None = None  # why the file could not be read, if it could not
    content_hash: str = ""
    frame_hashes: list[int] = field(default_factory=list)
    sound_fingerprint: str | None = None
    thumbnail: bytes | None = None


def examine_file(path: str, *, bounds: Bounds, analysis_seconds: float, silence_dbfs: float) -> MediaFindings:
    """Never raises for the file's sake, but MemoryError: the sandbox reports that one."""
    try:
        return _examine(path, bounds, analysis_seconds, silence_dbfs)
    except NotAVideo as exc:
        return MediaFindings(unreadable=str(exc))
    except MemoryError:
        raise
    except Exception as exc:  # whatever else FFmpeg or Pillow make of a hostile file
        return MediaFindings(unreadable=f"The file could not be processed ({type(exc).__name__}).")


def _examine(path: str, bounds: Bounds, analysis_seconds: float, silence_dbfs: float) -> MediaFindings:
    found = probe(path, bounds, analysis_seconds)
    findings = MediaFindings(probe=found)
    findings.content_hash = fingerprint.content_hash(path)
    findings.frame_hashes = fingerprint.frame_hashes(path, found.duration_ms)
    if found.audio is not None and found.audio.rms_dbfs >= silence_dbfs:
        findings.sound_fingerprint = fingerprint.sound_fingerprint(found.audio.envelope, found.audio.pitch)
    try:
        findings.thumbnail = thumbnail_jpeg(path, at_seconds=min(1.0, found.duration_ms / 3000))
    except ValueError:
        findings.thumbnail = None
    return findings


def inspect_upload(path: str, *, bounds: Bounds) -> Header:
    """The upload-time check: in bounds, and the first frame decodes (NotAVideo otherwise)."""
    return check_upload(path, bounds)
