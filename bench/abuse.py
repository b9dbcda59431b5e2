"""Abuse: replay issue #9's attacks against a running server and print what each one costs it.

Starts the ASGI server (uvicorn, loopback only) on a scratch database with a little demo data,
then for each attack measures the server's process tree (the server and its media sandbox
children): CPU seconds, peak RSS growth (the kernel's high-water mark, reset before each
attack) and wall time, beside the same figures for a normal request (a For You page, signed
in) measured in the same run. Every loop is bounded; nothing leaves 127.0.0.1.

Issue #21's amplifiers (H1 list bombs, H2 live fan-out, M3 pool sabotage) are in
bench/abuse_amplifiers.py.

Target: no attack costs more than 10x a normal request's CPU or 50 MB of RSS.

    eval "$(./flywheel env)" && python bench/abuse.py       # full counts
    python bench/abuse.py --smoke                            # CI
"""

import argparse
import json
import logging
import socket
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.abuse_amplifiers import amplifier_attacks, seed_amplifiers
from bench.process_meter import TICKS, Meter
from bench.scratch_db import scratch_database

CPU_RATIO_TARGET = 10
RSS_TARGET_MB = 50


def seed():
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from accounts.services.social_graph import follow
    from accounts.services.tokens import issue_token
    from videos.models import Video

    verified = timezone.now()
    # one hash for every fan: PBKDF2 at Django's cost takes ~0.4 s a call, a minute for 150
    hashed = make_password("a long secret 42")
    people = [
        User(username=f"fan{i}", email=f"fan{i}@example.com", email_verified_at=verified, password=hashed)
        for i in range(150)
    ]
    User.objects.bulk_create(people)
    star = User.objects.create_user("star", "star@example.com", "a long secret 42", email_verified_at=verified)
    people = list(User.objects.exclude(pk=star.pk))
    for fan in people[:120]:
        follow(fan, star)
        follow(star, fan)
    for fan in people[:30]:
        for other in people[30:60]:
            follow(fan, other)
    Video.objects.bulk_create(
        Video(
            author=people[i % 40],
            caption=f"clip {i} #tag{i % 7}",
            status="PUBLISHED",
            published_at=timezone.now(),
            duration_ms=15000,
            file=f"videos/bench/{i}.mp4",
        )
        for i in range(300)
    )
    return issue_token(star)[0]


def graphql(server, query, variables=None, token=None, headers=None, **kwargs):
    import httpx

    headers = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    return httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=60,
        **kwargs,
    )


def upload(server, token, path: Path):
    import httpx

    operations = {
        "query": "mutation($f: Upload!) { uploadVideo(input: {file: $f}) { errors { code message } } }",
        "variables": {"f": None},
    }
    with path.open("rb") as handle:
        return httpx.post(
            f"{server.url}/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
            files={"0": (path.name, handle, "video/quicktime")},
            headers={"Authorization": f"Bearer {token}", "Apollo-Require-Preflight": "1"},
            timeout=60,
        )


def declared_gigabyte(server):
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        b"Content-Length: 1073741824\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head + b"--x\r\n" + b" " * 65536)
        return sock.recv(4096).split(b"\r\n", 1)[0].decode()


def outcome(response) -> str:
    """The HTTP status and the error codes of a GraphQL answer."""
    body = response.json() if response.headers.get("content-type", "").startswith("application/") else {}
    codes = {e.get("extensions", {}).get("code", "") for e in body.get("errors", [])}
    payload = next(iter((body.get("data") or {}).values()), None)
    if isinstance(payload, dict):
        codes |= {e["code"] for e in payload.get("errors", [])}
    return f"{response.status_code} {','.join(sorted(c for c in codes if c)) or 'ok'}"


NESTED = """{ user(username: "star") { followers(first: 100) { edges { node { followers(first: 100) {
  edges { node { followers(first: 10) { edges { node { username } } } } } } } } } } }"""
TOTALS = (
    'a%d: user(username: "star") { followers(first: 100) { edges { node { followers(first: 100) { totalCount } } } } }'
)
LOGIN = 'mutation($p: String!) { login(input: {username: "star", password: $p}) { errors { code } } }'
DEEP = '{"query": "{ __typename }", "variables": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"


