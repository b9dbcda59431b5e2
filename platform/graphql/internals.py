"""The places where Flywheel reaches past Strawberry's and strawberry-django's public API.

Written against strawberry-graphql 0.341.2 and strawberry-graphql-django 0.93.0 (pinned in
requirements.txt); ``platform/tests/test_internals.py`` fails if an upgrade changes either."""

from asgiref.sync import sync_to_async
from strawberry.types import ExecutionContext
from strawberry.utils.inspect import in_async_context
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


def on_the_loop(resolver):
    """Mark a field resolver that never touches the database (it reads its row's loaded
    columns, annotations or the request): strawberry-django then calls it on the event loop.

    Otherwise ``StrawberryDjangoField.safe_resolver`` (0.93) sends every sync resolver to the
    thread pool and back, a hop per field per row (ten videos with a display name and a
    viewer flag each: twenty hops). It skips the hop for resolvers whose function carries
    ``is_async_safe``, the mark it gives its own default resolvers. Put it under the field
    decorator. A resolver that may need the ORM after all goes through ``orm_when_needed``."""
    resolver.is_async_safe = True
    return resolver


def orm_when_needed(compute, *args):
    """`compute(*args)`, on the ORM's thread when called from the event loop (an
    ``on_the_loop`` resolver's rare fallback, as an awaitable strawberry-django awaits), else
    directly (a sync execution, or already on the ORM's thread)."""
    if in_async_context():
        return sync_to_async(compute)(*args)
    return compute(*args)
