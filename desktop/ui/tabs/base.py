"""What every manager tab shares: the screen's session and manager, a notice line, and
running a call off the GUI thread (store work on the database lane, printing on the I/O
lane) with its buttons held until it answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from desktop.services.staff import Staff
from desktop.ui.qt import (
    QAbstractItemView,
    QEvent,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    isValid,
)

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen

OK_STYLE = "color: #1b5e20;"
ERROR_STYLE = "color: #b3261e;"
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class Notice(QLabel):
    """One line saying what just happened: calm green for done, red for a refusal."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMinimumHeight(28)

    def ok(self, text: str) -> None:
        self.setStyleSheet(OK_STYLE)
        self.setText(text)

    def error(self, text: str) -> None:
        self.setStyleSheet(ERROR_STYLE)
        self.setText(text)

    def info(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)


class Confirm(QFrame):
    """A question asked in place, hidden until asked: its text and a yes and a no button
    (object names `<name>`, `<name>_text`, `<name>_yes`, `<name>_no`)."""

    def __init__(self, name: str, on_yes: Callable[[], None], on_no: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setObjectName(f"{name}_text")
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        self.yes = QPushButton()
        self.yes.setObjectName(f"{name}_yes")
        self.no = QPushButton()
        self.no.setObjectName(f"{name}_no")
        for b in (self.yes, self.no):
            b.setMinimumHeight(44)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.yes.clicked.connect(on_yes)
        self.no.clicked.connect(on_no)
        self.setVisible(False)


def table(name: str, columns: int, stretch: int) -> QTableWidget:
    """A read-only table, whole rows selected one at a time, column `stretch` taking the rest."""
    t = QTableWidget(0, columns)
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(36)
    header = t.horizontalHeader()
    for col in range(columns):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if col == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(col, mode)
    return t


def cell(text: str, align_right: bool = False, data: Any = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align_right:
        item.setTextAlignment(RIGHT)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class ManagerTab(QWidget):
    """A tab of the manager screen. Subclasses build their widgets, then call `retranslate`."""

    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__()
        self.manager_screen = screen
        self.session = screen.session
        self.app = screen.session.app

    @property
    def manager(self) -> Staff:
        manager: Staff | None = self.manager_screen.manager
        if manager is None:  # the screen is only shown with a manager in
            raise RuntimeError("the manager screen is not open")
        return manager

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        hold: Sequence[QWidget] = (),
    ) -> None:
        """Store work (`fn`) on the database lane; the widgets in `hold` are disabled until it
        answers. Work that waits on a printer or head office goes through `run_io`."""
        self._run(self.session.run_db, fn, on_done, on_error, hold)

    def run_io(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        hold: Sequence[QWidget] = (),
    ) -> None:
        """`fn` on the I/O lane (printing, a device, the network), holding `hold` as `run`."""
        self._run(self.session.run_io, fn, on_done, on_error, hold)

    def _run(
        self,
        lane: Callable[..., None],
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        hold: Sequence[QWidget],
    ) -> None:
        for w in hold:
            w.setEnabled(False)

        def release() -> bool:
            if not isValid(self):
                return False
            for w in hold:
                w.setEnabled(True)
            return True

        def done(result: Any) -> None:
            if release():
                on_done(result)

        def failed(error: Exception) -> None:
            if release():
                on_error(error)

        lane(fn, done, failed)

    def refresh(self) -> None:
        """Reload what the tab shows (when it is shown, and after a change)."""

    def retranslate(self) -> None:
        """Set every text; called again when the language changes."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
