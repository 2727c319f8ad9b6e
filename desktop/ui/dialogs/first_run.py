"""The first run of a till: no store is set up on this machine yet (`lantern app`).

The dialog asks for what head office gave the store (its id, head office's address, the
store's secret), the store's name and its first manager, then sets the store up off the GUI
thread (desktop/services/first_run.py: all or nothing, proven by a first sync). Or it
offers the demo store. `choice` says what the person chose: "store" (set up at `path`),
"demo", or None (closed)."""

from __future__ import annotations

import logging
from pathlib import Path

from desktop.core.errors import LanternError
from desktop.services.first_run import StoreDetails, set_up_store
from desktop.ui.i18n import message
from desktop.ui.qt import (
    QDialog,
    QEvent,
    QFont,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.worker import Lane

log = logging.getLogger(__name__)


class FirstRunDialog(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.choice: str | None = None
        self.background = Lane("first-run")
        self.setObjectName("first_run")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSize(max(font.pointSize(), 11) + 5)
        font.setWeight(QFont.Weight.Bold)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.fields: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for name in (
            "store_id", "name_zh", "name_en", "headoffice_url", "secret",
            "manager_id", "manager_name", "manager_pin", "manager_pin_again",
        ):  # fmt: skip
            field = QLineEdit()
            field.setObjectName(name)
            field.setMinimumHeight(36)
            if name in ("secret", "manager_pin", "manager_pin_again"):
                field.setEchoMode(QLineEdit.EchoMode.Password)
            self.fields[name] = field
            self.labels[name] = QLabel()
            form.addRow(self.labels[name], field)
        layout.addLayout(form)

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.demo_button = QPushButton()
        self.demo_button.setObjectName("demo")
        self.demo_button.clicked.connect(self.choose_demo)
        self.quit_button = QPushButton()
        self.quit_button.setObjectName("quit")
        self.quit_button.clicked.connect(self.reject)
        self.set_up_button = QPushButton()
        self.set_up_button.setObjectName("set_up")
        self.set_up_button.setDefault(True)
        self.set_up_button.clicked.connect(self.set_up)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.set_up_button)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Lantern — set up this till"))
        self.title.setText(self.tr("Set up this till"))
        self.intro.setText(
            self.tr(
                "No store is set up on this computer yet. Enter what head office gave this "
                "store, and its first manager; or try the demo store first."
            )
        )
        texts = {
            "store_id": self.tr("Store id (e.g. SH001)"),
            "name_zh": self.tr("Store name (Chinese)"),
            "name_en": self.tr("Store name (English, optional)"),
            "headoffice_url": self.tr("Head-office address"),
            "secret": self.tr("Store secret"),
            "manager_id": self.tr("First manager's id (e.g. M01)"),
            "manager_name": self.tr("Manager's name"),
            "manager_pin": self.tr("Manager's PIN (4–8 digits)"),
            "manager_pin_again": self.tr("PIN again"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.fields["headoffice_url"].setPlaceholderText("https://ho.example.com")
        self.demo_button.setText(self.tr("Try the demo store"))
        self.quit_button.setText(self.tr("Quit"))
        self.set_up_button.setText(self.tr("Set up this store"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- choices ------------------------------------------------------------------------
    def choose_demo(self) -> None:
        self.choice = "demo"
        self.accept()

    def details(self) -> StoreDetails:
        f = {name: field.text() for name, field in self.fields.items()}
        return StoreDetails(
            f["store_id"], f["name_zh"], f["name_en"], f["headoffice_url"], f["secret"],
            f["manager_id"], f["manager_name"], f["manager_pin"],
        )  # fmt: skip

    def set_up(self) -> None:
        if self.fields["manager_pin"].text() != self.fields["manager_pin_again"].text():
            self.status.setText(self.tr("The two PINs differ: type the manager's PIN again."))
            self.fields["manager_pin_again"].clear()
            return
        details, path = self.details(), self.path
        self._busy(True)
        self.status.setText(self.tr("Setting up the store and syncing with head office…"))
        self.background.run(lambda: set_up_store(path, details), self._done, self._failed)

    def _done(self, _report: object) -> None:
        self._busy(False)
        self.choice = "store"
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        if not isinstance(error, LanternError):
            log.error("first-run set-up failed: %s", error)
        self.status.setText(self.tr("Not set up: {error}").format(error=message(error)))

    def _busy(self, busy: bool) -> None:
        for w in (*self.fields.values(), self.set_up_button, self.demo_button, self.quit_button):
            w.setEnabled(not busy)

    def done(self, result: int) -> None:  # closing waits for a set-up in progress
        self.background.wait(60_000)
        super().done(result)
