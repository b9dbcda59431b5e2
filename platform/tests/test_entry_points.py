"""The project folder `platform/` shares its name with a standard-library module. Every way
of starting the project must still find both (see platform_shim.py)."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SMALL_TEST = "platform/tests/test_schema_sdl.py"
# collecting is enough: it starts Django through pytest-django and imports the project and its
# tests, which is where a shadowed `platform` breaks; running them again would only cost time
COLLECT = ("-q", "--collect-only", "-p", "no:cacheprovider", SMALL_TEST)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, **kwargs)


def assert_ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout + result.stderr


def test_manage_py():
    assert_ok(run(sys.executable, "manage.py", "check"))


def test_python_dash_m_pytest():
    assert_ok(run(sys.executable, "-m", "pytest", *COLLECT))


def test_pytest_console_script():
    assert_ok(run(str(Path(sys.executable).with_name("pytest")), *COLLECT))


def test_pytest_when_the_standard_module_was_imported_first_and_no_pth_helps():
    """What a bare `pytest` console script does in a virtualenv without our .pth file:
    the standard `platform` is imported before the project folder is on sys.path."""
    site_packages = sysconfig.get_path("purelib")
    code = f"import platform, sys\nsys.path.append({site_packages!r})\nimport pytest\nsys.exit(pytest.console_main())\n"
    # -S: no site (so no .pth files), -P: the current directory is not put on sys.path
    result = run(sys.executable, "-S", "-P", "-c", code, *COLLECT)
    assert_ok(result)


def test_uvicorn_console_script_imports_the_asgi_application():
    code = "import platform; from uvicorn.importer import import_from_string as i; i('platform.asgi:application')"
    assert_ok(run(sys.executable, "-c", code, env={**os.environ}))


def test_standard_library_platform_still_works_inside_django():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'platform.settings'); django.setup()\n"
        "import platform, uuid; assert platform.system() and uuid.uuid4(); import platform.settings"
    )
    assert_ok(run(sys.executable, "-c", code))
