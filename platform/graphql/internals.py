"""The two places where Flywheel reaches past Strawberry's and strawberry-django's public API.

Written against strawberry-graphql 0.341.2 and strawberry-graphql-django 0.93.0 (pinned in
requirements.txt); ``platform/tests/test_internals.py`` fails if an upgrade changes either."""

from strawberry.types import ExecutionContext
from strawberry_django.fields.field import StrawberryDjangoField
from strawberry_django.optimizer import is_optimized_by_prefetching


def provided_operation_name(context: ExecutionContext) -> str | None:
    """The operationName the client sent, if any. ``ExecutionContext.operation_name`` falls back
    to the first operation's name, which would let a document of several operations without an
    operationName run its first one instead of being refused (the spec says refuse)."""
    return context._provided_operation_name


def ordered_relation(*ordering: str, hidden=None, narrow=None) -> type[StrawberryDjangoField]:
    """A connection field over a many-to-many relation, ordered by columns of the relation's
    through table (a follow's date, say).

    The optimizer prefetches nested connections of relation fields in one query per level,
    partitioned by the parent with a window function; a resolver of our own would cost a query
    per parent. It calls the field's ``get_queryset`` when it builds that prefetch, and ordering
    added there reuses the prefetch's join to the through table (checked by the query-count and
    order tests of followers and following)."""

    class OrderedRelationField(StrawberryDjangoField):
        # `hidden(root, info)`: the list is not the viewer's to see (a private account's
        # followers); StrawberryDjangoField.get_result (0.93) then gets an empty queryset,
        # which costs no query, instead of the prefetched or fetched relation.
        def get_result(self, source, info, args, kwargs):
            if hidden is not None and source is not None and hidden(source, info):
                return self.django_model._default_manager.none()
            return super().get_result(source, info, args, kwargs)

        def get_queryset(self, queryset, info, **kwargs):
            # `narrow(queryset, info)`: rows this list leaves out for this viewer (keyword filters)
            if narrow is not None:
                queryset = narrow(queryset, info)
            if not is_optimized_by_prefetching(queryset):
                queryset = queryset.order_by(*ordering)
            return super().get_queryset(queryset, info, **kwargs)

    return OrderedRelationField
