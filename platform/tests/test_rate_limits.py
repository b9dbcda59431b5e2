"""Rate limits: one mechanism (the cache), per account and per address, with RATE_LIMITED and a
retry-after for whoever is over; and sign-in throttling that no stranger can turn into a lock."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import User
from conftest import PASSWORD, GraphQLClient, global_id, make_user
from platform.rate_limits import Rate, client_address
from videos.models import Share

LOGIN = """
mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
  user { username } errors { code retryAfter } } }
"""
REGISTER = """
mutation($u: String!) { register(input: {username: $u, email: "x", password: "a long secret 42"}) {
  user { username } errors { field code retryAfter } } }
"""


def login(client, username, password=PASSWORD) -> dict:
    return client.execute(LOGIN, {"u": username, "p": password})["login"]


def from_address(address: str) -> GraphQLClient:
    return GraphQLClient(REMOTE_ADDR=address)


def codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]


def test_rates_are_written_as_count_per_period():
    assert Rate.parse("20/h") == Rate(20, 3600)
    assert Rate.parse("5/10m") == Rate(5, 600)
    for bad in ("20", "x/h", "5/week", "-1/h"):
        with pytest.raises(ValueError):
            Rate.parse(bad)


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("not an address", "unknown"),
    ],
)
def test_addresses_are_counted_by_what_one_client_controls(rf, remote, counted_as):
    assert client_address(rf.get("/", REMOTE_ADDR=remote)) == counted_as


@pytest.mark.django_db
def test_a_strangers_wrong_passwords_never_lock_the_owner_out(user, settings):
    stranger = from_address("198.51.100.66")
    for _ in range(25):
        assert codes(login(stranger, "viewer", "a guess")) in (["INVALID_CREDENTIALS"], ["RATE_LIMITED"])
    assert codes(login(stranger, "viewer")) == ["RATE_LIMITED"]
    owner = from_address("203.0.113.10")
    assert login(owner, "viewer") == {"user": {"username": "viewer"}, "errors": []}


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_back_off_even_for_the_right_one(user, settings):
    settings.LOGIN_FREE_FAILURES = 2
    client = from_address("198.51.100.7")
    for _ in range(3):
        assert codes(login(client, "viewer", "a guess")) == ["INVALID_CREDENTIALS"]
    refused = login(client, "viewer")
    assert codes(refused) == ["RATE_LIMITED"] and refused["errors"][0]["retryAfter"] >= 1
    assert refused["user"] is None


class Clock:
    """rate_limits' clock, standing still until moved."""

    def __init__(self):
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from platform import rate_limits

    frozen = Clock()
    monkeypatch.setattr(rate_limits, "time", frozen)
    return frozen


@pytest.mark.django_db
def test_many_addresses_guessing_one_account_back_off_and_the_owner_waits_a_minute_at_most(user, settings, clock):
    """Issue #21, L13: 60 addresses tried 60 passwords at once, all checked."""
    answers = [codes(login(from_address(f"198.51.100.{n}"), "viewer", f"guess {n}")) for n in range(60)]
    assert answers.count(["INVALID_CREDENTIALS"]) == settings.LOGIN_ACCOUNT_FREE_FAILURES + 1
    assert answers.count(["RATE_LIMITED"]) == 60 - settings.LOGIN_ACCOUNT_FREE_FAILURES - 1
    owner = from_address("203.0.113.10")
    assert codes(login(owner, "viewer")) == ["RATE_LIMITED"]
    clock.now += settings.LOGIN_ACCOUNT_LONGEST_WAIT + 1
    assert login(owner, "viewer") == {"user": {"username": "viewer"}, "errors": []}


@pytest.mark.django_db
def test_a_shared_address_one_guesser_exhausts_waits_minutes_not_an_hour(user, settings, clock):
    """Issue #21, L13: 20 failures from one address locked every account behind it for an hour."""
    office = from_address("198.51.100.77")
    for n in range(20):
        assert codes(login(office, f"name{n}", "a guess")) == ["INVALID_CREDENTIALS"]
    assert codes(login(office, "viewer")) == ["RATE_LIMITED"]
    clock.now += 10 * 60
    assert codes(login(office, "viewer")) == []


@pytest.mark.django_db
def test_an_address_may_fail_only_so_often_across_account_names(user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"address": "3/h"}}
    client = from_address("198.51.100.8")
    for _ in range(5):  # successes do not use up the address's budget
        assert codes(login(client, "viewer")) == []
    for name in ("alice", "bob", "carol"):
        assert codes(login(client, name, "a guess")) == ["INVALID_CREDENTIALS"]
    assert codes(login(client, "viewer")) == ["RATE_LIMITED"]
    assert codes(login(from_address("198.51.100.9"), "viewer")) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_are_counted_before_they_are_checked(settings):
    make_user("viewer")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"address": "20/h"}}

    def guess(index: int) -> list[str]:
        try:
            return codes(login(from_address("198.51.100.20"), f"name{index}", "a guess"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(guess, range(60)))
    assert results.count(["INVALID_CREDENTIALS"]) == 20
    assert results.count(["RATE_LIMITED"]) == 40


@pytest.mark.django_db
def test_registration_is_limited_per_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": {"address": "2/h"}}
    client = from_address("198.51.100.30")
    for name in ("first", "second"):
        assert codes(client.execute(REGISTER, {"u": name})["register"]) == ["INVALID"]  # the email "x"
    refused = client.execute(REGISTER, {"u": "third"})["register"]
    assert codes(refused) == ["RATE_LIMITED"] and refused["errors"][0]["retryAfter"] > 0
    assert not User.objects.exists()


@pytest.mark.django_db
def test_anonymous_shares_of_one_video_are_limited(creator, make_published, settings):
    video = make_published(creator)
    share = "mutation($id: ID!) { shareVideo(input: {videoId: $id}) { video { shareCount } errors { code } } }"
    results = [from_address("198.51.100.40").execute(share, {"id": global_id(video)}) for _ in range(20)]
    allowed = int(settings.RATE_LIMITS["share"]["address_target"].split("/")[0])
    assert [codes(r["shareVideo"]) for r in results].count(["RATE_LIMITED"]) == 20 - allowed
    video.refresh_from_db()
    assert video.share_count == Share.objects.count() == allowed


LIMITED = {
    "comment": ('mutation($v: ID!) { addComment(input: {videoId: $v, text: "hi"}) { errors { code } } }', "addComment"),
    "follow": ("mutation($u: ID!) { follow(input: {userId: $u}) { errors { code } } }", "follow"),
    "heart": ("mutation($v: ID!) { heartVideo(input: {videoId: $v}) { errors { code } } }", "heartVideo"),
    "watch": (
        "mutation($v: ID!) { recordWatchEvents(input: {events: [{videoId: $v, watchedMs: 1000}]}) "
        "{ errors { code } } }",
        "recordWatchEvents",
    ),
    "report": ("mutation($v: ID!) { report(input: {subjectId: $v, reason: SPAM}) { errors { code } } }", "report"),
    "profile": ('mutation { updateProfile(input: {bio: "hello"}) { errors { code } } }', "updateProfile"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(LIMITED))
def test_each_limited_action_refuses_the_request_over_its_rate(action, api, creator, make_published, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: {"account": "1/h"}}
    query, field = LIMITED[action]
    video = make_published(creator)
    variables = {"v": global_id(video), "u": global_id(creator)}
    assert codes(api.execute(query, variables)[field]) == []
    refused = api.execute(query, variables)[field]
    assert codes(refused) == ["RATE_LIMITED"]
