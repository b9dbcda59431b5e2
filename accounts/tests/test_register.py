import pytest

from accounts.models import AccessToken, User
from conftest import GraphQLClient, make_user

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    token
    user { username kind displayName followerCount }
    errors { field message code }
  }
}
"""
VIEWER = "{ viewer { username } }"


def register(client, **fields):
    data = {"username": "newbie", "email": "newbie@example.com", "password": "a long enough secret 42"}
    data.update(fields)
    return client.execute(REGISTER, {"input": data})["register"]


def codes(payload):
    return {(error["field"], error["code"]) for error in payload["errors"]}


@pytest.mark.django_db
def test_register_creates_account_signs_in_and_returns_token(anon):
    payload = register(anon, kind="CREATOR", displayName="Newbie")

    assert payload["errors"] == []
    assert payload["user"] == {"username": "newbie", "kind": "CREATOR", "displayName": "Newbie", "followerCount": 0}
    # the session cookie signs the browser in ...
    assert anon.execute(VIEWER)["viewer"] == {"username": "newbie"}
    # ... and the token signs an app in
    assert GraphQLClient(token=payload["token"]).execute(VIEWER)["viewer"] == {"username": "newbie"}


@pytest.mark.django_db
def test_token_is_stored_only_as_a_hash(anon):
    token = register(anon)["token"]
    stored = AccessToken.objects.get()
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


@pytest.mark.django_db
def test_username_is_unique_ignoring_case(anon):
    make_user("Taken")
    payload = register(anon, username="tAKEN")
    assert ("username", "TAKEN") in codes(payload)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_email_is_unique_ignoring_case(anon):
    make_user("someone")
    payload = register(anon, email="SOMEONE@example.com")
    assert codes(payload) == {("email", "TAKEN")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("ab", "TOO_SHORT"),
        ("x" * 31, "TOO_LONG"),
        ("has space", "INVALID"),
        ("emoji🙂", "INVALID"),
        (".dotfirst", "INVALID"),
        ("double..dot", "INVALID"),
        ("admin", "RESERVED"),
        ("", "REQUIRED"),
    ],
)
def test_bad_usernames_are_refused_with_a_reason(anon, username, code):
    payload = register(anon, username=username)
    assert ("username", code) in codes(payload)
    assert payload["user"] is None and payload["token"] is None
    assert not User.objects.exists()


@pytest.mark.django_db
def test_weak_password_and_bad_email_are_reported_together(anon):
    payload = register(anon, password="12345678", email="not-an-email")
    assert ("password", "WEAK_PASSWORD") in codes(payload)
    assert ("email", "INVALID") in codes(payload)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_brands_can_register_as_brands(anon):
    assert register(anon, kind="BRAND")["user"]["kind"] == "BRAND"


@pytest.mark.django_db
def test_unknown_kind_is_a_graphql_validation_error(anon):
    errors = anon.errors(REGISTER, {"input": {"username": "a1b", "email": "a@b.co", "password": "x", "kind": "ALIEN"}})
    assert "ALIEN" in errors[0]["message"]
    assert not User.objects.exists()
