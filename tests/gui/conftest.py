"""Shared by the GUI tests.

- `store` and `window` (till_support): a demo store on a fixed day with a head-office issuing
  key, and the real window logged in on it. A module's own fixture of the same name wins.
- Garbage is collected on the GUI thread after every test, so nothing of a closed window
  (its language's translator, its session) lingers into the next test. While a window is open
  its GuiThreadCollector keeps the collector off the worker thread (desktop/ui/collector.py).
- The application's fonts are set up as the till's start-up does (desktop/ui/fonts.py: the
  shipped CJK font), so the windows under test look as they do in a store.
- Waits: `waits.WAIT_MS` (30 s) for every wait on state; no fixed sleeps."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from till_support import store, window

from desktop.ui.fonts import install_fonts

__all__ = ["collect_garbage_on_the_gui_thread", "fonts_as_at_start_up", "store", "window"]


@pytest.fixture(autouse=True, scope="session")
def fonts_as_at_start_up(qapp: Any) -> None:
    install_fonts(qapp)


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread() -> Iterator[None]:
    yield  # set up first, so torn down last: after qtbot has closed the test's widgets
    gc.collect()
