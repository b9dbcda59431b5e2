from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import ModerationDecision, Report, Video
from ..signals import reports_closed
from .playback import outdated

Action = ModerationDecision.Action


def _require_moderator(moderator) -> None:
    if moderator is None or not moderator.is_staff:
        raise PermissionDenied("Only moderators can do that.")


@transaction.atomic
def _decide(video: Video, moderator, *, status: str, action: str, reason: str, allowed_from: set[str]) -> Video:
    _require_moderator(moderator)
    video = Video.objects.select_for_update().get(pk=video.pk)
    if video.status not in allowed_from:
        raise ValidationError(
            f"A {video.get_status_display().lower()} video cannot be {action.lower()}.", code="invalid_state"
        )
    video.status = status
    if status == Video.Status.PUBLISHED:
        video.rejection_reasons = []
        video.published_at = video.published_at or timezone.now()
    elif reason:
        video.rejection_reasons = [reason]
    video.save(update_fields=["status", "rejection_reasons", "published_at"])
    ModerationDecision.objects.create(video=video, moderator=moderator, action=action, reason=reason)
    if status == Video.Status.PUBLISHED and outdated(video.playback) and video.file:
        from ..tasks import encode_renditions  # its encode failed at review, or is an old encoder's

        transaction.on_commit(lambda: encode_renditions.enqueue(video.pk))
    return video


def approve(video: Video, moderator) -> Video:
    """Publish a video held for review (or restore one a moderator took down)."""
    return _decide(
        video,
        moderator,
        status=Video.Status.PUBLISHED,
        action=Action.APPROVED,
        reason="",
        allowed_from={Video.Status.IN_REVIEW, Video.Status.REJECTED, Video.Status.REMOVED},
    )


def reject(video: Video, moderator, reason: str) -> Video:
    if not reason.strip():
        raise ValidationError({"reason": ValidationError("Say why, for the author.", code="required")})
    return _decide(
        video,
        moderator,
        status=Video.Status.REJECTED,
        action=Action.REJECTED,
        reason=reason.strip(),
        allowed_from={Video.Status.IN_REVIEW},
    )


def remove(video: Video, moderator, reason: str) -> Video:
    """Take down a video, wherever it is in its life."""
    if not reason.strip():
        raise ValidationError({"reason": ValidationError("Say why, for the author.", code="required")})
    return _decide(
        video,
        moderator,
        status=Video.Status.REMOVED,
        action=Action.REMOVED,
        reason=reason.strip(),
        allowed_from=set(Video.Status.values) - {Video.Status.REMOVED},
    )


@transaction.atomic
def close_reports(reports, moderator, status: str) -> int:
    """Close the open ones among `reports`; their reporters hear the decision."""
    _require_moderator(moderator)
    ids = list(reports.filter(status=Report.Status.OPEN).values_list("pk", flat=True))
    count = Report.objects.filter(pk__in=ids).update(status=status, handled_by=moderator, handled_at=timezone.now())
    reports_closed.send(sender=Report, reports=list(Report.objects.filter(pk__in=ids)))
    return count
