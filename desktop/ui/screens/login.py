"""The log-in screen: pick who is at the till from the active staff, type the PIN, Enter.

With the keyboard alone: ↑/↓ choose the person (focus stays in the PIN field), digits type
the PIN, Enter logs in. The PIN is checked off the GUI thread; a wrong PIN says how many
tries are left before the account locks (or until when it is locked) and changes nothing
else."""

from __future__ import annotations

import logging

from desktop.services.staff import LOCKOUT, PinRefusal, Staff
from desktop.ui.i18n import message
from desktop.ui.pin_pad import PinPad
from desktop.ui.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QFont,
    QFrame,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QObject,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import TillSession
from desktop.ui.wording import problem_text

log = logging.getLogger(__name__)

LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)
ROW_HEIGHT = 56  # a staff row is a touch target
NAVIGATION_KEYS = frozenset(
    {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
)


def pin_refusal_text(refusal: PinRefusal) -> str:
    """The words for a refused PIN (shared with the manager PIN dialog)."""
    name = refusal.name or refusal.staff_id
    if refusal.locked_until is not None:
        return QCoreApplication.translate(
            "PinRefusal",
            "{name} is locked after too many wrong PINs. Try again after {time}, or ask a manager.",
        ).format(name=name, time=f"{refusal.locked_until:%H:%M}")
    if refusal.not_manager:
        return QCoreApplication.translate(
            "PinRefusal", "{name} is not a manager: a manager's PIN is needed."
        ).format(name=name)
    if refusal.unknown:
        return QCoreApplication.translate(
            "PinRefusal", "No active staff member {id}: check the number."
        ).format(id=refusal.staff_id)
    return QCoreApplication.translate(
        "PinRefusal",
        "Wrong PIN for {name}. {n} tries left before the account locks for {minutes} minutes.",
    ).format(name=name, n=refusal.attempts_left, minutes=LOCKOUT_MINUTES)


class LoginScreen(QWidget):
    logged_in = Signal(object)  # Staff

    def __init__(self, session: TillSession) -> None:
        super().__init__()
        self.session = session
        self.staff: list[Staff] = []
        self._wanted: str | None = None  # the staff number to select once the list loads
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        card = QFrame()
        card.setObjectName("login_card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(820)
        row.addWidget(card, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        self.title = QLabel()
        self.title.setObjectName("login_title")
        title_font = QFont(self.title.font())
        title_font.setPointSize(max(title_font.pointSize(), 11) + 9)
        title_font.setWeight(QFont.Weight.Bold)
        self.title.setFont(title_font)
        layout.addWidget(self.title)

        columns = QHBoxLayout()
        columns.setSpacing(28)
        left = QVBoxLayout()
        self.who_label = QLabel()
        left.addWidget(self.who_label)
        self.staff_list = QListWidget()
        self.staff_list.setObjectName("staff_list")
        self.staff_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        list_font = QFont(self.staff_list.font())
        list_font.setPointSize(max(list_font.pointSize(), 11) + 4)
        self.staff_list.setFont(list_font)
        self.staff_list.setMinimumWidth(300)
        self.staff_list.setStyleSheet("QListWidget::item { padding-left: 14px; }")
        self.staff_list.currentRowChanged.connect(self._on_pick)
        left.addWidget(self.staff_list, 1)
        columns.addLayout(left, 1)

        right = QVBoxLayout()
        self.pin_label = QLabel()
        self.pin_label.setObjectName("pin_for")
        right.addWidget(self.pin_label)
        self.pad = PinPad()
        self.pad.submitted.connect(self.submit)
        self.pad.field.installEventFilter(self)
        right.addWidget(self.pad)
        right.addStretch(1)
        columns.addLayout(right)
        layout.addLayout(columns)

        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setMinimumHeight(44)
        layout.addWidget(self.message)
        self.hint = QLabel()
        self.hint.setObjectName("login_hint")
        self.hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.hint)

        self.session.staff_changed.connect(self._on_staff_changed)
        self.retranslate()
        self.reload()

    # --- texts ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(self.tr("Log in to the till"))
        self.who_label.setText(self.tr("Who is at the till?"))
        self.hint.setText(self.tr("↑ ↓ choose your name · type your PIN · Enter"))
        self._show_staff_rows()
        self._on_pick(self.staff_list.currentRow())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def role_text(self, staff: Staff) -> str:
        return self.tr("Manager") if staff.is_manager else self.tr("Cashier")

    # --- the staff list ------------------------------------------------------------------------
    def reload(self) -> None:
        """Load the active staff off the GUI thread."""
        app = self.session.app
        self.session.run_db(app.staff.active, self._loaded, self._load_failed)

    def _loaded(self, staff: object) -> None:
        assert isinstance(staff, list)
        wanted = self._wanted or self.selected_id()
        self.staff = staff
        self._show_staff_rows()
        ids = [s.staff_id for s in self.staff]
        if wanted in ids:
            self.staff_list.setCurrentRow(ids.index(wanted))
        elif self.staff and self.staff_list.currentRow() < 0:
            self.staff_list.setCurrentRow(0)
        self._wanted = None

    def _load_failed(self, error: Exception) -> None:
        self.message.setText(
            self.tr("The staff list could not be read: {error}").format(error=message(error))
        )

    def _show_staff_rows(self) -> None:
        current = self.staff_list.currentRow()
        self.staff_list.blockSignals(True)
        self.staff_list.clear()
        for s in self.staff:
            item = QListWidgetItem(f"{s.name}    {s.staff_id} · {self.role_text(s)}")
            item.setData(Qt.ItemDataRole.UserRole, s.staff_id)
            item.setSizeHint(QSize(0, ROW_HEIGHT))
            self.staff_list.addItem(item)
        if 0 <= current < len(self.staff):
            self.staff_list.setCurrentRow(current)
        self.staff_list.blockSignals(False)

    def selected(self) -> Staff | None:
        row = self.staff_list.currentRow()
        return self.staff[row] if 0 <= row < len(self.staff) else None

    def selected_id(self) -> str | None:
        staff = self.selected()
        return staff.staff_id if staff else None

    def select(self, staff_id: str) -> None:
        """Choose who logs in (the list may still be loading)."""
        ids = [s.staff_id for s in self.staff]
        if staff_id in ids:
            self.staff_list.setCurrentRow(ids.index(staff_id))
        else:
            self._wanted = staff_id

    def _on_pick(self, row: int) -> None:
        staff = self.selected()
        self.pin_label.setText(
            self.tr("PIN for {name}").format(name=staff.name) if staff else self.tr("PIN")
        )
        self.message.clear()
        self.pad.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # ↑/↓ in the PIN field move through the staff list: focus never has to leave the PIN
        if (
            watched is self.pad.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in NAVIGATION_KEYS
        ):
            QApplication.sendEvent(self.staff_list, event)
            return True
        return False

    # --- logging in ----------------------------------------------------------------------------
    def submit(self, pin: str) -> None:
        staff = self.selected()
        if staff is None:
            self.message.setText(self.tr("Choose your name first."))
            return
        if not pin:
            self.message.setText(self.tr("Type your PIN, then Enter."))
            return
        app = self.session.app
        self.message.setText(self.tr("Checking…"))
        self.pad.set_busy(True)
        self.staff_list.setEnabled(False)
        self.session.run_db(
            lambda: app.staff.try_pin(staff.staff_id, pin),
            lambda result: self._done(staff, result),
            self._failed,
        )

    def _done(self, staff: Staff, result: object) -> None:
        self.pad.clear()
        self._idle()
        if isinstance(result, PinRefusal):
            self.message.setText(pin_refusal_text(result))
            return
        assert isinstance(result, Staff)
        self.message.clear()
        self.session.logged_in(result)
        self.logged_in.emit(result)

    def _failed(self, error: Exception) -> None:
        self.pad.clear()
        self._idle()
        problem = problem_text(error)
        self.message.setText(
            problem or self.tr("Could not log in: {error}").format(error=message(error))
        )

    def _idle(self) -> None:
        self.pad.set_busy(False)
        self.staff_list.setEnabled(True)

    def _on_staff_changed(self, staff: object) -> None:
        if staff is None:  # locked: back here, ready for the next person
            self.pad.clear()
            self.reload()
        else:
            assert isinstance(staff, Staff)
            self._wanted = staff.staff_id  # the same person is preselected after a lock

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)  # type: ignore[arg-type]
        self.pad.setFocus()
