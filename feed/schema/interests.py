"""Onboarding over the API: the interests there are to pick, an account's picks, and picking."""

from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.arguments import first_arg
from platform.graphql.cost import ListSize
from platform.graphql.errors import MUTATION_INPUT, Payload, collect_user_errors
from platform.graphql.input_limits import MaxLength
from platform.graphql.lists import in_given_order
from platform.graphql.viewer import current_user, rate_limit, require_user
from videos.models import Hashtag
from videos.schema.tag_types import HashtagType

from ..services import interests as picks

MAX_CHOICES = picks.MAX_CHOICES


@strawberry.input(description="The interests a viewer picks (an empty list is fine: skipping is allowed).")
class PickInterestsInput:
    hashtags: list[str] = strawberry.field(
        directives=[MaxLength(length=picks.MAX_PICKS)],
        description="Names of hashtags from interestChoices (with or without #); an empty list clears the picks.",
    )


@strawberry.type(description="What pickInterests answers: the interests now picked, or why nothing changed.")
class InterestsPayload(Payload):
    interests: list[HashtagType] = strawberry.field(
        description="The hashtags now picked, at most as many as pickInterests allows.",
        default_factory=list,
        directives=[ListSize(max=picks.MAX_PICKS)],
    )


@strawberry.type
class InterestQuery:
    @strawberry_django.field(
        description="Hashtags a new account may pick as interests, those on the most public videos first; "
        "ask each for videos(first: 3) as examples.",
        directives=[ListSize(max=MAX_CHOICES)],
    )
    def interest_choices(
        self, info: Info, first: Annotated[int, first_arg(f"How many hashtags to offer, 0 to {MAX_CHOICES}.")] = 12
    ) -> list[HashtagType]:
        # `first` past @listSize or below 0 is refused by the shared argument checks (input_limits)
        ids = picks.choices(first)
        return in_given_order(info, Hashtag.objects.all(), HashtagType, ids)

    @strawberry_django.field(
        description="The interests you picked, by name; empty when signed out or none picked.",
        directives=[ListSize(max=picks.MAX_PICKS)],
    )
    def picked_interests(self, info: Info) -> list[HashtagType]:
        ids = [tag.pk for tag in picks.picked(current_user(info))]
        return in_given_order(info, Hashtag.objects.all(), HashtagType, ids)


@strawberry.type
class InterestMutation:
    @strawberry_django.mutation(
        description="Pick the hashtags For You starts from (they fade as your watching speaks); replaces "
        "earlier picks. Skipping this is fine."
    )
    def pick_interests(self, info: Info, input: Annotated[PickInterestsInput, MUTATION_INPUT]) -> InterestsPayload:
        with collect_user_errors() as failure:
            viewer = require_user(info, "pick interests")
            rate_limit(info, "profile")
            return InterestsPayload(interests=picks.pick(viewer, input.hashtags))
        return InterestsPayload(errors=failure.errors)
