"""Editing a post after it is up: caption (hashtags, mentions and the policy check follow) and
visibility, with the video's engagement kept and every edit in its audit trail."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models.user import CommentPolicy
from platform.events import announce

from ..events import VideosAudienceChanged
from ..media import caption as caption_parser
from ..models import ModerationDecision, Video
from ..policies.video import may_see_video
from .access import require_signed_in
from .decisions import record_decisions
from .pipeline import policy_matches, tag_from_caption

EDITABLE = {Video.Status.PROCESSING, Video.Status.IN_REVIEW, Video.Status.PUBLISHED}


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _own_video(user, video_id) -> Video:
    video = Video.objects.select_for_update().filter(pk=video_id).first()
    visible = video is not None and may_see_video(user, video)
    if video is None or (video.author_id != user.pk and not visible):
        raise _invalid("video_id", "No such video.", "not_found")
    if video.author_id != user.pk:
        raise PermissionDenied("Only the author can edit a video.")
    if video.status not in EDITABLE:
        raise _invalid("video_id", f"A {video.get_status_display().lower()} video cannot be edited.", "invalid_state")
    return video


def _seconds(ms: int | None) -> str:
    return "automatic" if ms is None else f"{ms / 1000:g} s"


def _check_cover(video: Video, at_ms: int) -> None:
    if video.status == Video.Status.PROCESSING or not video.duration_ms:
        raise _invalid("cover_at_ms", "Choose the cover once the video has been processed.", "invalid_state")
    if not 0 <= at_ms < video.duration_ms:
        limit = f"{video.duration_ms / 1000:g}"
        raise _invalid("cover_at_ms", f"Choose a moment between 0 and {limit} s into the video.", "out_of_range")


@transaction.atomic
def update_video(
    user,
    video_id,
    *,
    caption: str | None = None,
    visibility: str | None = None,
    comment_policy: str | None = None,
    cover_at_ms: int | None = None,
) -> Video:
    """Change a video's caption, visibility, who may comment and/or its cover frame. A
    published video whose new caption needs a human look (a policy term) goes back to review,
    as a new upload would. A new cover is made on the task queue; the old one shows until then."""
    require_signed_in(user, "edit videos")
    video = _own_video(user, video_id)
    changes, fields = [], set()
    if cover_at_ms is not None and cover_at_ms != video.cover_at_ms:
        _check_cover(video, cover_at_ms)
        changes.append(f"cover: {_seconds(video.cover_at_ms)} → {_seconds(cover_at_ms)}")
        video.cover_at_ms = cover_at_ms
        fields.add("cover_at_ms")
    if caption is not None and caption.strip() != video.caption:
        caption = caption.strip()
        caption_parser.check_caption(caption)
        changes.append(f"caption: “{video.caption}” → “{caption}”")
        video.caption = caption
        fields.add("caption")
    if visibility is not None and visibility != video.visibility:
        if visibility not in Video.Visibility.values:
            raise _invalid("visibility", "Unknown visibility.", "invalid")
        changes.append(f"visibility: {video.visibility} → {visibility}")
        video.visibility = visibility
        fields.add("visibility")
    if comment_policy is not None and comment_policy != video.comment_policy:
        if comment_policy not in CommentPolicy.values:
            raise _invalid("comment_policy", "Unknown comment setting.", "invalid")
        changes.append(f"comments: {video.comment_policy} → {comment_policy}")
        video.comment_policy = comment_policy
        fields.add("comment_policy")
    if not changes:
        return video
    reasons = policy_matches(video.caption, caption_parser.hashtags(video.caption)) if "caption" in fields else []
    if reasons and video.status == Video.Status.PUBLISHED:
        video.status, video.rejection_reasons = Video.Status.IN_REVIEW, reasons
        fields |= {"status", "rejection_reasons"}
    video.save(update_fields=sorted(fields))
    if "cover_at_ms" in fields:
        from .covers import make_cover

        transaction.on_commit(lambda: make_cover.enqueue(video.pk, cover_at_ms))
    if "caption" in fields and video.status != Video.Status.PROCESSING:
        tag_from_caption(video)  # a video still in its first review gets its tags from the review
    record_decisions([video], ModerationDecision.Action.EDITED, "; ".join(changes))
    if "status" in fields:
        record_decisions([video], ModerationDecision.Action.SENT_TO_REVIEW, " ".join(reasons))
    if fields & {"status", "visibility"}:
        announce(VideosAudienceChanged(video_ids=(video.pk,)))
    return video
