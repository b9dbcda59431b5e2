"""The audit trail of what happened to a video (videos.models.ModerationDecision), announced:
the author hears of the decisions that are not their own (notifications' handler)."""

from platform.events import announce

from ..events import Decision, VideosReviewed
from ..models import ModerationDecision


def record_decisions(videos, action: str, reason: str = "", *, moderator=None) -> list[ModerationDecision]:
    """One decision per video, in one statement, announced as one event."""
    rows = ModerationDecision.objects.bulk_create(
        [ModerationDecision(video=video, moderator=moderator, action=action, reason=reason) for video in videos]
    )
    decisions = tuple(Decision(video.pk, video.author_id, action, reason) for video in videos)
    if decisions:
        announce(VideosReviewed(decisions=decisions))
    return rows
