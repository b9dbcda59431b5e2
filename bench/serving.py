"""Serving cost (issue #27), first slice: what a read costs the server against what its data costs.

Starts, on a scratch database, the real stack (uvicorn, production settings: DEBUG off) and a
floor beside it (bench/serving_floor.py: the same uvicorn, no Django, no GraphQL, one
hand-written SQL statement), drives each with the same requests over loopback (bounded in
count, `--concurrency` at a time) and prints, per operation, requests/s, p50 and p99 latency,
and the server's CPU ms per request (from /proc, so the load generator's own CPU does not
count), with the ratio to the floor measured in the same run. Ratios, not absolute times: the
machines are shared and noisy.

The operations (bench/serving_cases.py) are the API guide's reads as a phone makes them,
`{ __typename }`, and the writes, each beside its floor: 10 videos by id and a For You page of
10 (against the floor's same 10 videos), a comments page, a profile with its videos, a
Following page, search, a notifications page, a heart and a comment (each against the same
rows written by one hand-written transaction). Before measuring, every read's answer is checked
equal to its floor's; after, every write's rows are counted.

    eval "$(./flywheel env)" && python bench/serving.py            # full size
    python bench/serving.py --smoke                                  # CI
"""

import argparse
import asyncio
import itertools
import logging
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.process_meter import cpu_seconds
from bench.scratch_db import scratch_database
from bench.serving_cases import Operation, check_writes, operations, seed

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    # the writers write thousands of times; the limiter still runs, it only never says no
    "RATE_LIMIT_HEART_ACCOUNT": "1000000/h",
    "RATE_LIMIT_HEART_ADDRESS": "1000000/h",
    "RATE_LIMIT_COMMENT_ACCOUNT": "1000000/m",
    "RATE_LIMIT_COMMENT_ADDRESS": "1000000/m",
}


