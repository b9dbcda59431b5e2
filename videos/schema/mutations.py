from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info
from strawberry.file_uploads import Upload

from platform.graphql.errors import MUTATION_INPUT, OkPayload, collect_user_errors
from platform.graphql.idempotency import idempotency_key_field, idempotent
from platform.graphql.ids import decode_global_id, node_pk, parse_global_id
from platform.graphql.input_limits import MaxLength
from platform.graphql.viewer import anonymous_session_key, current_user, rate_limit, require_user
from platform.rate_limits import client_address

from ..models import Video
from ..services import comments, edits, engagement, reports, served, uploads, watch
from .types import (
    CommentPayload,
    CommentPolicyEnum,
    DeletePayload,
    HeartPayload,
    RejectedWatchEvent,
    ReportReason,
    SavePayload,
    SharePayload,
    VideoPayload,
    Visibility,
    WatchEventsPayload,
)


@strawberry.input(description="A video file and how to publish it once it passes review.")
class UploadVideoInput:
    file: Upload = strawberry.field(description="The video, sent as a GraphQL multipart upload.")
    caption: str = strawberry.field(
        description="Up to 10,000 characters; #hashtags and @mentions in it are linked.",
        default="",
        directives=[MaxLength(length=10_000)],
    )
    visibility: Visibility = strawberry.field(default=Visibility.PUBLIC, description="Who may see it once published.")
    sound_id: strawberry.ID | None = strawberry.field(
        default=None, description="Made with this sound ('use this sound'): the video joins the sound's page."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="A video of the viewer's and what to change about it.")
class UpdateVideoInput:
    video_id: strawberry.ID = strawberry.field(description="The video's global ID.")
    caption: str | None = strawberry.field(
        default=None,
        directives=[MaxLength(length=10_000)],
        description="The new caption; hashtags and mentions follow.",
    )
    visibility: Visibility | None = strawberry.field(
        default=None, description="Who may see it; null leaves it as it is."
    )
    comment_policy: CommentPolicyEnum | None = strawberry.field(default=None, description="Who may comment.")
    cover_at_ms: int | None = strawberry.field(
        default=None, description="The cover: the frame this many milliseconds in (thumbnailUrl changes shortly)."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="One video.")
class VideoInput:
    video_id: strawberry.ID = strawberry.field(description="The video's global ID.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="A comment on a video, or a reply to one of its comments.")
class AddCommentInput:
    video_id: strawberry.ID = strawberry.field(description="The video's global ID.")
    text: str = strawberry.field(
        description="The comment, 1 to 5,000 characters.", directives=[MaxLength(length=5_000)]
    )
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Reply to this comment.")
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="The comment to delete: yours, or any on your video; its replies go too.")
class DeleteCommentInput:
    comment_id: strawberry.ID = strawberry.field(description="The comment's global ID.")


@strawberry.input(description="One report from the player about one video.")
class WatchEventInput:
    video_id: strawberry.ID = strawberry.field(description="The video's global ID.")
    watched_ms: int = strawberry.field(
        description="Milliseconds watched in this report, rewatches included (at most a few times the video's length)."
    )
    completed: bool = strawberry.field(default=False, description="True when the viewer reached the end at least once.")
    loops: int = strawberry.field(default=0, description="Times the video restarted after its end.")


@strawberry.input(description="A batch of the player's watch reports (send every few seconds).")
class WatchEventsInput:
    events: list[WatchEventInput] = strawberry.field(
        description="The reports, oldest first.", directives=[MaxLength(length=2 * watch.MAX_BATCH)]
    )
    batch_id: str | None = strawberry.field(
        default=None,
        directives=[MaxLength(length=64)],
        description="Your own id for this batch (a UUID): a retry with the same id counts nothing twice.",
    )


@strawberry.input(description="What is reported and why.")
class ReportInput:
    subject_id: strawberry.ID = strawberry.field(description="A Video, Comment or User ID.")
    reason: ReportReason = strawberry.field(description="Why it is reported.")
    details: str = strawberry.field(
        description="Anything moderators should know, up to 5,000 characters.",
        default="",
        directives=[MaxLength(length=5_000)],
    )


def _video_pk(value: str, field: str = "video_id") -> int:
    return decode_global_id(value, "Video", field)


