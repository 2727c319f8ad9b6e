"""Shared by the GUI tests.

- `store` and `window` (till_support): a demo store on a fixed day with a head-office issuing
  key, and the real window logged in on it. A module's own fixture of the same name wins.
- Garbage is collected on the GUI thread after every test, so nothing of a closed window
  (its language's translator, its session) lingers into the next test. While a window is open
  its GuiThreadCollector keeps the collector off the worker thread (desktop/ui/collector.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from till_support import store, window

__all__ = ["collect_garbage_on_the_gui_thread", "store", "window"]


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread() -> Iterator[None]:
    yield  # set up first, so torn down last: after qtbot has closed the test's widgets
    gc.collect()
