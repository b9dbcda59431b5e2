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


def node_pk(value: str, type_name: str) -> int | None:
    """The primary key inside a global ID of `type_name`, or None for anything else."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name or not parsed[1].isdigit():
        return None
    return int(parsed[1])


def decode_global_id(value: str, type_name: str, field: str) -> str:
    """The node id inside a global ID of `type_name`, or a field error for the payload."""
    parsed = parse_global_id(value)
    if parsed is None:
        raise ValidationError({field: ValidationError("That is not a valid ID.", code="invalid")})
    if parsed[0] != type_name:
        raise ValidationError({field: ValidationError(f"That ID is not a {type_name}.", code="invalid")})
    return parsed[1]
