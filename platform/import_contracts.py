"""Check the import contracts in pyproject.toml ([tool.importlinter]) with import-linter.

    python platform/import_contracts.py [--root DIR]

Our project package is named `platform`, like the standard-library module it extends (see
platform_shim), so `importlib.util.find_spec("platform")` answers the standard module's file
and grimp (import-linter's graph builder, 3.x as pinned with import-linter 2.16) refuses it as
"not a top-level package". Here the module's spec is pointed at the project folder before
import-linter runs; tests/test_import_contracts.py fails if a grimp upgrade stops honouring it."""

import argparse
import importlib.machinery
import os
import sys


def _as_package(root: str) -> None:
    import platform

    folder = os.path.join(root, "platform")
    spec = importlib.machinery.ModuleSpec("platform", None, origin=os.path.join(folder, "__init__.py"), is_package=True)
    spec.submodule_search_locations = [folder]
    spec.has_location = True
    platform.__spec__, platform.__path__ = spec, [folder]


def check(root: str) -> int:
    """0 when every contract is kept; import-linter's report is printed either way."""
    sys.path.insert(0, root)
    os.chdir(root)  # import-linter puts the working directory first on sys.path
    _as_package(root)
    from importlinter.cli import lint_imports

    return lint_imports(config_filename=os.path.join(root, "pyproject.toml"), no_cache=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(check(parser.parse_args().root))
