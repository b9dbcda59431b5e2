"""Follow requests of private accounts over the API: the inbox, accept and decline."""

from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import Info, relay

from platform.graphql.errors import MUTATION_INPUT, Payload, collect_user_errors
from platform.graphql.viewer import current_user, rate_limit, require_user

from ..models import FollowRequest
from ..services import social_graph
from .mutations import target_user
from .types import UserType


@strawberry_django.type(FollowRequest, name="FollowRequest", only=["created_at", "id"])
class FollowRequestType(relay.Node):
    """Someone asking to follow the viewer's private account."""

    _id_attr = "pk"

    requester: UserType = strawberry_django.field(description="The account that asked to follow.")
    requested_at: datetime = strawberry_django.field(description="When it asked.", field_name="created_at")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[FollowRequest], info: Info, **kwargs) -> QuerySet[FollowRequest]:
        """A request is its two accounts' business: `node(id)` of anyone else's is null."""
        viewer = current_user(info)
        return queryset.filter(Q(target=viewer) | Q(requester=viewer)) if viewer else queryset.none()


@strawberry.input(description="A follow request to answer: the account that asked.")
class FollowRequestInput:
    user_id: strawberry.ID = strawberry.field(description="The account that asked.")


@strawberry.type(description="What accepting or declining a follow request answers.")
class FollowRequestPayload(Payload):
    user: UserType | None = strawberry.field(default=None, description="The account that asked.")


@strawberry.type
class FollowRequestMutation:
    @strawberry_django.mutation(description="Let an account that asked follow your private account.")
    def accept_follow_request(
        self, info: Info, input: Annotated[FollowRequestInput, MUTATION_INPUT]
    ) -> FollowRequestPayload:
        return _answer(info, input, social_graph.accept_follow_request)

    @strawberry_django.mutation(description="Turn down a follow request; the account is not told. Idempotent.")
    def decline_follow_request(
        self, info: Info, input: Annotated[FollowRequestInput, MUTATION_INPUT]
    ) -> FollowRequestPayload:
        return _answer(info, input, social_graph.decline_follow_request)


def _answer(info: Info, input: FollowRequestInput, verb) -> FollowRequestPayload:
    with collect_user_errors() as failure:
        viewer = require_user(info, "answer follow requests")
        rate_limit(info, "follow")
        requester = target_user(input.user_id)
        verb(viewer, requester)
        requester.refresh_from_db(fields=["follower_count", "following_count"])
        return FollowRequestPayload(user=requester)
    return FollowRequestPayload(errors=failure.errors)
