"""How long a GUI test waits for the window to get somewhere. GUI tests wait on state
(`qtbot.waitUntil(..., timeout=WAIT_MS)`, `qtbot.waitSignal(..., timeout=WAIT_MS)`), never on
fixed sleeps, and the wait is generous: a slow or busy machine makes a test slower, never
red. A test that passes waits only as long as the window takes."""

from __future__ import annotations

WAIT_MS = 30_000
