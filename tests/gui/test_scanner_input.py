"""Reading member codes in the window: a keyboard-wedge scanner typing wherever focus is
(keys delivered through the window as the keyboard's are, timed by an injected clock), and the
camera preview playing real QR images."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from waits import WAIT_MS

from desktop.core import codes
from desktop.scanning.camera import ImageFolderCamera
from desktop.services.app import StoreServices
from desktop.ui.camera_view import CameraView
from desktop.ui.main_window import MainWindow
from desktop.ui.scanner_input import KeyboardWedge

pytestmark = pytest.mark.gui

CODE = "LS1" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3 + "QRSTUVWXYZ234"  # 120 characters
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


class Clock:
    """The wedge's clock, moved by the test: keystroke timing without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


class Keyboard:
    """Types into a window the way a USB keyboard (or a wedge scanner) does: key events go to
    the window and Qt hands them to whichever widget has focus. Uppercase letters are typed
    with Shift held, as scanners do."""

    def __init__(self, window: QWidget, clock: Clock) -> None:
        self.target = window.windowHandle()
        assert self.target is not None
        self.clock = clock

    def send(self, kind: QEvent.Type, key: int, mods: Qt.KeyboardModifier, text: str) -> None:
        QApplication.sendEvent(self.target, QKeyEvent(kind, key, mods, text))

    def tap(self, key: int, mods: Qt.KeyboardModifier = NONE, text: str = "") -> None:
        self.send(QEvent.Type.KeyPress, key, mods, text)
        self.send(QEvent.Type.KeyRelease, key, mods, text)

    def type(self, text: str, gap_ms: float, ime: str | None = None) -> None:
        """`ime`: None for plain keys; "no-text" for key events without text; "full-width"
        for an IME's full-width text. Each character comes `gap_ms` after the last."""
        for char in text:
            self.clock.advance(gap_ms)
            shifted = char.isupper()
            key = ord(char.upper())
            shown = {None: char, "no-text": "", "full-width": chr(ord(char) + 0xFEE0)}[ime]
            if shifted:
                self.send(QEvent.Type.KeyPress, Qt.Key.Key_Shift, SHIFT, "")
            self.tap(key, SHIFT if shifted else NONE, shown)
            if shifted:
                self.send(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, NONE, "")

    def enter(self, gap_ms: float) -> None:
        self.clock.advance(gap_ms)
        self.tap(Qt.Key.Key_Return, NONE, "\r")


