"""A throw-away PostgreSQL database for benchmarks, next to the one DATABASE_URL names."""

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scratch_database(name: str, keep: bool = False, reuse: bool = False):
    """Create database `name` (dropping an old one), point Django at it, migrate, and drop it
    afterwards unless `keep`. With `reuse`, a database of that name left by an earlier `keep`
    run is used as it is (yields whether it was reused)."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit('DATABASE_URL is not set: run through ./flywheel env, e.g. eval "$(./flywheel env)"')
    admin_url = _with_db(base, "postgres")
    with psycopg.connect(conninfo(admin_url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        reused = reuse and exists
        if not reused:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _with_db(base, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    import platform_shim  # noqa: F401

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        yield reused
    finally:
        from django.db import connections

        connections.close_all()
        os.environ["DATABASE_URL"] = base
        if not keep and not reused:
            with psycopg.connect(conninfo(admin_url), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def conninfo(url: str) -> str:
    import dj_database_url

    config = dj_database_url.parse(url)
    parts = {
        "dbname": config["NAME"],
        "user": config["USER"],
        "password": config["PASSWORD"],
        "host": config["HOST"],
        "port": config["PORT"],
    }
    return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)
