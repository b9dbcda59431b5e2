"""Load from wrk (Debian's `wrk`: C and epoll) for bench/serving.py --scaling. On a two-core
machine the load generator shares the cores with the servers it measures; httpx's asyncio
client spent about a core of its own, wrk a small fraction, so the server processes get the
cores the scaling run is about. wrk checks status codes only: every body is checked once, by
httpx, to answer without GraphQL errors before the run."""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx


def available() -> bool:
    return shutil.which("wrk") is not None


def _script(bodies: list[dict], token: str) -> str:
    literals = ",\n".join(f"[==[{json.dumps(body)}]==]" for body in bodies)
    return f"""
local bodies = {{
{literals}
}}
local headers = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {token}"}}
local n = 0
request = function()
  n = n % #bodies + 1
  return wrk.format("POST", "/graphql", headers, bodies[n])
end
"""


def check(url: str, bodies: list[dict], token: str) -> None:
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        for body in bodies:
            answer = client.post(url, json=body)
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text[:300]


def drive(url: str, bodies: list[dict], token: str, seconds: float, connections: int) -> dict:
    """Requests/s over `seconds` (the caller measures wrk's CPU: several may run at once)."""
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "bodies.lua"
        script.write_text(_script(bodies, token))
        command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script), url]
        process = subprocess.run(command, capture_output=True, text=True, check=False)
    output = process.stdout
    assert process.returncode == 0, output + process.stderr
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    assert refused is None, f"{refused.group(1)} of {requests} requests were refused:\n{output}"
    return {"rps": rate, "requests": requests}
