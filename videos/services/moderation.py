"""Moderators' decisions on videos. One path decides for one video or a thousand: the rows
change in one statement, every decision is recorded, and the announcements (VideosReviewed:
the authors hear; VideosAudienceChanged: open live streams check again) name every video, so
a bulk decision does what each single one would."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from platform.events import announce

from ..events import ReportsClosed, VideosAudienceChanged
from ..models import ModerationDecision, Report, Video
from .decisions import record_decisions
from .playback import encode_renditions, outdated

Action = ModerationDecision.Action
Status = Video.Status


@dataclass(frozen=True)
class Verdict:
    status: str
    action: str
    allowed_from: frozenset[str]
    needs_reason: bool
    done: str  # for the moderator's message


VERDICTS = {
    # approving also restores a video a moderator took down
    "approve": Verdict(
        Status.PUBLISHED,
        Action.APPROVED,
        frozenset({Status.IN_REVIEW, Status.REJECTED, Status.REMOVED}),
        False,
        "approved and published",
    ),
    "reject": Verdict(Status.REJECTED, Action.REJECTED, frozenset({Status.IN_REVIEW}), True, "rejected"),
    # a take-down, wherever the video is in its life
    "remove": Verdict(Status.REMOVED, Action.REMOVED, frozenset(Status.values) - {Status.REMOVED}, True, "removed"),
}


def _require_moderator(moderator) -> None:
    if moderator is None or not moderator.is_staff:
        raise PermissionDenied("Only moderators can do that.")


@transaction.atomic
def decide(videos, moderator, verb: str, reason: str = "") -> tuple[list[Video], list[tuple[Video, str]]]:
    """Apply the verdict `verb` to `videos` (a queryset or a list); returns the videos decided
    and those refused, each with why. Rows are locked in id order, so concurrent decisions on
    overlapping videos wait for each other instead of deadlocking."""
    _require_moderator(moderator)
    verdict = VERDICTS[verb]
    reason = reason.strip()
    if verdict.needs_reason and not reason:
        raise ValidationError({"reason": ValidationError("Say why, for the author.", code="required")})
    ids = [video.pk for video in videos]
    locked = list(Video.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    decided = [video for video in locked if video.status in verdict.allowed_from]
    refused = [
        (video, f"A {video.get_status_display().lower()} video cannot be {verdict.action.lower()}.")
        for video in locked
        if video.status not in verdict.allowed_from
    ]
    if decided:
        _apply(decided, verdict, moderator, reason)
    return decided, refused


def _apply(videos: list[Video], verdict: Verdict, moderator, reason: str) -> None:
    now = timezone.now()
    changes = {"status": verdict.status}
    if verdict.status == Status.PUBLISHED:
        changes.update(rejection_reasons=[], published_at=Coalesce("published_at", now))
    elif reason:
        changes["rejection_reasons"] = [reason]
    Video.objects.filter(pk__in=[video.pk for video in videos]).update(**changes)
    for video in videos:
        video.status = verdict.status
        if verdict.status == Status.PUBLISHED:
            video.rejection_reasons, video.published_at = [], video.published_at or now
        elif reason:
            video.rejection_reasons = [reason]
    record_decisions(videos, verdict.action, reason, moderator=moderator)
    announce(VideosAudienceChanged(video_ids=tuple(video.pk for video in videos)))
    if verdict.status == Status.PUBLISHED:
        # its encode failed at review, or is an old encoder's
        for pk in [video.pk for video in videos if outdated(video.playback) and video.file]:
            transaction.on_commit(lambda pk=pk: encode_renditions.enqueue(pk))


def _decide_one(video: Video, moderator, verb: str, reason: str = "") -> Video:
    decided, refused = decide([video], moderator, verb, reason)
    if refused:
        raise ValidationError(refused[0][1], code="invalid_state")
    if not decided:
        raise ValidationError("No such video.", code="not_found")
    return decided[0]


def approve(video: Video, moderator) -> Video:
    """Publish a video held for review (or restore one a moderator took down)."""
    return _decide_one(video, moderator, "approve")


def reject(video: Video, moderator, reason: str) -> Video:
    return _decide_one(video, moderator, "reject", reason)


def remove(video: Video, moderator, reason: str) -> Video:
    """Take down a video, wherever it is in its life."""
    return _decide_one(video, moderator, "remove", reason)


@transaction.atomic
def close_reports(reports, moderator, status: str) -> int:
    """Close the open ones among `reports`; their reporters hear the decision."""
    _require_moderator(moderator)
    ids = list(reports.filter(status=Report.Status.OPEN).values_list("pk", flat=True))
    count = Report.objects.filter(pk__in=ids).update(status=status, handled_by=moderator, handled_at=timezone.now())
    if ids:
        announce(ReportsClosed(report_ids=tuple(ids)))
    return count
