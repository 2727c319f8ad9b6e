"""Void: today's receipts; pick one, give the reason, a manager's PIN approves, and the
points go back to the member and the gifts back into stock."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from desktop.services.staff import Staff
from desktop.services.till import ReceiptRow, VoidResult
from desktop.ui.dialogs.manager_pin import ManagerPinDialog
from desktop.ui.i18n import message
from desktop.ui.qt import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout
from desktop.ui.tabs.base import ManagerTab, Notice, cell, table
from desktop.ui.wording import money_text, points_text

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen

COLUMNS = 7


class VoidTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.rows: list[ReceiptRow] = []
        self.loaded = False  # the list has been read at least once
        self.empty_shown = False  # the notice says there is nothing to void
        self.pin_dialog: ManagerPinDialog | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = table("receipts", COLUMNS, 2)
        self.table.itemSelectionChanged.connect(self._picked)
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.reason_label = QLabel()
        row.addWidget(self.reason_label)
        self.reason = QComboBox()
        self.reason.setObjectName("void_reason")
        self.reason.setEditable(True)
        self.reason.setMinimumHeight(44)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        row.addWidget(self.reason, 1)
        self.void_button = QPushButton()
        self.void_button.setObjectName("void")
        self.void_button.setMinimumHeight(48)
        self.void_button.clicked.connect(self.ask_void)
        row.addWidget(self.void_button)
        layout.addLayout(row)
        self.notice = Notice("void_message")
        layout.addWidget(self.notice)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "Today's redemptions. Pick the receipt, give the reason; a manager's PIN "
                "approves the void. The points go back to the member, the gifts back into stock."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Receipt"),
                self.tr("Member"),
                self.tr("Cashier"),
                self.tr("Points"),
                self.tr("Cash"),
                self.tr("Status"),
            ]
        )
        self.reason_label.setText(self.tr("Reason"))
        typed = self.reason.currentText()
        self.reason.clear()
        self.reason.addItems(
            [
                "",
                self.tr("Customer changed their mind"),
                self.tr("Wrong gift scanned"),
                self.tr("Gift damaged or faulty"),
            ]
        )
        self.reason.setEditText(typed)
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Why is it voided? (required)"))
        self.void_button.setText(self.tr("Void receipt…"))
        self._show_rows()

    # --- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        self.run(app.till.todays_receipts, self._loaded, self._load_failed)

    def _loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.rows = rows
        self.loaded = True
        self._show_rows()

    def _load_failed(self, error: Exception) -> None:
        self.notice.error(
            self.tr("Today's receipts could not be read: {error}").format(error=message(error))
        )

    def _show_rows(self) -> None:
        keep = self.selected_receipt()
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            status = (
                self.tr("Voided {time} by {manager}").format(
                    time=f"{r.voided_at:%H:%M}" if r.voided_at else "", manager=r.voided_by
                )
                if r.voided_by
                else ""
            )
            cells = [
                cell(f"{r.at:%H:%M}"),
                cell(r.receipt_no, data=r.receipt_no),
                cell(r.member),
                cell(r.cashier),
                cell(points_text(r.points), align_right=True),
                cell(money_text(r.cash_fen) if r.cash_fen else "", align_right=True),
                cell(status),
            ]
            for col, item in enumerate(cells):
                self.table.setItem(i, col, item)
            if r.receipt_no == keep:
                self.table.selectRow(i)
        if not self.rows and self.loaded:
            self.notice.info(self.tr("No redemptions today yet."))
            self.empty_shown = True
        elif self.empty_shown:  # the list has rows now: the notice must not deny them
            self.notice.clear()
            self.empty_shown = False
        self._picked()

    def select_receipt(self, receipt_no: str) -> bool:
        for i, r in enumerate(self.rows):
            if r.receipt_no == receipt_no:
                self.table.selectRow(i)
                return True
        return False

    def selected_row(self) -> ReceiptRow | None:
        picked = self.table.selectionModel().selectedRows()
        if not picked or picked[0].row() >= len(self.rows):
            return None
        return self.rows[picked[0].row()]

    def selected_receipt(self) -> str | None:
        row = self.selected_row()
        return row.receipt_no if row else None

    def _picked(self) -> None:
        row = self.selected_row()
        self.void_button.setEnabled(row is not None and row.voided_by is None)

    # --- voiding -----------------------------------------------------------------------------
    def ask_void(self) -> None:
        row = self.selected_row()
        if row is None:
            self.notice.error(self.tr("Pick the receipt to void first."))
            return
        reason = self.reason.currentText().strip()
        if not reason:
            self.notice.error(self.tr("Give the reason for the void first."))
            self.reason.setFocus()
            return
        purpose = self.tr("Void receipt {receipt}: {points} points back to the member.").format(
            receipt=row.receipt_no, points=points_text(row.points)
        )
        self.pin_dialog = ManagerPinDialog.ask(
            self.session,
            self.window(),
            lambda manager: self._void(row.receipt_no, reason, manager),
            purpose,
        )

    def _void(self, receipt_no: str, reason: str, manager: Staff) -> None:
        self.pin_dialog = None
        app = self.app
        cashier = self.session.staff or manager
        request_id = str(uuid.uuid4())
        self.notice.info(self.tr("Voiding {receipt}…").format(receipt=receipt_no))
        self.run(
            lambda: app.till.void(cashier, manager, request_id, receipt_no, reason),
            self._voided,
            self._void_failed,
            hold=[self.void_button],
        )

    def _voided(self, result: object) -> None:
        assert isinstance(result, VoidResult)
        self.notice.ok(
            self.tr(
                "Receipt {receipt} voided: {points} points returned to the member "
                "(balance now {balance})."
            ).format(
                receipt=result.receipt_no,
                points=points_text(result.points_returned),
                balance=points_text(result.balance_after),
            )
        )
        self.reason.setEditText("")
        self.session.store_changed.emit()
        self.refresh()

    def _void_failed(self, error: Exception) -> None:
        self.notice.error(self.tr("Not voided: {error}").format(error=message(error)))
        self.refresh()
