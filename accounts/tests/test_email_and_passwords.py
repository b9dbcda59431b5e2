"""Owning an account: verifying its address, moving it to another, changing and resetting the
password. Every email goes through the task queue and is read from Django's outbox."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django_tasks_db.models import DBTaskResult

from accounts.models import AccessToken, User
from accounts.services.tokens import issue_token
from conftest import PASSWORD, GraphQLClient, make_user

REGISTER = """mutation($input: RegisterInput!) { register(input: $input) { token errors { field code } } }"""
ME = "{ viewer { username email emailVerified } }"
RESEND = "mutation { resendVerificationEmail { ok errors { code } } }"
VERIFY = "mutation($token: String!) { verifyEmail(input: {token: $token}) { user { username } errors { field code } } }"
CHANGE_EMAIL = """mutation($new: String!, $password: String!) {
  changeEmail(input: {newEmail: $new, password: $password}) { ok errors { field code } } }"""
CONFIRM = """mutation($token: String!) {
  confirmEmailChange(input: {token: $token}) { user { username } errors { field code } } }"""
CHANGE_PASSWORD = """mutation($old: String!, $new: String!) {
  changePassword(input: {oldPassword: $old, newPassword: $new}) { ok errors { field code } } }"""
REQUEST_RESET = "mutation($email: String!) { requestPasswordReset(input: {email: $email}) { ok errors { code } } }"
RESET = """mutation($uid: String!, $token: String!, $new: String!) {
  resetPassword(input: {uid: $uid, token: $token, newPassword: $new}) { ok errors { field code } } }"""
LOGIN = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token errors { code } } }"
NEW_PASSWORD = "a brand new secret 73"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run an API call as if its transaction committed (tasks are enqueued on commit)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def _link(message, name: str) -> str:
    """A query parameter of the link in the email, as the front end reads it."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return parse_qs(urlsplit(url).query)[name][0]


def test_registering_queues_the_verification_email_instead_of_sending_it(anon, committed, mailoutbox):
    data = committed(
        anon.execute, REGISTER, {"input": {"username": "newbie", "email": "newbie@example.com", "password": PASSWORD}}
    )
    assert data["register"]["errors"] == []
    assert mailoutbox == []  # the request only enqueued it
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "accounts.services.account_mail.send_account_email"


@pytest.mark.usefixtures("immediate_tasks")
def test_verifying_the_address_with_the_emailed_link(anon, committed, mailoutbox):
    data = committed(
        anon.execute, REGISTER, {"input": {"username": "newbie", "email": "newbie@example.com", "password": PASSWORD}}
    )
    me = GraphQLClient(token=data["register"]["token"])
    assert me.execute(ME)["viewer"] == {"username": "newbie", "email": "newbie@example.com", "emailVerified": False}
    [message] = mailoutbox
    assert message.to == ["newbie@example.com"]
    token = _link(message, "token")
    # the link may be opened anywhere, signed in or not; opening it twice is harmless
    for _ in range(2):
        assert anon.execute(VERIFY, {"token": token})["verifyEmail"] == {"user": {"username": "newbie"}, "errors": []}
    assert me.execute(ME)["viewer"]["emailVerified"] is True
    assert me.execute(RESEND)["resendVerificationEmail"]["errors"] == [{"code": "INVALID_STATE"}]


