"""Thread hops per request, counted, not timed (issue #27): each `sync_to_async` call is a trip to
the thread pool and back. Django's middleware made 16 of them for `{ __typename }`; run on the
event loop (platform/middleware_on_loop.py) it makes the two Django's request signals need.
These fail if a change, or an upgrade of Django, brings the hops back."""

import asyncio
import json

import pytest
from django.test import AsyncClient

from accounts.services.tokens import issue_token
from conftest import make_user

TYPENAME = {"query": "{ __typename }"}


def _post(body: dict, **headers) -> tuple[int, list]:
    async def run():
        client = AsyncClient()
        await client.post("/graphql", body, content_type="application/json", headers=headers)  # warm
        return await client.post("/graphql", body, content_type="application/json", headers=headers)

    response = asyncio.run(run())
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db(transaction=True)
def test_an_empty_query_makes_only_the_request_signals_hops(hops):
    status, body = _post(TYPENAME)
    assert status == 200 and body == {"data": {"__typename": "Query"}}
    hops.clear()
    _post(TYPENAME)
    per_request = len(hops) / 2  # a warm-up request and the measured one
    assert per_request <= 2, hops  # request_started's receivers and the response's close


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_query_adds_only_its_token_and_its_resolver(hops):
    token = issue_token(make_user("viewer"))[0]
    _post({"query": "{ viewer { username } }"}, Authorization=f"Bearer {token}")
    hops.clear()
    status, body = _post({"query": "{ viewer { username } }"}, Authorization=f"Bearer {token}")
    assert status == 200 and body == {"data": {"viewer": {"username": "viewer"}}}
    per_request = len(hops) / 2
    # the signals, the token's look-up, and the resolver's two trips for the ORM (its queryset
    # hook and its result: strawberry-django's, the next lever): none for any middleware
    assert per_request <= 5, hops
    assert not [hop for hop in hops if "Middleware" in hop], hops
