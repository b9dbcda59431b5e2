from django.core.exceptions import ValidationError
from strawberry import Info, relay

from .errors import SignInRequired


def current_user(info: Info):
    """The signed-in account making the request, or None for an anonymous visitor."""
    request = info.context.request
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


def decode_global_id(value: str, type_name: str, field: str) -> str:
    """The node id inside a Relay global ID of type `type_name`, or a field error."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception as exc:  # strawberry raises several types for malformed base64/JSON
        raise ValidationError({field: ValidationError("That is not a valid ID.", code="invalid")}) from exc
    if global_id.type_name != type_name:
        raise ValidationError({field: ValidationError(f"That ID is not a {type_name}.", code="invalid")})
    return global_id.node_id
