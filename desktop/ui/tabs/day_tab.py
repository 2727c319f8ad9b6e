"""Business day: open it before the first redemption, close it after the last; write the
daily reconciliation (PDF and CSV, with progress) and send the PDF to the system printer
when the store has one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.services.app import StoreServices
from desktop.services.day import DayState
from desktop.services.recovery import DayCloseCheck
from desktop.services.reports import daily_file_names
from desktop.ui.i18n import message
from desktop.ui.qt import (
    QDate,
    QDateEdit,
    QDesktopServices,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QObject,
    QProgressBar,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    Signal,
)
from desktop.ui.qt_printer import QtSystemPrinter
from desktop.ui.tabs.base import ManagerTab, Notice

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen


def reports_folder(app: StoreServices) -> Path:
    """Where reports go: the "reports_folder" setting, or `<store>-reports/` beside the store."""
    default = app.db.path.parent / f"{app.db.path.stem}-reports"
    return Path(app.ctx.setting("reports_folder") or default)


@dataclass(frozen=True)
class Written:
    pdf: Path
    csv: Path
    printer: str | None  # the system printer it went to
    print_error: str | None


@dataclass(frozen=True)
class DayView:
    state: DayState
    opened_by: str
    closed_by: str


class _Progress(QObject):
    """Made on the GUI thread; the worker emits, the GUI thread receives (queued)."""

    step = Signal(str, int, int)


def write_files(app: StoreServices, day: date, progress: _Progress) -> Written:
    """The reconciliation to PDF and CSV (nothing printed)."""
    pdf, csv, lines = daily_file_names(app.ctx.store_id, day, reports_folder(app))
    app.reports.write_daily(day, pdf, csv, progress=progress.step.emit, redemptions=lines)
    return Written(pdf, csv, None, None)


def print_pdf(app: StoreServices, written: Written) -> Written:
    """The written PDF to the first system printer (none set up: `printer` stays None)."""
    for backend in app.printing.backends:
        if isinstance(backend, QtSystemPrinter):
            try:
                backend.print_pdf(written.pdf.read_bytes(), written.pdf.name)
            except Exception as e:  # the files are written; printing can be done again
                return Written(written.pdf, written.csv, backend.name, str(e))
            return Written(written.pdf, written.csv, backend.name, None)
    return written


def write_and_print(app: StoreServices, day: date, progress: _Progress) -> Written:
    """The reconciliation to PDF and CSV, then the PDF to the first system printer."""
    return print_pdf(app, write_files(app, day, progress))


def read_day(app: StoreServices) -> DayView:
    state = app.day.state()
    return DayView(state, app.staff.name(state.opened_by), app.staff.name(state.closed_by))


class DayTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.view: DayView | None = None
        self.written: Written | None = None
        self.closing = False  # the report on show is the closing one, written at close
        self.close_check: DayCloseCheck | None = None  # the store check made at close
        self._progress: _Progress | None = None
        layout = QVBoxLayout(self)

        self.day_box = QGroupBox()
        box = QVBoxLayout(self.day_box)
        self.state_label = QLabel()
        self.state_label.setObjectName("day_state")
        font = self.state_label.font()
        font.setPointSize(max(font.pointSize(), 11) + 3)
        self.state_label.setFont(font)
        box.addWidget(self.state_label)
        buttons = QHBoxLayout()
        self.open_button = QPushButton()
        self.open_button.setObjectName("open_day")
        self.close_button = QPushButton()
        self.close_button.setObjectName("close_day")
        for b in (self.open_button, self.close_button):
            b.setMinimumHeight(48)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.open_button.clicked.connect(self.open_day)
        self.close_button.clicked.connect(self.ask_close)
        box.addLayout(buttons)
        self.confirm = QFrame()
        self.confirm.setObjectName("confirm_close")
        self.confirm.setFrameShape(QFrame.Shape.StyledPanel)
        confirm = QHBoxLayout(self.confirm)
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        confirm.addWidget(self.confirm_text, 1)
        self.confirm_yes = QPushButton()
        self.confirm_yes.setObjectName("confirm_close_day")
        self.confirm_no = QPushButton()
        for b in (self.confirm_yes, self.confirm_no):
            b.setMinimumHeight(48)
            confirm.addWidget(b)
        self.confirm_yes.clicked.connect(self.close_day)
        self.confirm_no.clicked.connect(lambda: self.confirm.setVisible(False))
        self.confirm.setVisible(False)
        box.addWidget(self.confirm)
        self.day_notice = Notice("day_message")
        box.addWidget(self.day_notice)
        layout.addWidget(self.day_box)

        self.report_box = QGroupBox()
        box = QVBoxLayout(self.report_box)
        row = QHBoxLayout()
        self.report_day_label = QLabel()
        row.addWidget(self.report_day_label)
        self.report_day = QDateEdit()
        self.report_day.setObjectName("report_day")
        self.report_day.setCalendarPopup(True)
        self.report_day.setDisplayFormat("yyyy-MM-dd")
        self.report_day.setMinimumHeight(44)
        row.addWidget(self.report_day)
        self.report_button = QPushButton()
        self.report_button.setObjectName("write_report")
        self.report_button.setMinimumHeight(48)
        self.report_button.clicked.connect(self.write_report)
        row.addWidget(self.report_button)
        row.addStretch(1)
        box.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setObjectName("report_progress")
        self.progress.setVisible(False)
        box.addWidget(self.progress)
        self.report_notice = Notice("report_message")
        box.addWidget(self.report_notice)
        self.paths = QLabel()
        self.paths.setObjectName("report_paths")
        self.paths.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.paths.setWordWrap(True)
        box.addWidget(self.paths)
        self.folder_button = QPushButton()
        self.folder_button.setObjectName("open_reports_folder")
        self.folder_button.setMinimumHeight(44)
        self.folder_button.clicked.connect(self.open_folder)
        self.print_button = QPushButton()
        self.print_button.setObjectName("print_closing_report")
        self.print_button.setMinimumHeight(44)
        self.print_button.clicked.connect(self.print_closing)
        self.print_button.setVisible(False)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.print_button)
        folder_row.addWidget(self.folder_button)
        folder_row.addStretch(1)
        box.addLayout(folder_row)
        layout.addWidget(self.report_box)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.day_box.setTitle(self.tr("Business day"))
        self.open_button.setText(self.tr("Open the business day"))
        self.close_button.setText(self.tr("Close the business day…"))
        self.confirm_yes.setText(self.tr("Close the day"))
        self.confirm_no.setText(self.tr("Cancel"))
        self.report_box.setTitle(self.tr("Daily reconciliation"))
        self.report_day_label.setText(self.tr("Day"))
        self.report_button.setText(self.tr("Write and print the reconciliation"))
        self.folder_button.setText(self.tr("Open the reports folder"))
        self.print_button.setText(self.tr("Print the closing reconciliation"))
        self._show()

    # --- the day -----------------------------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        self.run(lambda: read_day(app), self._loaded, self._day_failed)
        today = app.ctx.today()
        self.report_day.setMaximumDate(QDate(today.year, today.month, today.day))
        if self.written is None:
            self.report_day.setDate(QDate(today.year, today.month, today.day))

    def _loaded(self, view: object) -> None:
        assert isinstance(view, DayView)
        self.view = view
        self._show()

    def _show(self) -> None:
        v = self.view
        if v is None:
            self.state_label.setText("")
            return
        s = v.state
        if s.opened_at is None:
            text = self.tr("Business day {day} is not open yet.").format(day=s.day)
        elif s.closed_at is None:
            text = self.tr("Business day {day} is open (since {time}, {who}).").format(
                day=s.day, time=s.opened_at[11:16], who=v.opened_by
            )
        else:
            text = self.tr("Business day {day} is closed ({time}, {who}).").format(
                day=s.day, time=s.closed_at[11:16], who=v.closed_by
            )
        self.state_label.setText(text)
        self.open_button.setEnabled(s.opened_at is None)
        self.close_button.setEnabled(s.is_open)
        self.confirm_text.setText(
            self.tr(
                "Close business day {day}? No more redemptions or voids today; "
                "it cannot be opened again."
            ).format(day=s.day)
        )
        if not s.is_open:
            self.confirm.setVisible(False)

    def open_day(self) -> None:
        app, manager = self.app, self.manager
        self.run(
            lambda: (app.day.open(manager), read_day(app))[1],
            self._changed,
            self._day_failed,
            hold=[self.open_button, self.close_button],
        )

    def ask_close(self) -> None:
        self.confirm.setVisible(True)
        self.confirm_no.setFocus()

    def close_day(self) -> None:
        self.confirm.setVisible(False)
        app, manager = self.app, self.manager
        self.run(
            lambda: (app.day.close(manager), read_day(app))[1],
            self._closed,
            self._day_failed,
            hold=[self.open_button, self.close_button],
        )

    def _closed(self, view: object) -> None:
        """The day is closed: the full store check and a backup first (database lane), then
        the closing reconciliation (I/O lane); one message says how both went."""
        self._loaded(view)
        assert isinstance(view, DayView)
        self.close_check = None
        self.day_notice.ok(
            self.tr("Business day {day} is closed. Checking the store and backing it up…").format(
                day=view.state.day
            )
        )
        self.session.store_changed.emit()
        day = date.fromisoformat(view.state.day)
        self.run(
            self.app.recovery.close_day,
            lambda check: self._checked(check, day),
            lambda error: self._check_failed(error, day),
        )

    def _check_failed(self, error: Exception, day: date) -> None:
        self._day_failed(error)
        self.write_closing(day)

    def _checked(self, check: object, day: date) -> None:
        assert isinstance(check, DayCloseCheck)
        self.close_check = check
        if check.problems or check.backup is None:
            self.day_notice.error(
                self.tr(
                    "The business day is closed, but the store check needs attention: {lines}"
                ).format(lines=" ".join(message(line) for line in check.lines()))
            )
        self.write_closing(day)

    def _changed(self, view: object) -> None:
        self._loaded(view)
        assert isinstance(view, DayView)
        if view.state.is_open:
            self.day_notice.ok(self.tr("The business day is open."))
        else:
            self.day_notice.ok(
                self.tr("Business day {day} is closed. Writing the closing reconciliation…").format(
                    day=view.state.day
                )
            )
            self.write_closing(date.fromisoformat(view.state.day))
        self.session.store_changed.emit()

    def _day_failed(self, error: Exception) -> None:
        self.day_notice.error(self.tr("Not done: {error}").format(error=message(error)))
        self.refresh()

    # --- the reconciliation ------------------------------------------------------------------
    def write_closing(self, day: date) -> None:
        """At close: the closing reconciliation written (what was on show before is replaced),
        then offered for printing."""
        self.report_day.setDate(QDate(day.year, day.month, day.day))
        self._write(day, closing=True)

    def write_report(self) -> None:
        d = self.report_day.date()
        self._write(date(d.year(), d.month(), d.day()), closing=False)

    def _write(self, day: date, *, closing: bool) -> None:
        self.closing = closing
        self.print_button.setVisible(False)
        progress = _Progress()
        progress.step.connect(self._step)
        self._progress = progress  # kept alive until the report is written
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.report_notice.info(self.tr("Writing the reconciliation for {day}…").format(day=day))
        if closing:
            self.report_notice.info(
                self.tr("Writing the closing reconciliation for {day}…").format(day=day)
            )
        self.paths.clear()
        app = self.app
        self.run_io(  # the mid-day one ends at the system printer; the closing one is offered
            lambda: (
                write_files(app, day, progress) if closing else write_and_print(app, day, progress)
            ),
            self._written,
            self._report_failed,
            hold=[self.report_button],
        )

    def _step(self, stage: str, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _written(self, written: object) -> None:
        assert isinstance(written, Written)
        self.written = written
        self._progress = None
        self.progress.setVisible(False)
        self.paths.setText(f"PDF: {written.pdf}\nCSV: {written.csv}")
        if self.closing:
            self.print_button.setVisible(True)
            check = self.close_check
            if self.view is not None and check is not None and check.backup is not None:
                if not check.problems:
                    self.day_notice.ok(
                        self.tr(
                            "Business day {day} is closed; the store checked sound and was "
                            "backed up ({path}); its closing reconciliation is written."
                        ).format(day=self.view.state.day, path=check.backup)
                    )
            elif self.view is not None and check is None:
                self.day_notice.ok(
                    self.tr(
                        "Business day {day} is closed; its closing reconciliation is written."
                    ).format(day=self.view.state.day)
                )
            self.report_notice.ok(
                self.tr(
                    "Closing reconciliation written. Print it, check it and sign it; "
                    "the PDF and CSV are kept in the reports folder."
                )
            )
            return
        if written.printer is None:
            self.report_notice.ok(
                self.tr(
                    "Reconciliation written. No system printer is set up: open the PDF to print it."
                )
            )
        elif written.print_error is None:
            self.report_notice.ok(
                self.tr("Reconciliation written and sent to {printer}.").format(
                    printer=written.printer
                )
            )
        else:
            self.report_notice.error(
                self.tr("Reconciliation written, but printing failed: {error}").format(
                    error=message(written.print_error)
                )
            )

    def print_closing(self) -> None:
        written, app = self.written, self.app
        if written is None:
            return
        self.run_io(
            lambda: print_pdf(app, written),
            self._printed,
            self._report_failed,
            hold=[self.print_button, self.report_button],
        )

    def _printed(self, written: object) -> None:
        assert isinstance(written, Written)
        if written.printer is None:
            self.report_notice.error(
                self.tr("No system printer is set up: open the PDF to print it.")
            )
        elif written.print_error is None:
            self.report_notice.ok(
                self.tr("Closing reconciliation sent to {printer}.").format(printer=written.printer)
            )
        else:
            self.report_notice.error(
                self.tr("Printing failed: {error}").format(error=message(written.print_error))
            )

    def _report_failed(self, error: Exception) -> None:
        self._progress = None
        self.progress.setVisible(False)
        self.report_notice.error(
            self.tr("The reconciliation was not written: {error}").format(error=message(error))
        )

    def open_folder(self) -> None:
        folder = self.written.pdf.parent if self.written else reports_folder(self.app)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