def attacks(server, token, files: dict, counts: dict, ids: dict):
    """(name, attack) pairs; an attack returns (its answer, how many requests it made)."""
    import httpx

    def one(request):
        return lambda: (outcome(request()), 1)

    yield "upload: 16000x16000 PNG .mov", one(lambda: upload(server, token, files["giant"]))
    yield "upload: declares 2 h", one(lambda: upload(server, token, files["marathon"]))
    search = "query($q: String!) { search(query: $q) { users { id } } }"
    yield "search with ~900 KB $q", one(lambda: graphql(server, search, {"q": "ab " * 300_000}))
    yield "followers 100x100x10, anonymous", one(lambda: graphql(server, NESTED))
    triple = "{ " + " ".join(TOTALS % i for i in range(3)) + " }"
    yield "100 followers' totals, 3 aliases", one(lambda: graphql(server, triple))
    yield "anonymous 1 GB multipart POST", lambda: (declared_gigabyte(server), 1)

    def pages():
        query = "{ forYou(first: 50) { edges { node { video { id } } } } }"
        answers = [graphql(server, query) for _ in range(counts["pages"])]
        return outcome(answers[-1]), counts["pages"]

    yield f"{counts['pages']} cookie-less forYou(first: 50)", pages

    def guesses():
        for i in range(counts["guesses"]):
            graphql(server, LOGIN, {"p": f"guess {i}"}, headers={"X-Forwarded-For": "198.51.100.66"})
        owner = graphql(server, LOGIN, {"p": "a long secret 42"}, headers={"X-Forwarded-For": "203.0.113.7"})
        return "owner signs in: " + outcome(owner), counts["guesses"] + 1

    yield f"{counts['guesses']} wrong passwords, then the owner", guesses
    yield "NUL inside a GraphQL literal", one(lambda: graphql(server, '{ user(username: "a\\u0000b") { id } }'))
    headers = {"content-type": "application/json"}
    yield "variables nested 5,000 deep", one(lambda: httpx.post(f"{server.url}/graphql", content=DEEP, headers=headers))
    yield from amplifier_attacks(server, graphql, outcome, token, ids, counts)


def measure(server, token, files, counts, ids) -> int:
    page = "{ forYou(first: 10) { edges { node { reason video { id caption author { username } } } } } }"
    for _ in range(3):  # warm: model load, shared lists, caches
        graphql(server, page, token=token)
    upload(server, token, files["marathon"])  # starts the media sandbox's fork server
    samples = []
    for _ in range(counts["normal"]):
        with Meter(server.process.pid) as normal:
            assert graphql(server, page, token=token).status_code == 200
        samples.append(normal)
    base_cpu = max(statistics.median(s.cpu for s in samples), 1 / TICKS)
    print(
        f"normal request (For You page of 10, signed in): cpu {base_cpu * 1000:.1f} ms, "
        f"wall {statistics.median(s.wall for s in samples) * 1000:.1f} ms, "
        f"peak RSS +{max(s.peak for s in samples) / 2**20:.1f} MB"
    )
    print("\n| attack | answer | requests | cpu per request | vs normal | peak RSS | wall | within target |")
    print("|---|---|---|---|---|---|---|---|")
    failures = 0
    for name, attack in attacks(server, token, files, counts, ids):
        with Meter(server.process.pid) as meter:
            answer, requests = attack()
        ratio = meter.cpu / requests / base_cpu
        ok = ratio <= CPU_RATIO_TARGET and meter.peak <= RSS_TARGET_MB * 2**20
        failures += not ok
        print(
            f"| {name} | {answer} | {requests} | {meter.cpu / requests * 1000:.0f} ms | {ratio:.1f}x | "
            f"+{meter.peak / 2**20:.1f} MB | {meter.wall * 1000:.0f} ms | {'yes' if ok else 'NO'} |"
        )
    return failures


def main() -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="small counts, for CI")
    args = parser.parse_args()
    counts = {"pages": 40, "guesses": 25, "normal": 10} if args.smoke else {"pages": 400, "guesses": 60, "normal": 30}
    counts |= {"live_sockets": 5, "live_subscriptions": 20, "saboteurs": 320}

    with scratch_database("flywheel_bench_abuse"):
        from feed.models import PoolDecision
        from platform.tests.live_server import LiveServer
        from videos.media.synthetic import make_declared_giant, make_declared_marathon

        token = seed()
        ids = seed_amplifiers()
        folder = Path(tempfile.mkdtemp(prefix="flywheel-abuse-"))
        files = {
            "giant": make_declared_giant(folder / "giant.mov"),
            "marathon": make_declared_marathon(folder / "m.mov"),
        }
        server = LiveServer(
            {"TASKS_IMMEDIATE": "1", "MEDIA_ROOT": str(folder / "media")},
            extra_args=("--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"),
        )
        try:
            failures = measure(server, token, files, counts, ids)
        finally:
            server.stop()
        print(f"\npool decisions made by the cookie-less pages: {PoolDecision.objects.count()}")
        print(
            f"targets (cpu <= {CPU_RATIO_TARGET}x a normal request, peak RSS <= {RSS_TARGET_MB} MB): "
            f"{'met' if not failures else f'{failures} missed'}"
        )
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
