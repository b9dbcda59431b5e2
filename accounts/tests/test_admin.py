import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken, User
from accounts.services import social_graph
from accounts.services.tokens import issue_token
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    admin = make_user("boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def changelist(client, **params):
    return client.get(reverse("admin:accounts_user_changelist"), params)


def usernames(response):
    return {user.username for user in response.context["cl"].result_list}


def test_search_by_username_or_email(staff_client, creator, brand):
    assert usernames(changelist(staff_client, q="creat")) == {"creator"}
    assert usernames(changelist(staff_client, q="brand@example.com")) == {"brand"}


def test_filter_by_kind_and_verified(staff_client, creator, brand, user):
    assert usernames(changelist(staff_client, kind__exact="BRAND")) == {"brand"}
    assert usernames(changelist(staff_client, is_verified__exact="1")) == {"brand"}


def test_mark_brand_and_verified_actions(staff_client, creator):
    url = reverse("admin:accounts_user_changelist")
    staff_client.post(url, {"action": "mark_brand", "_selected_action": [creator.pk]})
    staff_client.post(url, {"action": "mark_verified", "_selected_action": [creator.pk]})
    creator.refresh_from_db()
    assert creator.kind == User.Kind.BRAND and creator.is_verified


def test_deactivate_hides_the_account_and_revokes_its_tokens(staff_client, creator, anon):
    _raw, _ = issue_token(creator)
    staff_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate", "_selected_action": [creator.pk]}
    )
    creator.refresh_from_db()
    assert not creator.is_active
    assert AccessToken.objects.active().filter(user=creator).count() == 0
    assert anon.execute('{ user(username: "creator") { username } }')["user"] is None


def test_staff_see_an_accounts_follows(staff_client, creator, user):
    social_graph.follow(user, creator)
    page = staff_client.get(reverse("admin:accounts_user_change", args=[creator.pk])).content.decode()
    assert "Latest followers" in page and ">viewer</a>" in page
    follows = staff_client.get(reverse("admin:accounts_follow_changelist"), {"followee__id__exact": creator.pk})
    assert follows.status_code == 200
    assert [f.follower.username for f in follows.context["cl"].result_list] == ["viewer"]


def test_follows_cannot_be_edited_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:accounts_follow_add")).status_code == 403


def test_non_staff_cannot_open_the_admin(user):
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


@pytest.mark.parametrize(
    "page",
    [
        "admin:accounts_followrequest_changelist",
        "admin:accounts_mute_changelist",
        "admin:accounts_keywordfilter_changelist",
        "admin:notifications_notificationgroup_changelist",
        "admin:notifications_notificationsettings_changelist",
    ],
)
def test_staff_see_requests_mutes_filters_and_notifications(staff_client, creator, user, page):
    from accounts.services import keyword_filters, mutes
    from notifications.services import update_settings

    update_settings(user, only_from_following=True)
    User.objects.filter(pk=creator.pk).update(is_private=True)
    creator.refresh_from_db()
    social_graph.follow(user, creator)  # a request, and its notification
    mutes.mute(user, creator)
    keyword_filters.add(user, "spoiler")
    response = staff_client.get(reverse(page))
    assert response.status_code == 200
    assert b"viewer" in response.content  # every page lists a row of the viewer's
