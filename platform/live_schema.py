"""Live events are typed: each event type the apps publish on the channel layer declares its
fields once (a TypedDict registered here), and every event is checked against its declaration
before it is sent, so a subscriber in another process never meets a shape it does not expect.
platform/tests/test_live_events.py makes each kind of event happen for real and checks it, as
Zulip's test_events does."""

import types
import typing
from typing import Literal, TypedDict, get_args, get_origin, get_type_hints

_declared: dict[str, type] = {}


def declare(event_type: str, fields: type) -> None:
    """`fields`: a TypedDict whose `type` is Literal[event_type]."""
    _declared[event_type] = fields


def declared() -> dict[str, type]:
    return dict(_declared)


class EventShapeError(TypeError):
    pass


def _check(value, annotation, where: str) -> None:
    origin = get_origin(annotation)
    if origin is Literal:
        if value not in get_args(annotation):
            raise EventShapeError(f"{where}: {value!r} is not one of {get_args(annotation)}")
    elif origin in (types.UnionType, typing.Union):
        errors = []
        for option in get_args(annotation):
            try:
                return _check(value, option, where)
            except EventShapeError as error:
                errors.append(str(error))
        raise EventShapeError("; ".join(errors))
    elif annotation is type(None):
        if value is not None:
            raise EventShapeError(f"{where}: {value!r} is not null")
    elif typing.is_typeddict(annotation):
        _check_fields(value, annotation, where)
    elif annotation is bool:
        if not isinstance(value, bool):
            raise EventShapeError(f"{where}: {value!r} is not a bool")
    elif annotation is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise EventShapeError(f"{where}: {value!r} is not an int")
    elif not isinstance(value, annotation):
        raise EventShapeError(f"{where}: {value!r} is not a {annotation.__name__}")


def _check_fields(event, fields: type, where: str) -> None:
    if not isinstance(event, dict):
        raise EventShapeError(f"{where}: {event!r} is not an object")
    hints = get_type_hints(fields)
    if set(event) != set(hints):
        raise EventShapeError(f"{where}: fields {sorted(event)}, declared {sorted(hints)}")
    for name, annotation in hints.items():
        _check(event[name], annotation, f"{where}.{name}")


def check(event: dict) -> None:
    """EventShapeError unless `event` is exactly what its type declares."""
    event_type = event.get("type") if isinstance(event, dict) else None
    fields = _declared.get(event_type)
    if fields is None:
        raise EventShapeError(f"undeclared live event type {event_type!r}")
    _check_fields(event, fields, event_type)


__all__ = ["EventShapeError", "Literal", "TypedDict", "check", "declare", "declared"]
