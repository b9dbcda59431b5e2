"""What a server process tree costs: CPU seconds (its own and its reaped children's, from
/proc) and peak RSS growth, measured around a block of work. Used by bench/abuse.py and
bench/serving.py."""

import contextlib
import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def cpu(pid: int) -> float:
    """CPU seconds of a process and of its children it has reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / TICKS


def status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0


class Meter:
    def __init__(self, server_pid: int):
        self.pid = server_pid

    def __enter__(self):
        # reset the peak RSS mark (not possible for another user's process: peaks then span the run)
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        self.rss = status(self.pid, "VmRSS")
        self.cpu = sum(cpu(pid) for pid in tree(self.pid))
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = sum(cpu(pid) for pid in tree(self.pid)) - self.cpu
        self.peak = max(0, status(self.pid, "VmHWM") - self.rss)


def cpu_seconds(root: int) -> float:
    """CPU seconds used so far by `root` and every process below it."""
    return sum(cpu(pid) for pid in tree(root))


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by every PostgreSQL process on the machine (the postmaster's
    reaped backends included): the database's share of a run."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                name = Path(f"/proc/{entry}/comm").read_text().strip()
            except OSError:
                continue
            if name == "postgres":
                total += cpu(int(entry))
    return total
