"""`lantern staff pin-length`: the store's shortest PIN, enforced when a PIN is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lantern(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=base | {"LANTERN_DB": str(db)} | env,
        cwd=ROOT,
        timeout=60,
    )


def test_a_manager_raises_the_shortest_pin_and_short_pins_are_refused(demo_path: Path) -> None:
    # When a manager sets six digits (a cashier may not: tests/store/test_pins.py)
    r = lantern(demo_path, "staff", "pin-length", "--min", "6", "--manager", "M01",
                LANTERN_MANAGER_PIN="9999")  # fmt: skip
    assert (r.returncode, r.stdout) == (0, "PINs: 6 to 12 digits\n"), r.stderr
    # Then a four-digit PIN is refused for new staff, with what is expected
    add = ("staff", "add", "--id", "C07", "--name", "新员工", "--role", "cashier")
    r = lantern(demo_path, *add, LANTERN_NEW_PIN="2468")
    assert r.returncode == 1 and "a PIN must be 6 to 12 digits" in r.stderr
    assert "Traceback" not in r.stderr
    r = lantern(demo_path, *add, LANTERN_NEW_PIN="24681357")
    assert r.returncode == 0, r.stderr
