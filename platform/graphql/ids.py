"""Relay global IDs from clients: parsed once, the same way everywhere."""

from django.core.exceptions import ValidationError
from strawberry import relay


def parse_global_id(value: str) -> tuple[str, str] | None:
    """(type name, node id) of a global ID, or None when it is not one."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception:  # strawberry raises several types for malformed base64/JSON
        return None
    return global_id.type_name, global_id.node_id


def is_key(text: str) -> bool:
    """Whether a node id can be a primary key: a PostgreSQL bigint (a 40-digit number is not)."""
    return text.isdigit() and int(text) < 2**63


def node_pk(value: str, type_name: str) -> int | None:
    """The primary key inside a global ID of `type_name`, or None for anything else (keys
    are PostgreSQL bigints: a 40-digit number is not one)."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name or not is_key(parsed[1]):
        return None
    return int(parsed[1])


def decode_global_id(value: str, type_name: str, field: str) -> int:
    """The primary key inside a global ID of `type_name`, or a field error for the payload."""
    parsed = parse_global_id(value)
    if parsed is None or not is_key(parsed[1]):
        raise ValidationError({field: ValidationError("That is not a valid ID.", code="invalid")})
    if parsed[0] != type_name:
        raise ValidationError({field: ValidationError(f"That ID is not a {type_name}.", code="invalid")})
    return int(parsed[1])
