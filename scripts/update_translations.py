"""Refresh resources/translations/lantern_zh_CN.ts from the tr() strings in desktop/ui
(pyside6-lupdate keeps existing translations and marks new strings unfinished)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sources = sorted(str(p) for p in (ROOT / "desktop" / "ui").rglob("*.py"))
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    ts = ROOT / "resources" / "translations" / "lantern_zh_CN.ts"
    return subprocess.run([str(tool), *sources, "-ts", str(ts)], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
