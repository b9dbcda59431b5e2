"""Fixtures shared by every app's tests: accounts of each kind and a GraphQL client that goes
through the real HTTP endpoint (middleware, sessions, CSRF, bearer tokens)."""

import json
import logging

import pytest
from asgiref import sync
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.services.tokens import issue_token

PASSWORD = "correct horse battery staple"


class GraphQLClient:
    """POSTs GraphQL to /graphql like a front end does. Keeps cookies between calls."""

    def __init__(self, token: str | None = None, **client_kwargs):
        self.http = Client(**client_kwargs)
        self.token = token

    def post(self, query: str, variables: dict | None = None, *, headers: dict | None = None):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.http.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=headers,
        )

    def upload(self, query: str, variables: dict, files: dict, *, headers: dict | None = None):
        """A GraphQL multipart request (the spec Apollo's and urql's upload clients follow).
        `files` maps a variable path such as "input.avatar" to an open file."""
        headers = dict(headers if headers is not None else {"Apollo-Require-Preflight": "true"})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        file_map = {str(index): [f"variables.{path}"] for index, path in enumerate(files)}
        data = {"operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(file_map)}
        data.update({str(index): upload for index, upload in enumerate(files.values())})
        return self.http.post("/graphql", data=data, headers=headers)

    def execute(self, query: str, variables: dict | None = None, **kwargs) -> dict:
        """Run an operation that must succeed at the GraphQL level and return its data."""
        response = self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def errors(self, query: str, variables: dict | None = None, **kwargs) -> list[dict]:
        """Run an operation that must fail at the GraphQL level and return its errors."""
        response = self.post(query, variables, **kwargs)
        body = response.json()
        assert body.get("errors"), body
        return body["errors"]


def make_user(username: str, kind: str = User.Kind.PERSONAL, **extra) -> User:
    """An account whose address is verified, unless `email_verified_at=None` is passed."""
    extra.setdefault("email_verified_at", timezone.now())
    extra.setdefault("email", f"{username}@example.com")
    user = User(username=username, kind=kind, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup):
    """Pooled connections outlive close(); let the test database be dropped at the end."""
    yield
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "close_pool"):
            connection.close_pool()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow on purpose; tests create hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # For You's served-picks tally is added to the table once a minute: never in the middle of a
    # test that counts a page's queries (the tally's own test flushes when it means to)
    settings.FEED_STATS_FLUSH_SECONDS = 10**9


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; one test's failures must not leak into another.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_errors_logged(caplog):
    """The test's requests log nothing at ERROR: a client's mistake is not our failure."""
    caplog.set_level(logging.WARNING)
    yield
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.fixture
def user(db) -> User:
    return make_user("viewer")


@pytest.fixture
def creator(db) -> User:
    return make_user("creator", User.Kind.CREATOR, display_name="A Creator")


@pytest.fixture
def brand(db) -> User:
    return make_user("brand", User.Kind.BRAND, is_verified=True)


@pytest.fixture
def anon(db) -> GraphQLClient:
    return GraphQLClient()


@pytest.fixture
def api(user) -> GraphQLClient:
    """A client signed in as `user` with a bearer token, like a mobile app."""
    raw, _ = issue_token(user)
    return GraphQLClient(token=raw)


@pytest.fixture
def client_for(db):
    def build(account: User) -> GraphQLClient:
        raw, _ = issue_token(account)
        return GraphQLClient(token=raw)

    return build


@pytest.fixture
def make_published():
    """A published video row without a file, for tests about everything after review."""
    from django.utils import timezone

    from videos.models import Video

    def build(author, caption: str = "", visibility: str = "PUBLIC", **fields) -> Video:
        fields = {"duration_ms": 15000, "status": Video.Status.PUBLISHED, "published_at": timezone.now(), **fields}
        return Video.objects.create(
            author=author, caption=caption, visibility=visibility, file=f"videos/test/{author.username}.mp4", **fields
        )

    return build


def global_id(obj) -> str:
    from strawberry.relay import to_base64

    return to_base64(type(obj).__name__, obj.pk)


@pytest.fixture(scope="session")
def live_server_process(django_db_setup, django_db_blocker):
    """The ASGI app under uvicorn on a real socket. Tests using it need
    ``@pytest.mark.django_db(transaction=True)`` so the server sees their data."""
    from platform.tests.live_server import LiveServer

    server = LiveServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    from platform.tests.live_server import RedisServer

    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_servers(django_db_setup, django_db_blocker, redis_server):
    """Two ASGI server processes sharing a Redis channel layer, like a scaled-out deployment."""
    from platform.tests.live_server import LiveServer

    servers = [LiveServer({"REDIS_URL": redis_server.url}) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def hops(monkeypatch):
    """The callables sent to the thread pool, in order."""
    sent = []
    original = sync.SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        sent.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counting)
    return sent
