"""The member at the till: masked name, tier badge, balance, points still waiting for head office
to confirm, points expiring within 30 days, and one line of status for the cashier (looking up,
a refused code, a refused redemption, a receipt). Member journeys: one button per journey the
member can have now (welcome back, birthday, first redemption), which the cashier gives with
one click, and a line on points expiring soon with the gifts that use them best."""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.journeys import Journey, Offer
from desktop.core.members import MemberStatus
from desktop.services.printing import ProcessResult
from desktop.services.till import MemberView
from desktop.ui.i18n import message, messages
from desktop.ui.qt import (
    QEvent,
    QFont,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    Signal,
)
from desktop.ui.widgets.theme import badge_style, message_style
from desktop.ui.wording import gift_name, points_text, tier_name


def _label(name: str, size: int = 0, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    font = label.font()
    if size:
        font.setPointSize(size)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


class MemberPanel(QFrame):
    journey_chosen = Signal(object)  # desktop.core.journeys.Offer: the cashier gives it

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("panel")
        self.view: MemberView | None = None
        self._messages: dict[str, tuple[str, Callable[[], str]]] = {}

        self.name = _label("member_name", 20, bold=True)
        self.tier = _label("member_tier")
        self.blocked = _label("member_blocked", bold=True)
        self.blocked.setStyleSheet(message_style("error"))
        self.balance = _label("member_balance", 24, bold=True)
        self.pending = _label("member_pending", 13)
        self.expiring = _label("member_expiring", 13)
        self.expiring.setWordWrap(True)
        self.balance_caption = _label("caption")
        self.pending_caption = _label("caption")
        self.expiring_caption = _label("caption")
        self.status = _label("status", 13)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = _label("notice")
        self.notice.setWordWrap(True)
        self.journey_buttons: list[QPushButton] = []
        self.journey_row = QHBoxLayout()
        self.journey_hint = _label("member_journey_hint", 13)
        self.journey_hint.setWordWrap(True)

        who = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addSpacing(8)
        top.addWidget(self.tier)
        top.addWidget(self.blocked)
        top.addStretch(1)
        who.addLayout(top)

        figures = QGridLayout()
        figures.setHorizontalSpacing(28)
        figures.setVerticalSpacing(0)
        for col, (caption, value) in enumerate(
            [
                (self.balance_caption, self.balance),
                (self.pending_caption, self.pending),
                (self.expiring_caption, self.expiring),
            ]
        ):
            figures.addWidget(caption, 0, col)
            figures.addWidget(value, 1, col, Qt.AlignmentFlag.AlignTop)
        figures.setColumnStretch(2, 1)

        row = QHBoxLayout()
        row.addLayout(who, 2)
        row.addLayout(figures, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(row)
        layout.addLayout(self.journey_row)
        layout.addWidget(self.journey_hint)
        layout.addWidget(self.status)
        layout.addWidget(self.notice)
        self.clear_message()
        self.clear_notice()
        self.retranslate()

    # --- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.balance_caption.setText(self.tr("Points balance"))
        self.pending_caption.setText(self.tr("Waiting for head office"))
        self.blocked.setText(self.tr("Blocked: ask head office"))
        self._fill()
        for name, (_, text) in self._messages.items():
            self._labels()[name].setText(text())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- state ----------------------------------------------------------------------------
    def show_view(self, view: MemberView | None) -> None:
        self.view = view
        self._fill()

    def _fill(self) -> None:
        view = self.view
        shown = view is not None
        for w in (self.tier, self.balance, self.pending, self.expiring):
            w.setVisible(shown)
        for w in (self.balance_caption, self.pending_caption, self.expiring_caption):
            w.setVisible(shown)
        self._fill_journeys()
        if view is None:
            self.name.setText(self.tr("Scan the member's card or phone code"))
            self.name.setStyleSheet("color: #7b8794;")
            self.blocked.hide()
            return
        m = view.member
        self.expiring_caption.setText(
            self.tr("Expiring within {days} days").format(days=view.journeys.expiring_days)
        )
        self.name.setText(m.masked_name)
        self.name.setStyleSheet("")
        self.tier.setText(tier_name(m.tier))
        self.tier.setStyleSheet(badge_style(m.tier))
        self.blocked.setVisible(m.status is not MemberStatus.ACTIVE)
        self.balance.setText(points_text(view.balance))
        self.pending.setText(points_text(view.pending_sync) if view.pending_sync else "—")
        self.expiring.setText(
            "\n".join(
                self.tr("{points} pts on {date}").format(points=points_text(points), date=day)
                for day, points in view.expiring
            )
            or "—"
        )

    # --- member journeys -------------------------------------------------------------------
    def offer_text(self, offer: Offer) -> str:
        gift = self.view.journeys.gift(offer.gift_id) if self.view else None
        given = []
        if offer.bonus_points:
            given.append(
                self.tr("+{points} bonus points").format(points=points_text(offer.bonus_points))
            )
        if gift is not None:
            given.append(self.tr("gift: {gift}").format(gift=gift_name(gift)))
        what = " · ".join(given)
        if offer.journey is Journey.WELCOME_BACK:
            head = self.tr("Welcome back! {days} days since the last visit").format(
                days=offer.dormant_days
            )
        elif offer.journey is Journey.BIRTHDAY:
            head = self.tr("Happy birthday!")
        else:
            head = self.tr("First-redemption gift")
        return self.tr("{head}: {what} — click to give").format(head=head, what=what)

    def _fill_journeys(self) -> None:
        for button in self.journey_buttons:
            self.journey_row.removeWidget(button)
            button.deleteLater()
        self.journey_buttons = []
        view = self.view
        if view is None or view.member.status is not MemberStatus.ACTIVE:
            self.journey_hint.hide()
            return
        for offer in view.journeys.offers:
            button = QPushButton(self.offer_text(offer))
            button.setObjectName(f"journey_{offer.journey.value}")
            button.setStyleSheet(message_style("ok"))
            button.clicked.connect(lambda _=False, o=offer: self._choose(o))
            self.journey_row.addWidget(button)
            self.journey_buttons.append(button)
        hints = []
        j = view.journeys
        if j.expiring:
            line = self.tr("{points} pts expire by {date}").format(
                points=points_text(j.expiring_points), date=j.expiring[-1][0].isoformat()
            )
            if j.expiring_gifts:
                line += self.tr("; suggest: {gifts}").format(
                    gifts=", ".join(gift_name(g) for g in j.expiring_gifts)
                )
            hints.append(line)
        if j.starter_gifts:
            hints.append(
                self.tr("First redemption ideas: {gifts}").format(
                    gifts=", ".join(gift_name(g) for g in j.starter_gifts)
                )
            )
        self.journey_hint.setText("\n".join(hints))
        self.journey_hint.setVisible(bool(hints))

    def _choose(self, offer: Offer) -> None:
        for button in self.journey_buttons:
            button.setEnabled(False)  # one click gives it once; the refreshed view follows
        self.journey_chosen.emit(offer)

    def journeys_enabled(self, enabled: bool) -> None:
        for button in self.journey_buttons:
            button.setEnabled(enabled)

    def _labels(self) -> dict[str, QLabel]:
        return {"status": self.status, "notice": self.notice}

    def show_message(self, kind: str, text: Callable[[], str]) -> None:
        """The status line. kind: info, ok, warn or error; `text` words the message in the
        current language (called again when the language changes)."""
        self._show("status", kind, text)

    def show_notice(self, kind: str, text: Callable[[], str]) -> None:
        """The second line, for what outlives a customer (a printer problem)."""
        self._show("notice", kind, text)

    def _show(self, name: str, kind: str, text: Callable[[], str]) -> None:
        label = self._labels()[name]
        self._messages[name] = (kind, text)
        label.setStyleSheet(message_style(kind))
        label.setText(text())
        label.show()

    def message_kind(self, name: str = "status") -> str | None:
        shown = self._messages.get(name)
        return shown[0] if shown else None

    def clear_message(self) -> None:
        self._clear("status")

    def clear_notice(self) -> None:
        self._clear("notice")

    def _clear(self, name: str) -> None:
        self._messages.pop(name, None)
        label = self._labels()[name]
        label.clear()
        label.hide()

    # --- a redemption and its printouts ---------------------------------------------------
    def show_redeemed(self, receipt_no: str, points_after: int) -> None:
        self.show_message(
            "ok",
            lambda: self.tr("Redeemed. Receipt {receipt} · points after {after}").format(
                receipt=receipt_no, after=points_text(points_after)
            ),
        )

    def show_printing(self, receipt_no: str) -> None:
        self.show_notice("info", lambda: self.tr("Printing {receipt}…").format(receipt=receipt_no))

    def show_printed(self, receipt_no: str, result: ProcessResult) -> None:
        if not result.ok:
            self.show_print_problem(receipt_no, result.errors)
            return
        self.show_notice("ok", lambda: self.tr("Printed {receipt}.").format(receipt=receipt_no))

    def show_print_problem(self, receipt_no: str, detail: str | tuple[str, ...]) -> None:
        """A printer fault is a warning: the redemption stands, the queue retries."""
        self.show_notice(
            "warn",
            lambda: self.tr(
                "Printer problem for {receipt}: {detail}. The redemption stands; the print "
                "queue retries, and a manager can reprint."
            ).format(
                receipt=receipt_no,
                detail=message(detail) if isinstance(detail, str) else messages(detail),
            ),
        )
