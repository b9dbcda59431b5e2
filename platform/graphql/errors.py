"""Typed payload errors.

Domain problems (bad input, missing permission) are data: every mutation payload carries
``errors: [UserError!]!`` and nothing is written when it is non-empty. Services raise
Django's ``ValidationError`` / ``PermissionDenied``; ``collect_user_errors`` turns them into
``UserError`` values with a field path in the client's own (camelCase) names.
"""

import enum
from dataclasses import dataclass, field

import strawberry
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from graphql import GraphQLError
from strawberry.utils.str_converters import to_camel_case

from platform.rate_limits import RateLimited

from .cost import ListSize


@strawberry.enum(description="Why an operation was refused. Stable: clients may branch on it.")
class ErrorCode(enum.Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    TOO_LARGE = "TOO_LARGE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TAKEN = "TAKEN"
    RESERVED = "RESERVED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    BLOCKED = "BLOCKED"
    SELF_ACTION = "SELF_ACTION"
    INVALID_VIDEO = "INVALID_VIDEO"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    INVALID_STATE = "INVALID_STATE"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    TOO_COMPLEX = "TOO_COMPLEX"
    UNAVAILABLE = "UNAVAILABLE"
    LIVE_INTERRUPTED = "LIVE_INTERRUPTED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    EMAIL_UNVERIFIED = "EMAIL_UNVERIFIED"
    EXPIRED = "EXPIRED"


# Django's own validator codes, folded into the codes above.
_DJANGO_CODES = {
    "blank": ErrorCode.REQUIRED,
    "null": ErrorCode.REQUIRED,
    "required": ErrorCode.REQUIRED,
    "min_length": ErrorCode.TOO_SHORT,
    "max_length": ErrorCode.TOO_LONG,
    "unique": ErrorCode.TAKEN,
    "password_too_short": ErrorCode.WEAK_PASSWORD,
    "password_too_common": ErrorCode.WEAK_PASSWORD,
    "password_entirely_numeric": ErrorCode.WEAK_PASSWORD,
    "password_too_similar": ErrorCode.WEAK_PASSWORD,
    "invalid_image": ErrorCode.INVALID,
    "min_value": ErrorCode.OUT_OF_RANGE,
    "max_value": ErrorCode.OUT_OF_RANGE,
}


def error_code(code: str | None) -> ErrorCode:
    if code is None:
        return ErrorCode.INVALID
    if code in _DJANGO_CODES:
        return _DJANGO_CODES[code]
    try:
        return ErrorCode[code.upper()]
    except KeyError:
        return ErrorCode.INVALID


@strawberry.type(description="A problem with the input or the caller's rights; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null for the whole input."
    )
    message: str = strawberry.field(description="A sentence to show the user.")
    code: ErrorCode = strawberry.field(description="A stable, machine-readable code.")
    retry_after: int | None = strawberry.field(
        default=None, description="For RATE_LIMITED: seconds to wait before trying again."
    )


# every mutation's one argument (Relay's input-object convention)
MUTATION_INPUT = strawberry.argument(description="What the mutation needs; its input type describes each field.")


@strawberry.type(description="What a mutation answers: its result, or the problems that stopped it.")
class Payload:
    """What every mutation answers: its result fields (in subclasses) and the problems that
    stopped it; nothing was changed when `errors` is not empty."""

    # one per input field at most, and a few for the whole request
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        directives=[ListSize(max=20)],
        description="Why nothing was changed: empty when the mutation succeeded (at most 20).",
    )


@strawberry.type(description="The answer of a mutation that has nothing to return but whether it was done.")
class OkPayload(Payload):
    ok: bool = strawberry.field(default=False, description="True when it was done (errors is then empty).")


class SignInRequired(PermissionDenied):
    """The operation needs a signed-in account and the caller has none."""


class ClientError(GraphQLError):
    """A request the client got wrong outside a mutation payload: an argument too long, a
    malformed cursor or ID, a query over the cost limit. It reaches the client as a GraphQL
    error whose extensions carry the same `code` (and `field`) a payload error would, and it
    is never logged as a failure of ours."""

    def __init__(self, message: str, code: ErrorCode, *, field: str | None = None, **extensions):
        super().__init__(message, extensions=client_error_extensions(code, field=field, **extensions))


def client_error_extensions(code: ErrorCode, *, field: str | None = None, **extensions) -> dict:
    """`code` for the client to branch on; `classification: BAD_USER_INPUT`, the label GraphQL
    tooling (Apollo, schemathesis) reads as "the request's fault, not the server's"."""
    return {"code": code.value, **({"field": field} if field else {}), "classification": "BAD_USER_INPUT", **extensions}


def user_errors_from(exc: Exception) -> list[UserError]:
    if isinstance(exc, RateLimited):
        return [UserError(field=None, message=exc.message, code=ErrorCode.RATE_LIMITED, retry_after=exc.retry_after)]
    if isinstance(exc, SignInRequired):
        return [UserError(field=None, message=str(exc) or "Sign in first.", code=ErrorCode.UNAUTHENTICATED)]
    if isinstance(exc, PermissionDenied):
        return [UserError(field=None, message=str(exc) or "You may not do that.", code=ErrorCode.PERMISSION_DENIED)]
    if isinstance(exc, ObjectDoesNotExist):
        return [UserError(field=None, message="Not found.", code=ErrorCode.NOT_FOUND)]
    assert isinstance(exc, ValidationError)
    errors = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for name, error_list in items:
        field_name = None if name in (None, NON_FIELD_ERRORS) else to_camel_case(name)
        for error in error_list:
            message = error.message % error.params if error.params else error.message
            errors.append(UserError(field=field_name, message=str(message), code=error_code(error.code)))
    return errors


@dataclass
class ErrorCollector:
    errors: list[UserError] = field(default_factory=list)

    def __enter__(self) -> "ErrorCollector":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None and isinstance(exc, (ValidationError, PermissionDenied, ObjectDoesNotExist)):
            self.errors = user_errors_from(exc)
            return True
        return False


def collect_user_errors() -> ErrorCollector:
    """Run a mutation body; domain exceptions become ``UserError`` values.

    with collect_user_errors() as failure:
        ...
        return Payload(thing=thing)
    return Payload(errors=failure.errors)
    """
    return ErrorCollector()