@strawberry.type(
    description="What clients can change; each mutation takes one input and answers a payload with errors."
)
class Mutation:
    @strawberry_django.mutation(description="Upload a video; it is reviewed before it is published.")
    @idempotent
    def upload_video(self, info: Info, input: Annotated[UploadVideoInput, MUTATION_INPUT]) -> VideoPayload:
        with collect_user_errors() as failure:
            author = require_user(info, "upload videos")
            rate_limit(info, "upload")
            video = uploads.upload_video(
                author,
                input.file,
                caption=input.caption,
                visibility=input.visibility.value,
                sound_id=decode_global_id(input.sound_id, "Sound", "sound_id") if input.sound_id else None,
            )
            return VideoPayload(video=Video.objects.get(pk=video.pk))
        return VideoPayload(errors=failure.errors)

    @strawberry_django.mutation(
        description="Edit one of your videos: caption, visibility, who may comment, cover frame. Hearts, comments "
        "and views stay; a caption that now needs a human look sends a published video back to review."
    )
    @idempotent
    def update_video(self, info: Info, input: Annotated[UpdateVideoInput, MUTATION_INPUT]) -> VideoPayload:
        with collect_user_errors() as failure:
            editor = require_user(info, "edit videos")
            rate_limit(info, "edit")
            video = edits.update_video(
                editor,
                _video_pk(input.video_id),
                caption=input.caption,
                visibility=input.visibility.value if input.visibility else None,
                comment_policy=input.comment_policy.value if input.comment_policy else None,
                cover_at_ms=input.cover_at_ms,
            )
            return VideoPayload(video=Video.objects.get(pk=video.pk))
        return VideoPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Delete one of your videos, with its comments and hearts.")
    @idempotent
    def delete_video(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> DeletePayload:
        with collect_user_errors() as failure:
            uploads.delete_video(require_user(info, "delete videos"), _video_pk(input.video_id))
            return DeletePayload(deleted_id=input.video_id)
        return DeletePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Heart a video. Idempotent.")
    @idempotent
    def heart_video(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> HeartPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "heart videos")
            rate_limit(info, "heart")
            return HeartPayload(video=engagement.heart(viewer, _video_pk(input.video_id)))
        return HeartPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Take a heart back. Idempotent.")
    @idempotent
    def unheart_video(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> HeartPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "heart videos")
            rate_limit(info, "heart")
            return HeartPayload(video=engagement.unheart(viewer, _video_pk(input.video_id)))
        return HeartPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Save a video to watch again (only you see your saved videos). Idempotent.")
    @idempotent
    def save_video(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> SavePayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "save videos")
            rate_limit(info, "save")
            video = engagement.save(viewer, _video_pk(input.video_id))
            return SavePayload(video=Video.objects.get(pk=video.pk))
        return SavePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Remove a video from your saved videos. Idempotent.")
    @idempotent
    def unsave_video(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> SavePayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "save videos")
            rate_limit(info, "save")
            video = engagement.unsave(viewer, _video_pk(input.video_id))
            return SavePayload(video=video)
        return SavePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Count a share of a video.")
    @idempotent
    def share_video(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> SharePayload:
        with collect_user_errors() as failure:
            pk = _video_pk(input.video_id)
            rate_limit(info, "share")
            rate_limit(info, "share", target=pk)
            video = engagement.share(current_user(info), pk)
            return SharePayload(video=Video.objects.get(pk=video.pk))
        return SharePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Comment on a video, or reply to a comment.")
    @idempotent
    def add_comment(self, info: Info, input: Annotated[AddCommentInput, MUTATION_INPUT]) -> CommentPayload:
        with collect_user_errors() as failure:
            author = require_user(info, "comment")
            parent = decode_global_id(input.parent_id, "Comment", "parent_id") if input.parent_id else None
            video = _video_pk(input.video_id)
            rate_limit(info, "comment")
            comment = comments.add_comment(author, video, input.text, parent_id=parent)
            return CommentPayload(comment=comment)
        return CommentPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Delete a comment (yours, or one on your video).")
    def delete_comment(self, info: Info, input: Annotated[DeleteCommentInput, MUTATION_INPUT]) -> DeletePayload:
        with collect_user_errors() as failure:
            pk = decode_global_id(input.comment_id, "Comment", "comment_id")
            comments.delete_comment(require_user(info, "delete comments"), pk)
            return DeletePayload(deleted_id=input.comment_id)
        return DeletePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Report what the player saw: a batch of watch events.")
    def record_watch_events(self, info: Info, input: Annotated[WatchEventsInput, MUTATION_INPUT]) -> WatchEventsPayload:
        with collect_user_errors() as failure:
            viewer = current_user(info)
            rate_limit(info, "watch")
            events = [
                watch.WatchEventInput(node_pk(e.video_id, "Video"), e.watched_ms, e.completed, e.loops)
                for e in input.events
            ]
            session_key = "" if viewer else anonymous_session_key(info)
            # one pool vote per account or address, and only for what the feed served them
            reported = {e.video_id for e in events if isinstance(e.video_id, int)}
            voter = watch.PoolVoter(
                f"u:{viewer.pk}" if viewer else f"a:{client_address(info.context.request)}",
                served.served_among(served.viewer_key(viewer, session_key), reported),
            )
            accepted, rejected = watch.record_watch_events(
                viewer, session_key, events, batch_id=input.batch_id, voter=voter
            )
            return WatchEventsPayload(
                accepted=accepted, rejected=[RejectedWatchEvent(index=r.index, reason=r.reason) for r in rejected]
            )
        return WatchEventsPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Show me less like this video.")
    @idempotent
    def mark_not_interested(self, info: Info, input: Annotated[VideoInput, MUTATION_INPUT]) -> OkPayload:
        with collect_user_errors() as failure:
            viewer = current_user(info)
            engagement.mark_not_interested(
                viewer, "" if viewer else anonymous_session_key(info), _video_pk(input.video_id)
            )
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Report a video, a comment or an account to the moderators.")
    def report(self, info: Info, input: Annotated[ReportInput, MUTATION_INPUT]) -> OkPayload:
        with collect_user_errors() as failure:
            reporter = require_user(info, "report")
            subject = parse_global_id(input.subject_id) or ("", "")
            rate_limit(info, "report")
            reports.file_report(reporter, reason=input.reason.value, details=input.details, subject=subject)
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)
