"""The websocket side of /graphql: graphql-transport-ws through Strawberry's Channels consumer.

Browsers authenticate with their session cookie; apps put their bearer token in
``connection_init`` (``{"authorization": "Bearer <token>"}``). A browser's Origin must be one
of ours; clients that send no Origin (apps, servers) cannot be a forged cross-site page and
may connect."""

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddleware
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from channels.sessions import CookieMiddleware
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL as TRANSPORT_WS

from platform.live_hub import LiveInterrupted, LiveUnavailable, hub
from platform.live_publish import ACCOUNT_DEACTIVATED, viewer_group

from ..unavailable import DATABASE_DOWN
from .live_limits import TOO_MANY_SOCKETS, SocketCounts
from .shared_events import encode_once


@dataclass
class WebSocketContext:
    request: Any
    ws: Any
    connection_params: dict | None = field(default=None)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


class GraphQLWebSocketConsumer(SocketCounts, GraphQLWSConsumer):
    """Strawberry's consumer with our auth and limits: subscriptions per connection, message
    size, and connections whose client has gone quiet (clients send graphql-transport-ws
    pings, e.g. graphql-ws's `keepAlive`, to stay connected)."""

    # Live events reach a process once, through platform.live_hub, which fans them out to local
    # subscribers; a channel per websocket would only add channel-layer traffic per viewer.
    channel_layer_alias = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_subscriptions_per_connection", settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS)
        kwargs.setdefault("connection_init_wait_timeout", timedelta(seconds=settings.GRAPHQL_WS_INIT_TIMEOUT))
        super().__init__(*args, **kwargs)
        self._last_heard = time.monotonic()
        self._watchdog: asyncio.Task | None = None
        self._account_watch: asyncio.Task | None = None
        self._account_poll: asyncio.Task | None = None
        self._closed = False

    async def connect(self) -> None:
        if not self.admit_socket():
            # accepted first, so the client gets the close code and its reason, not a bare 403
            protocols = self.scope.get("subprotocols") or ()
            await self.accept(TRANSPORT_WS if TRANSPORT_WS in protocols else None)
            await self.close(code=TOO_MANY_SOCKETS, reason="Too many connections from your address")
            return
        await super().connect()
        self._watchdog = asyncio.create_task(self._close_when_idle())

    async def receive(self, text_data=None, bytes_data=None) -> None:
        self._last_heard = time.monotonic()
        size = len(text_data or "") + len(bytes_data or b"")
        if size > settings.GRAPHQL_WS_MAX_MESSAGE_BYTES:
            await self.close(code=4413, reason="Message too large")
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    async def close(self, code=None, reason=None) -> None:
        # once: a connection refused for a reason of ours keeps that reason's code
        if not self._closed:
            self._closed = True
            await super().close(code=code, reason=reason)

    async def disconnect(self, code: int) -> None:
        for task in (self._watchdog, self._account_watch, self._account_poll):
            if task is not None:
                task.cancel()
        self.release_live_counts()
        if self.run_task is not None:  # None: refused at connect, Strawberry never started
            await super().disconnect(code)

    async def _close_when_deactivated(self, user_id: int) -> None:
        """An account deactivated while connected is disconnected at once (4403). If the
        channel layer fails meanwhile, the watch joins again once it is back and asks the
        database whether the account was deactivated in the gap."""
        rejoined = False
        while True:
            try:
                async with hub().listen(viewer_group(user_id)) as events:
                    if rejoined and not await _is_active(user_id):
                        await self.close(code=4403, reason="Account deactivated")
                        return
                    async for event in events:
                        if event["type"] == ACCOUNT_DEACTIVATED:
                            await self.close(code=4403, reason="Account deactivated")
                            return
            except (LiveInterrupted, LiveUnavailable, *DATABASE_DOWN):
                rejoined = True
                await asyncio.sleep(settings.LIVE_HUB_PROBE_SECONDS)

    async def _close_when_found_inactive(self, user_id: int) -> None:
        """The event above is sent by every service and admin action that deactivates; an
        `update()` or plain SQL sends nothing, so the account is also looked up now and then
        (LIVE_ACCOUNT_RECHECK_SECONDS; one indexed read per signed-in socket)."""
        while True:
            await asyncio.sleep(settings.LIVE_ACCOUNT_RECHECK_SECONDS)
            try:
                active = await _is_active(user_id)
            except DATABASE_DOWN:
                continue
            if not active:
                await self.close(code=4403, reason="Account deactivated")
                return

    async def _close_when_idle(self) -> None:
        limit = settings.GRAPHQL_WS_IDLE_SECONDS
        while True:
            quiet = time.monotonic() - self._last_heard
            if quiet >= limit:
                await self.close(code=4408, reason="Idle for too long")
                return
            await asyncio.sleep(limit - quiet)

    def encode_json(self, data: object) -> str:
        # a shared event's data is the same object for every subscriber: encode it once
        if isinstance(data, dict) and data.get("type") == "next" and data["payload"].keys() == {"data"}:
            body = encode_once(data["payload"]["data"])
            return f'{{"id":{json.dumps(data["id"])},"type":"next","payload":{{"data":{body}}}}}'
        return super().encode_json(data)

    async def get_context(self, request, response) -> WebSocketContext:
        return WebSocketContext(request=request, ws=request)

    async def on_ws_connect(self, context: WebSocketContext):
        try:
            return await self._authenticate(context)
        except DATABASE_DOWN:
            # 1013 "try again later": the client should reconnect, not sign in again
            await self.close(code=1013, reason="Service unavailable, try again")
            raise ConnectionRejectionError() from None

    async def _authenticate(self, context: WebSocketContext):
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        credentials = params.get("authorization") or params.get("Authorization")
        if credentials:
            scheme, _, raw = str(credentials).partition(" ")
            read_token = import_string(settings.BEARER_TOKEN_READER)
            user = await sync_to_async(read_token)(raw.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise ConnectionRejectionError({"message": "The bearer token is invalid, expired or revoked."})
            self.scope["user"] = user
        user = self.scope.get("user")
        if not self.admit_viewer(user):
            await self.close(code=TOO_MANY_SOCKETS, reason="Too many connections: close some first")
            raise ConnectionRejectionError()
        if user is not None and user.is_authenticated:
            self._account_watch = asyncio.create_task(self._close_when_deactivated(user.pk))
            self._account_poll = asyncio.create_task(self._close_when_found_inactive(user.pk))
        return await super().on_ws_connect(context)


@sync_to_async
def _is_active(user_id: int) -> bool:
    return get_user_model().objects.filter(pk=user_id, is_active=True).exists()


class OriginCheck(OriginValidator):
    def valid_origin(self, parsed_origin):
        return parsed_origin is None or self.validate_origin(parsed_origin)


class SessionReader(BaseMiddleware):
    """The session, so AuthMiddleware can tell who is signed in. Channels' SessionMiddleware
    would also wrap every outgoing message to save a modified session, which nothing does
    over a websocket here; that check cost about 4% of delivering a live comment."""

    def __init__(self, inner):
        super().__init__(inner)
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        key = scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
        return await self.inner(dict(scope, session=self.store(key)), receive, send)


def WebSocketAuthMiddleware(inner):
    allowed = [*settings.ALLOWED_HOSTS, *settings.CORS_ALLOWED_ORIGINS]
    return OriginCheck(CookieMiddleware(SessionReader(AuthMiddleware(inner))), allowed)