def test_a_forged_or_expired_verification_link_is_refused(anon, settings):
    from accounts.services.account_mail import email_token

    user = make_user("late", email_verified_at=None)
    forged = email_token(user)[:-2] + "xx"
    assert anon.execute(VERIFY, {"token": forged})["verifyEmail"]["errors"] == [{"field": "token", "code": "INVALID"}]
    settings.EMAIL_TOKEN_MAX_AGE = timedelta(seconds=-1)
    expired = anon.execute(VERIFY, {"token": email_token(user)})["verifyEmail"]["errors"]
    assert expired == [{"field": "token", "code": "EXPIRED"}]
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.usefixtures("immediate_tasks")
def test_changing_the_address_waits_for_the_new_address_to_confirm(api, user, anon, committed, mailoutbox):
    make_user("taken")
    wrong = api.execute(CHANGE_EMAIL, {"new": "me@new.example", "password": "not it"})["changeEmail"]
    assert wrong["errors"] == [{"field": "password", "code": "INVALID_CREDENTIALS"}]
    taken = api.execute(CHANGE_EMAIL, {"new": "TAKEN@example.com", "password": PASSWORD})["changeEmail"]
    assert taken["errors"] == [{"field": "newEmail", "code": "TAKEN"}]
    assert mailoutbox == []

    assert committed(api.execute, CHANGE_EMAIL, {"new": "me@new.example", "password": PASSWORD})["changeEmail"]["ok"]
    confirm, notice = sorted(mailoutbox, key=lambda message: message.to != ["me@new.example"])
    assert confirm.to == ["me@new.example"] and notice.to == ["viewer@example.com"]
    assert api.execute(ME)["viewer"]["email"] == "viewer@example.com"  # nothing changes before confirming

    token = _link(confirm, "token")
    assert anon.execute(CONFIRM, {"token": token})["confirmEmailChange"]["errors"] == []
    assert api.execute(ME)["viewer"] == {"username": "viewer", "email": "me@new.example", "emailVerified": True}
    again = anon.execute(CONFIRM, {"token": token})["confirmEmailChange"]["errors"]
    assert again == [{"field": "token", "code": "EXPIRED"}]
    # a verification link is not a change link, and the other way round
    assert anon.execute(VERIFY, {"token": token})["verifyEmail"]["errors"] == [{"field": "token", "code": "INVALID"}]


def test_a_change_link_for_an_address_someone_took_meanwhile_is_refused(user, anon):
    from accounts.services.account_mail import email_token

    token = email_token(user, "wanted@example.com")
    make_user("quick", email="wanted@example.com")
    errors = anon.execute(CONFIRM, {"token": token})["confirmEmailChange"]["errors"]
    assert errors == [{"field": "token", "code": "TAKEN"}]
    assert User.objects.get(pk=user.pk).email == "viewer@example.com"


