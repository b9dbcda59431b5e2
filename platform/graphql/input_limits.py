"""Every value a client sends is bounded and well-formed before any resolver runs.

Walks the operation's arguments, literal or from variables, along their GraphQL types:

- strings and IDs have a maximum length (``@maxLength`` in the schema where one is declared,
  else the settings' defaults for IDs, cursors and other strings), and lists a maximum size:
  a megabyte of search text is refused before it can reach PostgreSQL;
- no string may hold a NUL or a lone surrogate (PostgreSQL text cannot store either, and a
  GraphQL string literal can spell them as escapes the JSON check never sees);
- in queries and subscriptions, IDs must be global IDs of a type with an integer key in
  PostgreSQL's bigint range, and keyset cursors must decode (mutations report bad IDs in their
  payload's ``errors``, with the field);

so what would otherwise fail deep inside a resolver as "Something went wrong" is a typed
``ClientError`` naming the argument."""

import json
from collections import OrderedDict
from contextlib import suppress
from typing import Any

import strawberry
from django.conf import settings
from graphql import (
    FragmentDefinitionNode,
    GraphQLArgument,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationType,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    visit,
)
from strawberry.relay.utils import from_base64
from strawberry.schema_directive import Location
from strawberry_django.relay import DjangoCursorConnection

from .cost import declared_list_size
from .errors import ClientError, ErrorCode
from .ids import is_key, parse_global_id

CURSOR_ARGUMENTS = ("after", "before")
PAGE_ARGUMENTS = ("first", "last")


@strawberry.schema_directive(
    locations=[Location.ARGUMENT_DEFINITION, Location.INPUT_FIELD_DEFINITION],
    description="The most characters (for text) or items (for lists) the server reads for this value; "
    "larger values are refused before the operation runs.",
)
class MaxLength:
    length: int


def _declared_limit(definition: GraphQLArgument | GraphQLInputField) -> int | None:
    own = definition.extensions.get("strawberry-definition")
    for directive in getattr(own, "directives", ()):
        if isinstance(directive, MaxLength):
            return directive.length
    return None


def _default_limit(name: str, type_) -> int:
    if isinstance(get_nullable_type(type_), GraphQLList):
        return settings.GRAPHQL_MAX_LIST_LENGTH
    if name in CURSOR_ARGUMENTS:
        return settings.GRAPHQL_MAX_CURSOR_LENGTH
    if get_named_type(type_) is GraphQLID:
        return settings.GRAPHQL_MAX_ID_LENGTH
    return settings.GRAPHQL_MAX_STRING_LENGTH


def _limit(definition, path: str, type_) -> int:
    """The declared @maxLength, else the default for this kind of value (list items have none
    of their own: they get the default for their type)."""
    declared = _declared_limit(definition) if definition is not None else None
    return declared or _default_limit(path.rsplit(".", 1)[-1], type_)


def _text_problem(text: str, limit: int) -> tuple[str, ErrorCode] | None:
    if len(text) > limit:
        return f"At most {limit} characters.", ErrorCode.TOO_LONG
    if "\x00" in text:
        return "Text must not contain NUL characters.", ErrorCode.INVALID
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Text must be valid Unicode.", ErrorCode.INVALID
    return None


def _is_valid_cursor(cursor: str) -> bool:
    """The shape strawberry-django's keyset cursors have: base64 of "orderedcursor:<JSON list>"."""
    try:
        prefix, values = from_base64(cursor)
        decoded = json.loads(values)
    except Exception:  # malformed base64, UTF-8 or JSON: a made-up cursor
        return False
    return prefix == "orderedcursor" and isinstance(decoded, list) and all(isinstance(v, str | None) for v in decoded)


def _is_valid_id(value: str) -> bool:
    parsed = parse_global_id(value)
    return parsed is not None and is_key(parsed[1])


