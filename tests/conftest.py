"""Shared fixtures: a demo store on a real SQLite file, and a fixed clock."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Log files of the commands the tests run go to a folder of this run, not the user's own
# (platformdirs' user_log_dir honours XDG_STATE_HOME; LANTERN_* variables are stripped
# by the CLI tests' helpers, this one is not).
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="lantern-test-state-")
# Secrets go to each test database's `<db>.vault` file, never to the machine's keyring
# (the commands the tests run inherit this; keyring reads it itself).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
# PINs hashed in the test process with the cheapest Argon2id parameters (a hash carries its
# own, so the commands the tests run, which do not get LANTERN_* variables, still verify
# them); tests/store/test_pins.py checks the production parameters are the default.
os.environ["LANTERN_PIN_COST"] = "test"
# Messages in English whatever the machine's locale (desktop/i18n.py picks Chinese for a zh
# locale): the tests assert English unless they set LANG=zh_CN.UTF-8 or --lang themselves.
for _name in ("LC_ALL", "LC_MESSAGES", "LANTERN_LANG"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture
def demo_path(tmp_path: Path) -> Iterator[Path]:
    """A freshly built demo store (closed again, so subprocesses can open it)."""
    from desktop.services.demo import build_demo

    path = tmp_path / "demo.db"
    app = build_demo(path, members=120)
    app.close()
    yield path
