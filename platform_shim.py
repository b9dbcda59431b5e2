"""Let the project package ``platform/`` live beside the standard-library ``platform`` module.

Our design names the Django project folder ``platform``, which is also the name of a
standard-library module that Django needs (``import uuid`` calls ``platform.system()`` on
Linux). Whichever is imported first would otherwise shadow the other. This module keeps
``sys.modules["platform"]`` the genuine standard-library module and gives it the project
folder as its ``__path__``, so ``platform.system()`` and ``platform.settings`` both resolve.

It runs from three places, whichever comes first:
- ``platform/__init__.py``, when the project folder is imported before the standard module;
- ``pytest -p platform_shim`` (see ``pyproject.toml``), when pytest imported the standard
  module before the project was on ``sys.path``;
- a ``.pth`` file in the virtualenv (written by ``./flywheel``), for console scripts such as
  ``uvicorn`` and ``daphne`` that import the standard module first.

PYTEST_DONT_REWRITE (the .pth may import this before pytest could rewrite it)
"""

import importlib.util
import os
import sys
import sysconfig

PROJECT_PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "platform")
STDLIB_PLATFORM_FILE = os.path.join(sysconfig.get_path("stdlib"), "platform.py")


def _is_stdlib(module) -> bool:
    return os.path.abspath(getattr(module, "__file__", "") or "") == STDLIB_PLATFORM_FILE


def install() -> None:
    """Make ``sys.modules["platform"]`` the standard module, extended with the project folder."""
    current = sys.modules.get("platform")
    if current is not None and _is_stdlib(current):
        current.__path__ = [PROJECT_PACKAGE_DIR]
        if current.__spec__ is not None:
            current.__spec__.submodule_search_locations = [PROJECT_PACKAGE_DIR]
        return
    spec = importlib.util.spec_from_file_location(
        "platform", STDLIB_PLATFORM_FILE, submodule_search_locations=[PROJECT_PACKAGE_DIR]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["platform"] = module
    spec.loader.exec_module(module)


install()
