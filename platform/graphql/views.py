"""The HTTP endpoint: Strawberry's async Django view, made to follow the GraphQL-over-HTTP spec.

Strawberry answers everything as ``application/json``. The spec adds
``application/graphql-response+json``: a client that asks for it learns from the status code
whether the request itself was refused (parse, validation or variable errors: 4xx and no
``data``) or executed (2xx). ``.ci/run`` runs the spec's audit suite (npm ``graphql-http``)
against the live server to keep us honest.

CSRF follows the rule GraphQL servers use: a browser cannot send ``application/json``
cross-site without a CORS preflight (which our strict CORS policy refuses), so JSON POSTs
are safe. Multipart POSTs (uploads) are "simple" requests a foreign page could forge, so they
must carry Django's CSRF token or a non-simple header that forces a preflight
(``Apollo-Require-Preflight`` or ``X-Apollo-Operation-Name``, as Apollo and urql send).
"""

import json

from cross_web import HTTPException
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import AsyncGraphQLView
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from .. import replica
from ..unavailable import RETRY_AFTER_SECONDS
from .persisted_queries import PersistedQueryError, resolve_persisted

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
PREFLIGHT_HEADERS = ("Apollo-Require-Preflight", "X-Apollo-Operation-Name")


def _unsupported_json(value) -> str | None:
    """A reason to refuse a parsed JSON body: nested deeper than any GraphQL request needs, or
    holding text PostgreSQL cannot store (NUL characters and lone UTF-16 surrogates are valid
    JSON but not valid text). Iterative, so no body can exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > settings.GRAPHQL_MAX_JSON_DEPTH:
            return f"The request is nested more than {settings.GRAPHQL_MAX_JSON_DEPTH} levels deep."
        if isinstance(item, str):
            if "\x00" in item:
                return "Text must not contain NUL characters."
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "Text must be valid Unicode."
        elif isinstance(item, dict):
            pending.extend((child, depth + 1) for child in (*item.keys(), *item.values()))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
    return None


def _is_request_error(result: ExecutionResult) -> bool:
    """True when the operation never ran: a syntax, validation or variable-coercion error.

    Those errors carry no path; an error raised while executing a field always does."""
    return result.data is None and bool(result.errors) and all(error.path is None for error in result.errors)


GRAPHIQL_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLHTTPView(AsyncGraphQLView):
    multipart_uploads_enabled = True

    def __init__(self, **kwargs):
        kwargs.setdefault("graphql_ide", "graphiql" if settings.DEBUG else None)
        kwargs.setdefault("multipart_uploads_enabled", True)
        super().__init__(**kwargs)

    async def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        """GraphiQL from this project's static files (platform/templates/graphql/graphiql.html,
        the template name Strawberry's Django view looks for), under a CSP that allows nothing
        but this origin: it works offline and behind a firewall."""
        response = await super().render_graphql_ide(request)
        response["Content-Security-Policy"] = GRAPHIQL_CSP
        return response

    async def dispatch(self, request: HttpRequest, *args, **kwargs):
        media_type = request.get_preferred_type([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) or APPLICATION_JSON
        request.graphql_media_type = media_type
        request.graphql_request_error = False

        if request.method == "POST" and (refusal := self._csrf_refusal(request)) is not None:
            return refusal
        try:
            response = await self.run(request=request)
            if getattr(request, "read_from_replica", False) and getattr(request, "graphql_unavailable", False):
                response = await self._again_on_the_primary(request)
        except HTTPException as exc:
            return self._error_response(exc.reason, exc.status_code, media_type)
        except PersistedQueryError as exc:
            return self._error_response(exc.message, exc.status, media_type, code=exc.code)

        if response.get("Content-Type", "").startswith(APPLICATION_JSON):
            response["Content-Type"] = f"{media_type}; charset=utf-8"
            if media_type == GRAPHQL_RESPONSE_JSON and request.graphql_request_error:
                response.status_code = 400
            if getattr(request, "graphql_unavailable", False):
                response.status_code = 503
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def _again_on_the_primary(self, request: HttpRequest):
        """A read-only operation that failed because the replica went away: run it again on the
        primary (it changed nothing), so the client sees no error (platform.replica)."""
        replica.mark_down()
        request.replica_allowed, request.read_from_replica = False, False
        request.graphql_unavailable, request.database_unavailable = False, False
        return await self.run(request=request)

    async def parse_http_body(self, request):
        data = await super().parse_http_body(request)
        if isinstance(data, list):  # batches are refused by Strawberry's own checks
            return data
        return resolve_persisted(data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except RecursionError:  # the decoder recurses per level of nesting
            raise HTTPException(400, "The request is nested too deeply.") from None

    def parse_json(self, data: str | bytes):
        parsed = super().parse_json(data)
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object.")
        if reason := _unsupported_json(parsed):
            raise HTTPException(400, reason)
        return parsed

    async def process_result(self, request: HttpRequest, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if any((error.extensions or {}).get("code") == "UNAVAILABLE" for error in result.errors or ()):
            request.graphql_unavailable = True
        if _is_request_error(result) and getattr(request, "graphql_media_type", None) == GRAPHQL_RESPONSE_JSON:
            request.graphql_request_error = True
            response.pop("data", None)
        return response

    @staticmethod
    def _error_response(message: str, status: int, media_type: str, code: str | None = None) -> HttpResponse:
        error = {"message": message, **({"extensions": {"code": code}} if code else {})}
        return HttpResponse(
            json.dumps({"errors": [error]}),
            status=status,
            content_type=f"{media_type}; charset=utf-8",
        )

    def _csrf_refusal(self, request: HttpRequest) -> HttpResponse | None:
        content_type = request.content_type or ""
        if content_type == APPLICATION_JSON:
            return None
        if any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
            return None
        refusal = CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})
        if refusal is None:
            return None
        return self._error_response(
            "This request needs a CSRF token (X-CSRFToken header) or an Apollo-Require-Preflight header.",
            403,
            request.graphql_media_type,
        )
