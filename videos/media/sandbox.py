"""Run media work in a child process with a memory ceiling, a CPU budget and a deadline.

A file can slip past every check on its header and still ask the decoder for gigabytes (a
codec that allocates by what is in the frames, not what the container said). Whatever FFmpeg
does with an uploaded file therefore happens in a child: ``RLIMIT_AS`` makes an allocation
past the ceiling fail (a ``MemoryError``, or the decoder giving up) instead of growing the
worker, ``RLIMIT_CPU`` ends a child that spins, and the parent kills one that outlives its
deadline. Whatever the child does, it fails its own file's review and nothing else.

Children come from a fork server (multiprocessing's "forkserver" start method) that has
already imported PyAV and numpy, so each one starts in milliseconds and inherits none of the
parent's threads, locks or database connections. Nothing here imports Django."""

import multiprocessing
import os
import resource
from dataclasses import dataclass
from typing import Any

# the modules every child needs, imported once in the fork server
_PRELOAD = ["numpy.fft", "videos.media.examine", "videos.media.transcode"]
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(_PRELOAD)
# one BLAS thread in the fork server and its children: thread pools reserve address space per
# thread, which counts against the ceiling and buys nothing for this work
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class OverBudget(Exception):
    """The work needed more memory or time than it may have."""


@dataclass(frozen=True)
class Budget:
    memory_bytes: int
    cpu_seconds: int
    wall_seconds: float


@dataclass(frozen=True)
class Outcome:
    value: Any
    peak_rss_bytes: int  # the child's high-water mark, for the record and the tests


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _child(pipe, budget: Budget, function, args, kwargs) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (budget.memory_bytes, budget.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (budget.cpu_seconds, budget.cpu_seconds + 1))
    try:
        result = ("ok", function(*args, **kwargs))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # handed to the parent, which raises it there
        result = ("error", exc)
    try:
        pipe.send((*result, _peak_rss()))
    except MemoryError:
        pipe.send(("memory", None, _peak_rss()))
    finally:
        pipe.close()


def run_limited(budget: Budget, function, *args, **kwargs) -> Outcome:
    """`function(*args, **kwargs)` in a child within `budget`; its exceptions are raised here,
    and OverBudget when it ran out of memory or time or was killed."""
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, args=(sender, budget, function, args, kwargs), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(budget.wall_seconds):
            raise OverBudget(f"took longer than {budget.wall_seconds:g} s")
        status, value, peak = receiver.recv()
    except EOFError:  # died without a word: killed by the CPU limit or by the kernel
        raise OverBudget("the process processing it was stopped") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if status == "memory":
        raise OverBudget(f"needed more than {budget.memory_bytes // 2**20} MB of memory")
    if status == "error":
        raise value
    return Outcome(value, peak)
