"""Domain events: how a service says what happened, and how other apps act on it.

A service announces an event once its change is made, inside its transaction. The handlers
subscribed to the event's type then run in that same transaction (so a notification exists
exactly when its cause does, and a failing handler undoes the change), or, when subscribed
`after_commit`, once it commits (telling live connections: nothing is said of a change that
rolled back).

Model signals did this job before, and a bulk `.update()`, `bulk_create` or raw SQL skipped
them silently. An event is the service's own statement, whatever SQL made the change: a bulk
path announces one event naming every row it changed, and its handlers see what the
single-row path's see. Each app declares the events it announces in its `events.py`, as frozen
dataclasses of plain values; the apps that listen subscribe in their `handlers.py`.
"""

import contextlib
import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """The base of every domain event (a frozen dataclass: handlers cannot change what happened)."""


Handler = Callable[[Event], object]

# event type -> [(handler, after_commit)], in subscription order
_handlers: dict[type[Event], list[tuple[Handler, bool]]] = defaultdict(list)


def subscribe(*event_types: type[Event], after_commit: bool = False) -> Callable[[Handler], Handler]:
    """Run the decorated handler on every announced event of these types. Subscribing the same
    handler again changes nothing (apps' `ready()` may run twice in tests)."""

    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            if not (isinstance(event_type, type) and issubclass(event_type, Event)):
                raise TypeError(f"{event_type!r} is not an Event type")
            entries = _handlers[event_type]
            if all(existing is not handler for existing, _ in entries):
                entries.append((handler, after_commit))
        return handler

    return register


def announce(event: Event) -> list:
    """Run `event`'s handlers: the in-transaction ones now, in order, returning their answers
    (an account's data export gathers its parts so); the after-commit ones once the current
    transaction commits, each on its own (one failing, logged, does not stop the others)."""
    if not isinstance(event, Event):
        raise TypeError(f"{event!r} is not an Event")
    answers = []
    for handler, after_commit in list(_handlers[type(event)]):
        if after_commit:
            transaction.on_commit(functools.partial(handler, event), robust=True)
        else:
            answers.append(handler(event))
    return answers


def handlers_of(event_type: type[Event]) -> list[Handler]:
    return [handler for handler, _ in _handlers[event_type]]


@contextlib.contextmanager
def without(handler: Handler) -> Iterator[None]:
    """Run a block with `handler` unsubscribed (a benchmark's "feature off" half)."""
    removed = {}
    for event_type, entries in _handlers.items():
        for index, (existing, after_commit) in enumerate(entries):
            if existing is handler:
                removed[event_type] = (index, after_commit)
        entries[:] = [entry for entry in entries if entry[0] is not handler]
    try:
        yield
    finally:
        for event_type, (index, after_commit) in removed.items():
            _handlers[event_type].insert(index, (handler, after_commit))


@contextlib.contextmanager
def recorded(*event_types: type[Event]) -> Iterator[list[Event]]:
    """Collect the events of these types announced inside the block, in order (for tests and
    benchmarks that check what a service said, not only what its handlers did)."""
    seen: list[Event] = []

    def record(event: Event) -> None:
        seen.append(event)

    subscribe(*event_types)(record)
    try:
        yield seen
    finally:
        for event_type in event_types:
            _handlers[event_type][:] = [entry for entry in _handlers[event_type] if entry[0] is not record]
