"""Absolute URLs for files, over HTTP and over websockets alike.

Over HTTP the request builds them (and Django has checked its Host header). A websocket's
context holds the consumer, not an HttpRequest, so the origin comes from its ASGI scope: the
same Host header the client connected with, under the matching http(s) scheme."""

from strawberry import Info

from ..media import media_url


def scope_origin(scope: dict) -> str:
    secure = scope.get("scheme") in ("wss", "https")
    host = dict(scope.get("headers") or ()).get(b"host", b"").decode("latin-1")
    if not host and scope.get("server"):
        host = "{}:{}".format(*scope["server"])
    return f"{'https' if secure else 'http'}://{host or 'localhost'}"


def request_origin(request) -> str:
    """scheme://host of the request or websocket the operation arrived on."""
    if hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri("/").rstrip("/")
    return scope_origin(getattr(request, "scope", {}))


def file_url(info: Info, field_file, **claims) -> str | None:
    """A signed, expiring absolute URL for the stored file (platform.media), or None when
    there is no file. `claims`: the video it belongs to and the viewer it is for."""
    if not field_file:
        return None
    return media_url(request_origin(info.context.request), field_file.name, **claims)
