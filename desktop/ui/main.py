"""Start the Qt application around a store."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from desktop.scanning.camera import FrameSource
from desktop.services.app import StoreServices
from desktop.ui.fonts import install_fonts
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QApplication
from desktop.ui.qt_printer import system_printers

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The Qt application as the till starts it: the shipped CJK font registered and made
    the application's font before any window exists (the system may have none)."""
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    qapp.setApplicationName("Lantern")
    install_fonts(qapp)
    return qapp


def open_camera(spec: str) -> FrameSource:
    """A camera from a command-line spec: a device index ("0"), a stream URL, or a folder
    of images played as frames in a loop (for demos and support)."""
    from desktop.scanning.camera import ImageFolderCamera, OpenCVCamera

    if spec.isdigit():
        return OpenCVCamera(int(spec))
    if Path(spec).is_dir():
        return ImageFolderCamera(spec, fps=10, loop=True)
    return OpenCVCamera(spec)


def run(app: StoreServices, camera: str | None = None, sync_interval: float | None = None) -> int:
    """The till window until it is closed. `sync_interval`: the window runs the background
    sync loop (a round at once, then every so many seconds); None: sync only when asked."""
    qapp = application()
    for printer in system_printers(app.ctx.setting("printers", [])):
        app.printing.add_backend(printer)
    if camera is None:  # the manager's setting (Settings tab) when none is given here
        index = app.ctx.setting("camera_index")
        camera = str(index) if isinstance(index, int) and index >= 0 else None
    window = MainWindow(app, open_camera(camera) if camera else None, sync_interval=sync_interval)
    window.show()
    try:
        return int(qapp.exec())
    finally:
        window.session.close()  # the sync loop stops with the window (closing twice is fine)
