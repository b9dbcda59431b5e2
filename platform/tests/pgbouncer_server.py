"""A real PgBouncer (Debian's package) in transaction mode in front of the test database's
PostgreSQL, on a Unix socket of its own. PgBouncer refuses to run as root, so as root it runs as
the `postgres` user, like the cluster."""

import os
import shutil
import subprocess
import tempfile
from urllib.parse import quote

from django.db import connection

from platform.tests.live_server import free_port
from platform.tests.replica_server import as_postgres
from platform.tests.waiting import until


class PgBouncer:
    def __init__(self):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not os.path.exists(binary):
            raise RuntimeError("pgbouncer is not installed (apt-get install pgbouncer); .ci/run installs it")
        params = connection.settings_dict
        self.binary, self.user, self.database = binary, params["USER"], params["NAME"]
        self.folder = tempfile.mkdtemp(prefix="flywheel-pgbouncer-")
        os.chmod(self.folder, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.port = free_port()
        self.ini = os.path.join(self.folder, "pgbouncer.ini")
        with open(os.path.join(self.folder, "users.txt"), "w") as users:
            users.write(f'"{self.user}" ""\n')
        with open(self.ini, "w") as ini:
            ini.write(
                "[databases]\n"
                f"* = host={params['HOST']} port={params['PORT'] or 5432}\n"
                "[pgbouncer]\n"
                "listen_addr =\n"
                f"listen_port = {self.port}\n"
                f"unix_socket_dir = {self.folder}\n"
                f"auth_file = {self.folder}/users.txt\n"
                "auth_type = trust\n"
                "pool_mode = transaction\n"
                "default_pool_size = 5\n"
                "max_client_conn = 200\n"
                f"logfile = {self.folder}/pgbouncer.log\n"
                f"pidfile = {self.folder}/pgbouncer.pid\n"
            )
        for name in ("users.txt", "pgbouncer.ini"):
            if os.geteuid() == 0:
                shutil.chown(os.path.join(self.folder, name), "postgres")
        self.url = f"postgres://{self.user}@{quote(self.folder, safe='')}:{self.port}/{self.database}"
        self.start()

    def start(self) -> None:
        subprocess.run(as_postgres(self.binary, "-d", self.ini), check=True, capture_output=True, cwd="/")
        socket = os.path.join(self.folder, f".s.PGSQL.{self.port}")
        until(lambda: os.path.exists(socket), tries=400, pause=0.05, what="pgbouncer's socket", error=RuntimeError)

    def stop(self) -> None:
        with open(os.path.join(self.folder, "pgbouncer.pid")) as pid:
            process = int(pid.read())
        os.kill(process, 15)
        until(
            lambda: not os.path.exists(f"/proc/{process}"), tries=400, pause=0.05, what="pgbouncer's exit",
            error=RuntimeError,
        )  # fmt: skip

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
