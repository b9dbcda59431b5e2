"""One execution per subscription event for all the subscribers who asked the same question.

A live comment reaches every local subscriber of its video as the same object (see
platform.live_hub). Executing each subscriber's selection on it costs about 0.3 ms, so fan-out to
a thousand viewers spent most of its time building the same JSON a thousand times. Subscribers
whose operation text and variables are equal and who connected to the same host share the
result of one execution: all of them when the selection reads nothing about who is asking,
else those who are the same viewer (every anonymous subscriber is the same viewer: the rules
give them all the same answer; a signed-in account's subscriptions share with each other).
A hundred anonymous sockets subscribed with one heavy selection cost one execution, not a
hundred (issue #21, H2).

A selection is shared across viewers only when every field in it is plain data: no custom
resolver (it gets `info`, and through it the viewer), no field extensions (permissions,
pagination), no lists of objects (their querysets are filtered per viewer). A resolver whose
answer depends on nothing about the request but its host says so with ``metadata=SHAREABLE``.
Resolvers may read who the viewer is and the request's host, nothing else of the request
(nothing reachable from a subscription reads the session or the address)."""

import asyncio
import json
from collections import OrderedDict
from typing import Any

from graphql import (
    BREAK,
    GraphQLField,
    GraphQLList,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    visit,
)
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from .urls import request_origin
from .viewer import request_user

_SHAREABLE_KEY = "flywheel.shareable"
# metadata for a resolver whose answer depends on nothing about the request but its host
SHAREABLE = {_SHAREABLE_KEY: True}

_RESULTS = "_flywheel_shared_results"
_UNKNOWN = object()
_ANYONE, _ANONYMOUS = "anyone", "anonymous"
# Node.id is computed from the type's name and its id attribute, never from the request.
_NODE_ID = relay.Node.__dict__["_id"].__func__


# the last few results' JSON, by object identity
_encoded: OrderedDict[int, tuple[Any, str]] = OrderedDict()


def encode_once(data: Any) -> str:
    """JSON for a result's data, encoded once however many subscribers send the same object.
    Entries hold the object itself, so an id is never reused while it is remembered."""
    key = id(data)
    entry = _encoded.get(key)
    if entry is None:
        entry = _encoded[key] = (data, json.dumps(data, separators=(",", ":")))
        if len(_encoded) > 64:
            _encoded.popitem(last=False)
    return entry[1]


def share(payload: Any) -> Any:
    """Mark an event payload that every local subscriber receives as this very object."""
    setattr(payload, _RESULTS, {})
    return payload


def field_is_shareable(field: GraphQLField) -> bool:
    definition = field.extensions.get("strawberry-definition")
    if definition is None:  # graphql-core's own fields, such as __typename
        return True
    if (definition.metadata or {}).get(_SHAREABLE_KEY):
        return True
    if definition.extensions or getattr(definition, "permission_classes", None):
        return False
    resolver = definition.base_resolver
    if resolver is not None:
        return getattr(resolver.wrapped_func, "__func__", None) is _NODE_ID
    kind = get_nullable_type(field.type)
    return not isinstance(kind, GraphQLList) or is_leaf_type(get_named_type(kind))


class _SelectionCheck(Visitor):
    def __init__(self, type_info: TypeInfo, subscription_type):
        super().__init__()
        self.type_info = type_info
        self.subscription_type = subscription_type
        self.shareable = True

    def enter_field(self, *_):
        # the root field only hands the event on; what it selects is what counts
        if self.type_info.get_parent_type() is self.subscription_type:
            return None
        field = self.type_info.get_field_def()
        if field is None or not field_is_shareable(field):
            self.shareable = False
            return BREAK
        return None


def selection_is_shareable(schema, operation, fragments) -> bool:
    for node in (operation, *fragments):
        type_info = TypeInfo(schema)
        check = _SelectionCheck(type_info, schema.subscription_type)
        visit(node, TypeInfoVisitor(type_info, check))
        if not check.shareable:
            return False
    return True


class _Executed:
    """Stands in for a subscriber's per-event executor once the event's result is known."""

    __slots__ = ("result",)

    def __init__(self, result):
        self.result = result

    def execute_operation(self, serially: bool | None = None):
        # a subscriber that goes away mid-execution must not cancel it for the others
        return asyncio.shield(self.result) if isinstance(self.result, asyncio.Future) else self.result


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, executing a shared event once per distinct shareable request."""

    _share_key: Any = _UNKNOWN

    def build_per_event_executor(self, payload: Any):
        if self._share_key is _UNKNOWN:
            self._share_key = self._compute_share_key()
        results = getattr(payload, _RESULTS, None)
        if results is None or self._share_key is None:
            return super().build_per_event_executor(payload)
        if self._share_key not in results:
            # the first subscriber to get here executes the event for everyone with this key
            result = super().build_per_event_executor(payload).execute_operation(False)
            results[self._share_key] = asyncio.ensure_future(result) if self.is_awaitable(result) else result
        return _Executed(results[self._share_key])

    def _compute_share_key(self):
        location = self.operation.loc
        if location is None:
            return None
        request = getattr(self.context_value, "request", None)
        if selection_is_shareable(self.schema, self.operation, self.fragment_definitions.values()):
            viewer = _ANYONE
        else:
            user = request_user(request)
            viewer = user.pk if user is not None else _ANONYMOUS
        name = self.operation.name.value if self.operation.name else None
        variables = json.dumps(self.variable_values.coerced, sort_keys=True, default=repr)
        return (location.source.body, name, variables, request_origin(request), viewer)
