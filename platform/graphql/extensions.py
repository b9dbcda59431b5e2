"""Schema extensions every request passes through: size, input and cost limits, and error
masking."""

import logging
from functools import partial

from django.conf import settings
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from ..unavailable import DATABASE_DOWN, MESSAGE
from .cost import operation_cost
from .errors import ClientError, ErrorCode, client_error_extensions
from .input_limits import check_inputs
from .internals import provided_operation_name
from .replica_reads import ReplicaReads

logger = logging.getLogger("flywheel.graphql")

# distinct operation texts whose parse and validation are remembered (per process)
CACHED_DOCUMENTS = 512

# Exceptions raised by Strawberry itself for bad arguments, whose messages help the client.
_CLIENT_FACING_PREFIXES = {
    "Argument '": ErrorCode.INVALID,
    "Can't paginate": ErrorCode.INVALID,
    "Expected": ErrorCode.INVALID,
    "Invalid cursor": ErrorCode.INVALID_CURSOR,
}


def _client_facing_code(error: GraphQLError) -> ErrorCode | None:
    original = error.original_error
    if isinstance(original, ValueError):
        for prefix, code in _CLIENT_FACING_PREFIXES.items():
            if str(original).startswith(prefix):
                return code
    return None


def _should_mask(error: GraphQLError) -> bool:
    """Hide the message of anything we did not mean to say: an unexpected exception's text
    may carry SQL or internals. Syntax, validation and permission errors pass through."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    if isinstance(original, PermissionError):
        return False
    if _client_facing_code(error) is not None or isinstance(original, DATABASE_DOWN):
        return False
    logger.error("Unexpected error in %s", error.path, exc_info=original)
    return True


class MaskUnexpectedErrors(MaskErrors):
    """Hides what we did not mean to say, and gives the client's mistakes that Strawberry
    reports as plain ValueErrors (a page size over the limit, a stale cursor) the same typed
    `code` every other client error has. (Also: Strawberry's MaskErrors makes a runtime-Protocol
    isinstance check per result, which alone took about 7% of the server's time when fanning a
    comment out to 1,000 subscribers; this one does not.)"""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [self._typed(error) for error in self._process_errors(errors)]

    @staticmethod
    def _typed(error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, DATABASE_DOWN):
            logger.warning("database unavailable in %s: %s", error.path, error.original_error)
            return GraphQLError(
                MESSAGE, error.nodes, error.source, error.positions, error.path, extensions={"code": "UNAVAILABLE"}
            )
        code = _client_facing_code(error)
        if code is None or (error.extensions or {}).get("code"):
            return error
        return GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions=client_error_extensions(code),
        )


class RequestChecks(SchemaExtension):
    """Refuses, before any resolver or SQL runs, what a well-behaved client never sends:
    several operations and no operationName to choose one, argument values that are too long
    or malformed (input_limits), and operations that would cost more than GRAPHQL_MAX_COST.

    It runs as part of validation, right after ValidationCache (which must come before it in
    the extension list) has validated the document, so its refusals are request errors like
    any invalid document's: HTTP 400 without `data`, the protocol's `error` message on a
    websocket, and nothing logged."""

    def on_validate(self):
        context = self.execution_context
        if context.pre_execution_errors == []:  # validated, and valid: only then is it safe to walk
            try:
                self._check()
            except GraphQLError as error:
                context.pre_execution_errors = [error]
        yield

    def _check(self) -> None:
        context = self.execution_context
        operations = [d for d in context.graphql_document.definitions if isinstance(d, OperationDefinitionNode)]
        wanted = provided_operation_name(context)
        if wanted is None and len(operations) > 1:
            raise ClientError(
                "This document has several operations: say which to run with operationName.", ErrorCode.INVALID
            )
        operation = next((o for o in operations if wanted is None or (o.name and o.name.value == wanted)), None)
        if operation is None:  # an unknown operationName: execution says so
            return
        live = operation.operation is OperationType.SUBSCRIPTION
        if live and not _over_websocket(context.context):
            raise ClientError(
                "Subscriptions run over a websocket (graphql-transport-ws on /graphql), not over HTTP.",
                ErrorCode.INVALID,
            )
        schema, document = context.schema._schema, context.graphql_document
        try:
            check_inputs(schema, document, operation, context.variables)
            cost = operation_cost(schema, document, operation, context.variables, settings.GRAPHQL_MAX_PAGE_SIZE)
        except ClientError:
            raise
        except Exception as exc:  # a bug of ours must not show its message, nor let the request through
            raise GraphQLError("Something went wrong on our side.", original_error=exc) from exc
        # a subscription's selection runs again on every event: its budget is far smaller
        limit = settings.GRAPHQL_MAX_SUBSCRIPTION_COST if live else settings.GRAPHQL_MAX_COST
        if cost > limit:
            raise ClientError(
                f"This {'subscription' if live else 'operation'} would cost {cost}; the limit is {limit}. "
                "Ask for fewer items (a smaller `first`) or fewer nested lists.",
                ErrorCode.TOO_COMPLEX,
                cost=cost,
                limit=limit,
            )


def _over_websocket(context) -> bool:
    request = getattr(context, "request", None)
    return getattr(request, "scope", {}).get("type") == "websocket"


def schema_extensions() -> list:
    """Factories, so every request gets fresh extension instances.

    Clients send the same few operation texts over and over (and a live video's viewers all
    send the same subscription), so parsed documents and their validation are cached. The
    validation cache keys on the rule classes too: the depth and alias rules are built once
    here, not per request, or no request would ever hit it."""
    limits = [
        *QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES).validation_rules,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        limits.append(NoSchemaIntrospectionCustomRule)
    return [
        partial(MaxTokensLimiter, max_token_count=settings.GRAPHQL_MAX_TOKENS),
        partial(AddValidationRules, limits),
        partial(ParserCache, maxsize=CACHED_DOCUMENTS),
        partial(ValidationCache, maxsize=CACHED_DOCUMENTS),
        RequestChecks,
        ReplicaReads,
        partial(
            MaskUnexpectedErrors, should_mask_error=_should_mask, error_message="Something went wrong on our side."
        ),
    ]
