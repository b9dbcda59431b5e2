from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.policies import visible_users

from ..models import Comment, Report, Video
from ..policies.video import visible_videos
from .access import require_signed_in


def reported_subject(reporter, type_name: str, pk: str) -> dict:
    """The video, comment or account reported, if the reporter can see it."""
    not_found = ValidationError({"subject_id": ValidationError("Nothing to report with that ID.", code="not_found")})
    if not str(pk).isdigit() or int(pk) >= 2**63:
        raise not_found
    videos = visible_videos(Video.objects.all(), reporter)
    lookups = {
        "Video": lambda: {"video": videos.filter(pk=pk).first()},
        "Comment": lambda: {"comment": Comment.objects.filter(pk=pk, video__in=videos).first()},
        "User": lambda: {"account": visible_users(User.objects.all(), reporter).filter(pk=pk).first()},
    }
    found = lookups.get(type_name, dict)()
    if not found or None in found.values():
        raise not_found
    return found


def file_report(reporter, *, reason: str, details: str = "", subject: tuple[str, str]) -> Report:
    """Flag something for the moderators: `subject` is a (type name, id) pair such as
    ("Video", "12"). (The API limits reports per account per hour, so they stay a signal,
    not a weapon: settings.RATE_LIMITS.)"""
    require_signed_in(reporter, "report")
    found = reported_subject(reporter, *subject)
    account = found.get("account")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": ValidationError("Pick a reason from the list.", code="invalid")})
    details = (details or "").strip()
    if len(details) > 1000:
        raise ValidationError({"details": ValidationError("At most 1000 characters.", code="max_length")})
    if account is not None and account.pk == reporter.pk:
        raise ValidationError({"subject_id": ValidationError("You cannot report yourself.", code="self_action")})
    return Report.objects.create(reporter=reporter, reason=reason, details=details, **found)
