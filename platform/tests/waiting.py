"""Waiting for another process in the live tests: ask again, a bounded number of times.

The bound is a number of tries, not a clock: these tests assert what happens, never how fast
(speed is measured by the benchmarks under bench/, as ratios)."""

import time
from collections.abc import Callable


def until(check: Callable[[], object], *, tries: int, pause: float, what: str, error: type = AssertionError):
    """`check()`'s first true answer, asked up to `tries` times `pause` seconds apart; `error`
    naming `what` never happened otherwise."""
    for _ in range(tries):
        answer = check()
        if answer:
            return answer
        time.sleep(pause)
    raise error(f"{what}: not after {tries} tries")
