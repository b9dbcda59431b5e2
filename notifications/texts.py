"""The words of notifications that are not about a person's action."""

from videos.events import Decision
from videos.models import ModerationDecision, Report

_REVIEW = {
    ModerationDecision.Action.PUBLISHED: "Your video is live.",
    ModerationDecision.Action.APPROVED: "A moderator approved your video: it is live.",
    ModerationDecision.Action.SENT_TO_REVIEW: "Your video is waiting for a moderator. {reason}",
    ModerationDecision.Action.AUTO_REJECTED: "Your video was not published. {reason}",
    ModerationDecision.Action.REJECTED: "A moderator did not publish your video. {reason}",
    ModerationDecision.Action.REMOVED: "A moderator removed your video. {reason}",
}


def review_text(decision: Decision) -> str | None:
    """None for decisions the author made themselves (edits)."""
    template = _REVIEW.get(decision.action)
    return template.format(reason=decision.reason).strip() if template else None


def pool_text(decision) -> str:
    return f"Viewers liked your video: it is now shown to a bigger audience (pool {decision.pool + 1})."


def report_text(report: Report) -> str:
    subject = "video" if report.video_id else "comment" if report.comment_id else "account"
    if report.status == Report.Status.ACTIONED:
        return f"Thanks for your report: we took action on the {subject} you reported."
    return f"We reviewed the {subject} you reported and found it within our rules."
