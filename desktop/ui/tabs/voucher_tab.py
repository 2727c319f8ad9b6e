"""Paper vouchers: key in a redemption staff wrote on a pre-numbered paper voucher while the
till was down (desktop/services/vouchers.py), and the vouchers keyed in today.

The manager who opened this screen keys it in. Every check answers on the notice line with
nothing recorded; a member whose points no longer cover the voucher is asked about first
(the gift has left the store: it is recorded as the member's debt once confirmed)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from desktop.core.errors import InvalidInput
from desktop.core.vouchers import parse_gift_spec, parse_written_at
from desktop.services.vouchers import KeyedIn, KeyedVoucher, OverdraftNotConfirmed, VoucherEntry
from desktop.ui.i18n import message
from desktop.ui.qt import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)
from desktop.ui.tabs.base import Confirm, ManagerTab, Notice, cell, table
from desktop.ui.wording import points_text

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen

COLUMNS = 8


def parse_gifts(text: str) -> tuple[tuple[str, int], ...]:
    """`G101:2, G501` (commas or spaces between) as (gift id, quantity) lines."""
    specs = [s for s in text.replace("，", ",").replace(",", " ").split() if s]
    if not specs:
        raise InvalidInput("a voucher needs at least one gift: the gift code and quantity")
    return tuple(parse_gift_spec(s) for s in specs)


class VoucherTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.rows: list[KeyedVoucher] = []
        # the voucher waiting for the manager to confirm an overdraft, with its request id
        self.pending: tuple[VoucherEntry, str] | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list_title = QLabel()
        left.addWidget(self.list_title)
        self.table = table("vouchers", COLUMNS, 5)
        left.addWidget(self.table, 1)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        right.addWidget(self.intro)
        self.form_box = QGroupBox()
        form = QFormLayout(self.form_box)
        self.voucher_no = self._field("voucher_no")
        self.member = self._field("voucher_member")
        self.gifts = self._field("voucher_gifts")
        self.written_at = self._field("voucher_written_at")
        self.written_by = self._field("voucher_written_by")
        self.labels = [QLabel() for _ in range(5)]
        for label, field in zip(
            self.labels,
            (self.voucher_no, self.member, self.gifts, self.written_at, self.written_by),
            strict=True,
        ):
            form.addRow(label, field)
        self.key_in_button = QPushButton()
        self.key_in_button.setObjectName("key_in_voucher")
        self.key_in_button.setMinimumHeight(48)
        self.key_in_button.clicked.connect(self.key_in)
        form.addRow(self.key_in_button)
        right.addWidget(self.form_box)

        self.confirm = Confirm("confirm_overdraft", self._confirmed, self._unconfirmed)
        self.confirm_text, self.confirm_yes, self.confirm_no = (
            self.confirm.text,
            self.confirm.yes,
            self.confirm.no,
        )
        right.addWidget(self.confirm)
        self.notice = Notice("voucher_message")
        right.addWidget(self.notice)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self.retranslate()

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setMinimumHeight(40)
        return field

    def retranslate(self) -> None:
        self.intro.setText(
            self.tr(
                "When the till was down, staff wrote redemptions on numbered paper vouchers. "
                "Key each one in as written: it becomes a receipt of today, marked keyed-in."
            )
        )
        self.form_box.setTitle(self.tr("Key in a paper voucher"))
        for label, text in zip(
            self.labels,
            (
                self.tr("Voucher number"),
                self.tr("Member (card number or member id)"),
                self.tr("Gifts"),
                self.tr("Written at"),
                self.tr("Written by (cashier id)"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.voucher_no.setPlaceholderText("PV0000018")
        self.gifts.setPlaceholderText(self.tr("e.g. G101:2, G501"))
        self.written_at.setPlaceholderText(self.tr("e.g. 2026-06-15 14:30"))
        self.written_by.setPlaceholderText("C01")
        self.key_in_button.setText(self.tr("Key in voucher"))
        self.confirm_yes.setText(self.tr("Record as overdraft"))
        self.confirm_no.setText(self.tr("Cancel"))
        self.list_title.setText(self.tr("Paper vouchers keyed in today"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Voucher"),
                self.tr("Receipt"),
                self.tr("Written"),
                self.tr("Keyed in"),
                self.tr("Member"),
                self.tr("Gifts"),
                self.tr("Points"),
                self.tr("Overdraft"),
            ]
        )
        self._show_rows()

    # --- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        self.run(lambda: app.vouchers.listed(app.ctx.today()), self._loaded, self._load_failed)

    def _loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.rows = rows
        self._show_rows()

    def _load_failed(self, error: Exception) -> None:
        self.notice.error(
            self.tr("The keyed-in vouchers could not be read: {error}").format(error=message(error))
        )

    def _show_rows(self) -> None:
        self.table.setRowCount(len(self.rows))
        for i, v in enumerate(self.rows):
            cells = [
                cell(v.voucher_no, data=v.voucher_no),
                cell(v.receipt_no),
                cell(f"{v.written_at[5:16].replace('T', ' ')} {v.written_by}"),
                cell(f"{v.keyed_in_at[11:16]} {v.keyed_in_by}"),
                cell(v.member_masked),
                cell(v.gifts),
                cell(points_text(v.points), align_right=True),
                cell(points_text(v.overdraft) if v.overdraft else "", align_right=True),
            ]
            for col, item in enumerate(cells):
                self.table.setItem(i, col, item)

    # --- keying in ---------------------------------------------------------------------------
    def key_in(self) -> None:
        self.confirm.setVisible(False)
        try:
            entry = VoucherEntry(
                self.voucher_no.text(),
                self.member.text(),
                parse_gifts(self.gifts.text()),
                parse_written_at(self.written_at.text()),
                self.written_by.text().strip(),
            )
        except InvalidInput as e:
            self.notice.error(self.tr("Not keyed in: {error}").format(error=message(e)))
            return
        self._submit(entry, str(uuid.uuid4()), accept_overdraft=False)

    def _submit(self, entry: VoucherEntry, request_id: str, *, accept_overdraft: bool) -> None:
        app, manager = self.app, self.manager
        self.notice.info(self.tr("Keying in {voucher}…").format(voucher=entry.voucher_no))
        self.run(
            lambda: app.vouchers.key_in(
                manager, request_id, entry, accept_overdraft=accept_overdraft
            ),
            self._keyed_in,
            lambda error: self._failed(error, entry, request_id),
            hold=[self.key_in_button, self.confirm_yes],
        )

    def _keyed_in(self, result: object) -> None:
        assert isinstance(result, KeyedIn)
        self.pending = None
        self.confirm.setVisible(False)
        v = result.voucher
        text = self.tr("Voucher {voucher} keyed in as receipt {receipt}: {points} points.").format(
            voucher=v.voucher_no, receipt=v.receipt_no, points=points_text(v.points)
        )
        if v.overdraft:
            text += " " + self.tr(
                "Overdraft of {points} points recorded as the member's debt."
            ).format(points=points_text(v.overdraft))
        self.notice.ok(text)
        for field in (self.voucher_no, self.member, self.gifts):
            field.clear()
        self.session.store_changed.emit()
        self.refresh()

    def _failed(self, error: Exception, entry: VoucherEntry, request_id: str) -> None:
        if isinstance(error, OverdraftNotConfirmed):
            self.pending = (entry, request_id)
            self.confirm_text.setText(
                self.tr(
                    "The member's points no longer cover this voucher: {available} available, "
                    "{needed} needed. The gift has left the store. Record it as an overdraft "
                    "(the member's debt)?"
                ).format(available=points_text(error.available), needed=points_text(error.needed))
            )
            self.confirm.setVisible(True)
            self.notice.info(self.tr("Nothing recorded yet: confirm the overdraft or cancel."))
            return
        self.notice.error(self.tr("Not keyed in: {error}").format(error=message(error)))

    def _confirmed(self) -> None:
        if self.pending is None:
            return
        entry, request_id = self.pending
        self.confirm.setVisible(False)
        self._submit(entry, request_id, accept_overdraft=True)

    def _unconfirmed(self) -> None:
        self.pending = None
        self.confirm.setVisible(False)
        self.notice.info(self.tr("Not keyed in: the overdraft was not confirmed."))
