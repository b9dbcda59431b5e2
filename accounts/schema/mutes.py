"""Muting over the API: mute / unmute, and the viewer's list of muted accounts."""

from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, relay

from platform.graphql.errors import MUTATION_INPUT, Payload, collect_user_errors
from platform.graphql.viewer import current_user, rate_limit, require_user

from ..models import Mute, User
from ..models.mute import in_force
from ..services import mutes
from .mutations import target_user
from .types import UserType


@strawberry_django.type(Mute, name="MutedAccount", only=["created_at", "id"])
class MutedAccountType(relay.Node):
    """An account the viewer muted. Only the viewer ever sees it."""

    _id_attr = "pk"

    account: UserType = strawberry_django.field(description="The muted account.", field_name="muted")
    muted_at: datetime = strawberry_django.field(description="When the viewer muted it.", field_name="created_at")
    expires_at: datetime | None = strawberry_django.field(description="When the mute ends by itself; null: never.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Mute], info: Info, **kwargs) -> QuerySet[Mute]:
        viewer = current_user(info)
        if viewer is None:
            return queryset.none()
        return queryset.filter(in_force(), muter=viewer)


@strawberry.input(description="The account to mute.")
class MuteInput:
    user_id: strawberry.ID = strawberry.field(description="The account's global ID.")
    duration_hours: int | None = strawberry.field(
        default=None,
        description=f"End the mute by itself after this many hours (1–{mutes.MAX_MUTE_HOURS}); null: until unmuted.",
    )


@strawberry.input(description="The account to unmute.")
class UnmuteInput:
    user_id: strawberry.ID = strawberry.field(description="The account's global ID.")


@strawberry.type(description="What mute and unmute answer.")
class MutePayload(Payload):
    user: UserType | None = strawberry.field(default=None, description="The account muted or unmuted.")
    expires_at: datetime | None = strawberry.field(default=None, description="When this mute ends; null: never.")


def _target(info: Info, user_id: str, action: str) -> tuple[User, User]:
    viewer = require_user(info, action)
    rate_limit(info, "follow")
    return viewer, target_user(user_id)


@strawberry.type
class MuteMutation:
    @strawberry_django.mutation(
        description="Mute an account: its videos leave your feeds and its comments disappear for you, "
        "without it being told. Muting again sets the new duration."
    )
    def mute(self, info: Info, input: Annotated[MuteInput, MUTATION_INPUT]) -> MutePayload:
        with collect_user_errors() as failure:
            viewer, target = _target(info, input.user_id, "mute accounts")
            row = mutes.mute(viewer, target, hours=input.duration_hours)
            return MutePayload(user=target, expires_at=row.expires_at)
        return MutePayload(errors=failure.errors)

    @strawberry_django.mutation(description="Lift a mute. Idempotent.")
    def unmute(self, info: Info, input: Annotated[UnmuteInput, MUTATION_INPUT]) -> MutePayload:
        with collect_user_errors() as failure:
            viewer, target = _target(info, input.user_id, "unmute accounts")
            mutes.unmute(viewer, target)
            return MutePayload(user=target)
        return MutePayload(errors=failure.errors)
