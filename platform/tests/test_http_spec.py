"""GraphQL over HTTP, as the spec and browsers see it. (`.ci/run` also runs the spec's own
audit suite against the live server.)"""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

RESPONSE_JSON = "application/graphql-response+json"


def post(body, accept=None, content_type="application/json", **headers):
    if accept:
        headers["Accept"] = accept
    data = body if isinstance(body, str) else json.dumps(body)
    return Client().post("/graphql", data=data, content_type=content_type, headers=headers)


def test_application_json_is_the_default():
    response = post({"query": "{ __typename }"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


def test_graphql_response_json_when_the_client_asks_for_it():
    response = post({"query": "{ __typename }"}, accept=RESPONSE_JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{RESPONSE_JSON}; charset=utf-8"


@pytest.mark.parametrize("query", ["{", "{ noSuchField }", "query($n: Int!) { __typename }"])
def test_request_errors_are_400_without_data_for_graphql_response_json(query):
    response = post({"query": query}, accept=RESPONSE_JSON)
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body and body["errors"]


@pytest.mark.parametrize("query", ["{", "{ noSuchField }"])
def test_request_errors_stay_200_for_application_json(query):
    response = post({"query": query}, accept="application/json")
    assert response.status_code == 200
    assert response.json()["errors"]


def test_unparsable_json_is_a_400_with_a_json_error():
    response = post("{not json", accept=RESPONSE_JSON)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_mutations_are_refused_over_get():
    response = Client().get("/graphql", {"query": "mutation { logout { ok } }"}, headers={"Accept": RESPONSE_JSON})
    assert 400 <= response.status_code < 500


def test_queries_work_over_get():
    response = Client().get("/graphql", {"query": "{ __typename }"}, headers={"Accept": "application/json"})
    assert response.json() == {"data": {"__typename": "Query"}}


def test_unexpected_failures_are_masked_not_500(monkeypatch):
    from accounts.schema import queries

    def explode(*args, **kwargs):
        raise RuntimeError("password=hunter2 in some SQL")

    monkeypatch.setattr(queries.User.objects, "by_username", explode)
    response = post({"query": '{ user(username: "x") { username } }'})
    assert response.status_code == 200
    message = response.json()["errors"][0]["message"]
    assert "hunter2" not in message and message == "Something went wrong on our side."
