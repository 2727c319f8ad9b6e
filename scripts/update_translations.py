"""Refresh resources/translations/lantern_zh_CN.ts from the tr() strings in desktop/ui
(pyside6-lupdate keeps existing translations and marks new strings unfinished), then
compile it into lantern_zh_CN.qm (pyside6-lrelease), the file the application ships and
loads. Commit both; tests/gui/test_translations.py fails when the .qm lags the .ts.

`--compile-only` skips lupdate (after editing translations in the .ts by hand or in Qt
Linguist)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"


def main(argv: list[str]) -> int:
    tools = Path(sys.executable).parent
    for ts in sorted(TRANSLATIONS.glob("lantern_*.ts")):
        if "--compile-only" not in argv:
            sources = sorted(str(p) for p in (ROOT / "desktop" / "ui").rglob("*.py"))
            done = subprocess.run(
                [str(tools / "pyside6-lupdate"), *sources, "-ts", str(ts)], check=False
            )
            if done.returncode:
                return done.returncode
        qm = ts.with_suffix(".qm")
        done = subprocess.run(
            [str(tools / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=False
        )
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
