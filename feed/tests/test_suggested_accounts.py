"""suggestedAccounts: who to follow and why, never someone already followed, blocked or muted,
in constant queries whatever the page size."""

import pytest

from accounts.models import User
from accounts.services.mutes import mute
from accounts.services.social_graph import block, follow
from conftest import make_user
from videos.models import Hashtag
from videos.services.engagement import heart

SUGGESTED = "query($first: Int!) { suggestedAccounts(first: $first) { username suggestionReason } }"


def suggested(client, first: int = 10) -> list[tuple[str, str]]:
    rows = client.execute(SUGGESTED, {"first": first})["suggestedAccounts"]
    return [(row["username"], row["suggestionReason"]) for row in rows]


def test_people_your_follows_follow_come_first_most_shared_first(api, user):
    friends = [make_user(name) for name in ("ana", "bo", "cy", "dee")]
    popular_pick, niche_pick = make_user("everyone.likes"), make_user("only.ana")
    for friend in friends:
        follow(user, friend)
        follow(friend, popular_pick)
    follow(friends[0], niche_pick)
    follow(friends[1], user)  # already following you back: not a reason to suggest yourself
    picks = suggested(api)[:2]
    assert picks[0][0] == "everyone.likes" and picks[0][1].startswith("Followed by @")
    assert picks[0][1].endswith(" and 2 others you follow.")
    assert picks[1] == ("only.ana", "Followed by @ana you follow.")
    assert not {"viewer", "ana", "bo", "cy", "dee"} & {name for name, _ in suggested(api, 50)}


def test_creators_of_what_you_heart_are_suggested_with_the_topic(api, user, make_published):
    dance = Hashtag.objects.create(name="dance")
    hearted_creator, other_dancer, cook = make_user("leo"), make_user("mo"), make_user("chef")
    liked = make_published(hearted_creator, "#dance")
    liked.hashtags.add(dance)
    for author in (other_dancer, other_dancer):
        make_published(author, "#dance").hashtags.add(dance)
    make_published(cook, "#food").hashtags.add(Hashtag.objects.create(name="food"))
    heart(user, liked.pk)
    picks = dict(suggested(api))
    assert picks["mo"] == picks["leo"] == "Posts about #dance, which you watch."
    assert picks["chef"].startswith("Popular on Flywheel")  # filled in after the reasons above
    assert list(picks)[:2] == ["mo", "leo"]  # two #dance videos before one


def test_anyone_signed_out_gets_popular_creators_but_no_brands_or_private_accounts(anon, brand):
    star, quiet = make_user("star", User.Kind.CREATOR), make_user("quiet", User.Kind.CREATOR, is_private=True)
    User.objects.filter(pk=star.pk).update(follower_count=1200)
    User.objects.filter(pk__in=[brand.pk, quiet.pk]).update(follower_count=5000)
    picks = suggested(anon)
    assert picks[0] == ("star", "Popular on Flywheel: 1,200 followers.")
    assert not {"brand", "quiet"} & {name for name, _ in picks}


def test_blocked_muted_requested_and_gone_accounts_are_never_suggested(api, user):
    friend = make_user("friend")
    follow(user, friend)
    names = ["blocker", "blocked", "muted", "private", "gone", "fine"]
    accounts = {name: make_user(name, is_private=name == "private") for name in names}
    for name, account in accounts.items():
        if name != "private":
            follow(friend, account)
    block(accounts["blocker"], user)
    block(user, accounts["blocked"])
    mute(user, accounts["muted"])
    follow(user, accounts["private"])  # a request, still waiting
    User.objects.filter(pk=accounts["gone"].pk).update(is_active=False)
    assert [name for name, _ in suggested(api, 50)] == ["fine"]


@pytest.mark.parametrize("page", [5, 50])
def test_suggestions_take_constant_queries(api, user, make_published, page, django_assert_max_num_queries):
    friend = make_user("friend")
    follow(user, friend)
    tag = Hashtag.objects.create(name="dance")
    liked = make_published(make_user("liked"), "#dance")
    liked.hashtags.add(tag)
    heart(user, liked.pk)
    for n in range(page):
        follow(friend, make_user(f"fof{n}"))
        make_published(make_user(f"dancer{n}"), "#dance").hashtags.add(tag)
        make_user(f"star{n}", User.Kind.CREATOR)
    query = "query($first: Int!) { suggestedAccounts(first: $first) { username suggestionReason followerCount } }"
    with django_assert_max_num_queries(14):
        assert len(api.execute(query, {"first": page})["suggestedAccounts"]) == page
