from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Report
from .access import require_signed_in


def file_report(reporter, *, reason: str, details: str = "", video=None, comment=None, account=None) -> Report:
    """Flag something for the moderators. Limited per account per hour, so reports stay a
    signal rather than a weapon."""
    require_signed_in(reporter, "report")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": ValidationError("Pick a reason from the list.", code="invalid")})
    details = (details or "").strip()
    if len(details) > 1000:
        raise ValidationError({"details": ValidationError("At most 1000 characters.", code="max_length")})
    if account is not None and account.pk == reporter.pk:
        raise ValidationError({"subject_id": ValidationError("You cannot report yourself.", code="self_action")})
    recent = Report.objects.filter(reporter=reporter, created_at__gte=timezone.now() - timedelta(hours=1)).count()
    if recent >= settings.REPORTS_PER_HOUR:
        raise ValidationError("You have sent many reports recently. Try again later.", code="rate_limited")
    return Report.objects.create(
        reporter=reporter, reason=reason, details=details, video=video, comment=comment, account=account
    )
