from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.conf import settings
from django.db.models import QuerySet
from strawberry import Info, relay
from strawberry_django.relay import DjangoCursorConnection

from accounts.models import Follow
from accounts.models.user import CommentPolicy
from accounts.schema.types import CommentPolicyEnum, UserType
from accounts.services.relations import relations
from platform.graphql.cost import ListSize
from platform.graphql.errors import Payload
from platform.graphql.internals import on_the_loop, orm_when_needed
from platform.graphql.urls import file_url
from platform.graphql.viewer import VIEWER, current_user, viewer_flag

from ..models import Comment, CommentHeart, Heart, Report, SavedVideo, Video
from ..policies.comment import visible_comments
from ..policies.engagement import visible_hearts, visible_saves
from ..policies.video import is_public, visible_videos
from ..services import comment_controls, watch
from . import comment_fields
from .playback import Playback, playback_of
from .tag_types import HashtagType, SoundType

# Keyset cursors are built from the ordering columns; load them even when not selected.
CURSOR_FIELDS = ["created_at", "id"]


# the review's findings are one per check that failed: a handful, served at most this many
REVIEW_FINDINGS_MAX = 20

VideoStatus = strawberry.enum(Video.Status, name="VideoStatus", description="Where a video is in review.")
Visibility = strawberry.enum(Video.Visibility, name="Visibility", description="Who may see a video.")
ReportReason = strawberry.enum(Report.Reason, name="ReportReason", description="Why something is reported.")


_viewer_has_hearted = viewer_flag(Heart, user_id=VIEWER, video="pk")
_viewer_has_saved = viewer_flag(SavedVideo, user_id=VIEWER, video="pk")


_ACCESS_FIELDS = ["audience", "author_id"]


def _media_claims(root: Video, info: Info) -> dict:
    """A public, published video of a public account has file URLs that are everyone's (and
    cacheable); any other's belong to the viewer they were given to, and work only while that
    viewer may see it."""
    if is_public(root):
        return {"video_id": root.pk}
    viewer = current_user(info)
    return {"video_id": root.pk, "viewer_id": viewer.pk if viewer else 0}


def _is_author(root: Video, info: Info) -> bool:
    viewer = current_user(info)
    return viewer is not None and viewer.pk == root.author_id


@strawberry_django.type(Comment, name="Comment", only=CURSOR_FIELDS)
class CommentType(relay.Node):
    # Strawberry otherwise re-derives the id attribute from type hints on every resolve.
    _id_attr = "pk"

    text: str = strawberry_django.field(description="The comment as written (up to 5,000 characters).")
    reply_count: int = strawberry_django.field(description="Replies the viewer may see.")
    heart_count: int = strawberry_django.field(description="Hearts on the comment.")
    created_at: datetime = strawberry_django.field(description="When it was posted.")
    author: UserType | None = strawberry_django.field(
        description="Null when its author deleted their account (the comment, answered by others, stays blank)."
    )
    video: Annotated["VideoType", strawberry.lazy("videos.schema.types")] = strawberry_django.field(
        description="The video it is on."
    )
    parent: Annotated["CommentType", strawberry.lazy("videos.schema.types")] | None = strawberry_django.field(
        description="The comment it replies to; null for a top-level comment."
    )

    replies: DjangoCursorConnection[Annotated["CommentType", strawberry.lazy("videos.schema.types")]] = (
        strawberry_django.connection(description="Replies, newest first.")
    )

    @strawberry_django.field(
        annotate={"viewer_hearted_comment": viewer_flag(CommentHeart, user_id=VIEWER, comment="pk")},
        description="Whether the viewer hearted it; false for anonymous viewers.",
    )
    @on_the_loop
    def viewer_has_hearted(self, root: Comment, info: Info) -> bool:
        if hasattr(root, "viewer_hearted_comment"):
            return root.viewer_hearted_comment
        viewer = current_user(info)
        return viewer is not None and orm_when_needed(CommentHeart.objects.filter(user=viewer, comment=root).exists)

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Comment], info: Info, **kwargs) -> QuerySet[Comment]:
        return visible_comments(queryset, current_user(info), relations(info))


