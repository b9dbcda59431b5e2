"""What creators control about the comments on their videos (who may comment, which one is
pinned) and hearts on comments."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet

from accounts.models import Follow
from accounts.models.user import CommentPolicy
from platform.events import announce

from ..events import CommentHearted, CommentUnhearted
from ..models import Comment, CommentHeart, Video
from ..policies.comment import may_see_comment_author
from .access import require_signed_in, visible_video
from .engagement import created_once


def comment_refusal(user, video: Video) -> str | None:
    """Why `user` may not comment on `video` under its comment setting, or None if they may.
    Its author always may."""
    if user is None or not user.is_authenticated:
        return "Sign in to comment."
    if user.pk == video.author_id or video.comment_policy == CommentPolicy.EVERYONE:
        return None
    if video.comment_policy == CommentPolicy.NOBODY:
        return "Comments are turned off for this video."
    if not Follow.objects.filter(follower=user, followee_id=video.author_id).exists():
        return "Only the author's followers may comment on this video."
    return None


def ensure_may_comment(user, video: Video) -> None:
    refusal = comment_refusal(user, video)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def pin_comment(user, video_id, comment_id) -> Video:
    """Pin one top-level comment to the top of the video's comments (None: unpin). Only the
    video's author may; pinning another replaces it."""
    require_signed_in(user, "pin comments")
    video = visible_video(user, video_id)
    if video.author_id != user.pk:
        raise PermissionDenied("Only the video's author can pin a comment.")
    comment = None
    if comment_id is not None:
        comment = Comment.objects.filter(pk=comment_id, top_level_video=video).first()
        if comment is None:
            message = "No such top-level comment on this video."
            raise ValidationError({"comment_id": ValidationError(message, code="not_found")})
    Video.objects.filter(pk=video.pk).update(pinned_comment=comment)
    video.pinned_comment = comment
    return video


def visible_comment(user, comment_id) -> Comment:
    """The comment if `user` may see it (its video visible, no block either way, not muted);
    the same NOT_FOUND otherwise."""
    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None or not may_see_comment_author(user, comment):
        raise ValidationError({"comment_id": ValidationError("No such comment.", code="not_found")})
    visible_video(user, comment.video_id, field="comment_id")
    return comment


@transaction.atomic
def heart_comment(user, comment_id) -> Comment:
    """Heart a comment. Idempotent; heart_count moves only when a row is really created, so it
    equals the rows under concurrent requests."""
    require_signed_in(user, "heart comments")
    comment = visible_comment(user, comment_id)
    if not created_once(CommentHeart, user=user, comment=comment):
        return comment
    Comment.objects.filter(pk=comment.pk).update(heart_count=F("heart_count") + 1)
    announce(
        CommentHearted(
            user_id=user.pk, comment_id=comment.pk, comment_author_id=comment.author_id, video_id=comment.video_id
        )
    )
    return comment


@transaction.atomic
def unheart_comment(user, comment_id) -> Comment:
    require_signed_in(user, "heart comments")
    comment = visible_comment(user, comment_id)
    deleted, _ = CommentHeart.objects.filter(user=user, comment=comment).delete()
    if deleted:
        Comment.objects.filter(pk=comment.pk).update(heart_count=F("heart_count") - 1)
        announce(CommentUnhearted(user_id=user.pk, comment_id=comment.pk, comment_author_id=comment.author_id))
    return comment


def top_comments(video_id) -> QuerySet[Comment]:
    """A video's top-level comments, most hearted first, then most answered, then newest."""
    return Comment.objects.filter(top_level_video_id=video_id).order_by(
        "-heart_count", "-reply_count", "-created_at", "-id"
    )