async def _drive(url: str, bodies: Iterator[dict], token: str, count: int, concurrency: int) -> list[float]:
    import httpx

    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:
        queue = itertools.islice(bodies, count)

        async def worker():
            for body in queue:
                started = time.perf_counter()
                response = await client.post(url, json=body)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def measure(server, operation: Operation, count: int, concurrency: int) -> dict:
    url, bodies, warm = f"{server.url}/graphql", operation.bodies(), max(10, count // 10)
    asyncio.run(_drive(url, bodies, operation.token, warm, concurrency))  # warm: caches, pools
    cpu, wall = cpu_seconds(server.process.pid), time.perf_counter()
    latencies = asyncio.run(_drive(url, bodies, operation.token, count, concurrency))
    operation.made += warm + count
    wall, cpu = time.perf_counter() - wall, cpu_seconds(server.process.pid) - cpu
    latencies.sort()
    return {
        "rps": count / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "cpu_ms": cpu / count * 1000,
    }


def same_answer(servers: dict, operations: list[Operation]) -> None:
    """Each floor answers what the API answers for the same read (hashtags in any order)."""
    import httpx

    floor = None
    for operation in operations:
        if operation.on_floor:
            floor = operation
        if not operation.same_as_floor:
            continue
        answers = []
        for server, asked in ((servers[True], floor), (servers[False], operation)):
            headers = {"Authorization": f"Bearer {asked.token}"}
            response = httpx.post(f"{server.url}/graphql", json=next(asked.bodies()), headers=headers)
            assert response.status_code == 200, (asked.name, response.text, server.output()[-3000:])
            answer = response.json()
            assert "errors" not in answer, answer
            answers.append(_hashtags_sorted(answer["data"]))
        assert answers[0] == answers[1], (operation.name, *answers)
        assert str(answers[1]).count("'") > 20, f"{operation.name}: an empty answer proves nothing: {answers[1]}"


def _hashtags_sorted(value):
    if isinstance(value, dict):
        return {
            key: sorted(item, key=lambda tag: tag["name"]) if key == "hashtags" else _hashtags_sorted(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_hashtags_sorted(item) for item in value]
    return value


def report(rows: list[tuple[Operation, dict]], plot: Path | None) -> None:
    """Each read against the floor above it in the table (the same answer, hand-written)."""
    print("\n| read | requests/s | p50 ms | p99 ms | CPU ms / request | vs floor (CPU) | target |")
    print("|---|---|---|---|---|---|---|")
    floor = rows[0][1]["cpu_ms"]
    for operation, figures in rows:
        name, target = operation.name, operation.target
        if operation.on_floor:
            floor = figures["cpu_ms"]
        ratio = figures["cpu_ms"] / floor if floor else float("nan")
        verdict = "" if target is None else f"≤ {target}x: {'met' if ratio <= target else 'missed'}"
        print(
            f"| {name} | {figures['rps']:,.0f} | {figures['p50']:.1f} | {figures['p99']:.1f} | "
            f"{figures['cpu_ms']:.2f} | {ratio:.1f}x | {verdict} |"
        )
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(8, 5.5))
        axes.barh([operation.name for operation, _ in rows][::-1], [figures["cpu_ms"] for _, figures in rows][::-1])
        axes.set_xlabel("server CPU ms per request (one uvicorn process)")
        axes.set_title("Serving cost against the floor (hand-written SQL, no framework)")
        figure.tight_layout()
        figure.savefig(plot, dpi=110)
        print(f"\nplot: {plot}")


def _load_cpu() -> float:
    """CPU seconds of this process's reaped children: the wrk runs."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _spread_load(urls: list[str], bodies: list[dict], token: str, seconds: float, each: int) -> float:
    """One wrk per server, at once; the requests/s of all of them."""
    from concurrent.futures import ThreadPoolExecutor

    from bench import wrk_load

    with ThreadPoolExecutor(len(urls)) as pool:
        runs = pool.map(lambda url: wrk_load.drive(url, bodies, token, seconds, each), urls)
        return sum(run["rps"] for run in runs)


def _scaling_row(servers, operation: Operation, bodies: list[dict], seconds: float, concurrency: int) -> dict:
    from bench import wrk_load
    from bench.process_meter import postgres_cpu_seconds

    urls, each = [f"{server.url}/graphql" for server in servers], max(1, concurrency // len(servers))
    print(f"measuring 10 videos by id on {len(servers)} process(es), {each} connections each ...")
    for url in urls:
        wrk_load.check(url, bodies, operation.token)
    _spread_load(urls, bodies, operation.token, 2, each)  # warm: caches, pools

    def server_cpu() -> float:
        return sum(cpu_seconds(server.process.pid) for server in servers)

    before, wall = (server_cpu(), postgres_cpu_seconds(), _load_cpu()), time.perf_counter()
    rate = _spread_load(urls, bodies, operation.token, seconds, each)
    wall = time.perf_counter() - wall
    return {
        "rps": rate,
        "server": (server_cpu() - before[0]) / wall,
        "postgres": (postgres_cpu_seconds() - before[1]) / wall,
        "load": (_load_cpu() - before[2]) / wall,
    }


def scaling(live_server, operation: Operation, count: int, concurrency: int) -> int:
    """Requests/s of one read on 1 and on 2 server processes, as deploy/ runs them: one uvicorn
    per port, each with its own connection pool, the load spread evenly over them (nginx's
    round robin). (One port with `--workers 2` let whichever process woke first accept every
    keep-alive connection: a smoke run had one process do all the work.) The load comes from
    wrk (bench/wrk_load.py); where each run's cores went is printed beside it."""
    from bench import wrk_load

    if not wrk_load.available():
        print("--scaling needs wrk (apt-get install wrk): a Python load generator takes a core of its own")
        return 1
    rows, bodies = {}, list(itertools.islice(operation.bodies(), 50))
    for processes in (1, 2):
        servers = [live_server(PRODUCTION, extra_args=("--no-access-log",)) for _ in range(processes)]
        try:
            rows[processes] = _scaling_row(servers, operation, bodies, max(2.0, count / 400), concurrency)
        finally:
            for server in servers:
                server.stop()
    print("\n| server processes | requests/s | vs one | cores: servers | PostgreSQL | load generator |")
    print("|---|---|---|---|---|---|")
    for processes, row in rows.items():
        print(
            f"| {processes} | {row['rps']:,.1f} | {row['rps'] / rows[1]['rps']:.2f}x | {row['server']:.2f} | "
            f"{row['postgres']:.2f} | {row['load']:.2f} |"
        )
    per_core = [row["rps"] / row["server"] for row in rows.values()]
    print(f"\nrequests per server core-second: {per_core[0]:,.0f} on one process, {per_core[1]:,.0f} on two")
    return 0


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, also through a pipe
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a small database and few requests, for CI")
    parser.add_argument("--creators", type=int, default=2000)
    parser.add_argument("--videos", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=2000, help="per operation")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--plot", type=Path, default=None, help="write a bar chart here (PNG)")
    parser.add_argument("--only", default="", help="measure only the reads whose name contains this (and the floor)")
    parser.add_argument(
        "--scaling", action="store_true", help="instead: 10 videos by id on 1, then 2 server processes (requests/s)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.creators, args.videos, args.requests = 50, 500, 200
    with scratch_database("flywheel_bench_serving"):
        from platform.tests.live_server import LiveServer

        print(f"seeding {args.creators:,} creators and {args.videos:,} videos ...", flush=True)
        cases = operations(seed(args.creators, args.videos))
        if args.scaling:
            return scaling(LiveServer, cases[2], args.requests, args.concurrency)
        servers = {
            True: LiveServer(app="bench.serving_floor:app"),
            False: LiveServer(PRODUCTION, extra_args=("--no-access-log",)),
        }
        try:
            same_answer(servers, cases)
            rows = []
            for operation in cases:
                if args.only not in operation.name and not operation.on_floor:
                    continue
                print(f"measuring {operation.name} ({args.requests:,} requests, {args.concurrency} at a time) ...")
                server = servers[operation.on_floor]
                rows.append((operation, measure(server, operation, args.requests, args.concurrency)))
        finally:
            for server in servers.values():
                server.stop()
        check_writes(cases)
        report(rows, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
