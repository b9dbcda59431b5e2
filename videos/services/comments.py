from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from platform.events import announce

from .. import live
from ..events import CommentPosted
from ..media import caption
from ..models import Comment, Video
from .access import require_signed_in, visible_video
from .comment_controls import ensure_may_comment
from .engagement import ensure_not_blocked


@transaction.atomic
def add_comment(author, video_id, text: str, parent_id=None) -> Comment:
    """Comment on a video, or reply to a comment. Replying to a reply joins the thread of its
    top-level comment, so threads stay one level deep."""
    require_signed_in(author, "comment")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError("Write something first.", code="required")})
    caption.check_comment(text)
    video = visible_video(author, video_id)  # never across a block with its author
    if video.status != Video.Status.PUBLISHED:
        raise ValidationError({"video_id": ValidationError("This video is not open for comments.", code="invalid")})
    ensure_may_comment(author, video)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.select_related("parent").filter(pk=parent_id, video=video).first()
        if parent is None:
            raise ValidationError({"parent_id": ValidationError("No such comment on this video.", code="not_found")})
        parent = parent.parent or parent
        if parent.author is not None:  # None: a blanked comment of an erased account
            ensure_not_blocked(author, parent.author)
    # Locks in the one order every comment path takes (see delete_comment): the thread's
    # top-level comment (held, so it cannot be deleted under the reply), then the video.
    if parent is not None:
        if not Comment.objects.select_for_update().filter(pk=parent.pk).values_list("pk", flat=True):
            raise ValidationError({"parent_id": ValidationError("No such comment on this video.", code="not_found")})
        Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
    comment = Comment.objects.create(
        video=video, top_level_video=None if parent else video, parent=parent, author=author, text=text
    )
    Video.objects.filter(pk=video.pk).update(comment_count=F("comment_count") + 1)
    announce(
        CommentPosted(
            comment_id=comment.pk,
            author_id=author.pk,
            text=comment.text,
            video_id=video.pk,
            video_author_id=video.author_id,
            parent_id=parent.pk if parent else None,
            parent_author_id=parent.author_id if parent else None,
        )
    )
    event = live.comment_added_event(comment)
    transaction.on_commit(lambda: live.publish(event))
    return comment


@transaction.atomic
def delete_comment(user, comment_id) -> Comment:
    """The comment's author or the video's author may delete a comment; its replies go too.

    Every path that writes a thread locks its rows in one order: the thread's top-level comment,
    then the reply, then the video. (Deleting a top-level comment deletes its replies; deleting a
    reply updates its parent: taken in opposite orders, the two deadlocked 20 times in 30.)"""
    require_signed_in(user, "delete comments")
    thread = Comment.objects.filter(pk=comment_id).values_list("parent_id", flat=True).first()
    if thread is not None:
        list(Comment.objects.select_for_update().filter(pk=thread).values_list("pk", flat=True))
    comment = Comment.objects.select_related("video").select_for_update(of=("self",)).filter(pk=comment_id).first()
    if comment is None:
        raise ValidationError({"comment_id": ValidationError("No such comment.", code="not_found")})
    if user.pk not in (comment.author_id, comment.video.author_id):
        raise PermissionDenied("Only the comment's author or the video's author can delete it.")
    removed = 1 + comment.reply_count
    if comment.parent_id:
        Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") - 1)
    Video.objects.filter(pk=comment.video_id).update(comment_count=F("comment_count") - removed)
    event = live.comment_deleted_event(comment)
    comment.delete()
    transaction.on_commit(lambda: live.publish(event))
    return comment
