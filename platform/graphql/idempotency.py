"""Idempotency keys for the mutations a phone retries on a flaky network.

A client that sends `idempotencyKey` (its own UUID, one per action) may send the mutation
again, after a timeout or a dropped connection, and it is carried out once: the retry gets the
answer of the first attempt, with the objects it names read afresh. The claim of the key, the
mutation's writes and the answer kept for retries commit in one transaction, so a request
killed half-way leaves no key behind and its retry runs afresh; two copies in flight at once
meet at the key's unique index, where the second waits for the first to commit and then
answers from it. A key sent with different input is refused (IDEMPOTENCY_KEY_REUSED).

Refusals (payload errors) are not kept: the retry runs again, and may now succeed."""

import dataclasses
import enum
import functools
import hashlib
import json
import typing

import strawberry
from django.apps import apps
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from strawberry import Info, LazyType

from platform.rate_limits import RateLimited

from ..models import IdempotentRequest
from .errors import ErrorCode, UserError
from .input_limits import MaxLength
from .lists import visible_rows
from .viewer import anonymous_session_key, current_user

MAX_KEY_LENGTH = 64

_CLAIM = """
INSERT INTO accounts_idempotentrequest (actor, key, operation, fingerprint, result, created_at)
VALUES (%s, %s, %s, %s, '{}', now())
ON CONFLICT (actor, key) DO NOTHING RETURNING id
"""


def idempotency_key_field():
    return strawberry.field(
        default=None,
        directives=[MaxLength(length=MAX_KEY_LENGTH)],
        description="Your own id for this action (a UUID): sent again, the action is carried out once.",
    )


class _Refused(Exception):
    """The mutation answered with errors: roll its key back so a retry runs afresh."""

    def __init__(self, payload):
        self.payload = payload


def idempotent(resolver):
    """Make a mutation resolver `(self, info, input) -> Payload` honour `input.idempotency_key`."""
    payload_type = typing.get_type_hints(resolver)["return"]
    operation = resolver.__name__

    @functools.wraps(resolver)
    def wrapper(self, info: Info, input):
        key = input.idempotency_key
        if key is None:
            return resolver(self, info, input)
        if not key.strip():
            return _error(payload_type, "Send a non-empty idempotency key, or none.", ErrorCode.INVALID)
        actor, fingerprint = _actor(info), _fingerprint(operation, input)
        if actor is None:
            return resolver(self, info, input)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(_CLAIM, [actor, key, operation, fingerprint])
                    claimed = cursor.fetchone()
                if claimed is not None:
                    payload = resolver(self, info, input)
                    if payload.errors:
                        raise _Refused(payload)
                    IdempotentRequest.objects.filter(pk=claimed[0]).update(result=_remember(payload))
                    return payload
        except _Refused as refused:
            return refused.payload
        earlier = IdempotentRequest.objects.get(actor=actor, key=key)
        if (earlier.operation, earlier.fingerprint) != (operation, fingerprint):
            return _error(
                payload_type,
                "This idempotency key was already used for another request: use a new key for each action.",
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
            )
        return _recall(payload_type, earlier.result, info)

    return wrapper


def _error(payload_type, message: str, code: ErrorCode):
    return payload_type(errors=[UserError(field="idempotencyKey", message=message, code=code)])


def _actor(info: Info) -> str | None:
    """Whose keys these are: the account, or an anonymous viewer's session (made now if need
    be). None when no session may be made (too many from this address): the mutation then
    runs without its key, as if none was sent, rather than fail for it."""
    user = current_user(info)
    if user is not None:
        return f"u:{user.pk}"
    try:
        return f"s:{anonymous_session_key(info)}"
    except RateLimited:
        return None


def _plain(value):
    """The input as JSON, for its fingerprint; an upload counts by its name and size."""
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "idempotency_key"
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, UploadedFile):
        return {"upload": value.name, "size": value.size}
    return value


def _fingerprint(operation: str, input) -> str:
    body = json.dumps([operation, _plain(input)], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _remember(payload) -> dict:
    """The payload's fields, with model instances kept as references to read again."""
    kept = {}
    for field in dataclasses.fields(payload):
        value = getattr(payload, field.name)
        if field.name == "errors":
            continue
        if isinstance(value, models.Model):
            kept[field.name] = {"model": value._meta.label_lower, "pk": value.pk}
        elif value is None or isinstance(value, str | int | bool):
            kept[field.name] = {"value": value}
        else:
            raise TypeError(f"{type(payload).__name__}.{field.name} cannot be kept for retries")
    return kept


def _recall(payload_type, kept: dict, info: Info):
    values = {}
    for name, ref in kept.items():
        if "model" in ref:
            # read afresh and as the viewer is now: a retry sees today's counters, or null if the
            # object is gone or no longer theirs to see (made private, or they were blocked since)
            rows = apps.get_model(ref["model"])._default_manager.filter(pk=ref["pk"])
            values[name] = visible_rows(info, rows, _field_type(payload_type, name)).first()
        else:
            values[name] = ref["value"]
    return payload_type(**values)


def _field_type(payload_type, name: str):
    """The Strawberry type a payload's field holds (Video for `video: VideoType | None`)."""
    field = next(f for f in payload_type.__strawberry_definition__.fields if f.python_name == name)
    kind = field.type
    while True:
        if isinstance(kind, LazyType):
            kind = kind.resolve_type()
        elif hasattr(kind, "of_type"):
            kind = kind.of_type
        else:
            return kind
