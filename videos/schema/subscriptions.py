import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError
from strawberry import Info, relay

from accounts.models import User
from accounts.services.keyword_filters import NOTHING, Filtered, filters_of
from platform.graphql.arguments import VIDEO_ID
from platform.graphql.errors import ErrorCode
from platform.graphql.ids import node_pk
from platform.graphql.live_limits import limited_stream
from platform.graphql.shared_events import share
from platform.graphql.viewer import current_user
from platform.live_hub import LiveInterrupted, LiveUnavailable, hub

from .. import live
from ..models import Comment
from ..services.access import live_comment_access
from .types import CommentType


@strawberry.type(description="A comment (and, for a top-level one, its replies) was deleted.")
class CommentDeleted:
    id: strawberry.ID = strawberry.field(description="The deleted comment's global ID.")
    video_id: strawberry.ID = strawberry.field(description="The global ID of the video it was on.")
    parent_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the comment it replied to, or null."
    )


def _no_such_video() -> GraphQLError:
    return GraphQLError("No such video.", extensions={"code": "NOT_FOUND"})


def unavailable_error() -> GraphQLError:
    return GraphQLError(
        "Live updates are unavailable right now; try again shortly.", extensions={"code": ErrorCode.UNAVAILABLE.value}
    )


def interrupted_error() -> GraphQLError:
    # the client's cue to fetch the comments again and subscribe anew
    return GraphQLError(
        "Live updates were interrupted and some may have been missed; reload and subscribe again.",
        extensions={"code": ErrorCode.LIVE_INTERRUPTED.value},
    )


_may_watch = sync_to_async(live_comment_access)


class _Watcher:
    """One subscriber's view of a video's comments. What may change while they watch applies
    at once: a block made or lifted by or against the viewer, or a follow they ended (their own
    group tells them), or the video taken down or deleted (its group does). They re-check, and
    if they may no longer see the video the stream ends."""

    def __init__(self, viewer, video_pk: int, hidden: frozenset[int], filtered: Filtered = NOTHING):
        self.viewer, self.video_pk, self.hidden, self.filtered = viewer, video_pk, hidden, filtered

    @classmethod
    async def start(cls, info: Info, video_id: str) -> "_Watcher":
        viewer = current_user(info)
        video_pk = node_pk(video_id, "Video")
        hidden = await _may_watch(viewer, video_pk)
        if hidden is None:
            raise _no_such_video()
        try:
            await hub().ready()
        except LiveUnavailable:
            raise unavailable_error() from None
        return cls(viewer, video_pk, hidden, await sync_to_async(filters_of)(viewer))

    async def _recheck(self, event: dict) -> frozenset[int] | None:
        # every local watcher gets this event dict: anonymous ones share one query
        checks = event.setdefault("rechecks", {})
        key = self.viewer.pk if self.viewer is not None else None
        if key not in checks:
            checks[key] = asyncio.ensure_future(_may_watch(self.viewer, self.video_pk))
        return await asyncio.shield(checks[key])

    def _shows(self, event: dict) -> bool:
        """Whether the viewer's keyword filters let this comment through (deletions always pass)."""
        return event["type"] != live.ADDED or not self.filtered.hides(event["text"])

    async def events(self, kind: str) -> AsyncGenerator[dict, None]:
        groups = [live.group_name(self.video_pk)]
        if self.viewer is not None:
            groups.append(live.viewer_group(self.viewer.pk))
        try:
            async with hub().listen(*groups) as events:
                async for event in events:
                    if event["type"] in (live.RELATIONSHIP_CHANGED, live.VIDEO_CHANGED):
                        hidden = await self._recheck(event)
                        if hidden is None:
                            return
                        self.hidden = hidden
                    elif event["type"] == kind and event["author_id"] not in self.hidden and self._shows(event):
                        yield event
        except LiveUnavailable:
            raise unavailable_error() from None
        except LiveInterrupted:
            raise interrupted_error() from None


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


# aclosing: when a client unsubscribes, the hub membership inside watcher.events must be
# released then, not whenever the abandoned generator is garbage-collected.


async def _added(watcher: _Watcher) -> AsyncGenerator[Comment, None]:
    async with aclosing(watcher.events(live.ADDED)) as events:
        async for event in events:
            # every local subscriber gets the same event dict from the hub: build the payload
            # once, and let identical selections be executed once for all
            if "payload" not in event:
                event["payload"] = share(_comment_from(event))
            yield event["payload"]


async def _deleted(watcher: _Watcher) -> AsyncGenerator[CommentDeleted, None]:
    async with aclosing(watcher.events(live.DELETED)) as events:
        async for event in events:
            if "payload" not in event:
                event["payload"] = share(_deletion_from(event))
            yield event["payload"]


# The checks run before the stream is returned, so a refused subscription is answered with
# the protocol's `error` message for that operation instead of a stream that fails.
@strawberry.type(description="Live updates over the websocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(description="Comments posted on a video, live, in the order they were committed.")
    async def comment_added(self, info: Info, video_id: VIDEO_ID) -> AsyncGenerator[CommentType, None]:
        async def open_stream():
            return _added(await _Watcher.start(info, video_id))

        return await limited_stream(info.context.request, current_user(info), open_stream)

    @strawberry.subscription(description="Comments deleted from a video, live, so clients can remove them.")
    async def comment_deleted(self, info: Info, video_id: VIDEO_ID) -> AsyncGenerator[CommentDeleted, None]:
        async def open_stream():
            return _deleted(await _Watcher.start(info, video_id))

        return await limited_stream(info.context.request, current_user(info), open_stream)