@strawberry_django.type(Video, name="Video", only=["published_at", *CURSOR_FIELDS])
class VideoType(relay.Node):
    """A short video post."""

    # Strawberry otherwise re-derives the id attribute from type hints on every resolve.
    _id_attr = "pk"

    author: UserType = strawberry_django.field(description="Who posted it; null when the account was deleted.")
    caption: str = strawberry_django.field(description="The caption as written.")
    hashtags: list[HashtagType] = strawberry_django.field(
        description="The caption's hashtags, in order.", directives=[ListSize(max=settings.CAPTION_MAX_HASHTAGS)]
    )
    sound: SoundType | None = strawberry_django.field(description="The sound it uses, if any.")
    status: VideoStatus = strawberry_django.field(
        description="Where it is in review: PROCESSING, PUBLISHED, IN_REVIEW, REJECTED or REMOVED "
        "(others than its author only ever see PUBLISHED)."
    )
    visibility: Visibility = strawberry_django.field(
        description="Who may see it: everyone, followers or only its author."
    )
    cover_at_ms: int | None = strawberry_django.field(description="Where its author chose the cover frame.")
    duration_ms: int | None = strawberry_django.field(description="Its length in milliseconds; null until reviewed.")
    width: int | None = strawberry_django.field(description="Pixels, as displayed; null until reviewed.")
    height: int | None = strawberry_django.field(description="Pixels, as displayed; null until reviewed.")
    heart_count: int = strawberry_django.field(description="Hearts.")
    comment_count: int = strawberry_django.field(description="Comments the viewer may see, replies included.")
    share_count: int = strawberry_django.field(description="Times it was shared.")
    view_count: int = strawberry_django.field(description="Views: once per viewer and hour.")
    is_original: bool
    created_at: datetime = strawberry_django.field(description="When it was uploaded.")
    published_at: datetime | None = strawberry_django.field(description="When it was published; null before.")

    comments: DjangoCursorConnection[Annotated["CommentType", strawberry.lazy("videos.schema.types")]] = (
        strawberry_django.connection(field_name="top_level_comments", description="Top-level comments, newest first.")
    )
    comment_policy: CommentPolicyEnum

    @strawberry_django.connection(
        DjangoCursorConnection[CommentType],
        description="Top-level comments, most hearted first, then most answered, then newest.",
    )
    def top_comments(self, root: Video, info: Info) -> QuerySet[Comment]:
        return CommentType.get_queryset(comment_controls.top_comments(root.pk), info)

    @strawberry_django.field(
        select_related=["pinned_comment__author"],
        description="The comment its author pinned to the top, if the viewer may see it.",
    )
    def pinned_comment(self, root: Video, info: Info) -> CommentType | None:
        comment = root.pinned_comment
        if comment is None or comment.author_id in comment_fields.hidden_authors(info):
            return None
        if comment.author is not None and not comment.author.is_active:
            return None
        return comment

    @strawberry_django.field(
        only=["comment_policy", "author_id"],
        annotate={"viewer_follows_author": viewer_flag(Follow, follower_id=VIEWER, followee="author")},
        description="Whether the viewer may comment, under the video's comment setting.",
    )
    def viewer_can_comment(self, root: Video, info: Info) -> bool:
        viewer = current_user(info)
        if viewer is None:
            return False
        if hasattr(root, "viewer_follows_author") and root.comment_policy == CommentPolicy.FOLLOWERS:
            return root.viewer_follows_author or viewer.pk == root.author_id
        return comment_controls.comment_refusal(viewer, root) is None

    @strawberry_django.field(
        only=["rejection_reasons", "author_id"],
        description="Why the video is not published. Visible to its author only.",
        directives=[ListSize(max=REVIEW_FINDINGS_MAX)],
    )
    def rejection_reasons(self, root: Video, info: Info) -> list[str]:
        return list(root.rejection_reasons)[:REVIEW_FINDINGS_MAX] if _is_author(root, info) else []

    @strawberry_django.field(
        only=["review_notes", "author_id"],
        description="Review findings that do not block publishing. Author only.",
        directives=[ListSize(max=REVIEW_FINDINGS_MAX)],
    )
    def review_notes(self, root: Video, info: Info) -> list[str]:
        return list(root.review_notes)[:REVIEW_FINDINGS_MAX] if _is_author(root, info) else []

    @strawberry_django.field(
        only=["playback", *_ACCESS_FIELDS],
        description="A signed URL of a playable MP4 (the fast-start rendition), valid for a while; null until "
        "its renditions are made. Prefer playback.hlsUrl.",
    )
    def video_url(self, root: Video, info: Info) -> str | None:
        playback = playback_of(root, info, _media_claims(root, info))
        return playback.mp4_url if playback else None

    @strawberry_django.field(
        only=["file", "author_id"],
        description="The file as uploaded: for its author (and moderators) only, never for viewers.",
    )
    def original_url(self, root: Video, info: Info) -> str | None:
        viewer = current_user(info)
        if viewer is None or not (viewer.pk == root.author_id or viewer.is_staff):
            return None
        return file_url(info, root.file, video_id=root.pk, viewer_id=viewer.pk)

    @strawberry_django.field(
        only=["playback", "thumbnail", *_ACCESS_FIELDS],
        description="How to play it (HLS, MP4, poster, the ladder); null until its renditions are made.",
    )
    def playback(self, root: Video, info: Info) -> Playback | None:
        return playback_of(root, info, _media_claims(root, info))

    @strawberry_django.field(only=["thumbnail", *_ACCESS_FIELDS], description="A signed URL of its thumbnail.")
    def thumbnail_url(self, root: Video, info: Info) -> str | None:
        return file_url(info, root.thumbnail, **_media_claims(root, info))

    @strawberry_django.field(
        annotate={"viewer_hearted": _viewer_has_hearted},
        description="Whether the viewer hearted it; false for anonymous viewers.",
    )
    @on_the_loop
    def viewer_has_hearted(self, root: Video, info: Info) -> bool:
        if hasattr(root, "viewer_hearted"):
            return root.viewer_hearted
        viewer = current_user(info)
        return viewer is not None and orm_when_needed(Heart.objects.filter(user=viewer, video=root).exists)

    @strawberry_django.field(
        annotate={"viewer_saved": _viewer_has_saved},
        description="Whether the viewer saved it; false for anonymous viewers.",
    )
    @on_the_loop
    def viewer_has_saved(self, root: Video, info: Info) -> bool:
        if hasattr(root, "viewer_saved"):
            return root.viewer_saved
        viewer = current_user(info)
        return viewer is not None and orm_when_needed(SavedVideo.objects.filter(user=viewer, video=root).exists)

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Video], info: Info, **kwargs) -> QuerySet[Video]:
        return visible_videos(queryset, current_user(info), relations(info))


