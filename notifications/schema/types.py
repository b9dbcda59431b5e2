"""The GraphQL face of notifications: grouped, newest first, with a sentence to show."""

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay

from accounts.schema.types import UserType
from accounts.services.relations import relations
from platform.graphql.cost import ListSize
from platform.graphql.errors import Payload
from platform.graphql.viewer import current_user, per_request, per_request_async
from videos.schema.types import CommentType, VideoType

from ..models import Kind, NotificationGroup, NotificationSettings
from ..policies import visible_groups
from ..services import settings_of

NotificationKind = strawberry.enum(Kind, name="NotificationKind", description="What a notification is about.")

_DID = {
    Kind.FOLLOW: "started following you",
    Kind.FOLLOW_REQUEST: "asked to follow you",
    Kind.FOLLOW_ACCEPTED: "accepted your follow request",
    Kind.HEART: "hearted your video",
    Kind.COMMENT: "commented on your video",
    Kind.REPLY: "replied to your comment",
    Kind.MENTION: "mentioned you",
    Kind.COMMENT_HEART: "hearted your comment",
}


def _watermark(info: Info):
    viewer = current_user(info)
    return settings_of(viewer.pk).read_up_to if viewer else None


def read_up_to(info: Info):
    """The viewer's read watermark, looked up once per request (the unread count and each
    notification's `unread` share it)."""
    return per_request(info, "_notifications_read_up_to", lambda: _watermark(info))


async def _read_up_to(info: Info):
    return await per_request_async(info, "_notifications_read_up_to", lambda: _watermark(info))


def _shown(actor):
    """An actor deactivated since (waiting to be deleted, or suspended) is hidden everywhere,
    here too (issue #21, L7)."""
    return actor if actor is not None and actor.is_active else None


@strawberry_django.type(NotificationGroup, name="Notification", only=["latest_at", "id"])
class NotificationType(relay.Node):
    """One line of the viewer's notifications: every event of one kind about one thing.

    Per-line resolvers are async: they read only what the optimizer loaded, so they run on
    the event loop instead of each hopping to the ORM's thread (a lazy load fails loudly)."""

    _id_attr = "pk"

    kind: NotificationKind = strawberry_django.field(description="What happened (a heart, a comment, a follow, ...).")
    count: int = strawberry_django.field(description="Events in this group: 13 for 'mia and 12 others'.")
    created_at: datetime = strawberry_django.field(field_name="latest_at", description="When the latest happened.")
    text: str = strawberry_django.field(description="Words of a notification about no one's action (a review).")

    @strawberry_django.field(
        select_related=["latest_actor"], description="Who did it last; null for an account that is gone or leaving."
    )
    async def actor(self, root: NotificationGroup) -> UserType | None:
        return _shown(root.latest_actor)

    @strawberry_django.field(select_related=["video"], description="The video it is about, if any.")
    async def video(self, root: NotificationGroup) -> VideoType | None:
        return root.video

    @strawberry_django.field(select_related=["comment"], description="The comment it is about, if any.")
    async def comment(self, root: NotificationGroup) -> CommentType | None:
        return root.comment

    @strawberry_django.field(only=["latest_at"], description="Whether it happened after the viewer last read.")
    async def unread(self, root: NotificationGroup, info: Info) -> bool:
        read_up_to = await _read_up_to(info)
        return read_up_to is None or root.latest_at > read_up_to

    @strawberry_django.field(
        select_related=["latest_actor"],
        only=["kind", "count", "text"],
        description="The sentence to show: 'mia and 12 others hearted your video.'",
    )
    async def message(self, root: NotificationGroup) -> str:
        if root.kind not in _DID:
            return root.text
        actor = _shown(root.latest_actor)
        who = f"@{actor.username}" if actor else "Someone"
        others = root.count - 1
        if others > 0:
            who += f" and {others:,} other{'s' if others > 1 else ''}"
        return f"{who} {_DID[root.kind]}."

    @classmethod
    def get_queryset(cls, queryset: QuerySet[NotificationGroup], info: Info, **kwargs) -> QuerySet[NotificationGroup]:
        return visible_groups(queryset, current_user(info), relations(info))


@strawberry_django.type(NotificationSettings, name="NotificationSettings")
class NotificationSettingsType:
    off_kinds: list[NotificationKind] = strawberry_django.field(
        description="Kinds you do not want in the app.", directives=[ListSize(max=len(NotificationKind))]
    )
    only_from_following: bool = strawberry_django.field(description="Only accounts you follow may notify you.")
    read_up_to: datetime | None = strawberry_django.field(description="Notifications up to this moment count as read.")


@strawberry.type(
    description="What the notification mutations answer: the settings and the unread count after the change."
)
class NotificationSettingsPayload(Payload):
    settings: NotificationSettingsType | None = strawberry.field(
        default=None, description="The viewer's notification settings after the change."
    )
    unread_count: int | None = strawberry.field(
        default=None, description="Notifications newer than readUpTo that the viewer may see, after the change."
    )
