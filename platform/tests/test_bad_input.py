"""No input, however odd, produces a 500 or a half-done change."""

import json

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

ODD_STRINGS = ["", " ", "\u0000", "a\u0000b", "💥" * 40, "x" * 100_000, "' OR 1=1 --", "<script>", "\ud800"]
OPERATIONS = [
    ("mutation($v: String!) { register(input: {username: $v, email: $v, password: $v}) { errors { code } } }", "v"),
    ("mutation($v: String!) { login(input: {username: $v, password: $v}) { errors { code } } }", "v"),
    ("mutation($v: String!) { updateProfile(input: {displayName: $v, bio: $v}) { errors { code } } }", "v"),
    ("mutation($v: ID!) { follow(input: {userId: $v}) { errors { code } } }", "v"),
    ("mutation($v: ID!) { block(input: {userId: $v}) { errors { code } } }", "v"),
    ("query($v: String!) { user(username: $v) { username } }", "v"),
    ("query($v: ID!) { node(id: $v) { id } }", "v"),
    ('query($v: String) { user(username: "x") { followers(after: $v) { totalCount } } }', "v"),
]


@pytest.mark.parametrize("value", ODD_STRINGS, ids=range(len(ODD_STRINGS)))
@pytest.mark.parametrize(("query", "variable"), OPERATIONS, ids=[op[0][:30] for op in OPERATIONS])
def test_odd_strings_never_crash(api, query, variable, value):
    body = json.dumps({"query": query, "variables": {variable: value}})
    response = api.http.post(
        "/graphql", data=body, content_type="application/json", headers={"Authorization": f"Bearer {api.token}"}
    )
    assert response.status_code < 500, response.content
    json.loads(response.content)
    assert User.objects.count() == 1  # only the signed-in viewer


@pytest.mark.parametrize("value", [None, 0, -1, 10**12, "ten"])
def test_odd_page_sizes_never_crash(anon, value):
    response = anon.post('query($n: Int) { user(username: "x") { followers(first: $n) { totalCount } } }', {"n": value})
    assert response.status_code < 500


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"null",
        b"[]",
        b"[1,2]",
        b'"query"',
        b'{"query": 5}',
        b'{"query": "{ __typename }", "variables": "x"}',
        b'{"query": "{ __typename }", "operationName": 7}',
        b"\xff\xfe",
        b'{"query": "\\u0000"}',
    ],
)
def test_malformed_bodies_are_4xx(raw):
    response = Client().post("/graphql", data=raw, content_type="application/json")
    assert 400 <= response.status_code < 500 or (response.status_code == 200 and response.json().get("errors"))
