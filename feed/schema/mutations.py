import strawberry
import strawberry_django
from strawberry import Info

from platform.graphql.errors import OkPayload, collect_user_errors
from platform.graphql.viewer import current_user

from ..services.for_you import reset_interests


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Start your For You over: learned interests are forgotten, follows stay.")
    def refresh_for_you(self, info: Info) -> OkPayload:
        with collect_user_errors() as failure:
            session = info.context.request.session
            if current_user(info) is None and not session.session_key:
                session.save()
            reset_interests(current_user(info), session.session_key or "")
            return OkPayload(ok=True)
        return OkPayload(errors=failure.errors)
