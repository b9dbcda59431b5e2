"""A PostgreSQL server of a test's own, on a loopback port, that the test may stop and start."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

from .live_server import ROOT, free_port


def _binaries() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if not versions:
        raise RuntimeError("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
    return versions[0].parent


class PrivatePostgres:
    def __init__(self):
        self.bin = _binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="flywheel-pg-fault-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "flywheel", "--auth=trust", "-E", "UTF8")
        self.start()
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="flywheel", dbname="postgres", autocommit=True
        ) as c:
            c.execute("CREATE DATABASE flywheel")
        self.url = f"postgres://flywheel@127.0.0.1:{self.port}/flywheel"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_owner, str(self.bin / tool), *args], check=True, cwd="/", capture_output=True)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.dir}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def manage(self, *args: str) -> str:
        env = {**os.environ, "DATABASE_URL": self.url, "DEBUG": "1"}
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        return done.stdout

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
