"""A manager's approval: manager number and PIN, checked off the GUI thread.

Voids, offline-limit overrides, the manager screen (stock, business day, reports, reprints,
settings) all ask through `ManagerPinDialog.ask(...)`, which opens the dialog window-modal
without blocking the event loop and calls back with the authenticated manager `Staff`. A
cashier's PIN, a wrong PIN or a locked account is refused in the dialog, which stays open."""

from __future__ import annotations

from collections.abc import Callable

from desktop.services.staff import PinRefusal, Staff
from desktop.ui.i18n import message
from desktop.ui.pin_pad import PinPad
from desktop.ui.qt import (
    QComboBox,
    QDialog,
    QEvent,
    QFont,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    isValid,
)
from desktop.ui.scanner_input import ascii_input
from desktop.ui.screens.login import pin_refusal_text
from desktop.ui.session import TillSession


def staff_number(text: str) -> str:
    """The staff number from the manager field: "M01 · 李经理" (a list entry) or "M01"."""
    return text.replace("·", " ").strip().split(" ", 1)[0].strip() if text.strip() else ""


class ManagerPinDialog(QDialog):
    def __init__(
        self,
        session: TillSession,
        on_manager: Callable[[Staff], None],
        parent: QWidget | None = None,
        purpose: str = "",
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.on_manager = on_manager
        self.on_cancel = on_cancel
        self.purpose = purpose
        self.names: dict[str, str] = {}
        self.setObjectName("manager_pin_dialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSize(max(font.pointSize(), 11) + 5)
        font.setWeight(QFont.Weight.Bold)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.purpose_label = QLabel(purpose)
        self.purpose_label.setObjectName("purpose")
        self.purpose_label.setWordWrap(True)
        self.purpose_label.setVisible(bool(purpose))
        layout.addWidget(self.purpose_label)

        self.pad = PinPad()
        self.pad.submitted.connect(self.submit)
        self.manager_label = QLabel()
        layout.addWidget(self.manager_label)
        self.manager = QComboBox()
        self.manager.setObjectName("manager_id")
        self.manager.setEditable(True)
        self.manager.setMinimumHeight(48)
        self.manager.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.manager.lineEdit()
        assert line is not None
        ascii_input(line)
        line.returnPressed.connect(self.pad.setFocus)
        layout.addWidget(self.manager)
        layout.addWidget(self.pad)
        self.message = QLabel()
        self.message.setObjectName("manager_pin_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setMinimumHeight(40)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel = QPushButton()
        self.cancel.setObjectName("manager_pin_cancel")
        self.cancel.setMinimumHeight(48)
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)
        self.setMinimumWidth(380)
        self.retranslate()
        app = session.app
        session.run_db(lambda: app.staff.active(managers_only=True), self._managers, lambda e: None)

    @classmethod
    def ask(
        cls,
        session: TillSession,
        parent: QWidget | None,
        on_manager: Callable[[Staff], None],
        purpose: str = "",
        on_cancel: Callable[[], None] | None = None,
    ) -> ManagerPinDialog:
        """Open the dialog without blocking; `on_manager(manager)` once a manager's PIN is in."""
        dialog = cls(session, on_manager, parent, purpose, on_cancel)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.pad.setFocus()
        return dialog

    # --- texts ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Manager approval"))
        self.title.setText(self.tr("A manager's PIN is needed"))
        self.manager_label.setText(self.tr("Manager number"))
        line = self.manager.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("e.g. M01"))
        self.cancel.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _managers(self, managers: object) -> None:
        if not isValid(self):  # closed before the list came
            return
        assert isinstance(managers, list)
        typed = self.manager.currentText()
        self.names = {m.staff_id: m.name for m in managers}
        self.manager.clear()
        for m in managers:
            self.manager.addItem(f"{m.staff_id} · {m.name}")
        if typed:
            self.manager.setEditText(typed)
        elif len(managers) == 1:
            self.manager.setCurrentIndex(0)
        else:
            self.manager.setEditText("")
        self.pad.setFocus()

    # --- checking ------------------------------------------------------------------------------
    def set_manager(self, staff_id: str) -> None:
        self.manager.setEditText(staff_id)

    def submit(self, pin: str) -> None:
        staff_id = staff_number(self.manager.currentText())
        if not staff_id:
            self.message.setText(self.tr("Type the manager's number first."))
            self.manager.setFocus()
            return
        if not pin:
            self.message.setText(self.tr("Type the PIN, then Enter."))
            return
        app = self.session.app
        self.message.setText(self.tr("Checking…"))
        self.pad.set_busy(True)
        self.session.run_db(
            lambda: app.staff.try_pin(staff_id, pin, manager=True),
            self._checked,
            self._failed,
        )

    def _checked(self, result: object) -> None:
        if not isValid(self) or not self.isVisible():  # cancelled, or the till locked
            return
        self.pad.clear()
        self.pad.set_busy(False)
        if isinstance(result, PinRefusal):
            self.message.setText(pin_refusal_text(result))
            return
        assert isinstance(result, Staff)
        self.message.clear()
        self.on_cancel = None
        self.accept()
        self.on_manager(result)

    def _failed(self, error: Exception) -> None:
        if not isValid(self):
            return
        self.pad.clear()
        self.pad.set_busy(False)
        self.message.setText(
            self.tr("The PIN could not be checked: {error}").format(error=message(error))
        )

    def reject(self) -> None:
        on_cancel, self.on_cancel = self.on_cancel, None
        super().reject()
        if on_cancel is not None:
            on_cancel()
