"""The domain-event bus (platform/events.py): in-transaction handlers share the change's fate,
after-commit ones hear only of committed changes, and every declared event is heard."""

import dataclasses
import importlib
import inspect
import weakref

import pytest
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import User
from conftest import make_user
from platform import events
from platform.events import Event, announce, subscribe

APPS = ("accounts", "videos", "feed", "notifications")


@dataclasses.dataclass(frozen=True)
class Pinged(Event):
    user_id: int


@pytest.fixture
def heard():
    """A handler of each kind for Pinged, removed afterwards."""
    log = []

    def rename(event):
        User.objects.filter(pk=event.user_id).update(first_name="renamed")
        log.append(("now", event.user_id))
        return "renamed"

    def tell(event):
        log.append(("after commit", event.user_id))

    subscribe(Pinged)(rename)
    subscribe(Pinged, after_commit=True)(tell)
    subscribe(Pinged)(rename)  # twice changes nothing
    yield log
    events._handlers.pop(Pinged, None)


@pytest.mark.django_db(transaction=True)
def test_handlers_run_in_the_transaction_and_after_it_commits(heard):
    someone = make_user("someone")
    with transaction.atomic():
        assert announce(Pinged(someone.pk)) == ["renamed"]
        assert heard == [("now", someone.pk)]
    assert heard == [("now", someone.pk), ("after commit", someone.pk)]
    assert User.objects.get(pk=someone.pk).first_name == "renamed"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_told_and_its_handlers_work_is_undone(heard):
    someone = make_user("someone")
    with pytest.raises(RuntimeError), transaction.atomic():
        announce(Pinged(someone.pk))
        raise RuntimeError("the service failed after announcing")
    assert heard == [("now", someone.pk)]
    assert User.objects.get(pk=someone.pk).first_name == ""


def test_only_events_are_announced_or_subscribed_to():
    with pytest.raises(TypeError):
        announce({"type": "pinged"})
    with pytest.raises(TypeError):
        subscribe(dict)(print)


def _declared_events():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.events")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Event) and cls is not Event and cls.__module__ == module.__name__:
                yield cls


def test_every_declared_event_is_a_frozen_dataclass_that_someone_hears():
    declared = list(_declared_events())
    assert len(declared) >= 15
    for cls in declared:
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls
        assert events.handlers_of(cls), f"{cls.__name__} is announced but nobody subscribes"


def test_no_app_reacts_to_model_signals_any_more():
    """Issue #23: side effects hang off explicit events, which bulk paths cannot skip; a
    post_save receiver would be silently skipped by `.update()` and `bulk_create`."""
    assert not [name for name in _model_signal_receivers() if name.split(".")[0] in APPS]


def _model_signal_receivers() -> list[str]:
    names = []
    for signal in (post_save, post_delete, m2m_changed):
        for entry in signal.receivers:  # (lookup key, receiver or its weak reference, is_async): Django 5.2
            receiver = entry[1]
            target = receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
            names.append(f"{target.__module__}.{target.__qualname__}")
    return names


def test_the_model_signal_check_sees_a_receiver():
    def stray(sender, **kwargs): ...

    post_save.connect(stray, sender=User, dispatch_uid="test.stray")
    try:
        assert f"{__name__}.test_the_model_signal_check_sees_a_receiver.<locals>.stray" in _model_signal_receivers()
    finally:
        post_save.disconnect(dispatch_uid="test.stray", sender=User)
