"""Stock: the gifts with what is on hand; receive a delivery; count or adjust with a reason;
the gifts at or below their low-stock alert."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from desktop.core.catalogue import Gift
from desktop.services.stock import StockMove, unusual_move
from desktop.ui.i18n import message
from desktop.ui.qt import (
    QBrush,
    QButtonGroup,
    QColor,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)
from desktop.ui.tabs.base import ManagerTab, Notice, cell, table
from desktop.ui.widgets.number_box import NumberBox
from desktop.ui.wording import gift_name

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen

LOW_COLOUR = QColor("#b3261e")
MOST = 100_000


class StockTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.gifts: list[tuple[Gift, int]] = []
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.table = table("stock", 4, 1)
        self.table.itemSelectionChanged.connect(self._picked)
        left.addWidget(self.table, 1)
        self.low_title = QLabel()
        left.addWidget(self.low_title)
        self.low = QListWidget()
        self.low.setObjectName("low_stock")
        self.low.setMaximumHeight(130)
        left.addWidget(self.low)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        self.picked = QLabel()
        self.picked.setObjectName("picked_gift")
        self.picked.setWordWrap(True)
        right.addWidget(self.picked)

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
        # An unusually large delivery or count is asked about before it is booked.
        self.pending: tuple[str, int, str] | None = None  # ("receive"|"adjust", qty, gift)
        self.confirm = QFrame()
        self.confirm.setObjectName("confirm_stock")
        self.confirm.setFrameShape(QFrame.Shape.StyledPanel)
        confirm = QVBoxLayout(self.confirm)
        self.confirm_text = QLabel()
        self.confirm_text.setObjectName("confirm_stock_text")
        self.confirm_text.setWordWrap(True)
        confirm.addWidget(self.confirm_text)
        confirm_buttons = QHBoxLayout()
        self.confirm_yes = QPushButton()
        self.confirm_yes.setObjectName("confirm_stock_yes")
        self.confirm_no = QPushButton()
        self.confirm_no.setObjectName("confirm_stock_no")
        for b in (self.confirm_yes, self.confirm_no):
            b.setMinimumHeight(44)
            confirm_buttons.addWidget(b)
        confirm.addLayout(confirm_buttons)
        self.confirm_yes.clicked.connect(self._confirmed)
        self.confirm_no.clicked.connect(self._unconfirmed)
        self.confirm.setVisible(False)
        right.addWidget(self.confirm)
        self.notice = Notice("stock_message")
        right.addWidget(self.notice)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self._mode()
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [self.tr("Code"), self.tr("Gift"), self.tr("On hand"), self.tr("Alert at")]
        )
        self.low_title.setText(self.tr("Low stock"))
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
        self.run(app.stock.catalogue, self._loaded, self._load_failed)

    def _loaded(self, gifts: object) -> None:
        assert isinstance(gifts, list)
        self.gifts = gifts
        self._show()

    def _load_failed(self, error: Exception) -> None:
        self.notice.error(
            self.tr("The stock could not be read: {error}").format(error=message(error))
        )

    def _show(self) -> None:
        keep = self.selected_gift()
        self.table.setRowCount(len(self.gifts))
        self.low.clear()
        for i, (gift, stock) in enumerate(self.gifts):
            low = gift.is_low(stock)
            items = [
                cell(gift.gift_id, data=gift.gift_id),
                cell(gift_name(gift)),
                cell(f"{stock}  ⚠" if low else str(stock), align_right=True),
                cell(str(gift.low_stock_threshold), align_right=True),
            ]
            for col, item in enumerate(items):
                if low:
                    item.setForeground(QBrush(LOW_COLOUR))
                self.table.setItem(i, col, item)
            if low:
                self.low.addItem(
                    self.tr("{code} {name}: {n} left (alert at {alert})").format(
                        code=gift.gift_id,
                        name=gift_name(gift),
                        n=stock,
                        alert=gift.low_stock_threshold,
                    )
                )
            if gift.gift_id == keep:
                self.table.selectRow(i)
        if self.gifts and not self.low.count():
            self.low.addItem(self.tr("No gift is low on stock."))
        self._picked()

    def select_gift(self, gift_id: str) -> bool:
        for i, (gift, _) in enumerate(self.gifts):
            if gift.gift_id == gift_id:
                self.table.selectRow(i)
                return True
        return False

    def selected(self) -> tuple[Gift, int] | None:
        picked = self.table.selectionModel().selectedRows()
        if not picked or picked[0].row() >= len(self.gifts):
            return None
        return self.gifts[picked[0].row()]

    def selected_gift(self) -> str | None:
        chosen = self.selected()
        return chosen[0].gift_id if chosen else None

    def _picked(self) -> None:
        chosen = self.selected()
        if self.pending is not None and self.pending[2] != (chosen[0].gift_id if chosen else ""):
            self.pending = None  # another gift picked: the question was about the last one
            self.confirm.setVisible(False)
        if chosen is None:
            self.picked.setText(self.tr("Pick a gift in the list."))
        else:
            gift, stock = chosen
            self.picked.setText(
                self.tr("{code} {name}: {n} on hand").format(
                    code=gift.gift_id, name=gift_name(gift), n=stock
                )
            )
        for w in (self.receive_button, self.adjust_button):
            w.setEnabled(chosen is not None)

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

    def _changed(self) -> None:
        self.session.store_changed.emit()
        self.refresh()
