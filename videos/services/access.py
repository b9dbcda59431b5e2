from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services.relations import relations_of

from ..models import Video
from ..policies.video import may_see_video, visible_videos


def visible_video(viewer, video_id, field: str = "video_id") -> Video:
    """The video if `viewer` may see it; otherwise the same NOT_FOUND error whether it does
    not exist or is hidden, so hidden videos cannot be discovered by probing ids."""
    try:
        video = Video.objects.filter(pk=video_id).first()  # its author loads when asked for
    except (ValueError, TypeError):
        video = None
    # the video policy's rule for one loaded video, on the viewer's relations with its author
    # only (one written statement): the queryset rule cost 3 ms of CPU to build per write
    if video is None or not may_see_video(viewer, video, relations_of(viewer, towards=video.author_id)):
        raise ValidationError({field: ValidationError("No such video.", code="not_found")})
    return video


def require_signed_in(user, action: str) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(f"Sign in to {action}.")


def live_comment_access(viewer, video_pk: int | None) -> frozenset[int] | None:
    """None if `viewer` may not see the video; else the accounts whose comments they must not
    see (blocks either way, and whom they muted), so a live subscription filters its messages
    in memory."""
    if video_pk is None or not visible_videos(Video.objects.all(), viewer).filter(pk=video_pk).exists():
        return None
    return relations_of(viewer).hidden_authors
