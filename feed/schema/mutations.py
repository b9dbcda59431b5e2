import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.errors import OkPayload, collect_user_errors
from platform.graphql.viewer import anonymous_session_key, current_user

from ..services.for_you import reset_interests


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Start your For You over: learned interests are forgotten, follows stay.")
    def refresh_for_you(self, info: Info) -> OkPayload:
        with collect_user_errors() as failure:
            viewer = current_user(info)
            reset_interests(viewer, "" if viewer else anonymous_session_key(info))
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)
