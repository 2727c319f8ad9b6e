"""Printing: printouts not yet done (queued, or failed with the printer's error) and a retry
now; a reprint of a receipt or greeting card by receipt number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.printing import JobKind, ProcessResult, QueuedJob
from desktop.ui.i18n import message, messages
from desktop.ui.qt import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)
from desktop.ui.scanner_input import ascii_input
from desktop.ui.tabs.base import ManagerTab, Notice, cell, table

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen


class PrintingTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.jobs: list[QueuedJob] = []
        layout = QVBoxLayout(self)
        self.queue_title = QLabel()
        layout.addWidget(self.queue_title)
        self.table = table("print_jobs", 6, 5)
        self.table.itemSelectionChanged.connect(self._picked)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.retry_button = QPushButton()
        self.retry_button.setObjectName("retry_print")
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("refresh_prints")
        for b in (self.retry_button, self.refresh_button):
            b.setMinimumHeight(48)
            row.addWidget(b)
        row.addStretch(1)
        self.retry_button.clicked.connect(self.retry)
        self.refresh_button.clicked.connect(self.refresh)
        layout.addLayout(row)

        self.reprint_box = QGroupBox()
        box = QHBoxLayout(self.reprint_box)
        self.receipt_label = QLabel()
        box.addWidget(self.receipt_label)
        self.receipt_no = QLineEdit()
        self.receipt_no.setObjectName("reprint_receipt")
        self.receipt_no.setMinimumHeight(44)
        ascii_input(self.receipt_no)
        self.receipt_no.returnPressed.connect(self.reprint)
        box.addWidget(self.receipt_no, 1)
        self.as_receipt = QRadioButton()
        self.as_receipt.setObjectName("reprint_kind_receipt")
        self.as_card = QRadioButton()
        self.as_card.setObjectName("reprint_kind_card")
        self.as_receipt.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.as_receipt)
        kinds.addButton(self.as_card)
        box.addWidget(self.as_receipt)
        box.addWidget(self.as_card)
        self.reprint_button = QPushButton()
        self.reprint_button.setObjectName("reprint")
        self.reprint_button.setMinimumHeight(48)
        self.reprint_button.clicked.connect(self.reprint)
        box.addWidget(self.reprint_button)
        layout.addWidget(self.reprint_box)
        self.printers = QLabel()
        self.printers.setObjectName("printers")
        self.printers.setWordWrap(True)
        layout.addWidget(self.printers)
        self.notice = Notice("printing_message")
        layout.addWidget(self.notice)
        self.retranslate()

    def retranslate(self) -> None:
        self.queue_title.setText(
            self.tr("Printouts waiting (queued, or failed and waiting for a retry)")
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Printout"),
                self.tr("Receipt"),
                self.tr("Printer"),
                self.tr("Tries"),
                self.tr("Next try"),
                self.tr("Last error"),
            ]
        )
        self.retry_button.setText(self.tr("Retry now"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.reprint_box.setTitle(self.tr("Reprint"))
        self.receipt_label.setText(self.tr("Receipt number"))
        self.receipt_no.setPlaceholderText(self.tr("scan or type the receipt number"))
        self.as_receipt.setText(self.tr("Receipt"))
        self.as_card.setText(self.tr("Greeting card"))
        self.reprint_button.setText(self.tr("Reprint"))
        self._show()

    def kind_text(self, kind: str) -> str:
        return self.tr("Greeting card") if kind == JobKind.CARD else self.tr("Receipt")

    # --- the queue ---------------------------------------------------------------------------
    def refresh(self) -> None:
        printing = self.app.printing
        self.run(
            lambda: (
                printing.pending(),
                [b.name for b in printing.backends],
                list(printing.problems),
            ),
            self._loaded,
            self._failed,
        )

    def _loaded(self, result: object) -> None:
        assert isinstance(result, tuple)
        jobs, names, problems = result
        self.jobs = list(jobs)
        text = self.tr("Printers: {names}").format(names=", ".join(names))
        if problems:
            text += "\n" + self.tr("Printer settings not used: {problems}").format(
                problems=messages(problems)
            )
        self.printers.setText(text)
        self._show()

    def _show(self) -> None:
        keep = self.selected_job()
        self.table.setRowCount(len(self.jobs))
        for i, job in enumerate(self.jobs):
            kind = self.kind_text(job.kind)
            if job.copy:
                kind = self.tr("{kind} (reprint {n})").format(kind=kind, n=job.copy)
            items = [
                cell(kind, data=job.job_id),
                cell(job.receipt_no),
                cell(job.backend),
                cell(str(job.attempts), align_right=True),
                cell(job.next_attempt_at[11:19]),
                cell(
                    message(job.last_error)
                    if job.last_error
                    else (self.tr("waiting") if job.status == "queued" else "")
                ),
            ]
            for col, item in enumerate(items):
                self.table.setItem(i, col, item)
            if job.job_id == keep:
                self.table.selectRow(i)
        self._picked()

    def selected_job(self) -> str | None:
        picked = self.table.selectionModel().selectedRows()
        if not picked or picked[0].row() >= len(self.jobs):
            return None
        return self.jobs[picked[0].row()].job_id

    def _picked(self) -> None:
        self.retry_button.setEnabled(self.selected_job() is not None)

    def retry(self) -> None:
        job_id = self.selected_job()
        if job_id is None:
            self.notice.error(self.tr("Pick the printout to retry first."))
            return
        printing = self.app.printing
        self.notice.info(self.tr("Printing…"))
        self.run_io(
            lambda: printing.retry(job_id),
            self._printed,
            self._failed,
            hold=[self.retry_button, self.reprint_button],
        )

    # --- reprints ----------------------------------------------------------------------------
    def reprint(self) -> None:
        receipt_no = self.receipt_no.text().strip()
        if not receipt_no:
            self.notice.error(self.tr("Type or scan the receipt number first."))
            self.receipt_no.setFocus()
            return
        kind = JobKind.CARD if self.as_card.isChecked() else JobKind.RECEIPT
        printing, manager = self.app.printing, self.manager
        self.notice.info(self.tr("Printing…"))

        def work() -> ProcessResult:
            jobs = printing.reprint(manager, receipt_no, kind)
            return printing.process(only=jobs)

        self.run_io(
            work, self._printed, self._failed, hold=[self.retry_button, self.reprint_button]
        )

    def _printed(self, result: object) -> None:
        assert isinstance(result, ProcessResult)
        if result.ok:
            self.notice.ok(self.tr("Printed: {n} printout(s).").format(n=result.printed))
            self.receipt_no.clear()
        else:
            self.notice.error(
                self.tr("Printed {ok}, failed {failed}: {errors}").format(
                    ok=result.printed, failed=result.failed, errors=messages(result.errors)
                )
            )
        self.refresh()

    def _failed(self, error: Exception) -> None:
        self.notice.error(self.tr("Not printed: {error}").format(error=message(error)))
        self.refresh()
