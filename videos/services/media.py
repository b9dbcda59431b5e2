"""The media modules, run the way the platform runs them: inside the sandbox, with the
bounds and budgets from settings."""

from django.conf import settings

from ..media.examine import MediaFindings, examine_file, inspect_upload
from ..media.probe import Bounds, Header, NotAVideo
from ..media.sandbox import Budget, OverBudget, run_limited


def bounds() -> Bounds:
    return Bounds(
        max_long_side=settings.VIDEO_MAX_LONG_SIDE,
        max_fps=settings.VIDEO_MAX_FPS,
        max_streams=settings.VIDEO_MAX_STREAMS,
        max_bitrate=settings.VIDEO_MAX_BITRATE,
        max_duration_ms=settings.VIDEO_MAX_DURATION_MS,
    )


def media_budget(seconds: int) -> Budget:
    return Budget(memory_bytes=settings.VIDEO_SANDBOX_MEMORY_MB * 2**20, cpu_seconds=seconds, wall_seconds=seconds + 5)


def check_upload(path: str) -> Header:
    """Refuse (NotAVideo, with the reason) a file out of bounds or that does not decode, while
    the upload request is still open."""
    try:
        return run_limited(
            media_budget(settings.VIDEO_UPLOAD_CHECK_SECONDS), inspect_upload, path, bounds=bounds()
        ).value
    except OverBudget as exc:
        raise NotAVideo(f"The file could not be read: it {exc}.") from exc


def examine(path: str) -> tuple[MediaFindings, int]:
    """What the review needs to know of the file, and the reading child's peak memory (bytes;
    0 when it did not finish). Never raises for the file's sake: an unreadable file or one
    over its budget comes back as `unreadable`."""
    try:
        outcome = run_limited(
            media_budget(settings.VIDEO_REVIEW_SECONDS),
            examine_file,
            path,
            bounds=bounds(),
            analysis_seconds=settings.VIDEO_ANALYSIS_SECONDS,
            silence_dbfs=settings.VIDEO_SILENCE_DBFS,
        )
    except OverBudget as exc:
        return MediaFindings(unreadable=f"The file could not be processed: it {exc}."), 0
    return outcome.value, outcome.peak_rss_bytes
