"""platform/graphql/internals.py reaches past the libraries' public API; these fail first if an
upgrade of strawberry-graphql or strawberry-graphql-django moves what it relies on."""

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from accounts.services.social_graph import follow
from conftest import make_user
from platform.graphql.internals import provided_operation_name


def test_the_operation_name_the_client_sent_can_be_told_from_the_default():
    seen = []

    class Spy(SchemaExtension):
        def on_execute(self):
            seen.append(provided_operation_name(self.execution_context))
            yield

    @strawberry.type
    class Query:
        @strawberry.field
        def ping(self) -> str:
            return "pong"

    schema = strawberry.Schema(query=Query, extensions=[Spy])
    assert schema.execute_sync("query Named { ping }").data == {"ping": "pong"}
    assert schema.execute_sync("query Named { ping }", operation_name="Named").data == {"ping": "pong"}
    assert seen == [None, "Named"]


@pytest.mark.django_db
def test_an_ordered_relation_is_prefetched_in_its_through_tables_order(anon, django_assert_max_num_queries):
    star, fans = make_user("star"), [make_user(f"fan{i}") for i in range(3)]
    for fan in (fans[1], fans[2], fans[0]):
        follow(fan, star)
        follow(star, fan)
    query = '{ user(username: "star") { following(first: 5) { edges { node { username followers(first: 5) {'
    query += " edges { node { username } } } } } } } }"
    with django_assert_max_num_queries(3):
        data = anon.execute(query)
    edges = data["user"]["following"]["edges"]
    assert [e["node"]["username"] for e in edges] == ["fan0", "fan2", "fan1"]  # newest follow first
    assert {e["node"]["followers"]["edges"][0]["node"]["username"] for e in edges} == {"star"}


def test_a_private_accounts_lists_stay_hidden_at_the_root_and_nested_in_a_prefetched_list(client_for):
    """`ordered_relation(hidden=...)` overrides StrawberryDjangoField.get_result (0.93): if an
    upgrade stops calling it, a private account's followers and following would leak silently,
    both where the field is resolved alone and where the optimizer prefetched it."""
    from accounts.models import User

    secret, fan, stranger = make_user("secret"), make_user("fan"), make_user("stranger")
    follow(fan, secret)
    follow(secret, fan)
    User.objects.filter(pk=secret.pk).update(is_private=True)
    lists = "followers(first: 5) { edges { node { username } } } following(first: 5) { edges { node { username } } }"
    at_root = client_for(stranger).execute('{ user(username: "secret") { %s } }' % lists)["user"]
    nested = client_for(stranger).execute(
        '{ user(username: "fan") { following(first: 5) { edges { node { %s } } } } }' % lists
    )
    in_a_list = nested["user"]["following"]["edges"][0]["node"]
    assert at_root == in_a_list == {"followers": {"edges": []}, "following": {"edges": []}}
    shown = client_for(fan).execute('{ user(username: "secret") { %s } }' % lists)["user"]  # a follower sees them
    assert shown["followers"]["edges"] == [{"node": {"username": "fan"}}]


@pytest.mark.django_db(transaction=True)
def test_a_resolver_marked_on_the_loop_costs_no_thread_hop(hops):
    """`on_the_loop` relies on strawberry-django (0.93) honouring `is_async_safe` on a
    resolver's function: displayName (marked) must not add a hop to the query without it."""
    from accounts.services.tokens import issue_token
    from platform.tests.test_thread_hops import _post

    token = issue_token(make_user("viewer", display_name="Vee"))[0]
    counts = []
    for query in ("{ viewer { username } }", "{ viewer { username displayName } }"):
        _post({"query": query}, Authorization=f"Bearer {token}")
        hops.clear()
        status, body = _post({"query": query}, Authorization=f"Bearer {token}")
        assert status == 200 and body["data"]["viewer"]["username"] == "viewer", body
        counts.append(len(hops))
    assert counts[0] == counts[1], hops
