from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services.relations import relations_of

from ..models import Video


def visible_video(viewer, video_id, field: str = "video_id") -> Video:
    """The video if `viewer` may see it; otherwise the same NOT_FOUND error whether it does
    not exist or is hidden, so hidden videos cannot be discovered by probing ids."""
    try:
        return Video.objects.visible_to(viewer).select_related("author").get(pk=video_id)
    except (Video.DoesNotExist, ValueError, TypeError):
        raise ValidationError({field: ValidationError("No such video.", code="not_found")}) from None


def require_signed_in(user, action: str) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(f"Sign in to {action}.")


def live_comment_access(viewer, video_pk: int | None) -> frozenset[int] | None:
    """None if `viewer` may not see the video; else the accounts whose comments they must not
    see (blocks either way, and whom they muted), so a live subscription filters its messages
    in memory."""
    if video_pk is None or not Video.objects.visible_to(viewer).filter(pk=video_pk).exists():
        return None
    return relations_of(viewer).hidden_authors
