"""Schemathesis checks for Flywheel (.ci/run sets SCHEMATHESIS_HOOKS to this module): on top of
"never a 5xx", a generated request must never get our masked "Something went wrong": whatever
a fuzzer sends is the client's mistake, and must be answered as one (a typed error)."""

import schemathesis

MASKED = b"Something went wrong on our side"


@schemathesis.check
def no_masked_errors(ctx, response, case):
    if MASKED in response.content:
        raise AssertionError(f"A masked server error answered client input: {response.content[:300]!r}")
