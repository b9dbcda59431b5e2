"""Chaos: a bounded mixed load while PostgreSQL, Redis and the task worker are each restarted
once, then every counter compared with the rows and every accepted write with what is stored.

Starts its own world on loopback: a private PostgreSQL (so it can be stopped), a private
Redis, two ASGI server processes sharing them, and a task worker. Phones (bench/chaos_load.py)
read feeds, send watch batches, heart, comment, share and upload, retrying with idempotency
keys what failed and now and then resending what was accepted; subscribers watch live
comments and resubscribe when told to. Meanwhile: PostgreSQL stops for a few seconds, Redis is
killed and comes back empty, the worker is killed (-9) just after an upload and another starts.

Target: nothing lost, nothing counted twice, nothing stuck, and failed HTTP answers (non-2xx,
UNAVAILABLE, masked errors) only while PostgreSQL is down (a second of grace after it is back):
without Redis or a worker, HTTP carries on. Exits 1 when a check fails.

    eval "$(./flywheel env)" && python bench/chaos.py      # 60 s, 12 phones, 6 subscribers
    python bench/chaos.py --smoke                           # CI: 20 s, 4 phones, 2 subscribers
"""

import argparse
import asyncio
import collections
import logging
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.chaos_checks import check_everything
from bench.chaos_load import RETRIED, Ledger, Phone, subscriber

GRACE_SECONDS = 1.0
PG_OUTAGE_SECONDS = 4.0
REDIS_OUTAGE_SECONDS = 2.0
# the load is one client address: lift the per-address and per-target limits it would hit
UNLIMITED = {
    f"RATE_LIMIT_{name}": "" for name in ("COMMENT_ACCOUNT", "COMMENT_ADDRESS", "WATCH_ACCOUNT", "WATCH_ADDRESS")
} | {f"RATE_LIMIT_SHARE_{scope}": "" for scope in ("ACCOUNT", "ADDRESS", "ACCOUNT_TARGET", "ADDRESS_TARGET")}


class World:
    """PostgreSQL, Redis, two servers and a worker, each of which can be restarted."""

    def __init__(self, media: Path):
        from platform.tests.live_server import MANY_CLIENTS_ONE_ADDRESS, LiveServer, RedisServer, start_worker
        from platform.tests.private_postgres import PrivatePostgres

        self.pg = PrivatePostgres()
        os.environ["DATABASE_URL"] = self.pg.url
        self._setup_django()
        self.redis = RedisServer()
        self.env = {
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(media),
            "WORKER_LEASE_SECONDS": "4",
            "WORKER_HEARTBEAT_SECONDS": "1",
            "REVIEW_STALL_SECONDS": "8",
            **UNLIMITED,
            **MANY_CLIENTS_ONE_ADDRESS,
        }
        self.servers = [LiveServer(self.env) for _ in range(2)]
        self._start_worker = lambda: start_worker(self.pg.url, **self.env)
        self.worker = self._start_worker()
        self.down: list[tuple[str, float, float]] = []  # (part, down at, back at), run seconds

    @staticmethod
    def _setup_django() -> None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
        os.environ.setdefault("DEBUG", "1")
        import django

        import platform_shim  # noqa: F401

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def outage(self, part: str, stop, start, seconds: float, start_time: float) -> None:
        down_at = time.monotonic() - start_time
        stop()
        time.sleep(seconds)
        start()
        self.down.append((part, down_at, time.monotonic() - start_time))
        print(f"  {part}: down at {down_at:5.1f} s, back at {self.down[-1][2]:5.1f} s", flush=True)

    def kill_worker(self, start_time: float) -> None:
        self.worker.kill()
        self.worker.wait()
        self.worker = self._start_worker()
        print(f"  worker: killed (-9) at {time.monotonic() - start_time:5.1f} s, another started", flush=True)

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        self.worker.kill()
        for server in self.servers:
            server.stop()
        self.redis.stop()
        self.pg.destroy()