class Till(QWidget):
    """A window with two fields; the wedge watches it."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.scan = QLineEdit()
        self.notes = QLineEdit()  # somewhere else the cashier may be typing
        layout.addWidget(self.scan)
        layout.addWidget(self.notes)
        self.wedge = KeyboardWedge(self, clock=clock)
        self.scans: list[str] = []
        self.returns: list[str] = []
        self.wedge.scanned.connect(self.scans.append)
        self.notes.returnPressed.connect(lambda: self.returns.append(self.notes.text()))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def till(qtbot, clock: Clock) -> Iterator[Till]:
    window = Till(clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=WAIT_MS)
    window.activateWindow()
    window.notes.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.notes)
    yield window
    window.wedge.remove()


# --- the keyboard wedge ---------------------------------------------------------------------
def test_a_scanner_burst_is_one_scan_and_types_nothing_into_the_focused_field(
    qtbot, till: Till, clock: Clock
) -> None:
    # Given focus on the notes field, when a scanner types a code 4 ms a key and Enter
    Keyboard(till, clock).type(CODE, gap_ms=4)
    Keyboard(till, clock).enter(gap_ms=4)
    # Then it is one scan, and nothing reached the field (not even the Enter)
    assert till.scans == [CODE]
    assert till.notes.text() == ""
    assert till.returns == []


def test_slow_typing_goes_into_the_field_and_is_no_scan(qtbot, till: Till, clock: Clock) -> None:
    # Given a cashier typing a card number and Enter, 150 ms a key
    keyboard = Keyboard(till, clock)
    keyboard.type("6200123456789", gap_ms=150)
    keyboard.enter(gap_ms=150)
    # Then the field has it, its Enter fired with the whole number, and nothing was scanned
    assert till.notes.text() == "6200123456789"
    assert till.returns == ["6200123456789"]
    assert till.scans == []


def test_a_fast_but_short_burst_is_typing(qtbot, till: Till, clock: Clock) -> None:
    keyboard = Keyboard(till, clock)
    keyboard.type("1234567", gap_ms=5)  # one short of a scan
    keyboard.enter(gap_ms=5)
    assert till.returns == ["1234567"]
    assert till.scans == []


def test_keys_held_back_reach_the_field_when_no_enter_follows(
    qtbot, till: Till, clock: Clock
) -> None:
    # Given a fast run of keys with no Enter (the wedge holds them, waiting for more)
    Keyboard(till, clock).type("QuickTypist", gap_ms=20)
    assert till.notes.text() == ""
    # Then once no key came within the gap they are handed over, in order
    qtbot.waitUntil(lambda: till.notes.text() == "QuickTypist", timeout=WAIT_MS)
    assert till.scans == []


def test_a_key_held_down_is_typing_not_a_scan(qtbot, till: Till, clock: Clock) -> None:
    # Given a key held down: auto-repeat gives a fast run of one character
    keyboard = Keyboard(till, clock)
    keyboard.send(QEvent.Type.KeyPress, Qt.Key.Key_0, NONE, "0")
    for _ in range(20):  # then the same key again and again, 30 ms apart, flagged as repeats
        clock.advance(30)
        repeat = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_0, NONE, "0", True)
        QApplication.sendEvent(keyboard.target, repeat)
    keyboard.send(QEvent.Type.KeyRelease, Qt.Key.Key_0, NONE, "0")
    keyboard.enter(gap_ms=30)
    assert till.scans == []
    assert till.returns == ["0" * 21]


def test_a_pause_ends_a_burst(qtbot, till: Till, clock: Clock) -> None:
    # Given a fast run, a 200 ms pause, and another fast run ended by Enter
    keyboard = Keyboard(till, clock)
    keyboard.type("ABCDEFGH", gap_ms=4)
    clock.advance(200)
    keyboard.type("RSTUVWXYZ", gap_ms=4)
    keyboard.enter(gap_ms=4)
    # Then what came before the pause was typing, and the run after it the scan
    assert till.notes.text() == "ABCDEFGH"
    assert till.scans == ["RSTUVWXYZ"]


@pytest.mark.parametrize("ime", ["no-text", "full-width"])
def test_a_burst_through_a_chinese_input_method_reads_from_the_key_codes(
    qtbot, till: Till, clock: Clock, ime: str
) -> None:
    # Given an IME active in the field: the key events carry no text (or full-width text),
    # and the IME composes and commits text of its own in between
    keyboard = Keyboard(till, clock)
    keyboard.type(CODE[:40], gap_ms=4, ime=ime)
    QApplication.sendEvent(till.notes, QInputMethodEvent("ls", []))
    commit = QInputMethodEvent()
    commit.setCommitString("了是")
    QApplication.sendEvent(till.notes, commit)
    keyboard.type(CODE[40:], gap_ms=4, ime=ime)
    keyboard.enter(gap_ms=4)
    # Then the code is read from the keys, and none of the IME's text reached the field
    assert till.scans == [CODE]
    assert till.notes.text() == ""


def test_input_method_text_of_a_person_typing_is_left_alone(
    qtbot, till: Till, clock: Clock
) -> None:
    commit = QInputMethodEvent()
    commit.setCommitString("王先生")
    QApplication.sendEvent(till.notes, commit)
    assert till.notes.text() == "王先生"


# --- the camera preview -----------------------------------------------------------------------
def qr_frame(text: str) -> np.ndarray:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    modules = np.kron(np.array(qr.get_matrix(), dtype=bool), np.ones((4, 4), bool))
    frame = np.full((480, 640, 3), 140, np.uint8)
    y, x = (480 - modules.shape[0]) // 2, (640 - modules.shape[1]) // 2
    frame[y : y + modules.shape[0], x : x + modules.shape[1]] = np.where(modules, 20, 235).astype(
        np.uint8
    )[:, :, None]
    return frame


def film(folder: Path, text: str) -> list[Path]:
    """A few frames of an empty counter, then the code in view for a while."""
    blank, code = folder / "blank.png", folder / "code.png"
    assert cv2.imwrite(str(blank), np.full((480, 640, 3), 140, np.uint8))
    assert cv2.imwrite(str(code), qr_frame(text))
    return [blank] * 4 + [code] * 8 + [blank] * 2


def test_the_camera_view_previews_flashes_and_emits_the_code(qtbot, tmp_path: Path) -> None:
    # Given the preview on a camera that shows a code after a few frames
    view = CameraView(ImageFolderCamera(film(tmp_path, CODE), fps=30), flash_ms=200)
    failures: list[str] = []
    view.failed.connect(failures.append)
    qtbot.addWidget(view)
    view.resize(320, 240)
    view.show()
    with qtbot.waitSignal(view.code_read, timeout=WAIT_MS) as read:
        view.start()
    # Then the code comes out once, the picture is shown, and the view flashes green
    assert read.args == [CODE]
    assert view.flashing
    picture = view.grab().toImage()
    border = picture.pixelColor(3, 120)
    assert border.green() > 150 and border.red() < 120
    assert picture.pixelColor(160, 120).lightness() > 0  # the camera's picture, not black
    # and when the camera stops sending pictures the view says so
    qtbot.waitUntil(lambda: failures != [], timeout=WAIT_MS)
    assert "camera stopped" in failures[0]
    assert "camera stopped" in view.status
    assert view.grab().toImage().pixelColor(10, 10).lightness() < 30  # no stale picture
    view.stop()
    assert not view.scanner.running


# --- the till window --------------------------------------------------------------------------
@pytest.fixture
def store(demo_path: Path) -> Iterator[tuple[StoreServices, str]]:
    """The demo store, and a signed card code for member M00000001 it can verify offline."""
    app = StoreServices.open(demo_path)
    key = Ed25519PrivateKey.generate()
    app.setup.add_issuer_key(codes.IssuerKey(200, codes.public_bytes(key)))
    app.setup.set_card_serial("M00000001", 3)
    card = codes.issue_static(key, 200, 1, 3, app.ctx.now().date())
    yield app, card
    app.close()


def open_window(qtbot, app: StoreServices, **kw) -> MainWindow:
    """The window, logged in as a cashier (scans are read only at an unlocked till)."""
    window = MainWindow(app, language="en", **kw)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window, timeout=WAIT_MS)
    window.activateWindow()
    window.session.logged_in(app.login("C01", "1111"))
    return window


def test_a_wedge_scan_with_focus_in_the_catalogue_shows_the_member(qtbot, store) -> None:
    app, card = store
    window = open_window(qtbot, app)
    till = window.till
    qtbot.waitUntil(lambda: "G101" in till.catalogue.tiles, timeout=WAIT_MS)
    # Given focus on a gift tile in the catalogue, not the scan field
    tile = till.catalogue.tiles["G101"]
    tile.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tile)
    # When the scanner types the card's code (real timing: 2 ms a key)
    keyboard = Keyboard(window, Clock())
    window.wedge.clock = keyboard.clock
    keyboard.type(card, gap_ms=2)
    keyboard.enter(gap_ms=2)
    # Then the member is looked up and shown; no keystroke reached a field or pressed the tile
    expected = app.till.member_view("M00000001")
    qtbot.waitUntil(lambda: till.member_name.text() == expected.member.masked_name, timeout=WAIT_MS)
    assert till.member_balance.text() == f"{expected.balance:,}"
    assert till.scan.text() == ""
    assert till.search.text() == ""
    assert till.basket.items == []
    window.close()


def test_the_camera_in_the_window_shows_the_member(qtbot, store, tmp_path: Path) -> None:
    app, card = store
    window = open_window(qtbot, app, camera=ImageFolderCamera(film(tmp_path, card), fps=30))
    assert window.till.camera_view is not None
    expected = app.till.member_view("M00000001")
    qtbot.waitUntil(
        lambda: window.till.member_name.text() == expected.member.masked_name, timeout=WAIT_MS
    )
    window.close()
    assert not window.till.camera_view.scanner.running


def test_without_a_camera_there_is_no_preview(qtbot, store) -> None:
    window = MainWindow(store[0], language="en")
    qtbot.addWidget(window)
    assert window.till.camera_view is None
    assert window.findChild(CameraView) is None
    window.close()
