"""The root schema: each app contributes its Query and Mutation parts; this module merges them."""

import strawberry
import strawberry_django
from django.conf import settings
from strawberry import relay
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension

import accounts.schema
import feed.schema
import notifications.schema
import videos.schema

from .graphql.cost import ListSize
from .graphql.extensions import schema_extensions
from .graphql.names import FlywheelNameConverter
from .graphql.shared_events import SharedEventExecutor

MAX_NODES = 100


@strawberry.type
class NodeQuery:
    node: relay.Node | None = strawberry_django.node(description="Any object by its global ID, or null.")
    # Relay's refetch of many objects at once: each type's get_queryset applies its policy, so an
    # id the viewer may not see is null, as with node; one query per type asked for
    nodes: list[relay.Node | None] = strawberry_django.node(
        description=f"Objects by their global IDs (at most {MAX_NODES}), in the order asked; null for any "
        "missing or not visible to you.",
        directives=[ListSize(max=MAX_NODES)],
    )


def _root(name: str, description: str, parts: tuple[type, ...]) -> type:
    """One root type from each app's part (strawberry.tools.merge_types, with a description)."""
    names = [field.name for part in parts for field in part.__strawberry_definition__.fields]
    if overridden := sorted({name for name in names if names.count(name) > 1}):
        raise TypeError(f"{name} fields defined twice: {', '.join(overridden)}")
    return strawberry.type(type(name, parts, {}), description=description)


Query = _root(
    "Query",
    "What clients can read. Lists are connections or bounded lists; every list shows only what the viewer may see.",
    (
        NodeQuery,
        accounts.schema.Query,
        accounts.schema.KeywordFilterQuery,
        videos.schema.Query,
        videos.schema.DiscoveryQuery,
        feed.schema.Query,
        feed.schema.InterestQuery,
        notifications.schema.Query,
    ),
)
Mutation = _root(
    "Mutation",
    "What clients can change: each mutation takes one input and answers a payload whose errors say why "
    "nothing changed.",
    (
        accounts.schema.Mutation,
        accounts.schema.AccountSecurityMutation,
        accounts.schema.MuteMutation,
        accounts.schema.KeywordFilterMutation,
        accounts.schema.FollowRequestMutation,
        videos.schema.Mutation,
        videos.schema.CommentControlsMutation,
        videos.schema.CollectionMutation,
        feed.schema.Mutation,
        feed.schema.InterestMutation,
        notifications.schema.Mutation,
    ),
)
Subscription = _root(
    "Subscription",
    "Live updates over the websocket /graphql (graphql-transport-ws).",
    (videos.schema.Subscription, notifications.schema.Subscription),
)


class FlywheelSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Strawberry logs every error of every result at ERROR level, the client's own
        mistakes included (a syntax error, an over-long argument). MaskUnexpectedErrors logs
        the errors that are ours, once, with their traceback; nothing else is worth a line."""


schema = FlywheelSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[*schema_extensions(), DjangoOptimizerExtension],
    # live events reach many subscribers: identical selections are executed once per event
    execution_context_class=SharedEventExecutor,
    config=StrawberryConfig(relay_max_results=settings.GRAPHQL_MAX_PAGE_SIZE, name_converter=FlywheelNameConverter()),
)
