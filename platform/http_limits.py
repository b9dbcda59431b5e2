"""Request bodies are bounded before a byte of them is read.

Django's ASGI handler reads a whole request body (spooling it to disk) before any middleware
or view runs, so a 1 GB POST used to be received and written out in full before anything
could say no. This ASGI middleware sits in front of Django and answers from the headers:

- a body larger than its limit (``Content-Length``) gets 413 at once; a body without a
  declared length is counted as it streams and cut off with 413 the moment it passes the
  limit;
- a multipart (upload) request that carries no credentials at all (no bearer token, no
  session cookie) gets 401 at once: every upload needs a signed-in account, so there is no
  reason to receive the file first.

Limits: ``REQUEST_MAX_BYTES`` for ordinary requests, ``VIDEO_MAX_BYTES`` plus room for the
form's other parts for multipart uploads."""

import json

from django.conf import settings

MULTIPART_OVERHEAD = 1024 * 1024


def _limit(scope: dict, content_type: bytes) -> int:
    if content_type.startswith(b"multipart/"):
        return settings.VIDEO_MAX_BYTES + MULTIPART_OVERHEAD
    return settings.REQUEST_MAX_BYTES


def _has_credentials(headers: dict[bytes, bytes]) -> bool:
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    return b"authorization" in headers or f"{settings.SESSION_COOKIE_NAME}=" in cookie


async def _refuse(send, status: int, message: str, code: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestBodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or ())
        content_type = headers.get(b"content-type", b"").lower()
        limit = _limit(scope, content_type)
        too_large = f"The request body is larger than {limit // 1024} KB."
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                return await _refuse(send, 400, "Content-Length must be a number of bytes.", "INVALID")
            if int(declared) > limit:
                return await _refuse(send, 413, too_large, "TOO_LARGE")
        if content_type.startswith(b"multipart/") and not _has_credentials(headers):
            return await _refuse(send, 401, "Sign in to upload.", "UNAUTHENTICATED")

        received, refused = 0, False

        async def counted_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _refuse(send, 413, too_large, "TOO_LARGE")
                    return {"type": "http.disconnect"}  # Django stops reading and answers nothing
            return message

        async def guarded_send(message):
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)
