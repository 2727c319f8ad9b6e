"""Start the Qt application around a store."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.resources import CJK_FONT, ICONS
from desktop.scanning.camera import FrameSource
from desktop.services.app import StoreServices
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QApplication, QFont, QFontDatabase, QIcon, QTimer, QWidget
from desktop.ui.qt_printer import system_printers

log = logging.getLogger(__name__)
FONT = CJK_FONT


def install_cjk_font(qapp: QApplication) -> None:
    """Use the shipped CJK font, so Chinese renders on tills without one installed."""
    font_id = QFontDatabase.addApplicationFont(str(FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("could not load the CJK font %s; Chinese may show as boxes", FONT)
        return
    qapp.setFont(QFont(families[0], 11))


def open_camera(spec: str) -> FrameSource:
    """A camera from a command-line spec: a device index ("0"), a stream URL, or a folder
    of images played as frames in a loop (for demos and support)."""
    from desktop.scanning.camera import ImageFolderCamera, OpenCVCamera

    if spec.isdigit():
        return OpenCVCamera(int(spec))
    if Path(spec).is_dir():
        return ImageFolderCamera(spec, fps=10, loop=True)
    return OpenCVCamera(spec)


def application() -> QApplication:
    """The one QApplication: Lantern's name, icon and CJK font."""
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    qapp.setApplicationName("Lantern")
    qapp.setWindowIcon(QIcon(str(ICONS / "lantern.png")))
    install_cjk_font(qapp)
    return qapp


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


def _smoke_test(widget: QWidget, what: str, language: str, close: Callable[[], None]) -> None:
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


def run(app: StoreServices, camera: str | None = None, *, smoke_test: bool = False) -> int:
    """The till window until it is closed. `smoke_test` closes it once it is shown."""
    qapp = application()
    for printer in system_printers(app.ctx.setting("printers", [])):
        app.printing.add_backend(printer)
    if camera is None:  # the manager's setting (Settings tab) when none is given here
        index = app.ctx.setting("camera_index")
        camera = str(index) if isinstance(index, int) and index >= 0 else None
    window = MainWindow(app, open_camera(camera) if camera else None)
    window.show()
    if smoke_test:

        def close() -> None:
            window.close()
            qapp.quit()

        _smoke_test(window, "window", window.language.current, close)
    return int(qapp.exec())
