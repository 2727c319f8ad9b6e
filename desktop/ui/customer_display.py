"""The customer-facing display: a second window, full screen on the till's second screen when
there is one. Large text in Chinese and English at once, whatever language the cashier uses:
the member's masked name and balance, the basket with points, the points after, and the thanks
once redeemed. It only follows the till screen's `customer_changed` signal, and passes each
view on to the pole display if the store has one (desktop/printing/pole.py: its `show`
returns at once, a thread of its own writes to the hardware).

The English text is marked for translation (context "CustomerDisplay"); the Chinese comes from
the same lantern_zh_CN.ts through a translator of its own that is never installed on the
application, so switching the cashier's language leaves this screen bilingual."""

from __future__ import annotations

import logging

from desktop.services.display import PoleDisplay, PoleState
from desktop.ui.i18n import compiled
from desktop.ui.qt import (
    QT_TRANSLATE_NOOP,
    QFont,
    QFrame,
    QGridLayout,
    QGuiApplication,
    QLabel,
    Qt,
    QTranslator,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.till_model import CustomerView
from desktop.ui.wording import money_text, points_text

log = logging.getLogger(__name__)

CONTEXT = "CustomerDisplay"
WELCOME = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Welcome"))
SHOW_CODE = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Please show your member code"))
MEMBER = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Member"))
BALANCE = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Points balance"))
TOTAL = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Points used"))
CASH = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Cash to pay"))
AFTER = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Points after"))
THANKS = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Thank you! Enjoy your gift"))
RECEIPT = str(QT_TRANSLATE_NOOP("CustomerDisplay", "Receipt"))
POINTS = str(QT_TRANSLATE_NOOP("CustomerDisplay", "pts"))

STYLE = """
QWidget#customer { background: #13283f; }
QWidget#customer QLabel { color: #f4f1ea; }
QLabel#store { color: #9fb3c8; }
QLabel#title { color: #f2c14e; }
QLabel#muted { color: #9fb3c8; }
QFrame#rule { background: #2c4763; max-height: 2px; min-height: 2px; border: none; }
"""


def chinese() -> QTranslator | None:
    """The Chinese translations, loaded but not installed (so tr() elsewhere is unaffected)."""
    qm = compiled("zh_CN")
    translator = QTranslator()
    if qm is None or not translator.load(str(qm)):
        log.warning("no Chinese translation for the customer display; it shows English only")
        return None
    return translator


def pole_state(view: CustomerView) -> PoleState:
    return PoleState(
        view.masked_name,
        view.balance,
        len(view.lines),
        view.points,
        view.cash_fen,
        view.points_after,
        bool(view.receipt_no),
    )


def _font(label: QLabel, size: int, bold: bool = False) -> QLabel:
    font = QFont(label.font())
    font.setPointSize(size)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


class CustomerDisplay(QWidget):
    def __init__(
        self,
        store_zh: str = "",
        store_en: str = "",
        parent: QWidget | None = None,
        pole: PoleDisplay | None = None,
    ) -> None:
        # A window of its own, owned by the till window (deleted with it, on the GUI thread).
        # The customer's screen never takes the keyboard: F9, a PIN or a scan stay at the till.
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("customer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(f"Lantern · {store_zh} {store_en}")
        self.resize(1024, 640)
        self._zh = chinese()
        self.view = CustomerView()
        self.pole = pole

        self.store = _font(QLabel(f"{store_zh}  {store_en}"), 16)
        self.store.setObjectName("store")
        self.title = _font(QLabel(), 34, bold=True)
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.member = _font(QLabel(), 24)
        self.balance = _font(QLabel(), 24)
        rule = QFrame()
        rule.setObjectName("rule")
        self.lines = QGridLayout()
        self.lines.setHorizontalSpacing(24)
        self.lines.setVerticalSpacing(8)
        self.totals = QGridLayout()
        self.totals.setHorizontalSpacing(24)
        self.total = _font(QLabel(), 24, bold=True)
        self.cash = _font(QLabel(), 24, bold=True)
        self.after = _font(QLabel(), 30, bold=True)
        self.receipt = _font(QLabel(), 18)
        self.receipt.setObjectName("muted")
        self.total_caption, self.cash_caption, self.after_caption = (
            _font(QLabel(), 22) for _ in range(3)
        )
        for row, (caption, value) in enumerate(
            [
                (self.total_caption, self.total),
                (self.cash_caption, self.cash),
                (self.after_caption, self.after),
            ]
        ):
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.totals.addWidget(caption, row, 0)
            self.totals.addWidget(value, row, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(14)
        for w in (self.store, self.title, self.member, self.balance, rule):
            layout.addWidget(w)
        layout.addLayout(self.lines)
        layout.addStretch(1)
        layout.addLayout(self.totals)
        layout.addWidget(self.receipt)
        self.show_view(self.view)

    def both(self, source: str, between: str = "  ") -> str:
        """Chinese, then English: "积分余额  Points balance"."""
        zh = self._zh.translate(CONTEXT, source) if self._zh is not None else ""
        return f"{zh}{between}{source}" if zh and zh != source else source

    def show_view(self, view: object) -> None:
        assert isinstance(view, CustomerView)
        self.view = view
        if self.pole is not None:
            self.pole.show(pole_state(view))  # never blocks: the display has its own thread
        while self.lines.count():
            item = self.lines.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        pts = self.both(POINTS, " ")
        if view.empty:
            self.title.setText(self.both(WELCOME))
            self.member.setText(self.both(SHOW_CODE))
            self.balance.setText("")
        else:
            self.title.setText(self.both(THANKS, "\n") if view.receipt_no else self.both(WELCOME))
            self.member.setText(f"{self.both(MEMBER)}:  {view.masked_name}")
            self.balance.setText(f"{self.both(BALANCE)}:  {points_text(view.balance)}")
        for row, line in enumerate(view.lines):
            name = _font(QLabel(f"{line.name_zh}  {line.name_en}"), 22)
            quantity = _font(QLabel(f"× {line.quantity}"), 22)
            price = f"{points_text(line.points)} {pts}"
            if line.cash_fen:
                price += f" + {money_text(line.cash_fen)}"
            points = _font(QLabel(price), 22)
            points.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.lines.addWidget(name, row, 0)
            self.lines.addWidget(quantity, row, 1)
            self.lines.addWidget(points, row, 2)
        self.lines.setColumnStretch(0, 1)
        has_lines = bool(view.lines)
        self.total_caption.setText(self.both(TOTAL))
        self.total.setText(points_text(view.points))
        self.cash_caption.setText(self.both(CASH))
        self.cash.setText(money_text(view.cash_fen))
        self.after_caption.setText(self.both(AFTER))
        self.after.setText(points_text(view.points_after))
        for w in (self.total_caption, self.total, self.after_caption, self.after):
            w.setVisible(has_lines)
        for w in (self.cash_caption, self.cash):
            w.setVisible(has_lines and view.cash_fen > 0)
        self.receipt.setText(f"{self.both(RECEIPT)}:  {view.receipt_no}" if view.receipt_no else "")

    def show_on_second_screen(self) -> bool:
        """Full screen on the second screen if the till has one; otherwise stay hidden."""
        screens = QGuiApplication.screens()
        if len(screens) < 2:
            return False
        screen = screens[1]
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        return True
