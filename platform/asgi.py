"""The ASGI application: HTTP goes to Django (so sessions, CSRF and auth middleware apply to
GraphQL too), websockets at /graphql go to Strawberry's Channels consumer."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
# Django must be set up before anything that imports models (the schema, Channels' auth).
django_http = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import path  # noqa: E402

from .graphql.websocket import GraphQLWebSocketConsumer, WebSocketAuthMiddleware  # noqa: E402
from .http_limits import RequestBodyLimit  # noqa: E402
from .schema import schema  # noqa: E402

application = ProtocolTypeRouter(
    {
        # In development uvicorn serves the admin's static files too; production puts them
        # behind the front web server or CDN (collectstatic).
        # Bodies are bounded before Django reads them (it reads a whole body before any view).
        "http": RequestBodyLimit(ASGIStaticFilesHandler(django_http) if settings.DEBUG else django_http),
        "websocket": WebSocketAuthMiddleware(
            URLRouter([path("graphql", GraphQLWebSocketConsumer.as_asgi(schema=schema))])
        ),
    }
)

# Everything imported so far lives as long as the process: move it out of the collector's
# sight. And collect the young generation less often: at the default 700 allocations, objects
# in flight while a comment fans out to a thousand websockets were promoted to the old
# generation, whose full collections then paused the process for ~330 ms every ~9 s (with
# 1,000 subscribers connected). bench/live_comments.py measures the effect on p99.
gc.freeze()
gc.set_threshold(50_000, 20, 100)
