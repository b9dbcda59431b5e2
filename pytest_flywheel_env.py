"""Plain `pytest` in the project's venv gets the environment `./flywheel test` would give it,
and a model folder of its own.

Loaded with `-p` (pyproject.toml), so it runs before pytest-django reads the settings. With no
DATABASE_URL it asks `./flywheel env` (which starts the project-local PostgreSQL, as `./flywheel
test` does) and takes its exports. Where that cannot work, pytest stops with one line that says
what to run instead of a settings traceback.

PYTEST_DONT_REWRITE"""

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ADVICE = 'run the tests with ./flywheel test, or eval "$(./flywheel env)" before pytest'


def _exports(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        words = shlex.split(line)
        if words[:1] == ["export"]:
            values.update(word.split("=", 1) for word in words[1:] if "=" in word)
    return values


def _bootstrap() -> None:
    if os.environ.get("DATABASE_URL"):
        return
    try:
        done = subprocess.run(
            [str(ROOT / "flywheel"), "env"], capture_output=True, text=True, timeout=300, cwd=ROOT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        sys.exit(f"pytest: Flywheel's environment is not set ({error}): {ADVICE}")
    exports = _exports(done.stdout)
    if done.returncode != 0 or "DATABASE_URL" not in exports:
        reason = (done.stderr.strip().splitlines() or ["./flywheel env failed"])[-1]
        sys.exit(f"pytest: Flywheel's environment is not set ({reason.strip()}): {ADVICE}")
    for name, value in exports.items():
        os.environ.setdefault(name, value)


_bootstrap()
# The tests never see the developer's trained model (./flywheel up trains one into var/models):
# a page's queries and picks would depend on it. Server processes the tests start inherit this.
os.environ.setdefault("FEED_MODEL_DIR", tempfile.mkdtemp(prefix="flywheel-test-models-"))
