"""Automatic persisted queries (Apollo's protocol): a client sends a hash, and the document only
when the server does not know it yet."""

import hashlib
import json

import pytest

from platform.graphql.persisted_queries import DocumentStore

QUERY = "query Me { viewer { username } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def _persisted(digest: str = DIGEST, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def _post(client, body: dict):
    response = client.http.post(
        "/graphql",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {client.token}"} if client.token else {},
    )
    return response.status_code, response.json()


@pytest.fixture(autouse=True)
def _empty_store(monkeypatch):
    from platform.graphql import persisted_queries

    monkeypatch.setattr(persisted_queries, "STORE", DocumentStore(100, 1 << 20))
    monkeypatch.setattr(persisted_queries.resolve_persisted, "__defaults__", (persisted_queries.STORE,))


@pytest.mark.django_db
def test_an_unknown_hash_asks_for_the_document_then_the_hash_alone_runs_it(api):
    status, body = _post(api, {"extensions": _persisted()})
    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"

    status, body = _post(api, {"query": QUERY, "extensions": _persisted()})
    assert status == 200 and body == {"data": {"viewer": {"username": "viewer"}}}

    status, body = _post(api, {"extensions": _persisted(), "operationName": "Me"})
    assert status == 200 and body == {"data": {"viewer": {"username": "viewer"}}}


@pytest.mark.django_db
def test_a_hash_that_is_not_the_documents_is_refused_and_not_remembered(api):
    other = hashlib.sha256(b"{ __typename }").hexdigest()
    status, body = _post(api, {"query": QUERY, "extensions": _persisted(other)})
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    status, body = _post(api, {"extensions": _persisted(other)})
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extensions",
    [_persisted(version=2), _persisted("not-a-hash"), _persisted(DIGEST.upper()), {"persistedQuery": "yes"}],
)
def test_malformed_persisted_query_extensions_are_refused_with_a_code(api, extensions):
    status, body = _post(api, {"query": QUERY, "extensions": extensions})
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_INVALID"


def test_the_store_is_bounded_in_entries_and_in_bytes_dropping_the_least_recently_used():
    store = DocumentStore(max_entries=3, max_bytes=100)
    for name in "abc":
        store.put(name * 64, name * 10)
    assert store.get("a" * 64) == "a" * 10  # now the most recently used
    store.put("d" * 64, "d" * 10)
    assert store.get("b" * 64) is None and store.get("a" * 64) is not None
    store.put("e" * 64, "e" * 80)  # over the byte budget with the others: they go, oldest first
    assert store.bytes <= 100 and store.get("e" * 64) == "e" * 80
    assert len(store.documents) <= 3
    store.put("f" * 64, "f" * 101)  # bigger than the whole budget: never kept
    assert store.get("f" * 64) is None and store.bytes <= 100


@pytest.mark.django_db
def test_a_known_hash_runs_over_get_too(anon):
    query = "{ __typename }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    _post(anon, {"query": query, "extensions": _persisted(digest)})
    response = anon.http.get("/graphql", {"extensions": json.dumps(_persisted(digest))}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}
