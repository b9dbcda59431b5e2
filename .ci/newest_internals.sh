#!/usr/bin/env bash
# Reports, without failing CI, whether the newest releases of the libraries whose internals we
# use (platform/library_internals.py) still pass the contract tests listed there: each newest
# release is installed into an overlay that shadows the pinned one, and those tests run against it.
set -uo pipefail
cd "$(dirname "$0")/.."
overlay="$(mktemp -d)"
trap 'rm -rf "$overlay"' EXIT
read -r -a packages < <(.venv/bin/python -c "from platform.library_internals import OVERRIDES; print(' '.join(sorted({o.package for o in OVERRIDES})))")
read -r -a tests < <(.venv/bin/python -c "from platform.library_internals import OVERRIDES; print(' '.join(sorted({o.test for o in OVERRIDES})))")
if ! .venv/bin/pip install -q --disable-pip-version-check --no-deps --upgrade --target "$overlay" "${packages[@]}" 2>/dev/null; then
  echo "REPORT: could not install the newest ${packages[*]}; nothing checked"
  exit 0
fi
for package in "${packages[@]}"; do
  PYTHONPATH="$overlay" .venv/bin/python -c "from importlib.metadata import version; print('  newest $package:', version('$package'))"
done
if PYTHONPATH="$overlay" .venv/bin/pytest -q -p no:cacheprovider "${tests[@]}" >"$overlay/report.txt" 2>&1; then
  echo "REPORT: the newest releases pass every contract test of platform/library_internals.py"
else
  echo "REPORT (not a failure): with the newest releases some contract tests fail; upgrade with care:"
  grep -E "^(FAILED|ERROR)" "$overlay/report.txt" | head -20
fi
exit 0
