"""Browsers use a session cookie; a forged cross-site form must not be able to act with it."""

import json

import pytest
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

BIO = 'mutation { updateProfile(input: {bio: "pwned"}) { errors { code } } }'


@pytest.fixture
def browser(user):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="viewer", password=PASSWORD)
    return client


def multipart(client, headers=None):
    data = {"operations": json.dumps({"query": BIO, "variables": {}}), "map": "{}"}
    return client.post("/graphql", data=data, headers=headers or {})


def bio(user):
    user.refresh_from_db()
    return user.bio


def test_multipart_without_csrf_token_is_refused(browser, user):
    response = multipart(browser)
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]
    assert bio(user) == ""


def test_multipart_with_csrf_token_is_accepted(browser, user):
    browser.get("/admin/login/")  # any page that sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    assert multipart(browser, {"X-CSRFToken": token}).status_code == 200
    assert bio(user) == "pwned"


def test_multipart_with_a_preflight_forcing_header_is_accepted(browser, user):
    assert multipart(browser, {"Apollo-Require-Preflight": "true"}).status_code == 200
    assert bio(user) == "pwned"


def test_json_posts_need_no_token_because_they_cannot_be_sent_cross_site(browser, user):
    response = browser.post("/graphql", data=json.dumps({"query": BIO}), content_type="application/json")
    assert response.status_code == 200
    assert bio(user) == "pwned"


def test_a_form_post_with_a_simple_content_type_is_refused(browser, user):
    response = browser.post("/graphql", data=json.dumps({"query": BIO}), content_type="text/plain")
    assert response.status_code == 403
    assert bio(user) == ""


def test_bearer_token_requests_need_no_csrf_token(api, user):
    response = api.upload(BIO, {}, {}, headers={})
    assert response.status_code == 200
    assert bio(user) == "pwned"