@strawberry_django.type(Heart, name="HeartedVideo", only=CURSOR_FIELDS)
class HeartedVideoType(relay.Node):
    """A video an account hearted, and when."""

    _id_attr = "pk"

    hearted_at: datetime = strawberry_django.field(description="When the viewer hearted it.", field_name="created_at")
    video: VideoType = strawberry_django.field(description="The video.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Heart], info: Info, **kwargs) -> QuerySet[Heart]:
        """Hearts show where their account shows them (its own, or heartsPublic), and only on
        videos the viewer may see: `node(id)` of any other heart is null, not an error."""
        return visible_hearts(queryset, current_user(info), relations(info))


@strawberry_django.type(SavedVideo, name="SavedVideo", only=CURSOR_FIELDS)
class SavedVideoType(relay.Node):
    """A video the viewer saved, and when."""

    _id_attr = "pk"

    saved_at: datetime = strawberry_django.field(description="When the viewer saved it.", field_name="created_at")
    video: VideoType = strawberry_django.field(description="The video.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[SavedVideo], info: Info, **kwargs) -> QuerySet[SavedVideo]:
        """Saves are their owner's alone, and show only videos the owner may still see."""
        return visible_saves(queryset, current_user(info), relations(info))


@strawberry.type(description="What a mutation about one video answers: the video as it now is, or why nothing changed.")
class VideoPayload(Payload):
    video: VideoType | None = strawberry.field(
        default=None, description="The video after the change; null when errors is not empty."
    )


@strawberry.type(description="What heartVideo and unheartVideo answer.")
class HeartPayload(Payload):
    video: VideoType | None = strawberry.field(
        default=None, description="The video with its new heart count; null when errors is not empty."
    )


@strawberry.type(description="What saveVideo and unsaveVideo answer.")
class SavePayload(Payload):
    video: VideoType | None = strawberry.field(
        default=None, description="The video, with viewerHasSaved as it now is; null when errors is not empty."
    )


@strawberry.type(description="What shareVideo answers.")
class SharePayload(Payload):
    video: VideoType | None = strawberry.field(
        default=None, description="The video with its new share count; null when errors is not empty."
    )


@strawberry.type(description="What addComment and the comment-heart mutations answer.")
class CommentPayload(Payload):
    comment: CommentType | None = strawberry.field(
        default=None, description="The comment as it now is; null when errors is not empty."
    )


@strawberry.type(description="What a delete answers: the ID of what is gone, or why nothing changed.")
class DeletePayload(Payload):
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The global ID of what was deleted (drop it from caches); null when errors is not empty.",
    )


@strawberry.type(description="One watch event of a batch that was not stored.")
class RejectedWatchEvent:
    index: int = strawberry.field(description="Position of the event in the batch.")
    reason: str = strawberry.field(description="Why it was refused, in a sentence.")


@strawberry.type(description="What recordWatchEvents answers: how many events were kept and which were refused.")
class WatchEventsPayload(Payload):
    accepted: int = strawberry.field(default=0, description="Events stored (a retried batch counts its events once).")
    rejected: list[RejectedWatchEvent] = strawberry.field(
        description="Events refused, each with its index in the batch and why.",
        default_factory=list,
        directives=[ListSize(max=watch.MAX_BATCH)],
    )
