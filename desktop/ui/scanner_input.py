"""Keyboard-wedge scanners: a USB scanner that types the code and Enter, wherever focus is.

`KeyboardWedge` is an event filter on the QApplication. It tells a scanner from a person by
timing: a scan is at least `min_length` characters, no gap longer than `max_gap_ms`, on average
less than `max_mean_gap_ms` apart, ended by Enter/Return. Such a burst is emitted as one
`scanned(text)` and none of its keystrokes reach the widget that had focus.

Since a burst cannot be told from typing until it has gone on for a while, every key that could
start one is held back, and replayed to its widget, in order, as soon as it is clear a person is
typing: when the next key comes more than `max_gap_ms` later (or no key comes within that time),
when a key that is no part of a code comes (Tab, arrows, Backspace, Ctrl+…, a held-down key's
auto-repeat), or when Enter ends a burst that is too short or too slow. So typing reaches its
widget unchanged, at most `max_gap_ms` late.

Chinese input methods: a character is taken from the key's text when that is printable ASCII,
and otherwise from the key code (Qt.Key_A…Key_Z, digits and other ASCII keys): an IME gives key
events with no text, or full-width text, and the code still reads. Input-method events (preedit,
commit) that come during a burst are held with it and dropped if it was a scan, so the IME's
half-composed text does not land in the widget. An IME that swallows the keys themselves
leaves nothing to read: fields meant for codes should turn the IME off (`ascii_input`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from desktop.ui.qt import (
    QApplication,
    QEvent,
    QInputMethodEvent,
    QKeyEvent,
    QObject,
    Qt,
    QTimer,
    QWidget,
    Signal,
    isValid,
)

log = logging.getLogger(__name__)

ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
    }
)
# Modifiers a scanner uses while typing a code; any other (Ctrl, Alt, Meta) makes it a command.
TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
_KEY_TYPES = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride})


def ascii_input(widget: QWidget) -> None:
    """Turn the input method off for a field that only takes codes and card numbers, so a
    Chinese IME cannot swallow a scanner's keystrokes there."""
    widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    widget.setInputMethodHints(
        Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhNoPredictiveText
    )


def code_char(event: QKeyEvent) -> str | None:
    """The printable ASCII character a key press types, or None when it is not one a scanner
    types (space, control keys, Ctrl/Alt/Meta combinations, auto-repeat)."""
    if event.isAutoRepeat() or event.modifiers() & ~TYPING_MODIFIERS:
        return None
    text = event.text()
    if len(text) == 1 and "!" <= text <= "~":
        return text
    # No text, or an input method's (full-width, Chinese) text: read the key itself.
    key = int(event.key())
    if not ord("!") <= key <= ord("~"):
        return None
    char = chr(key)
    shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    return char if shifted or not char.isalpha() else char.lower()


class KeyboardWedge(QObject):
    """Collects keyboard-wedge scans in `window` (every window when None); see the module."""

    scanned = Signal(str)

    def __init__(
        self,
        window: QWidget | None = None,
        *,
        min_length: int = 8,
        max_mean_gap_ms: float = 35.0,
        max_gap_ms: float = 60.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.min_length = min_length
        self.max_mean_gap = max_mean_gap_ms / 1000
        self.max_gap = max_gap_ms / 1000
        self.clock = clock
        self._held: list[tuple[QObject, QEvent]] = []  # copies, to replay if a person typed
        self._chars: list[str] = []
        self._times: list[float] = []
        self._pressed: set[int] = set()  # keys of the burst pressed and not yet released
        self._swallow: set[int] = set()  # releases to drop: their presses were part of a scan
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(max_gap_ms)))
        self._timer.timeout.connect(self.flush)
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("KeyboardWedge needs a QApplication")
        app.installEventFilter(self)

    def remove(self) -> None:
        self.flush()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # --- the filter ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if self._replaying or (kind not in _KEY_TYPES and kind != QEvent.Type.InputMethod):
            return False
        # A key event reaches the window's QWindow first and then its focus widget: act once,
        # at the widget, and only in our window.
        if not isinstance(watched, QWidget) or (
            self.window is not None and watched.window() is not self.window
        ):
            return False
        if isinstance(event, QKeyEvent):
            if kind == QEvent.Type.KeyPress:
                return self._press(watched, event)
            if kind == QEvent.Type.KeyRelease:
                return self._release(watched, event)
            return self._shortcut_override(event)
        if isinstance(event, QInputMethodEvent) and self._held:
            self._held.append((watched, QInputMethodEvent(event)))
            return True
        return False

    def _press(self, widget: QObject, event: QKeyEvent) -> bool:
        now = self._now(event)
        if self._chars and not 0 <= now - self._times[-1] <= self.max_gap:
            self.flush()  # the burst was over before this key: a person typed it
        key = int(event.key())
        if key in ENTER_KEYS:
            if self._is_scan(now):
                self._emit(key)
                return True
            self.flush()
            return False
        if key in MODIFIER_KEYS:
            return self._hold(widget, event)
        char = code_char(event)
        if char is None:
            self.flush()
            return False
        self._chars.append(char)
        self._times.append(now)
        self._pressed.add(key)
        self._timer.start()
        self._held.append((widget, QKeyEvent(event)))
        return True

    def _release(self, widget: QObject, event: QKeyEvent) -> bool:
        key = int(event.key())
        if key in self._swallow and not event.isAutoRepeat():
            self._swallow.discard(key)
            return True
        self._pressed.discard(key)
        return self._hold(widget, event)

    def _shortcut_override(self, event: QKeyEvent) -> bool:
        # During a burst, claim its keys so that no shortcut takes one of them.
        if self._held and (int(event.key()) in ENTER_KEYS or code_char(event) is not None):
            event.accept()
            return True
        return False

    def _hold(self, widget: QObject, event: QKeyEvent) -> bool:
        if not self._held:
            return False
        self._held.append((widget, QKeyEvent(event)))
        return True

    # --- decisions -------------------------------------------------------------------------
    def _now(self, event: QKeyEvent) -> float:
        if self.clock is not None:
            return self.clock()
        # The window system's time of the key press is true even when the GUI thread was busy
        # and the keys queued up; synthetic events have none.
        stamp = event.timestamp()
        return stamp / 1000 if stamp else time.monotonic()

    def _is_scan(self, now: float) -> bool:
        n = len(self._chars)
        return n >= self.min_length and (now - self._times[0]) / n < self.max_mean_gap

    def _emit(self, enter_key: int) -> None:
        text = "".join(self._chars)
        self._swallow |= self._pressed | {enter_key}
        self._clear()
        log.debug("keyboard wedge: a scan of %d characters", len(text))
        self.scanned.emit(text)

    def _clear(self) -> None:
        self._timer.stop()
        self._held, self._chars, self._times = [], [], []
        self._pressed = set()

    def flush(self) -> None:
        """Hand the held keystrokes to their widgets: a person typed them."""
        held = self._held
        self._clear()
        if not held:
            return
        self._replaying = True
        try:
            for widget, event in held:
                if isValid(widget):
                    QApplication.sendEvent(widget, event)
        finally:
            self._replaying = False
