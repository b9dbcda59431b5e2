"""What the browser tests share: the Chromium binary Playwright drives, and the folder their
screenshots go to (CI keeps it as its artifacts: ARTIFACTS_DIR, var/artifacts by default)."""

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Debian's /usr/bin/chromium is a shell wrapper; Playwright starts the browser binary itself
CHROMIUM = "/usr/lib/chromium/chromium" if Path("/usr/lib/chromium/chromium").exists() else shutil.which("chromium")


def screenshot_path(name: str) -> Path:
    folder = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "var" / "artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
