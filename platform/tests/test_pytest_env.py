"""Plain `pytest` takes `./flywheel env`'s environment, or stops with one line saying what to run."""

import os

import pytest

import pytest_flywheel_env as bootstrap


def _fake_flywheel(folder, script: str):
    path = folder / "flywheel"
    path.write_text("#!/usr/bin/env bash\n" + script)
    path.chmod(0o755)


def test_without_a_database_url_pytest_takes_flywheel_envs_exports(tmp_path, monkeypatch):
    _fake_flywheel(tmp_path, "echo 'export DATABASE_URL=postgres://x@%2Ftmp/db FLYWHEEL_PROBE=it\\ works'\n")
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("FLYWHEEL_PROBE", raising=False)
    bootstrap._bootstrap()
    assert os.environ["DATABASE_URL"] == "postgres://x@%2Ftmp/db" and os.environ["FLYWHEEL_PROBE"] == "it works"


def test_where_flywheel_env_fails_pytest_stops_with_one_line_naming_the_commands(tmp_path, monkeypatch):
    _fake_flywheel(tmp_path, "echo 'lots of noise' >&2; echo 'error: PostgreSQL binaries were not found' >&2; exit 1\n")
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SystemExit) as stopped:
        bootstrap._bootstrap()
    message = str(stopped.value.code)
    assert "\n" not in message and "PostgreSQL binaries were not found" in message
    assert "./flywheel test" in message and 'eval "$(./flywheel env)"' in message
