"""The import contracts (issue #23) hold, and would catch a new import that breaks them:
run on a copy of the project with one forbidden import added, the checker fails and names it."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "platform" / "import_contracts.py"
PACKAGES = ("platform", "accounts", "videos", "feed", "notifications")


def _check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECKER), "--root", str(root)], capture_output=True, text=True, timeout=300
    )


def _copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
    for name in ("pyproject.toml", "platform_shim.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_project_keeps_its_import_contracts():
    done = _check(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    root = _copy(tmp_path)
    (root / "accounts" / "services" / "reaches_up.py").write_text("from feed.services import for_you  # noqa\n")
    done = _check(root)
    assert done.returncode == 1
    assert "accounts is not allowed to import feed" in done.stdout
    assert "accounts.services.reaches_up -> feed.services" in done.stdout


def test_a_knot_between_two_service_modules_breaks_the_contract(tmp_path):
    """sessions and account_deletion once imported each other (issue #23); tying them again fails."""
    root = _copy(tmp_path)
    tokens = root / "accounts" / "services" / "tokens.py"
    tokens.write_text(tokens.read_text() + "\n\nfrom .account_deletion import cancel_deletion  # noqa\n")
    done = _check(root)
    assert done.returncode == 1
    assert "No knots" in done.stdout and "BROKEN" in done.stdout
