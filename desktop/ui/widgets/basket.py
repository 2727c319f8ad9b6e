"""The basket: one line per gift with quantity −/+ and remove, the way to pay per line (points,
or points + cash when the gift offers a second price), totals in points and cash, the member's
points after, the blessing line for the greeting card (optional), and the confirm button (with
the manager override when the offline limits need one)."""

from __future__ import annotations

from desktop.ui.qt import (
    QButtonGroup,
    QEvent,
    QFont,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.till_model import Basket, BasketItem
from desktop.ui.widgets.theme import TOUCH
from desktop.ui.wording import money_text, points_text, price_text


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setFixedSize(TOUCH, TOUCH)
    # Touch targets; the keyboard has F7/F8/F6, so focus stays in the search box.
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class LineRow(QFrame):
    """One basket line. Its buttons change the basket and the view rebuilds the rows."""

    def __init__(self, item: BasketItem, current: bool) -> None:
        super().__init__()
        self.setObjectName("line")
        self.setProperty("current", current)
        self.item = item
        name = QLabel(item.gift.name_zh)
        bold = name.font()
        bold.setWeight(QFont.Weight.DemiBold)
        name.setFont(bold)
        name_en = QLabel(item.gift.name_en)
        name_en.setObjectName("caption")
        self.minus = _button("−", "minus")
        self.quantity = QLabel(str(item.quantity))
        self.quantity.setObjectName("quantity")
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quantity.setMinimumWidth(28)
        self.plus = _button("+", "plus")
        self.remove = _button("✕", "remove")
        self.pay = QButtonGroup(self)
        pay_row = QHBoxLayout()
        pay_row.setSpacing(4)
        if len(item.gift.prices) > 1:
            for option, price in enumerate(item.gift.prices):
                button = QPushButton(price_text(price))
                button.setObjectName(f"pay_{option}")
                button.setCheckable(True)
                button.setChecked(option == item.option)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                self.pay.addButton(button, option)
                pay_row.addWidget(button, 1)
        else:
            only = QLabel(self.tr("{price} each").format(price=price_text(item.price)))
            only.setObjectName("caption")
            pay_row.addWidget(only, 1)
        self.total = QLabel(self._total_text())
        self.total.setObjectName("line_total")
        self.total.setFont(bold)
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        # names and the quantity controls; the ways to pay; the line's total
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 8, 6)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(name)
        names.addWidget(name_en)
        grid.addLayout(names, 0, 0)
        controls = QHBoxLayout()
        controls.setSpacing(4)
        for w in (self.minus, self.quantity, self.plus, self.remove):
            controls.addWidget(w)
        grid.addLayout(controls, 0, 1)
        grid.addLayout(pay_row, 1, 0, 1, 2)
        grid.addWidget(self.total, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)

    def _total_text(self) -> str:
        text = self.tr("{points} pts").format(points=points_text(self.item.points))
        if self.item.cash_fen:
            text += f" + {money_text(self.item.cash_fen)}"
        return text


#: what the blessing box takes; the core's rule (at most 48 columns) is checked on confirm and
#: says what to fix, so a little over is typed and explained rather than silently cut
BLESSING_MAX_TYPED = 60


def blessing_or_none(text: str) -> str | None:
    return text if text.strip() else None


