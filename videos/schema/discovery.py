"""Trending hashtags and sounds: what many new public videos use, each with the reason."""

from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.arguments import first_arg
from platform.graphql.cost import ListSize
from platform.graphql.lists import in_given_order
from platform.graphql.viewer import stash

from ..models import Hashtag, Sound
from ..services import trending
from .tag_types import HASHTAG_TRENDS, SOUND_TRENDS, HashtagType, SoundType

TRENDING_PAGE_MAX = 50


def _top(info: Info, ranked: list[tuple[int, int]], first: int, key: str) -> list[int]:
    chosen = ranked[: max(0, min(first, TRENDING_PAGE_MAX))]
    stash(info, key, dict(chosen))
    return [pk for pk, _ in chosen]


@strawberry.type
class DiscoveryQuery:
    @strawberry_django.field(
        description="Hashtags on the most public videos published lately (TRENDING_WINDOW_DAYS), most first; "
        "each says why in trendReason.",
        directives=[ListSize(max=TRENDING_PAGE_MAX)],
    )
    def trending_hashtags(
        self, info: Info, first: Annotated[int, first_arg(f"How many to return, 0 to {TRENDING_PAGE_MAX}.")] = 10
    ) -> list[HashtagType]:
        ids = _top(info, trending.trending_hashtags(), first, HASHTAG_TRENDS)
        return in_given_order(info, Hashtag.objects.all(), HashtagType, ids)

    @strawberry_django.field(
        description="Sounds used by the most public videos published lately, most first; each says why in trendReason.",
        directives=[ListSize(max=TRENDING_PAGE_MAX)],
    )
    def trending_sounds(
        self, info: Info, first: Annotated[int, first_arg(f"How many to return, 0 to {TRENDING_PAGE_MAX}.")] = 10
    ) -> list[SoundType]:
        ids = _top(info, trending.trending_sounds(), first, SOUND_TRENDS)
        return in_given_order(info, Sound.objects.all(), SoundType, ids)
