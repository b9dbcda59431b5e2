from strawberry import Info

from accounts.services.rate_limits import client_address, hit

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
