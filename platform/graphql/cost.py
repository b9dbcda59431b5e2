"""What an operation may cost, known before it runs (the model GitHub and Shopify publish).

Every object a query can make the server load costs 1; scalar fields are free. A field that
takes `first` returns up to that many objects, so it multiplies the cost of everything selected
below it: `followers(first: 100) { ... followers(first: 100) { ... } }` costs about 100 x 100.
Its page is loaded even when only `totalCount` is asked for, so each item counts at least 1.
When `first` is not given, the field's default counts, or the largest page the server serves.
A plain list of objects counts its declared bound (``@listSize``): a video's hashtags count as
the most a caption may hold, never as one object. Lists inside a page (a connection's `edges`,
search's results) are sized by the page's `first`, which already multiplies them.
Variables count as their values. Aliases count once each. A fragment on an abstract type counts
every branch: an upper bound, never an underestimate.

The limit (``GRAPHQL_MAX_COST``) leaves room for every screen of the app: a page of 50 For You
items with their authors, hashtags and first comments costs 1,301."""

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from strawberry.schema_directive import Location

PAGE_ARGUMENTS = ("first", "last")
# __schema and __type: what GraphiQL's introspection asks for, counted as a modest flat cost
INTROSPECTION_COST = 50


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="The most items this list holds (for a list sliced by `first`, the largest `first` it accepts).",
)
class ListSize:
    max: int
    # the list is one part of a page (search's groups) whose own `first` bounds it
    sized_by_parent: strawberry.Private[bool] = False


def declared_list_size(field: GraphQLField) -> ListSize | None:
    """The field's @listSize, if it declares one."""
    own = field.extensions.get("strawberry-definition")
    return next((d for d in getattr(own, "directives", ()) if isinstance(d, ListSize)), None)


def is_page_edges(parent_type, name: str) -> bool:
    """A connection's `edges`: as many as the `first` of the field that returned the page."""
    return name == "edges" and "pageInfo" in getattr(parent_type, "fields", {})


class _Cost:
    def __init__(self, schema: GraphQLSchema, document, variables: dict | None, largest_page: int):
        self.schema = schema
        self.variables = variables or {}
        self.largest_page = largest_page
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def selections(self, parent_type, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(parent_type, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                own_type = self.schema.get_type(condition.name.value) if condition else parent_type
                total += self.selections(own_type, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                total += self.selections(
                    self.schema.get_type(fragment.type_condition.name.value), fragment.selection_set
                )
        return total

    def field(self, parent_type, node: FieldNode) -> int:
        name = node.name.value
        if name.startswith("__"):
            return INTROSPECTION_COST if name in ("__schema", "__type") else 0
        definition = getattr(parent_type, "fields", {}).get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        below = self.selections(named, node.selection_set)
        declared = declared_list_size(definition)
        if any(name in definition.args for name in PAGE_ARGUMENTS):
            size = self.page_size(definition, node)
            return 1 + (min(size, declared.max) if declared else size) * max(1, below)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            if is_page_edges(parent_type, name) or (declared and declared.sized_by_parent):
                return 1 + below
            return 1 + (declared.max if declared else self.largest_page) * max(1, below)
        return 1 + below

    def page_size(self, definition, node: FieldNode) -> int:
        """How many objects the field may return: its `first` (or `last`), else its default,
        else the largest page the server serves."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        for name in PAGE_ARGUMENTS:
            if (size := self.argument_int(given.get(name))) is not None:
                return max(0, size)
        default = definition.args["first"].default_value if "first" in definition.args else None
        return default if isinstance(default, int) else self.largest_page

    def argument_int(self, value) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            raw = self.variables.get(value.name.value)
            return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        return None


def operation_cost(
    schema: GraphQLSchema, document, operation: OperationDefinitionNode, variables: dict | None, largest_page: int
) -> int:
    """The operation's cost: objects it may load, with `first` multiplying what it nests."""
    root = schema.get_root_type(operation.operation)
    return _Cost(schema, document, variables, largest_page).selections(root, operation.selection_set)
