"""Short lists of nodes (search results, trending, suggestions) read in one optimized query,
with the node type's visibility rules applied."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from strawberry import Info
from strawberry_django.optimizer import optimize


def visible_rows(info: Info, queryset: QuerySet, node_type) -> QuerySet:
    """The rows of `queryset` the viewer may see, by the node type's rules (its get_queryset)."""
    if hasattr(node_type, "get_queryset"):
        queryset = node_type.get_queryset(queryset, info)
    return queryset


def first_visible(info: Info, queryset: QuerySet, node_type, limit: int, *order: str) -> list:
    """The first `limit` rows the viewer may see in `order`, optimized (no N+1 below)."""
    if not limit:
        return []
    return list(optimize(visible_rows(info, queryset, node_type).order_by(*order, "-pk"), info)[:limit])


def in_given_order(info: Info, queryset: QuerySet, node_type, ids: list[int]) -> list:
    """The rows of `ids` the viewer may see, in the order of `ids` (a ranking made elsewhere)."""
    if not ids:
        return []
    rank = Case(*(When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)), output_field=IntegerField())
    rows = visible_rows(info, queryset.filter(pk__in=ids), node_type).annotate(given_rank=rank).order_by("given_rank")
    return list(optimize(rows, info))
