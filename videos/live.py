"""Live comment events over the channel layer (in-memory, or Redis across server processes).

Events are published only after the transaction that wrote the comment commits, so nobody
sees a comment that was rolled back. Each event carries everything a subscriber needs to
show the comment, so delivering it costs no database work."""

from typing import Literal, TypedDict

from platform import live_schema
from platform.live_publish import send as _send
from platform.live_publish import viewer_group

ADDED = "comment.added"
DELETED = "comment.deleted"
RELATIONSHIP_CHANGED = "relationship.changed"
VIDEO_CHANGED = "video.changed"


class Author(TypedDict):
    id: int
    username: str
    display_name: str
    kind: str
    is_verified: bool
    avatar: str  # the stored file's name, or ""


class CommentAdded(TypedDict):
    type: Literal["comment.added"]
    id: int
    author_id: int
    video_id: int
    parent_id: int | None
    text: str
    reply_count: int
    created_at: str  # ISO 8601
    author: Author


class CommentDeleted(TypedDict):
    type: Literal["comment.deleted"]
    id: int
    video_id: int
    parent_id: int | None
    author_id: int | None


class VideoChanged(TypedDict):
    type: Literal["video.changed"]
    video_id: int


class RelationshipChanged(TypedDict):
    type: Literal["relationship.changed"]


for _type, _fields in (
    (ADDED, CommentAdded),
    (DELETED, CommentDeleted),
    (VIDEO_CHANGED, VideoChanged),
    (RELATIONSHIP_CHANGED, RelationshipChanged),
):
    live_schema.declare(_type, _fields)


def group_name(video_id) -> str:
    return f"video-comments-{video_id}"


def _author(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "kind": user.kind,
        "is_verified": user.is_verified,
        "avatar": user.avatar.name or "",
    }


def comment_added_event(comment) -> dict:
    return {
        "type": ADDED,
        "id": comment.pk,
        "author_id": comment.author_id,
        "video_id": comment.video_id,
        "parent_id": comment.parent_id,
        "text": comment.text,
        "reply_count": comment.reply_count,
        "created_at": comment.created_at.isoformat(),
        "author": _author(comment.author),
    }


def comment_deleted_event(comment) -> dict:
    return {
        "type": DELETED,
        "id": comment.pk,
        "video_id": comment.video_id,
        "parent_id": comment.parent_id,
        "author_id": comment.author_id,
    }


def publish(event: dict) -> None:
    """Send an event to everyone watching the video's comments."""
    _send(group_name(event["video_id"]), event)


def publish_video_changed(video_id) -> None:
    """The video's status or visibility changed (or it was deleted): its watchers re-check."""
    _send(group_name(video_id), {"type": VIDEO_CHANGED, "video_id": video_id})


def publish_relationship_changed(*user_ids) -> None:
    """Tell these accounts' open subscriptions that a block, mute or follow of theirs changed."""
    # watchers re-check their access from the database, so the event needs no details
    for user_id in user_ids:
        _send(viewer_group(user_id), {"type": RELATIONSHIP_CHANGED})


def send_to_viewer(user_id, event: dict) -> None:
    """An event for one account's open connections (notifications use it)."""
    _send(viewer_group(user_id), event)
