"""The catalogue of library internals (platform/library_internals.py) is true: every entry's
pinned version is the installed one, its code still uses what it says, and its test exists."""

import ast
from importlib.metadata import version
from pathlib import Path

import pytest

from platform.library_internals import OVERRIDES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("entry", OVERRIDES, ids=lambda entry: f"{entry.package}:{entry.uses[:40]}")
def test_each_override_names_the_installed_version_its_code_and_its_test(entry):
    assert version(entry.package) == entry.version, (
        f"{entry.package} is now {version(entry.package)}: re-check that {entry.where} still holds "
        f"({entry.relies_on}), run {entry.test}, and update the entry"
    )
    assert entry.uses in (ROOT / entry.where).read_text()
    path, name = entry.test.split("::")
    tests = {node.name for node in ast.walk(ast.parse((ROOT / path).read_text())) if isinstance(node, ast.FunctionDef)}
    assert name in tests, entry.test
