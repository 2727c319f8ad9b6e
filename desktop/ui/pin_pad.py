"""A PIN pad for touch screens that works with the keyboard alone as well.

The PIN field keeps the keyboard focus (the pad's buttons never take it): digits typed or
tapped go into it, Backspace or ⌫ takes one back, Enter or the OK button submits. Every
button is at least 64 × 56 px, above the 48 px a finger needs."""

from __future__ import annotations

from desktop.ui.qt import (
    QEvent,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QRegularExpression,
    QRegularExpressionValidator,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.scanner_input import ascii_input

KEY_WIDTH, KEY_HEIGHT = 72, 56
MAX_DIGITS = 8


class PinPad(QWidget):
    submitted = Signal(str)  # the PIN, on Enter or OK

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.field = QLineEdit()
        self.field.setObjectName("pin")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(MAX_DIGITS)
        self.field.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_DIGITS}}}"), self)
        )
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setMinimumHeight(KEY_HEIGHT)
        font = self.field.font()
        font.setPointSize(max(font.pointSize(), 11) + 8)
        self.field.setFont(font)
        ascii_input(self.field)
        self.field.returnPressed.connect(self.submit)
        layout.addWidget(self.field)

        grid = QGridLayout()
        grid.setSpacing(8)
        key_font = self.font()
        key_font.setPointSize(max(key_font.pointSize(), 11) + 6)
        self.digit_keys: dict[str, QPushButton] = {}
        for i, digit in enumerate("123456789"):
            self.digit_keys[digit] = self._key(digit, key_font)
            grid.addWidget(self.digit_keys[digit], i // 3, i % 3)
        self.clear_key = self._key("", key_font)
        self.clear_key.setObjectName("pin_clear")
        self.clear_key.clicked.disconnect()
        self.clear_key.clicked.connect(self.clear)
        self.digit_keys["0"] = self._key("0", key_font)
        self.back_key = self._key("⌫", key_font)
        self.back_key.setObjectName("pin_back")
        self.back_key.clicked.disconnect()
        self.back_key.clicked.connect(self.field.backspace)
        grid.addWidget(self.clear_key, 3, 0)
        grid.addWidget(self.digit_keys["0"], 3, 1)
        grid.addWidget(self.back_key, 3, 2)
        layout.addLayout(grid)

        self.ok = QPushButton()
        self.ok.setObjectName("pin_ok")
        self.ok.setMinimumHeight(KEY_HEIGHT)
        self.ok.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ok.setFont(key_font)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        layout.addWidget(self.ok)
        self.setFocusProxy(self.field)
        self.retranslate()

    def _key(self, digit: str, font: object) -> QPushButton:
        key = QPushButton(digit)
        key.setObjectName(f"pin_key_{digit}" if digit.isdigit() else "")
        key.setMinimumSize(KEY_WIDTH, KEY_HEIGHT)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setFont(font)  # type: ignore[arg-type]
        key.clicked.connect(lambda: self.press(digit))
        return key

    def retranslate(self) -> None:
        self.field.setPlaceholderText(self.tr("PIN"))
        self.clear_key.setText(self.tr("Clear"))
        self.back_key.setToolTip(self.tr("Delete the last digit"))
        self.ok.setText(self.tr("OK"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- use ---------------------------------------------------------------------------------
    def press(self, digit: str) -> None:
        if len(self.field.text()) < MAX_DIGITS:
            self.field.insert(digit)
        self.field.setFocus()

    def pin(self) -> str:
        return self.field.text()

    def clear(self) -> None:
        self.field.clear()
        self.field.setFocus()

    def submit(self) -> None:
        if self.isEnabled():
            self.submitted.emit(self.field.text())

    def set_busy(self, busy: bool) -> None:
        """While a PIN is being checked, the pad takes no more input."""
        self.setEnabled(not busy)
        if not busy:
            self.field.setFocus()
