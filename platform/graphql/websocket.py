"""The websocket side of /graphql: graphql-transport-ws through Strawberry's Channels consumer.

Browsers authenticate with their session cookie; apps put their bearer token in
``connection_init`` (``{"authorization": "Bearer <token>"}``). A browser's Origin must be one
of ours; clients that send no Origin (apps, servers) cannot be a forged cross-site page and
may connect."""

from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.security.websocket import OriginValidator
from django.conf import settings
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from accounts.services.tokens import user_for_token


@dataclass
class WebSocketContext:
    request: Any
    ws: Any
    connection_params: dict | None = field(default=None)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


class GraphQLWebSocketConsumer(GraphQLWSConsumer):
    async def get_context(self, request, response) -> WebSocketContext:
        return WebSocketContext(request=request, ws=request)

    async def on_ws_connect(self, context: WebSocketContext):
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        credentials = params.get("authorization") or params.get("Authorization")
        if not credentials:
            return await super().on_ws_connect(context)
        scheme, _, raw = str(credentials).partition(" ")
        user = await sync_to_async(user_for_token)(raw.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise ConnectionRejectionError({"message": "The bearer token is invalid, expired or revoked."})
        self.scope["user"] = user
        return await super().on_ws_connect(context)


class OriginCheck(OriginValidator):
    def valid_origin(self, parsed_origin):
        return parsed_origin is None or self.validate_origin(parsed_origin)


def WebSocketAuthMiddleware(inner):
    allowed = [*settings.ALLOWED_HOSTS, *settings.CORS_ALLOWED_ORIGINS]
    return OriginCheck(AuthMiddlewareStack(inner), allowed)
