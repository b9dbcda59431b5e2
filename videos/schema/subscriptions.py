from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import Info, relay

from accounts.models import Block, User
from platform.graphql.ids import node_pk
from platform.graphql.shared_events import share
from platform.graphql.viewer import current_user

from .. import live
from ..live_hub import hub
from ..models import Comment, Video
from .types import CommentType


@strawberry.type(description="A comment (and, for a top-level one, its replies) was deleted.")
class CommentDeleted:
    id: strawberry.ID
    video_id: strawberry.ID
    parent_id: strawberry.ID | None


def _no_such_video() -> GraphQLError:
    return GraphQLError("No such video.", extensions={"code": "NOT_FOUND"})


@sync_to_async
def _watch(viewer, video_id: str) -> tuple[int, frozenset[int]]:
    """The video's id if the viewer may see it, and the accounts whose comments they must not
    see (blocks either way). Loaded once per subscription; messages are filtered in memory."""
    pk = node_pk(video_id, "Video")
    if pk is None or not Video.objects.visible_to(viewer).filter(pk=pk).exists():
        raise _no_such_video()
    hidden: set[int] = set()
    if viewer is not None:
        for blocker, blocked in (
            Block.objects.filter(blocker=viewer)
            .values_list("blocker", "blocked")
            .union(Block.objects.filter(blocked=viewer).values_list("blocker", "blocked"))
        ):
            hidden.add(blocked if blocker == viewer.pk else blocker)
    return pk, frozenset(hidden)


def _comment_from(event: dict) -> Comment:
    """A Comment built from the event alone: no database work per message and subscriber."""
    author = User(**{key: value for key, value in event["author"].items()})
    author._state.adding = False
    comment = Comment(
        id=event["id"],
        video_id=event["video_id"],
        parent_id=event["parent_id"],
        text=event["text"],
        reply_count=event["reply_count"],
        created_at=datetime.fromisoformat(event["created_at"]),
    )
    comment._state.adding = False
    comment.author = author
    return comment


def _deletion_from(event: dict) -> CommentDeleted:
    return CommentDeleted(
        id=relay.to_base64("Comment", event["id"]),
        video_id=relay.to_base64("Video", event["video_id"]),
        parent_id=relay.to_base64("Comment", event["parent_id"]) if event["parent_id"] else None,
    )


async def _added(video_pk: int, hidden: frozenset[int]) -> AsyncGenerator[Comment, None]:
    async with hub().listen(live.group_name(video_pk)) as events:
        async for event in events:
            if event["type"] == live.ADDED and event["author"]["id"] not in hidden:
                # every local subscriber gets the same event dict from the hub: build the
                # payload once, and let identical selections be executed once for all
                if "payload" not in event:
                    event["payload"] = share(_comment_from(event))
                yield event["payload"]


async def _deleted(video_pk: int, hidden: frozenset[int]) -> AsyncGenerator[CommentDeleted, None]:
    async with hub().listen(live.group_name(video_pk)) as events:
        async for event in events:
            if event["type"] == live.DELETED and event["author_id"] not in hidden:
                if "payload" not in event:
                    event["payload"] = share(_deletion_from(event))
                yield event["payload"]


# The checks run before the stream is returned, so a refused subscription is answered with
# the protocol's `error` message for that operation instead of a stream that fails.
@strawberry.type
class Subscription:
    @strawberry.subscription(description="Comments posted on a video, live, in the order they were committed.")
    async def comment_added(self, info: Info, video_id: strawberry.ID) -> AsyncGenerator[CommentType, None]:
        video_pk, hidden = await _watch(current_user(info), video_id)
        return _added(video_pk, hidden)

    @strawberry.subscription(description="Comments deleted from a video, live, so clients can remove them.")
    async def comment_deleted(self, info: Info, video_id: strawberry.ID) -> AsyncGenerator[CommentDeleted, None]:
        video_pk, hidden = await _watch(current_user(info), video_id)
        return _deleted(video_pk, hidden)
