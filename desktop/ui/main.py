"""Start the Qt application around a store."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.resources import ICONS
from desktop.scanning.camera import FrameSource
from desktop.services.app import StoreServices
from desktop.ui.fonts import install_fonts
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QApplication, QEventLoop, QIcon, QTimer, QWidget
from desktop.ui.qt_printer import system_printers

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The Qt application as the till starts it: the shipped CJK font registered and made
    the application's font before any window exists (the system may have none)."""
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    qapp.setApplicationName("Lantern")
    qapp.setWindowIcon(QIcon(str(ICONS / "lantern.png")))
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


def first_run(path: Path, *, smoke_test: bool = False) -> str | None:
    """No store on this machine yet: the set-up dialog. "store" once one is set up at
    `path`, "demo" for the demo, None if the person closed it."""
    from desktop.ui.dialogs.first_run import FirstRunDialog
    from desktop.ui.i18n import Language, system_language

    application()
    language = Language()
    language.set(system_language())
    dialog = FirstRunDialog(path)
    if smoke_test:
        _smoke_test(dialog, "first-run dialog", language.current, dialog.reject)
    dialog.exec()
    return dialog.choice


SMOKE_TIMEOUT_MS = 120_000


def _smoke_test(widget: QWidget, what: str, language: str, close: Callable[[], object]) -> None:
    """Wait until `widget` is really on screen, say so on stdout, and close it."""
    waited = [0]

    def check() -> None:
        handle = widget.windowHandle()
        if handle is not None and handle.isExposed():
            print(f"{what} shown: {widget.windowTitle()} [{language}]", flush=True)
            close()
        elif waited[0] > SMOKE_TIMEOUT_MS:
            print(f"{what} not shown", flush=True)
            close()
        else:
            waited[0] += 20
            QTimer.singleShot(20, check)

    QTimer.singleShot(0, check)


def run(
    app: StoreServices,
    camera: str | None = None,
    sync_interval: float | None = None,
    *,
    smoke_test: bool = False,
) -> int:
    """The till window until it is closed. `sync_interval`: the window runs the background
    sync loop (a round at once, then every so many seconds); None: sync only when asked.
    `smoke_test` closes it once it is shown. With a Qt application already running (a host
    program, a test), the window runs in a local event loop that ends when it closes, and the
    application is left as it was (its own loop never quits)."""
    owned = QApplication.instance() is None
    qapp = application()
    for printer in system_printers(app.ctx.setting("printers", [])):
        app.printing.add_backend(printer)
    if camera is None:  # the manager's setting (Settings tab) when none is given here
        index = app.ctx.setting("camera_index")
        camera = str(index) if isinstance(index, int) and index >= 0 else None
    window = MainWindow(app, open_camera(camera) if camera else None, sync_interval=sync_interval)
    window.show()
    if smoke_test:
        _smoke_test(window, "window", window.language.current, window.close)
    try:
        if owned:
            window.closed.connect(qapp.quit)  # whatever other window (a second screen) is open
            return int(qapp.exec())
        loop = QEventLoop()
        window.closed.connect(loop.quit)
        return int(loop.exec())
    finally:
        window.session.close()  # the sync loop stops with the window (closing twice is fine)
