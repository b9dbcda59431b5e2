"""requirements.lock (issue #23): every package installed, direct or transitive, pinned with
the hashes pip checks (`pip install --require-hashes`, which ./flywheel and CI run); the
direct pins agree with requirements*.txt, and this very environment is the lock."""

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from platform.library_internals import OVERRIDES

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def _locked() -> list[tuple[str, str, str | None, list[str]]]:
    """(name, version, marker, hashes) of each entry in the lock."""
    entries = []
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            name, pinned, marker = match.groups()
            entries.append((canonicalize_name(name), pinned, marker, []))
        elif line.strip().startswith("--hash=sha256:") and entries:
            entries[-1][3].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
    return entries


def _direct_pins() -> dict[str, str]:
    pins = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if match := PIN.match(line.split("#")[0].strip()):
                pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_every_locked_package_has_hashes():
    entries = _locked()
    assert len(entries) > 100  # the transitive closure, not just our pins
    for name, _, _, hashes in entries:
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name


def test_the_lock_pins_what_requirements_txt_pins():
    locked = {(name, pinned) for name, pinned, _, _ in _locked()}
    missing = {name: pinned for name, pinned in _direct_pins().items() if (name, pinned) not in locked}
    assert not missing, f"requirements*.txt changed: run ./flywheel lock ({missing})"


def test_this_environment_is_the_lock():
    """What the tests run on is what the lock says, transitive packages included (graphql-core
    and cross-web, whose internals platform/library_internals.py relies on, among them)."""
    wrong = {}
    for name, pinned, marker, _ in _locked():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, f"installed differs from requirements.lock: {wrong}"


@pytest.mark.parametrize("package", sorted({entry.package for entry in OVERRIDES}))
def test_each_package_whose_internals_we_use_is_locked_at_the_version_its_override_names(package):
    named = {entry.version for entry in OVERRIDES if entry.package == package}
    locked = {pinned for name, pinned, _, _ in _locked() if name == canonicalize_name(package)}
    assert locked == named
