"""Leaving Flywheel: deleteAccount hides the account at once, signing in within the grace
period brings it back, and erasing it leaves every counter on other accounts exact."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Follow, User
from accounts.services import account_deletion, social_graph
from accounts.services.account_deletion import purge_account
from conftest import PASSWORD, GraphQLClient, global_id, make_user
from notifications.models import NotificationGroup
from videos.models import Comment, CommentHeart, Heart, Video, WatchEvent
from videos.services import comment_controls, engagement
from videos.services.comments import add_comment

DELETE = "mutation($p: String!) { deleteAccount(input: {password: $p}) { deletionDueAt errors { field code } } }"
LOGIN = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token errors { code } } }"
PROFILE = '{ user(username: "leaver") { username videoCount } }'
COMMENTS = """query($id: ID!) { node(id: $id) { ... on Video { commentCount comments(first: 10) { edges { node {
  text author { username } replyCount replies(first: 5) { edges { node { text author { username } } } } } } } } } }"""


@pytest.fixture
def leaver(db):
    return make_user("leaver", User.Kind.CREATOR)


def test_a_wrong_password_deletes_nothing(leaver, client_for):
    api = client_for(leaver)
    errors = api.execute(DELETE, {"p": "not it"})["deleteAccount"]["errors"]
    assert errors == [{"field": "password", "code": "INVALID_CREDENTIALS"}]
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.deletion_due_at is None


def test_deleting_hides_the_account_at_once_and_queues_its_erasure(leaver, client_for, anon, settings, mailoutbox,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    api = client_for(leaver)
    assert anon.execute(PROFILE)["user"]["username"] == "leaver"
    asked = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        due = api.execute(DELETE, {"p": PASSWORD})["deleteAccount"]["deletionDueAt"]
    due = timezone.datetime.fromisoformat(due)
    assert asked + timedelta(days=30) <= due <= timezone.now() + timedelta(days=30)  # the grace period
    assert User.objects.get(pk=leaver.pk).deletion_due_at == due
    assert api.post(PROFILE).status_code == 401  # signed out: its token is revoked
    assert anon.execute(PROFILE)["user"] is None
    erasure = DBTaskResult.objects.get(task_path="accounts.services.account_deletion.purge_account")
    assert erasure.args_kwargs["args"] == [leaver.pk]
    assert erasure.run_after == due  # queued for the end of the grace period
    assert "accounts.services.account_mail.send_account_email" in DBTaskResult.objects.values_list(
        "task_path", flat=True
    )


def test_signing_in_within_the_grace_period_keeps_the_account(leaver, client_for, anon):
    client_for(leaver).execute(DELETE, {"p": PASSWORD})
    token = anon.execute(LOGIN, {"u": "leaver", "p": PASSWORD})["login"]["token"]
    assert token and GraphQLClient(token=token).execute("{ viewer { username } }")["viewer"]["username"] == "leaver"
    assert anon.execute(PROFILE)["user"]["username"] == "leaver"
    User.objects.filter(pk=leaver.pk).update(date_joined=timezone.now())  # time passes; the task comes due
    assert purge_account.call(leaver.pk) is False
    assert User.objects.filter(pk=leaver.pk, is_active=True, deletion_due_at=None).exists()


def test_an_account_an_admin_deactivated_still_cannot_sign_in(leaver, anon):
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    assert anon.execute(LOGIN, {"u": "leaver", "p": PASSWORD})["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]


def _admin_action(admin_client, action: str, account) -> None:
    answer = admin_client.post(
        "/admin/accounts/user/", {"action": action, "_selected_action": [account.pk]}, follow=False
    )
    assert answer.status_code == 302


def test_a_moderators_deactivation_wins_over_a_pending_self_deletion(leaver, client_for, anon, admin_client):
    """Issue #21, M2: request deletion, get deactivated by a moderator, sign in: came back."""
    client_for(leaver).execute(DELETE, {"p": PASSWORD})
    _admin_action(admin_client, "deactivate", leaver)
    leaver.refresh_from_db()
    assert leaver.suspended_at is not None and leaver.deletion_due_at is None
    assert anon.execute(LOGIN, {"u": "leaver", "p": PASSWORD})["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert not User.objects.get(pk=leaver.pk).is_active


def test_a_deletion_scheduled_after_a_suspension_does_not_let_the_owner_back(leaver, anon, admin_client):
    _admin_action(admin_client, "deactivate", leaver)
    _admin_action(admin_client, "schedule_deletion", leaver)
    leaver.refresh_from_db()
    assert leaver.deletion_due_at is not None and leaver.suspended_at is not None
    assert anon.execute(LOGIN, {"u": "leaver", "p": PASSWORD})["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert not User.objects.get(pk=leaver.pk).is_active
    _admin_action(admin_client, "reactivate", leaver)  # only staff bring it back
    assert anon.execute(LOGIN, {"u": "leaver", "p": PASSWORD})["login"]["token"]


def test_unticking_active_in_the_admin_form_is_a_suspension(leaver, anon, admin_client):
    page = admin_client.get(f"/admin/accounts/user/{leaver.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "is_active"}
    data.update({"groups": [], "user_permissions": [], "avatar": ""})
    answer = admin_client.post(f"/admin/accounts/user/{leaver.pk}/change/", data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors if answer.context else answer
    assert User.objects.get(pk=leaver.pk).suspended_at is not None
    _admin_action(admin_client, "schedule_deletion", leaver)
    assert anon.execute(LOGIN, {"u": "leaver", "p": PASSWORD})["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]


def _assert_counters_match_rows() -> None:
    for user in User.objects.all():
        assert user.follower_count == Follow.objects.filter(followee=user).count(), user
        assert user.following_count == Follow.objects.filter(follower=user).count(), user
        assert user.heart_count == Heart.objects.filter(video__author=user).count(), user
    for video in Video.objects.all():
        assert video.heart_count == Heart.objects.filter(video=video).count(), video
        assert video.comment_count == Comment.objects.filter(video=video).count(), video
    for comment in Comment.objects.all():
        assert comment.reply_count == comment.replies.count(), comment
        assert comment.heart_count == CommentHeart.objects.filter(comment=comment).count(), comment


@pytest.fixture
def community(leaver, make_published, settings, tmp_path):
    """The leaver's life on the platform: follows both ways, hearts, comments in others'
    threads (one answered by someone else), a video of their own with a real file, watching."""
    settings.MEDIA_ROOT = tmp_path
    mia, bo = make_user("mia", User.Kind.CREATOR), make_user("bo")
    social_graph.follow(leaver, mia)
    social_graph.follow(bo, leaver)
    social_graph.follow(bo, mia)
    mias = make_published(mia, "mia's video")
    own = make_published(leaver, "my video")
    own.file.save("mine.mp4", ContentFile(b"not much of a video"))
    for fan in (leaver, bo):
        engagement.heart(fan, mias.pk)
    engagement.heart(bo, own.pk)
    thread = add_comment(mia, mias.pk, "what do you think?")
    add_comment(leaver, mias.pk, "love it", parent_id=thread.pk)
    add_comment(leaver, mias.pk, "first!")
    answered = add_comment(leaver, mias.pk, "how was this made?")
    add_comment(bo, mias.pk, "with a phone", parent_id=answered.pk)
    comment_controls.heart_comment(leaver, thread.pk)
    comment_controls.heart_comment(bo, thread.pk)
    add_comment(bo, own.pk, "nice")
    WatchEvent.objects.create(video=mias, user=leaver, watched_ms=9000, completed=True)
    return {"mia": mia, "bo": bo, "mias": mias, "own": own, "answered": answered, "file": own.file.path}


def test_erasing_keeps_every_counter_on_others_exact(leaver, community, client_for, django_capture_on_commit_callbacks):
    from pathlib import Path

    mia, bo, mias = community["mia"], community["bo"], community["mias"]
    [hearts] = NotificationGroup.objects.filter(recipient=mia, kind="HEART")
    assert hearts.count == 2
    account_deletion.schedule_deletion(leaver, due=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the erasure commits
        call_command("purge_deleted_accounts", stdout=StringIO())

    assert not User.objects.filter(pk=leaver.pk).exists()
    _assert_counters_match_rows()
    mia.refresh_from_db(), bo.refresh_from_db()
    assert (mia.follower_count, mia.heart_count, bo.following_count) == (1, 1, 1)
    assert not Path(community["file"]).exists() and not Video.objects.filter(pk=community["own"].pk).exists()
    hearts.refresh_from_db()
    assert (hearts.count, hearts.latest_actor_id) == (1, bo.pk)
    # the watching still counts, under a name nothing links to the account
    [watched] = WatchEvent.objects.filter(video=mias)
    assert watched.user_id is None and watched.session_key.startswith("gone-")

    page = client_for(bo).execute(COMMENTS, {"id": global_id(mias)})["node"]
    threads = {edge["node"]["text"]: edge["node"] for edge in page["comments"]["edges"]}
    assert set(threads) == {"what do you think?", ""}  # the unanswered comment went, the answered one stays blank
    assert threads[""]["author"] is None
    assert threads[""]["replies"]["edges"] == [{"node": {"text": "with a phone", "author": {"username": "bo"}}}]
    assert threads["what do you think?"]["replyCount"] == 0
    assert page["commentCount"] == 3


def test_erasing_twice_or_after_coming_back_does_nothing(leaver):
    account_deletion.schedule_deletion(leaver, due=timezone.now() + timedelta(days=1))
    assert account_deletion.erase_due_accounts() == 0  # not due yet
    assert purge_account.call(leaver.pk) is False
    assert account_deletion.erase(leaver.pk) is True
    assert account_deletion.erase(leaver.pk) is False


def test_an_admin_deleting_accounts_erases_them_the_same_way(leaver, community, admin_client):
    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [leaver.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=leaver.pk).exists()
    _assert_counters_match_rows()


def test_an_erased_reporters_reports_stay_in_the_moderators_queue(leaver, community):
    from videos.models import Report
    from videos.services import moderation, reports

    mias = community["mias"]
    report = reports.file_report(leaver, reason="SPAM", details="a scam link", subject=("Video", str(mias.pk)))
    account_deletion.erase(leaver.pk)
    report.refresh_from_db()
    assert report.reporter is None and report.status == Report.Status.OPEN and report.video == mias
    moderator = make_user("mod", is_staff=True, is_superuser=True)
    assert moderation.close_reports(Report.objects.filter(pk=report.pk), moderator, Report.Status.DISMISSED) == 1
    assert not NotificationGroup.objects.filter(kind="REPORT").exists()  # nobody left to tell