def seed(phones: int) -> tuple[list, list]:
    """Accounts with tokens, and published videos (of a creator) for them to act on."""
    from django.utils import timezone
    from strawberry import relay

    from accounts.models import User
    from accounts.services.tokens import issue_token
    from videos.models import Video

    creator = User.objects.create_user(
        username="chaos_creator",
        email="creator@chaos.test",
        password=None,
        kind=User.Kind.CREATOR,
        email_verified_at=timezone.now(),
    )
    videos = []
    for n in range(6):
        video = Video.objects.create(
            author=creator,
            caption=f"chaos {n}",
            duration_ms=10_000,
            file=f"videos/chaos/{n}.mp4",
            status=Video.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        videos.append((video.pk, relay.to_base64("Video", video.pk)))
    people = []
    for n in range(phones):
        user = User.objects.create_user(
            username=f"chaos_phone_{n}", email=f"phone{n}@chaos.test", password=None, email_verified_at=timezone.now()
        )
        people.append((user.pk, issue_token(user)[0]))
    return people, videos


async def run_load(world: World, people, videos, clip: bytes, seconds: float, subscribers: int) -> Ledger:
    ledger = Ledger()
    until, give_up_at = ledger.start + seconds, ledger.start + seconds + 30
    clients = [httpx.AsyncClient(base_url=server.url, timeout=20) for server in world.servers]
    phones = [Phone(ledger, clients[n % 2], pk, token, videos, seed=n) for n, (pk, token) in enumerate(people)]
    loop = asyncio.get_running_loop()

    def chaos() -> None:
        _sleep_until(ledger.start + 0.2 * seconds)
        world.outage("postgresql", world.pg.stop, world.pg.start, PG_OUTAGE_SECONDS, ledger.start)
        _sleep_until(ledger.start + 0.45 * seconds)
        world.outage("redis", world.redis.kill, world.redis.start, REDIS_OUTAGE_SECONDS, ledger.start)
        _sleep_until(ledger.start + 0.7 * seconds)
        asyncio.run_coroutine_threadsafe(phones[0].upload(clip, give_up_at), loop).result()
        time.sleep(0.2)  # its review has started
        world.kill_worker(ledger.start)

    chaos_thread = threading.Thread(target=chaos)
    chaos_thread.start()
    ws_urls = [server.ws_url for server in world.servers]
    await asyncio.gather(
        *(phone.run(until, give_up_at) for phone in phones),
        *(phone.upload(clip, give_up_at) for phone in phones[1:3]),
        *(subscriber(ledger, ws_urls[n % 2], videos[n % len(videos)][1], until) for n in range(subscribers)),
    )
    await asyncio.to_thread(chaos_thread.join)
    for client in clients:
        await client.aclose()
    return ledger


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def report(ledger: Ledger, down: list) -> int:
    """Requests by action and outcome; the failures that came while nothing was down."""
    table = collections.defaultdict(collections.Counter)
    stray = []
    for sent, answered, action, outcome in ledger.attempts:
        table[action][outcome] += 1
        failed = outcome in RETRIED or outcome.startswith(("HTTP", "ERROR"))
        # HTTP needs PostgreSQL; without Redis it must carry on (live comments tell their own
        # story). A request in flight at any moment of the outage may fail.
        excused = any(
            part == "postgresql" and sent <= end + GRACE_SECONDS and answered >= start for part, start, end in down
        )
        if failed and not excused:
            stray.append((round(sent, 1), round(answered, 1), action, outcome))
    print(f"\n{'action':<8} {'requests':>8}  outcomes")
    for action, outcomes in sorted(table.items()):
        print(f"{action:<8} {sum(outcomes.values()):>8}  {dict(outcomes.most_common())}")
    served = sum(count for outcomes in table.values() for kind, count in outcomes.items() if kind == "ok")
    print(
        f"served {served} of {len(ledger.attempts)} requests; resent after acceptance {ledger.resent} "
        f"({ledger.resent_differently} answered differently)"
    )
    print(
        f"live: {ledger.delivered} comments delivered ({ledger.delivered_twice} twice); "
        f"subscriptions ended by {dict(ledger.live_ends)}"
    )
    print(f"failed answers while PostgreSQL was up: {len(stray)} {stray[:5]}")
    return len(stray) + ledger.resent_differently + ledger.delivered_twice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="20 s, 4 phones, 2 subscribers (CI)")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    seconds, phones, subscribers = (20, 4, 2) if args.smoke else (60, 12, 6)
    folder = Path(tempfile.mkdtemp(prefix="flywheel-chaos-"))
    print(f"chaos: {seconds} s of load from {phones} phones and {subscribers} live subscribers", flush=True)
    world = World(folder / "media")
    try:
        from videos.media.synthetic import make_video

        clip = make_video(folder / "clip.mp4", seed=random.randrange(1000)).read_bytes()
        people, videos = seed(phones)
        ledger = asyncio.run(run_load(world, people, videos, clip, seconds, subscribers))
        failures = report(ledger, world.down)
        failures += check_everything(ledger, videos)
    finally:
        world.close()
    print(
        f"\ntarget (nothing lost, nothing counted twice, nothing stuck, errors only while down): "
        f"{'met' if not failures else f'{failures} failures'}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