class BasketView(QFrame):
    changed = Signal()  # the cashier changed the basket with its buttons
    confirm_clicked = Signal()
    override_clicked = Signal()

    def __init__(self, basket: Basket) -> None:
        super().__init__()
        self.setObjectName("panel")
        self.basket = basket
        self.balance: int | None = None
        self.rows: list[LineRow] = []
        self._editable = True
        self.day_open = True  # False: the business day is not open (or closed): no confirm

        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(15)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.empty = QLabel()
        self.empty.setObjectName("caption")
        self.empty.setWordWrap(True)
        self.lines_host = QWidget()
        self.lines = QVBoxLayout(self.lines_host)
        self.lines.setContentsMargins(0, 0, 0, 0)
        self.lines.setSpacing(6)
        self.lines.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.lines_host)

        self.captions = [QLabel() for _ in range(4)]
        self.total_points = QLabel()
        self.total_points.setObjectName("total_points")
        self.total_cash = QLabel()
        self.total_cash.setObjectName("total_cash")
        self.balance_now = QLabel()
        self.balance_now.setObjectName("balance_now")
        self.points_after = QLabel()
        self.points_after.setObjectName("points_after")
        big = self.points_after.font()
        big.setPointSize(17)
        big.setWeight(QFont.Weight.DemiBold)
        totals = QGridLayout()
        totals.setVerticalSpacing(2)
        values = (self.total_points, self.total_cash, self.balance_now, self.points_after)
        for row, (caption, value) in enumerate(zip(self.captions, values, strict=True)):
            caption.setObjectName("caption")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setFont(big if row in (0, 3) else value.font())
            totals.addWidget(caption, row, 0)
            totals.addWidget(value, row, 1)

        # the member's own line on the greeting card; checked when the redemption is sent
        # (desktop/core/blessing.py: at most 24 Chinese characters or 48 Latin letters)
        self.blessing = QLineEdit()
        self.blessing.setObjectName("blessing")
        self.blessing.setMaxLength(BLESSING_MAX_TYPED)
        self.blessing.setClearButtonEnabled(True)
        self.blessing.returnPressed.connect(self.confirm_clicked)
        self.confirm = QPushButton()
        self.confirm.setObjectName("confirm")
        self.confirm.clicked.connect(self.confirm_clicked)
        self.override = QPushButton()
        self.override.setObjectName("override")
        self.override.clicked.connect(self.override_clicked)
        self.override.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)
        layout.addLayout(totals)
        layout.addWidget(self.blessing)
        layout.addWidget(self.override)
        layout.addWidget(self.confirm)
        self.busy = False
        self.retranslate()

    # --- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(self.tr("Basket"))
        self.empty.setText(self.tr("Type to search, Enter adds the first match, or touch a gift."))
        for caption, text in zip(
            self.captions,
            [self.tr("Points"), self.tr("Cash"), self.tr("Balance now"), self.tr("Points after")],
            strict=True,
        ):
            caption.setText(text)
        self.override.setText(self.tr("Manager override (F10)"))
        self.blessing.setPlaceholderText(
            self.tr("Blessing on the card (optional, up to 24 Chinese characters)")
        )
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- state ----------------------------------------------------------------------------
    def set_balance(self, balance: int | None) -> None:
        self.balance = balance
        self.refresh()

    def set_busy(self, busy: bool) -> None:
        """While a redemption runs: no second confirm, no changes to the basket."""
        self.busy = busy
        self.refresh()

    def set_day_open(self, day_open: bool) -> None:
        if day_open != self.day_open:
            self.day_open = day_open
            self.refresh()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.refresh()

    def blessing_text(self) -> str | None:
        """The blessing as typed (checked by the redemption), None when blank."""
        return blessing_or_none(self.blessing.text())

    def refresh(self) -> None:
        for row in self.rows:
            self.lines.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        for n, item in enumerate(self.basket.items):
            row = LineRow(item, n == self.basket.current)
            row.minus.clicked.connect(lambda _=False, n=n: self._edit(self.basket.change, n, -1))
            row.plus.clicked.connect(lambda _=False, n=n: self._edit(self.basket.change, n, 1))
            row.remove.clicked.connect(lambda _=False, n=n: self._edit(self.basket.remove, n))
            row.pay.idClicked.connect(lambda o, n=n: self._edit(self.basket.set_option, n, o))
            row.setEnabled(self._editable and not self.busy)
            self.lines.insertWidget(self.lines.count() - 1, row)
            self.rows.append(row)
        self.empty.setVisible(not self.basket.items)
        points, cash = self.basket.points, self.basket.cash_fen
        self.total_points.setText(points_text(points))
        self.total_cash.setText(money_text(cash))
        known = self.balance is not None
        self.balance_now.setText(points_text(self.balance) if self.balance is not None else "—")
        after = (self.balance or 0) - points
        self.points_after.setText(points_text(after) if known else "—")
        self.points_after.setStyleSheet("color: #a12a2a;" if known and after < 0 else "")
        self.blessing.setEnabled(self._editable and not self.busy)
        self.confirm.setText(
            self.tr("Redeeming…") if self.busy else self.tr("Confirm redemption  (Enter / F12)")
        )
        self.confirm.setEnabled(
            not self.busy and self._editable and self.day_open and bool(self.basket.items) and known
        )

    def _edit(self, change: object, *args: int) -> None:
        if self.busy or not self._editable:
            return
        assert callable(change)
        change(*args)
        self.refresh()
        self.changed.emit()
