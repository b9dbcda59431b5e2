"""A real streaming replica of the test database's PostgreSQL cluster, on this machine: a base
backup of the primary (pg_basebackup -R) started as a hot standby on its own socket. Like the
primary, it runs as the `postgres` user when the tests run as root."""

import glob
import os
import shutil
import subprocess
import tempfile
from urllib.parse import quote

import psycopg
from django.db import connection

from platform.tests.waiting import until


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"{name} not found: install the PostgreSQL server binaries")
    return found


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL's servers refuse to run as root: as root, run them as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class ReplicaServer:
    def __init__(self, log_statements: bool = False):
        self.log_statements = log_statements
        params = connection.settings_dict
        self.primary_socket, self.user, self.database = params["HOST"], params["USER"], params["NAME"]
        self.folder = tempfile.mkdtemp(prefix="flywheel-replica-")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        os.chmod(self.folder, 0o700)
        self.data = os.path.join(self.folder, "data")
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_connections")
            self.max_connections = cursor.fetchone()[0]  # a standby needs at least the primary's
        subprocess.run(
            as_postgres(
                _bin("pg_basebackup"), "-D", self.data, "-h", self.primary_socket, "-U", self.user,
                "-R", "-X", "stream", "-c", "fast",
            ),
            check=True, capture_output=True, cwd="/",
        )  # fmt: skip
        self.url = f"postgres://{self.user}@{quote(self.folder, safe='')}/{self.database}"
        self.start()

    def _ctl(self, *args: str) -> None:
        subprocess.run(as_postgres(_bin("pg_ctl"), "-D", self.data, *args), check=True, capture_output=True, cwd="/")

    def start(self) -> None:
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' "
            f"-c max_connections={self.max_connections} -c hot_standby_feedback=on"
        )
        if self.log_statements:  # each line says which application ran it
            options += " -c log_statement=all -c log_line_prefix='%a|'"
        self._ctl("-l", os.path.join(self.folder, "log"), "-w", "-o", options, "start")

    def statements(self, application: str) -> list[str]:
        """What `application` ran on the replica (with log_statements)."""
        with open(os.path.join(self.folder, "log"), errors="replace") as log:
            return [line.split("statement: ", 1)[-1] for line in log if line.startswith(f"{application}|")]

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(host=self.folder, user=self.user, dbname=self.database, autocommit=True)

    def wait_for(self, sql: str, params=()) -> None:
        """Until `sql` answers a true value on the replica (its replay caught up with something)."""

        def seen() -> bool:
            try:
                with self.connect() as replica:
                    return bool(replica.execute(sql, params).fetchone()[0])
            except psycopg.OperationalError:
                return False  # still starting

        until(seen, tries=300, pause=0.1, what=f"the replica seeing {sql}")

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
