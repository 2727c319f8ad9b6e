"""Python's cycle collector, run on the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate when a threshold is
crossed; with the till's store work on a worker thread that is often the worker. Traversing Qt
wrappers there, while the GUI thread changes them, crashes PySide6 (a segfault "Garbage-
collecting" in the worker; seen in about half the GUI test runs once the till judged the
catalogue on the worker). So while a window is open the automatic collector is off and this
object collects from a timer on the GUI thread, generation by generation, as the automatic one
would (the same thresholds)."""

from __future__ import annotations

import gc
import logging

from desktop.ui.qt import QObject, QTimer

log = logging.getLogger(__name__)


class GuiThreadCollector(QObject):
    active = 0  # collectors running: the automatic collector is back on when none is

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self.running = False
        self.start()

    def start(self) -> None:
        if not self.running:
            self.running = True
            GuiThreadCollector.active += 1
            gc.disable()
            self._timer.start()

    def stop(self) -> None:
        if self.running:
            self.running = False
            self._timer.stop()
            GuiThreadCollector.active -= 1
            if GuiThreadCollector.active == 0:
                gc.enable()

    def collect(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                found = gc.collect(generation)
                if found:
                    log.debug("collected %d objects (generation %d)", found, generation)
                return
