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


@pytest.fixture
def demo_path(tmp_path: Path) -> Iterator[Path]:
    """A freshly built demo store (closed again, so subprocesses can open it)."""
    from desktop.services.demo import build_demo

    path = tmp_path / "demo.db"
    app = build_demo(path, members=120)
    app.close()
    yield path
