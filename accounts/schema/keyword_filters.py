"""Keyword filters over the API: the viewer's list, add and remove."""

from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.cost import ListSize
from platform.graphql.errors import MUTATION_INPUT, Payload, collect_user_errors
from platform.graphql.input_limits import MaxLength
from platform.graphql.viewer import current_user, rate_limit, require_user

from ..services import keyword_filters


@strawberry.type(description="What adding or removing a keyword filter answers.")
class KeywordFiltersPayload(Payload):
    phrases: list[str] | None = strawberry.field(
        default=None,
        description="All your filters, alphabetically.",
        directives=[ListSize(max=keyword_filters.MAX_FILTERS)],
    )


@strawberry.input(description="A word or #hashtag to filter.")
class KeywordFilterInput:
    phrase: str = strawberry.field(
        directives=[MaxLength(length=200)],
        description="A word, a phrase or a #hashtag, matched as whole words in any case.",
    )


@strawberry.type
class KeywordFilterQuery:
    @strawberry_django.field(
        description="Words and #hashtags you never want to see in For You, Following, search and live comments.",
        directives=[ListSize(max=keyword_filters.MAX_FILTERS)],
    )
    def keyword_filters(self, info: Info) -> list[str]:
        viewer = current_user(info)
        return keyword_filters.phrases_of(viewer) if viewer else []


@strawberry.type
class KeywordFilterMutation:
    @strawberry_django.mutation(description="Never see videos or live comments with this word or #hashtag.")
    def add_keyword_filter(
        self, info: Info, input: Annotated[KeywordFilterInput, MUTATION_INPUT]
    ) -> KeywordFiltersPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "filter words")
            rate_limit(info, "profile")
            return KeywordFiltersPayload(phrases=keyword_filters.add(viewer, input.phrase))
        return KeywordFiltersPayload(errors=failure.errors)

    @strawberry_django.mutation(description="Stop filtering a word or #hashtag. Idempotent.")
    def remove_keyword_filter(
        self, info: Info, input: Annotated[KeywordFilterInput, MUTATION_INPUT]
    ) -> KeywordFiltersPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "filter words")
            return KeywordFiltersPayload(phrases=keyword_filters.remove(viewer, input.phrase))
        return KeywordFiltersPayload(errors=failure.errors)