@pytest.mark.usefixtures("immediate_tasks")
def test_changing_the_password_signs_out_every_other_device(api, user, anon, committed, mailoutbox):
    other_phone = GraphQLClient(token=issue_token(user)[0])
    assert other_phone.execute(ME)["viewer"]["username"] == "viewer"

    wrong = api.execute(CHANGE_PASSWORD, {"old": "guess", "new": NEW_PASSWORD})["changePassword"]["errors"]
    assert wrong == [{"field": "oldPassword", "code": "INVALID_CREDENTIALS"}]
    weak = api.execute(CHANGE_PASSWORD, {"old": PASSWORD, "new": "12345678"})["changePassword"]["errors"]
    assert {error["code"] for error in weak} == {"WEAK_PASSWORD"}

    assert committed(api.execute, CHANGE_PASSWORD, {"old": PASSWORD, "new": NEW_PASSWORD})["changePassword"]["ok"]
    assert api.execute(ME)["viewer"]["username"] == "viewer"  # this device stays signed in
    assert other_phone.post(ME).status_code == 401  # its token was revoked
    assert AccessToken.objects.active().filter(user=user).count() == 1
    assert anon.execute(LOGIN, {"u": "viewer", "p": PASSWORD})["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert anon.execute(LOGIN, {"u": "viewer", "p": NEW_PASSWORD})["login"]["token"]
    assert [message.subject for message in mailoutbox] == ["Your password was changed"]


def test_changing_the_password_keeps_the_browser_session_that_did_it(user):
    browser = GraphQLClient()
    browser.http.force_login(user)
    other_browser = GraphQLClient()
    other_browser.http.force_login(user)
    data = browser.execute(CHANGE_PASSWORD, {"old": PASSWORD, "new": NEW_PASSWORD})
    assert data["changePassword"] == {"ok": True, "errors": []}
    assert browser.execute(ME)["viewer"]["username"] == "viewer"
    assert other_browser.execute(ME)["viewer"] is None


@pytest.mark.usefixtures("immediate_tasks")
def test_a_reset_link_works_once_and_unknown_addresses_get_the_same_answer(user, anon, committed, mailoutbox):
    unknown = committed(anon.execute, REQUEST_RESET, {"email": "nobody@example.com"})["requestPasswordReset"]
    known = committed(anon.execute, REQUEST_RESET, {"email": "Viewer@Example.com"})["requestPasswordReset"]
    assert unknown == known == {"ok": True, "errors": []}
    [message] = mailoutbox
    assert message.to == ["viewer@example.com"]
    uid, token = _link(message, "uid"), _link(message, "token")
    phone = GraphQLClient(token=issue_token(user)[0])

    weak = anon.execute(RESET, {"uid": uid, "token": token, "new": "password"})["resetPassword"]["errors"]
    assert {error["code"] for error in weak} == {"WEAK_PASSWORD"}
    assert anon.execute(RESET, {"uid": uid, "token": token, "new": NEW_PASSWORD})["resetPassword"]["ok"]
    assert phone.post(ME).status_code == 401  # a reset signs every device out
    assert anon.execute(LOGIN, {"u": "viewer", "p": NEW_PASSWORD})["login"]["token"]
    again = anon.execute(RESET, {"uid": uid, "token": token, "new": "yet another secret 99"})["resetPassword"]
    assert again["errors"] == [{"field": "token", "code": "INVALID"}]


def test_an_expired_or_mangled_reset_link_is_refused(user, anon, settings):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    uid, token = urlsafe_base64_encode(str(user.pk).encode()), default_token_generator.make_token(user)
    mangled = token[:-1] + ("1" if token.endswith("0") else "0")  # always another token
    for bad_uid, bad_token in (("!!", token), (urlsafe_base64_encode(b"999999"), token), (uid, mangled)):
        data = anon.execute(RESET, {"uid": bad_uid, "token": bad_token, "new": NEW_PASSWORD})["resetPassword"]
        assert data["errors"] == [{"field": "token", "code": "INVALID"}]
    settings.PASSWORD_RESET_TIMEOUT = -1
    data = anon.execute(RESET, {"uid": uid, "token": token, "new": NEW_PASSWORD})["resetPassword"]
    assert data["errors"] == [{"field": "token", "code": "INVALID"}]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_one_mailbox_gets_only_a_few_reset_emails_an_hour(user, anon):
    answers = [anon.execute(REQUEST_RESET, {"email": "viewer@example.com"})["requestPasswordReset"] for _ in range(6)]
    assert [answer["ok"] for answer in answers] == [True] * 5 + [False]
    assert answers[-1]["errors"] == [{"code": "RATE_LIMITED"}]


def test_a_mailbox_gets_only_a_few_reset_emails_whoever_asks_from_wherever(user):
    """Issue #21, L5: the limit was per (address, mailbox), so 17 addresses sent 17 resets."""
    answers = [
        GraphQLClient(REMOTE_ADDR=f"198.51.100.{n}").execute(REQUEST_RESET, {"email": "viewer@example.com"})
        for n in range(17)
    ]
    assert [a["requestPasswordReset"]["ok"] for a in answers] == [True] * 5 + [False] * 12


@pytest.mark.usefixtures("immediate_tasks")
def test_an_owner_waiting_out_a_deletion_may_reset_and_come_back(user, anon, committed, mailoutbox):
    """Issue #21, L8: during the grace period an owner who forgot the password got `ok` and no email."""
    from accounts.services.account_deletion import schedule_deletion

    schedule_deletion(user)
    mailoutbox.clear()
    committed(anon.execute, REQUEST_RESET, {"email": "viewer@example.com"})
    [message] = mailoutbox
    uid, token = _link(message, "uid"), _link(message, "token")
    assert anon.execute(RESET, {"uid": uid, "token": token, "new": NEW_PASSWORD})["resetPassword"]["ok"]
    assert anon.execute(LOGIN, {"u": "viewer", "p": NEW_PASSWORD})["login"]["token"]
    user.refresh_from_db()
    assert user.is_active and user.deletion_due_at is None


def test_an_address_is_shown_to_its_owner_only(api, client_for, creator):
    query = '{ user(username: "viewer") { email emailVerified } }'
    assert api.execute(query)["user"] == {"email": "viewer@example.com", "emailVerified": True}
    assert client_for(creator).execute(query)["user"] == {"email": None, "emailVerified": None}
