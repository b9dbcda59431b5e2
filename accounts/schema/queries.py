from typing import Annotated

import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.input_limits import MaxLength
from platform.graphql.viewer import current_user

from ..models import User
from .types import UserType


@strawberry.type
class Query:
    @strawberry_django.field(description="The signed-in account, or null for an anonymous visitor.")
    def viewer(self, info: Info) -> UserType | None:
        user = current_user(info)
        return None if user is None else User.objects.filter(pk=user.pk)

    @strawberry_django.field(description="An account by username (case-insensitive).")
    def user(
        self,
        username: Annotated[
            str,
            strawberry.argument(
                description="The account's username, case-insensitive.", directives=[MaxLength(length=100)]
            ),
        ],
    ) -> UserType | None:
        return User.objects.by_username(username.strip())
