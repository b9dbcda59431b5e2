from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessToken, User
from conftest import PASSWORD, GraphQLClient, make_user

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    token tokenExpiresAt user { username } errors { field code message }
  }
}
"""
LOGOUT = "mutation { logout { ok errors { code } } }"
VIEWER = "{ viewer { username } }"


def login(client, username, password=PASSWORD):
    return client.execute(LOGIN, {"username": username, "password": password})["login"]


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["viewer", "VIEWER", "viewer@example.com", "Viewer@Example.com"])
def test_login_by_username_or_email_ignoring_case(user, identifier):
    client = GraphQLClient()
    payload = login(client, identifier)
    assert payload["errors"] == []
    assert payload["user"] == {"username": "viewer"}
    assert client.execute(VIEWER)["viewer"] == {"username": "viewer"}
    assert GraphQLClient(token=payload["token"]).execute(VIEWER)["viewer"] == {"username": "viewer"}


@pytest.mark.django_db
def test_wrong_password_is_refused_without_saying_which_part_was_wrong(user):
    client = GraphQLClient()
    payload = login(client, "viewer", "wrong password")
    assert payload["token"] is None
    assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]
    assert login(client, "nobody", "wrong password")["errors"][0]["message"] == payload["errors"][0]["message"]
    assert client.execute(VIEWER)["viewer"] is None


@pytest.mark.django_db
def test_deactivated_accounts_cannot_sign_in(user):
    user.is_active = False
    user.save()
    assert login(GraphQLClient(), "viewer")["errors"][0]["code"] == "INVALID_CREDENTIALS"


@pytest.mark.django_db
def test_logout_ends_the_session(user):
    client = GraphQLClient()
    login(client, "viewer")
    assert client.execute(LOGOUT)["logout"] == {"ok": True, "errors": []}
    assert client.execute(VIEWER)["viewer"] is None


@pytest.mark.django_db
def test_logout_revokes_the_bearer_token_it_was_called_with(user):
    token = login(GraphQLClient(), "viewer")["token"]
    app = GraphQLClient(token=token)
    assert app.execute(LOGOUT)["logout"]["ok"] is True
    response = app.post(VIEWER)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_logout_needs_a_signed_in_caller(anon):
    assert anon.execute(LOGOUT)["logout"] == {"ok": False, "errors": [{"code": "UNAUTHENTICATED"}]}


@pytest.mark.django_db
def test_expired_and_unknown_tokens_get_401(user):
    token = login(GraphQLClient(), "viewer")["token"]
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert GraphQLClient(token=token).post(VIEWER).status_code == 401
    assert GraphQLClient(token="fw_made-up").post(VIEWER).status_code == 401


@pytest.mark.django_db
def test_token_of_a_deactivated_account_stops_working(user):
    token = login(GraphQLClient(), "viewer")["token"]
    user.is_active = False
    user.save()
    assert GraphQLClient(token=token).post(VIEWER).status_code == 401


@pytest.mark.django_db
def test_anonymous_viewer_is_null(anon):
    assert anon.execute(VIEWER) == {"viewer": None}


@pytest.mark.django_db
def test_session_survives_across_requests_and_is_separate_per_client(user):
    make_user("other")
    first, second = GraphQLClient(), GraphQLClient()
    login(first, "viewer")
    login(second, "other")
    assert first.execute(VIEWER)["viewer"]["username"] == "viewer"
    assert second.execute(VIEWER)["viewer"]["username"] == "other"


@pytest.mark.django_db
def test_deactivating_revokes_tokens_however_it_is_done_and_reactivating_does_not_revive_them(user):
    from accounts.models import User

    token = login(GraphQLClient(), "viewer")["token"]
    User.objects.filter(pk=user.pk).update(is_active=False)  # no model save, no signal
    assert AccessToken.objects.get().revoked_at is not None
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert GraphQLClient(token=token).post(VIEWER).status_code == 401
    fresh = login(GraphQLClient(), "viewer")["token"]
    assert GraphQLClient(token=fresh).execute(VIEWER)["viewer"] == {"username": "viewer"}


@pytest.mark.django_db
def test_the_admin_sign_in_page_is_throttled_like_login(settings, monkeypatch):
    """Issue #21, M4: 40 wrong passwords for `admin` from one address were all checked, then
    the right one worked. Now the back-off refuses guesses before checking them."""
    from types import SimpleNamespace

    from django.test import Client

    from platform import rate_limits

    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: 1_000_000.0))  # the clock stands still
    checked = []
    monkeypatch.setattr(User, "check_password", lambda self, raw: checked.append(raw) or raw == PASSWORD)
    make_user("boss", is_staff=True, is_superuser=True)
    browser = Client(REMOTE_ADDR="198.51.100.7")
    answers = [browser.post("/admin/login/", {"username": "boss", "password": f"guess {i}"}) for i in range(40)]
    assert all(answer.status_code == 200 for answer in answers)  # the form again, with its error
    assert len(checked) == settings.LOGIN_FREE_FAILURES + 1  # the rest were refused unchecked
    assert "Too many failed attempts" in answers[-1].content.decode()
    right = browser.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert right.status_code == 200 and "Too many failed attempts" in right.content.decode()
    # from elsewhere, the owner still gets in: a stranger cannot lock them out
    owner = Client(REMOTE_ADDR="203.0.113.9").post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert owner.status_code == 302


@pytest.mark.django_db
def test_the_admin_sign_in_refuses_accounts_that_are_not_staff():
    from django.test import Client

    make_user("regular")
    answer = Client().post("/admin/login/", {"username": "regular", "password": PASSWORD})
    assert answer.status_code == 200 and "staff account" in answer.content.decode()


@pytest.mark.django_db
def test_a_tokens_use_is_recorded_once_per_few_minutes_not_on_every_request(user, django_assert_num_queries):
    token = login(GraphQLClient(), "viewer")["token"]
    app = GraphQLClient(token=token)
    app.execute(VIEWER)
    first_use = AccessToken.objects.get().last_used_at
    assert first_use is not None
    with django_assert_num_queries(2):  # the token with its account, and the viewer field: no write
        app.execute(VIEWER)
    assert AccessToken.objects.get().last_used_at == first_use
    AccessToken.objects.update(last_used_at=first_use - timedelta(minutes=10))
    app.execute(VIEWER)
    assert AccessToken.objects.get().last_used_at > first_use
