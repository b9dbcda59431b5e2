"""Identical subscriptions share one execution per event; anything that may differ per viewer
is still executed per subscriber."""

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator
from dataclasses import dataclass

import strawberry
from strawberry import Info

from platform.graphql.shared_events import SHAREABLE, SharedEventExecutor, share

calls: Counter = Counter()
listeners: list[asyncio.Queue] = []


@dataclass(frozen=True)
class Account:
    pk: int
    is_authenticated: bool = True


@dataclass
class Request:
    host: str
    user: Account | None = None

    def build_absolute_uri(self, location: str) -> str:
        return f"http://{self.host}{location}"


@dataclass
class Context:
    viewer: str  # what seenBy reports: the account's name, or "anonymous"
    request: Request


@strawberry.type
class Item:
    name: str

    @strawberry.field(metadata=SHAREABLE)
    def shout(self, times: int = 1) -> str:
        calls["shout"] += 1
        return self.name.upper() * times

    @strawberry.field
    def seen_by(self, info: Info) -> str:
        calls["seen_by"] += 1
        return info.context.viewer


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def items(self) -> AsyncGenerator[Item, None]:
        queue: asyncio.Queue = asyncio.Queue()
        listeners.append(queue)
        while True:
            yield await queue.get()


schema = strawberry.Schema(query=Query, subscription=Subscription, execution_context_class=SharedEventExecutor)


def deliver(query: str, contexts: list[Context], item: Item, variables: dict | None = None) -> list[dict]:
    """Subscribe once per context, publish `item` to every subscriber, return what each got."""

    async def run():
        listeners.clear()
        calls.clear()
        streams = [await schema.subscribe(query, variable_values=variables, context_value=c) for c in contexts]
        firsts = [asyncio.ensure_future(stream.__anext__()) for stream in streams]
        while len(listeners) < len(contexts):
            await asyncio.sleep(0)
        for queue in listeners:
            queue.put_nowait(item)
        results = await asyncio.gather(*firsts)
        for stream in streams:
            await stream.aclose()
        assert all(not result.errors for result in results), [result.errors for result in results]
        return [result.data["items"] for result in results]

    return asyncio.run(run())


ACCOUNTS = {"ann": 1, "bob": 2, "cy": 3}


def viewers(*names: str, host: str = "example.com") -> list[Context]:
    """A subscriber per name: a signed-in account, or an anonymous visitor for "anonymous"."""
    return [
        Context(viewer=name, request=Request(host, Account(ACCOUNTS[name]) if name in ACCOUNTS else None))
        for name in names
    ]


def test_identical_selections_are_executed_once_per_event():
    got = deliver("subscription { items { name shout } }", viewers("ann", "bob", "cy"), share(Item(name="hi")))
    assert got == [{"name": "hi", "shout": "HI"}] * 3
    assert calls["shout"] == 1


def test_fields_that_read_the_request_are_executed_for_each_viewer():
    got = deliver("subscription { items { shout seenBy } }", viewers("ann", "bob"), share(Item(name="hi")))
    assert got == [{"shout": "HI", "seenBy": "ann"}, {"shout": "HI", "seenBy": "bob"}]
    assert calls["seen_by"] == 2


def test_anonymous_subscribers_share_even_a_per_viewer_selection():
    """Every anonymous visitor gets the same answer from the rules: a hundred of them cost one
    execution of a selection that reads the viewer, not a hundred."""
    got = deliver("subscription { items { seenBy } }", viewers(*["anonymous"] * 100), share(Item(name="hi")))
    assert got == [{"seenBy": "anonymous"}] * 100
    assert calls["seen_by"] == 1


def test_one_accounts_subscriptions_share_but_not_with_others():
    got = deliver("subscription { items { seenBy } }", viewers("ann", "ann", "bob", "anonymous"), share(Item(name="x")))
    assert got == [{"seenBy": "ann"}, {"seenBy": "ann"}, {"seenBy": "bob"}, {"seenBy": "anonymous"}]
    assert calls["seen_by"] == 3


def test_fragments_are_checked_too():
    query = "subscription { items { ...Parts } } fragment Parts on Item { seenBy }"
    got = deliver(query, viewers("ann", "bob"), share(Item(name="hi")))
    assert got == [{"seenBy": "ann"}, {"seenBy": "bob"}]


def test_different_variables_or_hosts_are_not_shared():
    query = "subscription($n: Int!) { items { shout(times: $n) } }"
    two = viewers("ann", "bob")
    assert deliver(query, two, share(Item(name="a")), {"n": 2}) == [{"shout": "AA"}] * 2
    assert calls["shout"] == 1
    hosts = viewers("ann", host="one.example") + viewers("bob", host="two.example")
    deliver("subscription { items { shout } }", hosts, share(Item(name="a")))
    assert calls["shout"] == 2


def test_events_not_marked_as_shared_are_executed_per_subscriber():
    got = deliver("subscription { items { shout } }", viewers("ann", "bob"), Item(name="hi"))
    assert got == [{"shout": "HI"}] * 2
    assert calls["shout"] == 2
