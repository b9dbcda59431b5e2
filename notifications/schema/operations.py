"""Queries, mutations and the live subscription of notifications."""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from django.db.models import QuerySet
from graphql import GraphQLError
from strawberry import Info
from strawberry_django.relay import DjangoCursorConnection

from accounts.services.relations import relations
from platform.graphql.errors import MUTATION_INPUT, ErrorCode, collect_user_errors
from platform.graphql.live_limits import limited_stream
from platform.graphql.viewer import current_user, require_user
from platform.live_hub import LiveInterrupted, LiveUnavailable, hub
from videos.live import viewer_group
from videos.schema.subscriptions import interrupted_error, unavailable_error

from .. import services
from ..live import NOTIFICATION
from ..models import NotificationGroup
from ..policies import visible_groups
from .types import (
    NotificationKind,
    NotificationSettingsPayload,
    NotificationSettingsType,
    NotificationType,
    read_up_to,
)


def _unread(viewer, known=None, watermark=None) -> int:
    """How many of the viewer's visible groups changed after `watermark` (their read_up_to)."""
    groups = visible_groups(NotificationGroup.objects.all(), viewer, known)
    return (groups.filter(latest_at__gt=watermark) if watermark else groups).count()


@strawberry.type
class Query:
    @strawberry_django.connection(
        DjangoCursorConnection[NotificationType],
        description="The viewer's notifications, grouped, newest first. Empty when signed out.",
    )
    def notifications(self, info: Info) -> QuerySet[NotificationGroup]:
        # NotificationType.get_queryset applies visible_groups; applying it here too would
        # put every rule in the SQL twice
        return NotificationGroup.objects.order_by("-latest_at", "-id")

    @strawberry_django.field(description="Notifications that happened after the viewer last read them.")
    def unread_notification_count(self, info: Info) -> int:
        viewer = current_user(info)
        return _unread(viewer, relations(info), read_up_to(info)) if viewer else 0

    @strawberry_django.field(description="The viewer's notification choices; null when signed out.")
    def notification_settings(self, info: Info) -> NotificationSettingsType | None:
        viewer = current_user(info)
        return services.settings_of(viewer.pk) if viewer else None


@strawberry.input(description="How far the viewer has read their notifications.")
class MarkReadInput:
    up_to: datetime | None = strawberry.field(
        default=None, description="The createdAt of the newest notification shown; null: now."
    )


@strawberry.input(description="The notification settings to change; fields left out stay as they are.")
class NotificationSettingsInput:
    off_kinds: list[NotificationKind] | None = strawberry.field(
        default=None,
        description="Kinds of notification to stop getting (the others are on); null leaves them as they are.",
    )
    only_from_following: bool | None = strawberry.field(
        default=None, description="Only from accounts the viewer follows; null leaves it as it is."
    )


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Everything up to upTo counts as read.")
    def mark_notifications_read(
        self, info: Info, input: Annotated[MarkReadInput, MUTATION_INPUT]
    ) -> NotificationSettingsPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "read notifications")
            preferences = services.mark_read(viewer, input.up_to)
            return NotificationSettingsPayload(
                settings=preferences, unread_count=_unread(viewer, watermark=preferences.read_up_to)
            )
        return NotificationSettingsPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Choose which notifications you get, and from whom.")
    def update_notification_settings(
        self, info: Info, input: Annotated[NotificationSettingsInput, MUTATION_INPUT]
    ) -> NotificationSettingsPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "change notification settings")
            preferences = services.update_settings(
                viewer,
                off_kinds=[kind.value for kind in input.off_kinds] if input.off_kinds is not None else None,
                only_from_following=input.only_from_following,
            )
            return NotificationSettingsPayload(
                settings=preferences, unread_count=_unread(viewer, watermark=preferences.read_up_to)
            )
        return NotificationSettingsPayload(errors=failure.errors)


def _load(viewer, group_id: int) -> NotificationGroup | None:
    groups = visible_groups(NotificationGroup.objects.filter(pk=group_id), viewer)
    return groups.select_related("latest_actor", "video", "comment").first()


async def _stream(viewer) -> AsyncGenerator[NotificationGroup, None]:
    try:
        async with hub().listen(viewer_group(viewer.pk)) as events:
            async for event in events:
                if event["type"] == NOTIFICATION:
                    group = await sync_to_async(_load)(viewer, event["group_id"])
                    if group is not None:
                        yield group
    except LiveUnavailable:
        raise unavailable_error() from None
    except LiveInterrupted:
        raise interrupted_error() from None


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The viewer's notifications as they happen (each grouped as in the list).")
    async def notification_added(self, info: Info) -> AsyncGenerator[NotificationType, None]:
        viewer = current_user(info)
        if viewer is None:
            raise GraphQLError("Sign in to get notifications.", extensions={"code": ErrorCode.UNAUTHENTICATED.value})

        async def open_stream():
            try:
                await hub().ready()
            except LiveUnavailable:
                raise unavailable_error() from None
            return _stream(viewer)

        return await limited_stream(info.context.request, viewer, open_stream)
