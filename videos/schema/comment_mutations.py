"""Mutations about comments that creators and viewers control: pinning and comment hearts."""

from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.errors import MUTATION_INPUT, collect_user_errors
from platform.graphql.ids import decode_global_id
from platform.graphql.viewer import rate_limit, require_user

from ..models import Comment, Video
from ..services import comment_controls
from .types import CommentPayload, VideoPayload


@strawberry.input(description="The comment to pin on the author's own video, or none to unpin.")
class PinCommentInput:
    video_id: strawberry.ID = strawberry.field(description="The video's global ID (the viewer must be its author).")
    comment_id: strawberry.ID | None = strawberry.field(default=None, description="null: unpin.")


@strawberry.input(description="The comment to heart or unheart.")
class CommentHeartInput:
    comment_id: strawberry.ID = strawberry.field(description="The comment's global ID.")


@strawberry.type
class CommentControlsMutation:
    @strawberry_django.mutation(
        description="Pin a top-level comment to the top of your video's comments (null unpins). Video author only."
    )
    def pin_comment(self, info: Info, input: Annotated[PinCommentInput, MUTATION_INPUT]) -> VideoPayload:
        with collect_user_errors() as failure:
            user = require_user(info, "pin comments")
            rate_limit(info, "edit")
            video_pk = decode_global_id(input.video_id, "Video", "video_id")
            comment_pk = decode_global_id(input.comment_id, "Comment", "comment_id") if input.comment_id else None
            video = comment_controls.pin_comment(user, video_pk, comment_pk)
            return VideoPayload(video=Video.objects.get(pk=video.pk))
        return VideoPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Heart a comment. Idempotent.")
    def heart_comment(self, info: Info, input: Annotated[CommentHeartInput, MUTATION_INPUT]) -> CommentPayload:
        return _hearting(info, input, comment_controls.heart_comment)

    @strawberry_django.mutation(description="Take back a heart on a comment. Idempotent.")
    def unheart_comment(self, info: Info, input: Annotated[CommentHeartInput, MUTATION_INPUT]) -> CommentPayload:
        return _hearting(info, input, comment_controls.unheart_comment)


def _hearting(info: Info, input: CommentHeartInput, verb) -> CommentPayload:
    with collect_user_errors() as failure:
        user = require_user(info, "heart comments")
        rate_limit(info, "heart")
        comment = verb(user, decode_global_id(input.comment_id, "Comment", "comment_id"))
        return CommentPayload(comment=Comment.objects.get(pk=comment.pk))
    return CommentPayload(errors=failure.errors)
