import contextlib

from asgiref.sync import sync_to_async
from django.db.models import Exists, OuterRef, Value
from strawberry import Info

from platform.rate_limits import client_address, hit

from .errors import SignInRequired


def current_user(info: Info):
    """The signed-in account making the request, or None for an anonymous visitor."""
    return request_user(info.context.request)


def request_user(request):
    """The signed-in account behind an HTTP request or a websocket consumer, or None."""
    user = getattr(request, "user", None)
    if user is None:
        # websockets carry the user in the ASGI scope
        user = request.scope.get("user") if hasattr(request, "scope") else None
    return user if user is not None and user.is_authenticated else None


def require_user(info: Info, action: str = "do that"):
    user = current_user(info)
    if user is None:
        raise SignInRequired(f"Sign in to {action}.")
    return user


def anonymous_session_key(info: Info) -> str:
    """The anonymous viewer's session key, made on first use so their signals add up. New
    sessions are rate limited per address: each one is a new viewer to the traffic pools."""
    session = info.context.request.session
    if not session.session_key:
        rate_limit(info, "session")
        session.save()
    return session.session_key


def rate_limit(info: Info, action: str, *, target: object = None) -> None:
    """Count this request against `action`'s limits for the caller's account and address;
    RateLimited (a payload error with retryAfter) when over. See settings.RATE_LIMITS."""
    hit(action, user=current_user(info), address=client_address(info.context.request), target=target)


VIEWER = object()  # in viewer_flag's lookups: the signed-in viewer's id


def viewer_flag(model, **lookups):
    """An annotation (for a field's `annotate=`) telling, per row, whether a `model` row
    relating the viewer to it exists: `viewer_flag(Heart, user=VIEWER, video="pk")` is "the
    viewer hearted this video". Strings name the outer row's fields. False when signed out."""

    def annotation(info: Info):
        viewer = current_user(info)
        if viewer is None:
            return Value(False)
        return Exists(
            model.objects.filter(
                **{key: viewer.pk if value is VIEWER else OuterRef(value) for key, value in lookups.items()}
            )
        )

    return annotation


def stash(info: Info, name: str, value) -> None:
    """Keep `value` on the request's context under `name`, for fields resolved later in the
    same request (a list's reasons, read by each item). Dropped on a context that takes no
    attributes: the items then read nothing."""
    with contextlib.suppress(AttributeError):
        setattr(info.context, name, value)


async def per_request_async(info: Info, name: str, compute):
    """`per_request` for async resolvers: the first call computes on the ORM's thread."""
    if hasattr(info.context, name):
        return getattr(info.context, name)
    return await sync_to_async(per_request)(info, name, compute)


def per_request(info: Info, name: str, compute):
    """`compute()`, once per request: kept on the request's context under `name`."""
    context = info.context
    if not hasattr(context, name):
        value = compute()
        try:
            setattr(context, name, value)
        except AttributeError:  # a context that takes no attributes: computed each time
            return value
    return getattr(context, name)