class _Walk:
    def __init__(self, variables: dict[str, Any] | None, strict_ids: bool):
        self.variables = variables or {}
        self.strict_ids = strict_ids

    def value(self, node: ValueNode, type_, definition, path: str, cursor_of=None) -> None:
        if isinstance(node, VariableNode):
            if node.name.value in self.variables:
                self.raw(self.variables[node.name.value], type_, definition, path, cursor_of)
            return
        kind = get_nullable_type(type_)
        limit = _limit(definition, path, type_)
        if isinstance(kind, GraphQLList):
            items = node.values if isinstance(node, ListValueNode) else (node,)
            self._size(len(items), limit, path)
            for item in items:
                self.value(item, kind.of_type, None, path)
        elif isinstance(kind, GraphQLInputObjectType):
            for field in node.fields if isinstance(node, ObjectValueNode) else ():
                if (field_def := kind.fields.get(field.name.value)) is not None:
                    self.value(field.value, field_def.type, field_def, f"{path}.{field.name.value}")
        elif isinstance(node, StringValueNode):
            self.text(node.value, kind, limit, path, cursor_of)
        elif isinstance(node, IntValueNode) and kind is GraphQLID:
            self.number_as_id(path)

    def raw(self, value: Any, type_, definition, path: str, cursor_of=None) -> None:
        kind = get_nullable_type(type_)
        limit = _limit(definition, path, type_)
        if isinstance(kind, GraphQLList):
            items = value if isinstance(value, list) else [value]
            self._size(len(items), limit, path)
            for item in items:
                self.raw(item, kind.of_type, None, path)
        elif isinstance(kind, GraphQLInputObjectType) and isinstance(value, dict):
            for name, item in value.items():
                if (field_def := kind.fields.get(name)) is not None:
                    self.raw(item, field_def.type, field_def, f"{path}.{name}")
        elif isinstance(value, str):
            self.text(value, kind, limit, path, cursor_of)
        elif isinstance(value, int) and kind is GraphQLID:
            self.number_as_id(path)

    def text(self, text: str, kind, limit: int, path: str, cursor_of) -> None:
        if problem := _text_problem(text, limit):
            raise ClientError(f"{path}: {problem[0]}", problem[1], field=path)
        if self.strict_ids and kind is GraphQLID and not _is_valid_id(text):
            raise ClientError(f"{path}: that is not a valid ID.", ErrorCode.INVALID_ID, field=path)
        if cursor_of is not None and not _is_valid_cursor(text):
            raise ClientError(f"{path}: that is not a cursor this list gave out.", ErrorCode.INVALID_CURSOR, field=path)

    def number_as_id(self, path: str) -> None:
        """GraphQL lets an ID be written as a number; ours are all global IDs (strings)."""
        if self.strict_ids:
            raise ClientError(f"{path}: that is not a valid ID.", ErrorCode.INVALID_ID, field=path)

    def page_size(self, node: ValueNode, path: str, field) -> None:
        """A negative page size (`first: -1`), or one past the list's declared @listSize, is the
        client's mistake, not our error (nor silently a shorter page)."""
        if isinstance(node, VariableNode):
            value = self.variables.get(node.name.value)
        else:
            value = int(node.value) if isinstance(node, IntValueNode) else None
        if not isinstance(value, int) or isinstance(value, bool):
            return
        if value < 0:
            raise ClientError(f"{path}: must be 0 or more.", ErrorCode.OUT_OF_RANGE, field=path)
        declared = declared_list_size(field) if field is not None else None
        if declared is not None and value > declared.max:
            raise ClientError(f"{path}: at most {declared.max}.", ErrorCode.OUT_OF_RANGE, field=path)

    @staticmethod
    def _size(count: int, limit: int, path: str) -> None:
        if count > limit:
            raise ClientError(f"{path}: at most {limit} items.", ErrorCode.TOO_LONG, field=path)


def _is_keyset_connection(type_) -> bool:
    definition = get_named_type(type_).extensions.get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    return isinstance(origin, type) and issubclass(origin, DjangoCursorConnection)


class _Arguments(Visitor):
    """Collects every argument of an operation with its definition: what check_inputs checks."""

    def __init__(self, type_info: TypeInfo, found: list):
        super().__init__()
        self.type_info, self.found = type_info, found

    def enter_argument(self, node, *_):
        argument = self.type_info.get_argument()
        if argument is None:  # unknown arguments were refused by validation
            return
        field = self.type_info.get_field_def()
        name = node.name.value
        keyset = name in CURSOR_ARGUMENTS and field is not None and _is_keyset_connection(field.type)
        self.found.append((node.value, argument, name, field if keyset else None, field))


# (document, operation) -> its arguments. Walking a document along the schema's types cost more
# than the rest of checking it; a document repeats (phones send the same few), so the walk is
# done once per document the parser cache holds, and each request only checks the values.
_PLANS: OrderedDict[int, tuple] = OrderedDict()
_PLANS_MAX = 512


def _arguments_of(schema: GraphQLSchema, document, operation) -> list:
    cached = _PLANS.get(id(operation))
    if cached is not None and cached[0] is operation and cached[1] is schema:
        with suppress(KeyError):  # another thread's request may have just dropped it
            _PLANS.move_to_end(id(operation))
        return cached[2]
    found: list = []
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    for node in (operation, *fragments):
        type_info = TypeInfo(schema)
        visit(node, TypeInfoVisitor(type_info, _Arguments(type_info, found)))
    _PLANS[id(operation)] = (operation, schema, found)  # holding the node keeps its id unique
    while len(_PLANS) > _PLANS_MAX:
        _PLANS.popitem(last=False)
    return found


def check_inputs(schema: GraphQLSchema, document, operation, variables: dict | None) -> None:
    """Raise ClientError for the first argument value that is too long, too big, holds text
    PostgreSQL cannot store, or (outside mutations) is a malformed ID or cursor."""
    walk = _Walk(variables, strict_ids=operation.operation is not OperationType.MUTATION)
    for value, argument, name, cursor_of, field in _arguments_of(schema, document, operation):
        walk.value(value, argument.type, argument, name, cursor_of=cursor_of)
        if name in PAGE_ARGUMENTS:
            walk.page_size(value, name, field)
