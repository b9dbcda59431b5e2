"""Run the real ASGI application under uvicorn on a real socket, against the test database."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]  # no settings needed to import this module


# A load generator is many clients behind one loopback address: lift the per-address live limits.
MANY_CLIENTS_ONE_ADDRESS = {
    f"LIVE_{name}": "1000000"
    for name in (
        "SOCKETS_PER_ADDRESS",
        "ANONYMOUS_SOCKETS_PER_ADDRESS",
        "ANONYMOUS_SUBSCRIPTIONS_PER_ADDRESS",
        "SOCKETS_PER_ACCOUNT",
        "SUBSCRIPTIONS_PER_ACCOUNT",
    )
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_database_url() -> str:
    """DATABASE_URL with the database pytest-django created for this run."""
    params = connection.settings_dict
    host = params["HOST"].replace("/", "%2F")
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    port = f":{params['PORT']}" if params["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{params['NAME']}"


class LiveServer:
    def __init__(
        self,
        extra_env: dict | None = None,
        app: str = "platform.asgi:application",
        extra_args: tuple[str, ...] = (),
        port: int | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        env = {**os.environ, "DATABASE_URL": scratch_database_url(), "DEBUG": "1", **(extra_env or {})}
        uvicorn = Path(sys.executable).with_name("uvicorn")
        # A file, not a pipe: nobody reads a pipe while tests run, and a full one blocks the server.
        self.log = tempfile.NamedTemporaryFile(prefix="flywheel-server-", suffix=".log", delete=False)  # noqa: SIM115  (lives as long as the server)
        self.process = subprocess.Popen(
            [
                str(uvicorn),
                app,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--lifespan",
                "off",
                # comments are small JSON; compressing each costs more than it saves
                "--ws-per-message-deflate",
                "false",
                "--log-level",
                "warning",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{self.output()}")
            try:
                httpx.post(f"{self.url}/graphql", json={"query": "{ __typename }"}, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("uvicorn did not start in time")

    def graphql(self, query: str, variables: dict | None = None, **kwargs) -> httpx.Response:
        return httpx.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, **kwargs)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def start_worker(database_url: str, **settings: str) -> subprocess.Popen:
    """A task worker (manage.py worker) on `database_url`, polling every 0.1 s, with extra
    settings from the environment; give it a second or two to start polling."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", **settings}
    env.pop("TASKS_IMMEDIATE", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


class RedisServer:
    """A private redis-server on a free loopback port, for the channel layer across processes.
    It keeps nothing on disk, so a restart comes back empty, as a crashed Redis does."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server); .ci/run installs it")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """Die as a crashed Redis does: no goodbye to its clients."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
