"""Stock: the gifts with what is on hand; receive a delivery; count or adjust with a reason;
the gifts at or below their low-stock alert (derived from the redemption rate, head office's
stock policy); ask head office for more; the turnover report with its slow movers."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.catalogue import Gift
from desktop.core.stock_policy import TurnoverReport
from desktop.services.app import StoreServices
from desktop.services.stock import GiftStock, Replenishment, StockMove, unusual_move
from desktop.ui.i18n import message
from desktop.ui.qt import (
    QBrush,
    QButtonGroup,
    QColor,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QObject,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    Signal,
)
from desktop.ui.tabs.base import Confirm, ManagerTab, Notice, cell, table
from desktop.ui.widgets.number_box import NumberBox
from desktop.ui.wording import gift_name

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen

LOW_COLOUR = QColor("#b3261e")
MOST = 100_000
TURNOVER_DAYS = 90


class _Progress(QObject):
    """Made on the GUI thread; the worker emits, the GUI thread receives (queued)."""

    step = Signal(str, int, int)


def write_turnover(
    app: StoreServices, days: int, progress: _Progress
) -> tuple[TurnoverReport, Path, Path]:
    from desktop.ui.tabs.day_tab import reports_folder

    return app.reports.write_turnover(days, reports_folder(app), progress.step.emit)


class StockTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.gifts: list[GiftStock] = []
        self.policy_days = 30
        self._request_gift: str | None = None
        self._progress: _Progress | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.table = table("stock", 6, 1)
        self.table.itemSelectionChanged.connect(self._picked)
        left.addWidget(self.table, 1)
        self.low_title = QLabel()
        left.addWidget(self.low_title)
        self.low = QListWidget()
        self.low.setObjectName("low_stock")
        self.low.setMaximumHeight(130)
        left.addWidget(self.low)
        turnover_row = QHBoxLayout()
        self.turnover_button = QPushButton()
        self.turnover_button.setObjectName("turnover")
        self.turnover_button.setMinimumHeight(44)
        self.turnover_button.clicked.connect(self.write_turnover)
        turnover_row.addWidget(self.turnover_button)
        self.turnover_progress = QProgressBar()
        self.turnover_progress.setObjectName("turnover_progress")
        self.turnover_progress.setVisible(False)
        turnover_row.addWidget(self.turnover_progress, 1)
        left.addLayout(turnover_row)
        self.slow_title = QLabel()
        left.addWidget(self.slow_title)
        self.slow = QListWidget()
        self.slow.setObjectName("slow_movers")
        self.slow.setMaximumHeight(110)
        left.addWidget(self.slow)
        self.turnover_paths = QLabel()
        self.turnover_paths.setObjectName("turnover_paths")
        self.turnover_paths.setWordWrap(True)
        left.addWidget(self.turnover_paths)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        self.picked = QLabel()
        self.picked.setObjectName("picked_gift")
        self.picked.setWordWrap(True)
        right.addWidget(self.picked)
        self.rate = QLabel()
        self.rate.setObjectName("stock_rate")
        self.rate.setWordWrap(True)
        right.addWidget(self.rate)

        self.receive_box = QGroupBox()
        form = QFormLayout(self.receive_box)
        self.receive_qty = NumberBox()
        self.receive_qty.setObjectName("receive_quantity")
        self.receive_qty.setRange(1, MOST)
        self.receive_qty.setMinimumHeight(40)
        self.receive_note = QLineEdit()
        self.receive_note.setObjectName("receive_note")
        self.receive_note.setMinimumHeight(40)
        self.receive_button = QPushButton()
        self.receive_button.setObjectName("receive")
        self.receive_button.setMinimumHeight(48)
        self.receive_button.clicked.connect(self.receive)
        self.receive_qty_label, self.receive_note_label = QLabel(), QLabel()
        form.addRow(self.receive_qty_label, self.receive_qty)
        form.addRow(self.receive_note_label, self.receive_note)
        form.addRow(self.receive_button)
        right.addWidget(self.receive_box)

        self.adjust_box = QGroupBox()
        form = QFormLayout(self.adjust_box)
        self.by_count = QRadioButton()
        self.by_count.setObjectName("by_count")
        self.by_change = QRadioButton()
        self.by_change.setObjectName("by_change")
        self.by_count.setChecked(True)
        mode = QButtonGroup(self)
        mode.addButton(self.by_count)
        mode.addButton(self.by_change)
        self.by_count.toggled.connect(self._mode)
        modes = QHBoxLayout()
        modes.addWidget(self.by_count)
        modes.addWidget(self.by_change)
        self.adjust_qty = NumberBox()
        self.adjust_qty.setObjectName("adjust_quantity")
        self.adjust_qty.setMinimumHeight(40)
        self.adjust_reason = QComboBox()
        self.adjust_reason.setObjectName("adjust_reason")
        self.adjust_reason.setEditable(True)
        self.adjust_reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.adjust_reason.setMinimumHeight(40)
        self.adjust_button = QPushButton()
        self.adjust_button.setObjectName("adjust")
        self.adjust_button.setMinimumHeight(48)
        self.adjust_button.clicked.connect(self.adjust)
        self.adjust_qty_label, self.adjust_reason_label = QLabel(), QLabel()
        form.addRow(modes)
        form.addRow(self.adjust_qty_label, self.adjust_qty)
        form.addRow(self.adjust_reason_label, self.adjust_reason)
        form.addRow(self.adjust_button)
        right.addWidget(self.adjust_box)

        self.request_box = QGroupBox()
        form = QFormLayout(self.request_box)
        self.request_state = QLabel()
        self.request_state.setObjectName("request_state")
        self.request_state.setWordWrap(True)
        self.request_qty = NumberBox()
        self.request_qty.setObjectName("request_quantity")
        self.request_qty.setRange(1, MOST)
        self.request_qty.setMinimumHeight(40)
        self.request_note = QLineEdit()
        self.request_note.setObjectName("request_note")
        self.request_note.setMinimumHeight(40)
        self.request_note.setMaxLength(200)
        self.request_button = QPushButton()
        self.request_button.setObjectName("request")
        self.request_button.setMinimumHeight(48)
        self.request_button.clicked.connect(self.request)
        self.request_qty_label, self.request_note_label = QLabel(), QLabel()
        form.addRow(self.request_state)
        form.addRow(self.request_qty_label, self.request_qty)
        form.addRow(self.request_note_label, self.request_note)
        form.addRow(self.request_button)
        right.addWidget(self.request_box)
        # An unusually large delivery or count is asked about before it is booked.
        self.pending: tuple[str, int, str] | None = None  # ("receive"|"adjust", qty, gift)
        self.confirm = Confirm("confirm_stock", self._confirmed, self._unconfirmed)
        self.confirm_text, self.confirm_yes, self.confirm_no = (
            self.confirm.text,
            self.confirm.yes,
            self.confirm.no,
        )
        right.addWidget(self.confirm)
        self.notice = Notice("stock_message")
        right.addWidget(self.notice)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self._mode()
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Code"),
                self.tr("Gift"),
                self.tr("On hand"),
                self.tr("Alert at"),
                self.tr("Redeemed"),
                self.tr("Requested"),
            ]
        )
        self.low_title.setText(self.tr("Low stock"))
        self.slow_title.setText(self.tr("Slow movers"))
        self.turnover_button.setText(
            self.tr("Turnover report ({days} days)").format(days=TURNOVER_DAYS)
        )
        self.request_box.setTitle(self.tr("Ask head office for more"))
        self.request_qty_label.setText(self.tr("Quantity"))
        self.request_note_label.setText(self.tr("Note"))
        self.request_note.setPlaceholderText(self.tr("e.g. before the festival"))
        self.request_button.setText(self.tr("Send the request"))
        self.receive_box.setTitle(self.tr("Receive a delivery"))
        self.receive_qty_label.setText(self.tr("Quantity"))
        self.receive_note_label.setText(self.tr("Note"))
        self.receive_note.setPlaceholderText(self.tr("e.g. delivery note number"))
        self.receive_button.setText(self.tr("Receive into stock"))
        self.adjust_box.setTitle(self.tr("Count or adjust"))
        self.by_count.setText(self.tr("Counted on the shelf"))
        self.by_change.setText(self.tr("Change by (+/−)"))
        self.adjust_qty_label.setText(self.tr("Quantity"))
        self.adjust_reason_label.setText(self.tr("Reason"))
        typed = self.adjust_reason.currentText()
        self.adjust_reason.clear()
        self.adjust_reason.addItems(
            [
                "",
                self.tr("Stock count"),
                self.tr("Damaged in store"),
                self.tr("Display sample"),
                self.tr("Lost or stolen"),
            ]
        )
        self.adjust_reason.setEditText(typed)
        line = self.adjust_reason.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("Why? (required, goes on the report)"))
        self.adjust_button.setText(self.tr("Adjust stock"))
        self.confirm_no.setText(self.tr("No, correct it"))
        self._ask_text()
        self._show()

    def _mode(self) -> None:
        if self.by_count.isChecked():
            self.adjust_qty.setRange(0, MOST)
        else:
            self.adjust_qty.setRange(-MOST, MOST)

    # --- the list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        app = self.app
        self.run(
            lambda: (app.stock.levels(), app.stock.policy().projection_days),
            self._loaded,
            self._load_failed,
        )

    def _loaded(self, loaded: object) -> None:
        assert isinstance(loaded, tuple)
        self.gifts, self.policy_days = loaded
        self._request_gift = None
        self._show()

    def _load_failed(self, error: Exception) -> None:
        self.notice.error(
            self.tr("The stock could not be read: {error}").format(error=message(error))
        )

    def _show(self) -> None:
        keep = self.selected_gift()
        self.table.setRowCount(len(self.gifts))
        self.low.clear()
        for i, g in enumerate(self.gifts):
            gift, stock, low, lv = g.gift, g.stock, g.low, g.level
            items = [
                cell(gift.gift_id, data=gift.gift_id),
                cell(gift_name(gift)),
                cell(f"{stock}  ⚠" if low else str(stock), align_right=True),
                cell(str(lv.threshold), align_right=True),
                cell(
                    self.tr("{n} in {days} d").format(n=lv.redeemed, days=lv.window_days),
                    align_right=True,
                ),
                cell(self.request_text(g.request) if g.request else ""),
            ]
            for col, item in enumerate(items):
                if low:
                    item.setForeground(QBrush(LOW_COLOUR))
                self.table.setItem(i, col, item)
            if low:
                line = self.tr("{code} {name}: {n} left (alert at {alert})").format(
                    code=gift.gift_id, name=gift_name(gift), n=stock, alert=lv.threshold
                )
                if g.request is not None:
                    line += " · " + self.request_text(g.request)
                self.low.addItem(line)
            if gift.gift_id == keep:
                self.table.selectRow(i)
        if self.gifts and not self.low.count():
            self.low.addItem(self.tr("No gift is low on stock."))
        self._picked()

    def select_gift(self, gift_id: str) -> bool:
        for i, g in enumerate(self.gifts):
            if g.gift.gift_id == gift_id:
                self.table.selectRow(i)
                return True
        return False

    def selected_stock(self) -> GiftStock | None:
        picked = self.table.selectionModel().selectedRows()
        if not picked or picked[0].row() >= len(self.gifts):
            return None
        return self.gifts[picked[0].row()]

    def selected(self) -> tuple[Gift, int] | None:
        chosen = self.selected_stock()
        return None if chosen is None else (chosen.gift, chosen.stock)

    def request_text(self, r: Replenishment) -> str:
        """ "requested 12 on 2026-12-07, pending" (or fulfilled)."""
        if r.pending:
            return self.tr("requested {n} on {day}, pending").format(
                n=r.quantity, day=f"{r.requested_at:%Y-%m-%d}"
            )
        return self.tr("requested {n} on {day}, fulfilled").format(
            n=r.quantity, day=f"{r.requested_at:%Y-%m-%d}"
        )

    def selected_gift(self) -> str | None:
        chosen = self.selected()
        return chosen[0].gift_id if chosen else None

    def _picked(self) -> None:
        chosen = self.selected()
        if self.pending is not None and self.pending[2] != (chosen[0].gift_id if chosen else ""):
            self.pending = None  # another gift picked: the question was about the last one
            self.confirm.setVisible(False)
        level = self.selected_stock()
        if chosen is None or level is None:
            self.picked.setText(self.tr("Pick a gift in the list."))
            self.rate.setText("")
            self.request_state.setText("")
        else:
            gift, stock = chosen
            lv = level.level
            self.picked.setText(
                self.tr("{code} {name}: {n} on hand").format(
                    code=gift.gift_id, name=gift_name(gift), n=stock
                )
            )
            self.rate.setText(
                self.tr(
                    "Redeemed {n} in the last {days} days: {projected} expected in the next "
                    "{ahead} days. Alert at {alert} (the gift's own: {own})."
                ).format(
                    n=lv.redeemed,
                    days=lv.window_days,
                    projected=lv.projected,
                    ahead=self.policy_days,
                    alert=lv.threshold,
                    own=gift.low_stock_threshold,
                )
            )
            if level.request is not None:
                self.request_state.setText(self.request_text(level.request))
            else:
                self.request_state.setText(self.tr("Nothing requested yet."))
            if self._request_gift != gift.gift_id:  # a new pick: offer its suggestion
                self._request_gift = gift.gift_id
                self.request_qty.setValue(max(lv.suggested, 1))
        for w in (self.receive_button, self.adjust_button):
            w.setEnabled(chosen is not None)
        # one request at a time: while head office has not delivered, do not ask again
        self.request_button.setEnabled(level is not None and not level.requested)

    # --- changes -----------------------------------------------------------------------------
    def receive(self) -> None:
        gift_id = self.selected_gift()
        if gift_id is None:
            self.notice.error(self.tr("Pick the gift that was delivered first."))
            return
        qty = self.receive_qty.value()
        if self._ask("receive", qty):
            return
        app, manager = self.app, self.manager
        note = self.receive_note.text().strip()
        request_id = str(uuid.uuid4())
        self.run(
            lambda: app.stock.receive(manager, request_id, gift_id, qty, note),
            self._received,
            self._failed,
            hold=[self.receive_button, self.adjust_button],
        )

    # --- asking before an unusual quantity -----------------------------------------------------
    def _ask(self, kind: str, qty: int) -> bool:
        """True when `qty` is unusual for the picked gift and not yet confirmed: the question
        is shown and nothing is booked. A confirmed quantity is booked once."""
        chosen = self.selected()
        gift_id, on_hand = (chosen[0].gift_id, chosen[1]) if chosen else ("", 0)
        delta = qty if kind == "receive" or self.by_change.isChecked() else qty - on_hand
        if self.pending == (kind, qty, gift_id):
            self.pending = None
            self.confirm.setVisible(False)
            return False
        if not unusual_move(on_hand, delta):
            return False
        self.pending = (kind, qty, gift_id)
        self._ask_text()
        self.confirm.setVisible(True)
        self.confirm_no.setFocus()
        return True

    def _ask_text(self) -> None:
        if self.pending is None:
            return
        kind, qty, _ = self.pending
        chosen = self.selected()
        code, on_hand = (chosen[0].gift_id, chosen[1]) if chosen else ("", 0)
        if kind == "receive":
            text = self.tr(
                "Receive {n} of {code}? That is far more than usual ({stock} on hand). "
                "Check the quantity on the delivery note."
            )
            yes = self.tr("Yes, receive {n}")
        elif self.by_count.isChecked():
            text = self.tr(
                "{n} of {code} counted on the shelf? The stock says {stock}. Check the count."
            )
            yes = self.tr("Yes, {n} are on the shelf")
        else:
            text = self.tr(
                "Change the stock of {code} by {n:+d}? That is far more than usual "
                "({stock} on hand)."
            )
            yes = self.tr("Yes, change by {n:+d}")
        self.confirm_text.setText(text.format(n=qty, code=code, stock=on_hand))
        self.confirm_yes.setText(yes.format(n=qty))

    def _confirmed(self) -> None:
        if self.pending is None:
            return
        kind = self.pending[0]
        (self.receive if kind == "receive" else self.adjust)()

    def _unconfirmed(self) -> None:
        kind = self.pending[0] if self.pending else "receive"
        self.pending = None
        self.confirm.setVisible(False)
        box = self.receive_qty if kind == "receive" else self.adjust_qty
        box.setFocus()
        box.selectAll()

    def _received(self, move: object) -> None:
        assert isinstance(move, StockMove)
        self.notice.ok(
            self.tr("Received {n} of {code}: {stock} on hand now.").format(
                n=move.delta, code=move.gift_id, stock=move.stock_after
            )
        )
        self.receive_qty.setValue(1)
        self.receive_note.clear()
        self._changed()

    def adjust(self) -> None:
        gift_id = self.selected_gift()
        if gift_id is None:
            self.notice.error(self.tr("Pick the gift to adjust first."))
            return
        reason = self.adjust_reason.currentText().strip()
        if not reason:
            self.notice.error(self.tr("Give the reason for the adjustment first."))
            self.adjust_reason.setFocus()
            return
        qty = self.adjust_qty.value()
        if self.by_change.isChecked() and qty == 0:
            self.notice.error(self.tr("A change of zero changes nothing: enter how many."))
            return
        if self._ask("adjust", qty):
            return
        app, manager = self.app, self.manager
        request_id = str(uuid.uuid4())
        counted = qty if self.by_count.isChecked() else None
        delta = None if self.by_count.isChecked() else qty
        self.run(
            lambda: app.stock.adjust(
                manager, request_id, gift_id, counted=counted, delta=delta, reason=reason
            ),
            self._adjusted,
            self._failed,
            hold=[self.receive_button, self.adjust_button],
        )

    def _adjusted(self, move: object) -> None:
        assert isinstance(move, StockMove)
        self.notice.ok(
            self.tr("Stock of {code} changed by {delta:+d}: {stock} on hand now.").format(
                code=move.gift_id, delta=move.delta, stock=move.stock_after
            )
        )
        self.adjust_reason.setEditText("")
        self._changed()

    def _failed(self, error: Exception) -> None:
        self.notice.error(self.tr("Stock not changed: {error}").format(error=message(error)))
        self._picked()

    # --- asking head office for more ------------------------------------------------------------
    def request(self) -> None:
        gift_id = self.selected_gift()
        if gift_id is None:
            self.notice.error(self.tr("Pick the gift to ask for first."))
            return
        app, manager = self.app, self.manager
        qty = self.request_qty.value()
        note = self.request_note.text().strip() or None
        request_id = str(uuid.uuid4())
        self.run(
            lambda: app.stock.request_replenishment(manager, request_id, gift_id, qty, note),
            self._requested,
            self._request_failed,
            hold=[self.request_button],
        )

    def _requested(self, r: object) -> None:
        assert isinstance(r, Replenishment)
        self.notice.ok(
            self.tr(
                "Asked head office for {n} of {code}; the request goes with the next sync."
            ).format(n=r.quantity, code=r.gift_id)
        )
        self.request_note.clear()
        self._changed()

    def _request_failed(self, error: Exception) -> None:
        self.notice.error(self.tr("Not requested: {error}").format(error=message(error)))
        self._picked()

    # --- the turnover report ----------------------------------------------------------------
    def write_turnover(self) -> None:
        progress = _Progress()
        progress.step.connect(self._turnover_step)
        self._progress = progress  # kept alive until the report is written
        self.turnover_progress.setRange(0, 0)
        self.turnover_progress.setVisible(True)
        self.notice.info(self.tr("Working out the stock turnover…"))
        app = self.app
        self.run_io(
            lambda: write_turnover(app, TURNOVER_DAYS, progress),
            self._turnover_written,
            self._turnover_failed,
            hold=[self.turnover_button],
        )

    def _turnover_step(self, stage: str, done: int, total: int) -> None:
        self.turnover_progress.setRange(0, total)
        self.turnover_progress.setValue(done)

    def _turnover_written(self, written: object) -> None:
        assert isinstance(written, tuple)
        report, pdf, csv_path = written
        assert isinstance(report, TurnoverReport)
        self._progress = None
        self.turnover_progress.setVisible(False)
        self.slow.clear()
        slow = report.slow_movers()
        for t in slow:
            since = t.days_since_redemption(report.last)
            self.slow.addItem(
                self.tr("{code} {name}: {n} on hand, nothing redeemed in {days} days").format(
                    code=t.gift_id,
                    name=t.name,
                    n=t.closing,
                    days=since if since is not None else report.days,
                )
            )
        if not slow:
            self.slow.addItem(self.tr("No slow movers."))
        self.turnover_paths.setText(f"PDF: {pdf}\nCSV: {csv_path}")
        self.notice.ok(self.tr("Turnover report written: {n} slow mover(s).").format(n=len(slow)))

    def _turnover_failed(self, error: Exception) -> None:
        self._progress = None
        self.turnover_progress.setVisible(False)
        self.notice.error(
            self.tr("The turnover report could not be written: {error}").format(
                error=message(error)
            )
        )

    def _changed(self) -> None:
        self.session.store_changed.emit()
        self.refresh()
