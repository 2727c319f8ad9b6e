"""The till screen: scan a member, pick gifts, confirm, print.

    scan (anywhere: the keyboard wedge, the camera, or the scan field) → the member panel fills
    and focus goes to the gift search → type → Enter adds the first match → Enter confirms.

Every store call runs off the GUI thread on the session's database lane (`run_db`); printing
runs on its I/O lane (`run_io`), so a printer that does not answer holds up no scan. A confirm is one intent
with one request id (made when the confirm starts, kept for a retry or a manager override,
dropped when the basket changes), so a double click, a double Enter or a retry deducts once.
Printing is queued after the redemption returned; a printer problem is a warning and the
redemption stands. The customer display follows `customer_changed`."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.core.errors import InvalidInput, LanternError, NotAllowed
from desktop.core.journeys import Offer as JourneyOffer
from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.journeys import JourneyUse
from desktop.services.till import MemberView, Receipt
from desktop.ui.checkout import Checkout, Order
from desktop.ui.i18n import message
from desktop.ui.lookup import Lookup
from desktop.ui.qt import (
    QApplication,
    QEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QShortcut,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import LinkStatus, TillSession
from desktop.ui.till_model import Basket, Offer, Shelf, customer_view, thanks_view
from desktop.ui.widgets.basket import BasketView
from desktop.ui.widgets.catalogue import CatalogueGrid
from desktop.ui.widgets.member_panel import MemberPanel
from desktop.ui.widgets.theme import TILL_STYLE
from desktop.ui.widgets.till_header import TillHeader
from desktop.ui.wording import (
    lookup_error_text,
    points_text,
    problem_text,
    refusal_text,
    tile_reason,
)

if TYPE_CHECKING:
    from desktop.scanning.camera import FrameSource
    from desktop.ui.camera_view import CameraView

log = logging.getLogger(__name__)

IDLE, SERVING, REDEEMING, DONE = "idle", "serving", "redeeming", "done"


class TillScreen(QWidget):
    """`camera`: the till's camera, read on worker threads with a preview; None for none."""

    override_needed = Signal(object)  # a callback taking the manager (Staff) who approved
    # a risk rule asks for a manager's PIN: (a callback taking the manager, why, as text)
    verification_needed = Signal(object, str)
    customer_changed = Signal(object)  # CustomerView, for the customer display
    redeemed = Signal(object)  # Receipt

    next_customer_ms = 8000  # after a redemption, the till clears itself for the next one

    def __init__(self, session: TillSession, camera: FrameSource | None = None) -> None:
        super().__init__()
        self.setObjectName("till")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(TILL_STYLE)
        self.session = session
        self.app = session.app
        self.basket = Basket()
        self.view: MemberView | None = None
        self.code_kind = CodeKind.STATIC_CARD
        self.offers: dict[str, Offer] = {}
        self.state = IDLE
        self.receipt: Receipt | None = None

        ctx = self.app.ctx
        self.top = TillHeader(ctx.setting("store_name_zh", ""), ctx.setting("store_name_en", ""))
        self.header, self.day_label = self.top.store, self.top.day_label
        self.offline, self.scan = self.top.offline, self.top.scan
        self.scan.returnPressed.connect(self.on_scan)
        self.member_panel = MemberPanel()
        self.member_panel.journey_chosen.connect(self.give_journey)
        # one request id per (member, journey, period): a second click or a retry gives once
        self.journey_requests: dict[tuple[str, str, str], str] = {}
        self.member_name = self.member_panel.name
        self.member_balance = self.member_panel.balance
        self.status = self.member_panel.status
        self.catalogue = CatalogueGrid()
        self.catalogue.chosen.connect(self.add_offer)
        self.catalogue.search.returnPressed.connect(self.on_search_enter)
        self.search = self.catalogue.search
        self.basket_view = BasketView(self.basket)
        self.basket_view.setFixedWidth(430)
        self.basket_view.changed.connect(self._basket_changed)
        self.basket_view.confirm_clicked.connect(self.confirm)
        self.basket_view.override_clicked.connect(self.request_override)
        self.confirm_button = self.basket_view.confirm
        self.reads = Lookup(session, self)
        self.reads.found.connect(self._member_found)
        self.reads.refused.connect(self._lookup_failed)
        self.reads.shelf_loaded.connect(self._apply_shelf)
        self.checkout = Checkout(session, self)
        self.checkout.running.connect(self._running)
        self.checkout.refused.connect(self._refused)
        self.checkout.failed.connect(self._failed)
        self.checkout.succeeded.connect(self._succeeded)
        self.checkout.printed.connect(self.member_panel.show_printed)
        self.checkout.print_failed.connect(self.member_panel.show_print_problem)
        self.checkout.override_needed.connect(self.override_needed)
        self.checkout.verification_needed.connect(self._verification_needed)
        self.help = QLabel()
        self.help.setObjectName("help")
        self.help.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.top)
        left.addWidget(self.member_panel)
        upper = QHBoxLayout()
        upper.addLayout(left, 1)
        self.camera_view: CameraView | None = None
        if camera is not None:
            # Imported here: a till without a camera needs neither OpenCV nor zxing-cpp.
            from desktop.ui.camera_view import CameraView

            self.camera_view = CameraView(camera)
            self.camera_view.setFixedSize(260, 195)
            self.camera_view.code_read.connect(self.lookup)
            upper.addWidget(self.camera_view, 0, Qt.AlignmentFlag.AlignTop)
            self.camera_view.start()
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(self.catalogue, 1)
        body.addWidget(self.basket_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 6)
        layout.setSpacing(10)
        layout.addLayout(upper)
        layout.addLayout(body, 1)
        layout.addWidget(self.help)

        keys: list[tuple[Qt.Key, Callable[[], None]]] = [
            (Qt.Key.Key_F12, self.confirm),
            (Qt.Key.Key_Escape, self.escape),
            (Qt.Key.Key_F2, self.scan.setFocus),
            (Qt.Key.Key_F3, self.search.setFocus),
            (Qt.Key.Key_F6, self.next_payment),
            (Qt.Key.Key_F7, lambda: self.change_current(-1)),
            (Qt.Key.Key_F8, lambda: self.change_current(1)),
            (Qt.Key.Key_F10, self.request_override),
        ]
        for key, action in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)

        self.next_timer = QTimer(self)
        self.next_timer.setSingleShot(True)
        self.next_timer.timeout.connect(self.next_customer)
        session.store_changed.connect(self.refresh)
        session.staff_changed.connect(self._staff_changed)
        session.link_changed.connect(self.show_link)
        self.retranslate()
        self.show_link(session.link)
        self.refresh()
        self.scan.setFocus()

    # --- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.help.setText(
            self.tr(
                "Scan anywhere · type to search · Enter adds the first match · Enter or F12 "
                "confirms · F7/F8 quantity −/+ · F6 points or cash · F10 manager override · "
                "F2 card number · Esc clears"
            )
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_link(self, status: object) -> None:
        assert isinstance(status, LinkStatus)
        self.top.show_online(status.online)

    def _say(self, kind: str, text: Callable[[], str]) -> None:
        self.member_panel.show_message(kind, text)

    # --- the shelf ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload stock (and the member's balance and what they can take) off the GUI thread."""
        self.reads.shelf(self.view.member.member_id if self.view else None, self.code_kind)

    def _apply_shelf(self, shelf: Shelf) -> None:
        self.top.show_day(shelf.day)
        self.basket_view.set_day_open(shelf.day.is_open)
        self.offers = {o.gift.gift_id: o for o in shelf.offers}
        self.catalogue.set_offers(shelf.offers)
        if shelf.view is not None:
            self.view = shelf.view
            self.member_panel.show_view(shelf.view)
            self.basket_view.set_balance(shelf.view.balance)
            self._emit_customer()

    # --- the member -----------------------------------------------------------------------
    def on_scan(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        self.lookup(text)

    def lookup(self, text: str) -> None:
        """A member from a code or number: typed, from the wedge scanner or from the camera."""
        text = text.strip()
        if not text or self.session.staff is None:
            return  # a locked till reads no member
        if self.state == REDEEMING:
            self._say("warn", lambda: self.tr("Wait: the redemption is still being recorded."))
            return
        if self.state == DONE:
            self.next_customer()
        self._say("info", lambda: self.tr("Looking up the member…"))
        self.reads.member(text)

    def _member_found(self, kind: CodeKind, shelf: Shelf) -> None:
        if shelf.view is None:
            return
        same = self.view is not None and self.view.member.member_id == shelf.view.member.member_id
        if not same:
            self.basket.clear()
            self.basket_view.blessing.clear()
        self.code_kind = kind
        self.state = SERVING
        self._drop_intent()
        self.member_panel.clear_message()
        self._apply_shelf(shelf)
        self.basket_view.set_editable(True)
        if kind is CodeKind.TYPED_NUMBER:
            self._say(
                "info",
                lambda: self.tr(
                    "Typed card number: while head office is offline, a manager must approve."
                ),
            )
        closed = self.day_closed_text()
        if closed is not None:
            self._say("error", closed)
        self.search.setFocus()
        self.search.selectAll()

    def give_journey(self, offer: JourneyOffer) -> None:
        """Give the member the journey the cashier clicked (bonus points and/or a gift), on
        the database lane; the member's view is read again after it, so it is not offered
        twice."""
        cashier = self.session.staff
        if self.view is None or cashier is None or self.state == REDEEMING:
            self.member_panel.journeys_enabled(True)
            return
        member_id = self.view.member.member_id
        key = (member_id, offer.journey.value, offer.period)
        request_id = self.journey_requests.setdefault(key, str(uuid.uuid4()))
        app = self.app

        def give() -> JourneyUse:
            return app.journeys.apply(
                cashier, request_id, member_id, offer.journey.value, offer.period
            )

        def done(use: JourneyUse) -> None:
            self._say(
                "ok",
                lambda: self.tr("Given: {points} bonus points{gift}.").format(
                    points=points_text(use.bonus_points),
                    gift=self.tr(" and the gift {gift}").format(gift=use.gift_id)
                    if use.gift_id
                    else "",
                ),
            )
            self.session.store_changed.emit()  # stock, the member's balance, the link

        def failed(error: Exception) -> None:
            self.member_panel.journeys_enabled(True)
            problem = problem_text(error)
            detail = str(error) if isinstance(error, LanternError) else type(error).__name__
            self._say(
                "error",
                lambda: problem or self.tr("Not given: {detail}.").format(detail=message(detail)),
            )

        self._say("info", lambda: self.tr("Giving the journey…"))
        self.session.run_db(give, done, failed)

    def _lookup_failed(self, error: Exception) -> None:
        self._forget_member()
        self._say("error", lambda: lookup_error_text(error))
        self._focus_scan()

    def _forget_member(self) -> None:
        self.view = None
        self.basket.clear()
        self.basket_view.blessing.clear()
        self.state = IDLE
        self._drop_intent()
        self.receipt = None
        self.member_panel.show_view(None)
        self.basket_view.set_editable(True)
        self.basket_view.set_balance(None)
        self._emit_customer()

    def next_customer(self) -> None:
        """Clear the member and the basket: ready for the next customer."""
        if self.state == REDEEMING:
            return
        self.next_timer.stop()
        self.reads.forget()
        self._forget_member()
        self.search.clear()
        if self.member_panel.message_kind("notice") == "ok":
            self.member_panel.clear_notice()
        self._say("info", lambda: self.tr("Ready for the next customer."))
        self.refresh()
        self._focus_scan()

    def _focus_scan(self) -> None:
        """The scan field takes focus only while the till is on screen and no dialog (a
        manager's PIN) is open: a PIN must never land in the scan field."""
        if self.isVisible() and QApplication.activeModalWidget() is None:
            self.scan.setFocus()

    def hold(self) -> None:
        """Someone else has the screen (the manager's PIN, the manager screen): the timer that
        clears the till after a sale waits, and nothing takes focus meanwhile."""
        self.next_timer.stop()

    def resume(self) -> None:
        """The till has the screen again (the PIN cancelled, back from the manager screen)."""
        if self.state == DONE:
            self.next_timer.start(self.next_customer_ms)
        if self.state == SERVING:
            QTimer.singleShot(0, self.search.setFocus)
        else:
            QTimer.singleShot(0, self._focus_scan)

    def _staff_changed(self, staff: object) -> None:
        if staff is None and self.view is not None:
            self.next_customer()  # locked: the next cashier does not find this member open

    def escape(self) -> None:
        if self.search.text():
            self.search.clear()
        else:
            self.next_customer()

    # --- the basket -----------------------------------------------------------------------
    def on_search_enter(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.confirm()
            return
        offer = self.catalogue.first_match()
        if offer is None:
            self._say(
                "warn",
                lambda: self.tr("No gift the member can take matches “{text}”.").format(text=text),
            )
            return
        self.add_offer(offer)

    def day_closed_text(self) -> Callable[[], str] | None:
        """Why no sale can be made today (the day not open, or closed), or None."""
        day = self.top.day
        if day is None or day.is_open:
            return None
        if day.closed_at is not None:
            return lambda: self.tr(
                "The business day is closed: no more redemptions today. "
                "Come back when tomorrow's day is open."
            )
        return lambda: self.tr(
            "The business day is not open yet: a manager must open it (F9, Business day)."
        )

    def add_offer(self, offer: Offer) -> None:
        if self.state == REDEEMING:
            return
        closed = self.day_closed_text()
        if closed is not None:  # refused before a basket is built that could never be confirmed
            self._say("error", closed)
            return
        if self.state == DONE and self.view is not None:
            self._go_on_with_member()  # the member is still shown: another gift for them
        if self.view is None:
            self._say("warn", lambda: self.tr("Scan the member's code first."))
            return
        if offer.refusal is not None:
            refusal = offer.refusal
            if refusal.reason is RefusalReason.RISK_REFUSED:  # the whole reason, not the tile's
                gifts = {gid: o.gift for gid, o in self.offers.items()}
                self._say("error", lambda: refusal_text(refusal, gifts))
                return
            self._say("warn", lambda: tile_reason(refusal))
            return
        self.basket.add(offer.gift, self.view.available)
        self.member_panel.clear_message()
        self._basket_changed()
        self.search.clear()
        self.search.setFocus()

    def _go_on_with_member(self) -> None:
        """After a sale the member stays on the panel for a while; adding a gift serves them
        again (a new basket, a new receipt) instead of contradicting the panel."""
        self.next_timer.stop()
        self.state = SERVING
        self.receipt = None
        self._drop_intent()
        self.basket_view.set_editable(True)

    def change_current(self, delta: int) -> None:
        if self.state != SERVING or not 0 <= self.basket.current < len(self.basket):
            return
        self.basket.change(self.basket.current, delta)
        self._basket_changed()

    def next_payment(self) -> None:
        """F6: the current line's next way to pay (points, points + cash)."""
        if self.state != SERVING or not 0 <= self.basket.current < len(self.basket):
            return
        item = self.basket.items[self.basket.current]
        self.basket.set_option(self.basket.current, (item.option + 1) % len(item.gift.prices))
        self._basket_changed()

    def _basket_changed(self) -> None:
        for item in self.basket.items:
            offer = self.offers.get(item.gift.gift_id)
            if offer is not None and item.quantity > offer.stock:
                item.quantity = max(offer.stock, 1)
                self._say("warn", self._only_in_stock(offer.stock))
        self._drop_intent()
        self.basket_view.refresh()
        self._emit_customer()

    def _only_in_stock(self, stock: int) -> Callable[[], str]:
        return lambda: self.tr("Only {n} in stock.").format(n=stock)

    def _drop_intent(self) -> None:
        """The basket changed: the next confirm is a new intent with a new request id."""
        self.checkout.drop()
        self.basket_view.override.hide()

    def _emit_customer(self) -> None:
        if self.state == DONE and self.receipt is not None:
            self.customer_changed.emit(thanks_view(self.receipt))
        else:
            self.customer_changed.emit(customer_view(self.view, self.basket))

    # --- confirming -----------------------------------------------------------------------
    @property
    def intent(self) -> str | None:
        """The request id of the confirm under way (None before the first confirm)."""
        return self.checkout.intent

    def confirm(self) -> None:
        """Enter (empty search), F12 or the button. A second press while the redemption runs,
        or after it succeeded, does nothing."""
        if self.state in (REDEEMING, DONE):
            return
        if self.view is None:
            self._say("warn", lambda: self.tr("Scan the member's code first."))
            return
        closed = self.day_closed_text()
        if closed is not None:
            self._say("error", closed)
            return
        if not self.basket.items:
            self._say("warn", lambda: self.tr("The basket is empty: add a gift first."))
            return
        order = Order(
            self.view.member.member_id,
            self.basket.requests(),
            self.code_kind,
            self.basket_view.blessing_text(),
        )
        self.checkout.confirm(order)

    def request_override(self) -> None:
        """F10 / the button, after a refusal beyond the offline limits."""
        if self.state == SERVING:
            self.checkout.request_override()

    def _running(self, busy: bool) -> None:
        self.basket_view.set_busy(busy)
        if busy:
            self.state = REDEEMING
            self.basket_view.override.hide()
            self._say("info", lambda: self.tr("Recording the redemption…"))
        elif self.state == REDEEMING:
            self.state = SERVING

    def _refused(self, refusal: Refusal) -> None:
        gifts = {gid: o.gift for gid, o in self.offers.items()}
        self._say("error", lambda: refusal_text(refusal, gifts))
        self.basket_view.override.setVisible(self.checkout.override_offered)

    def _verification_needed(self, callback: object, refusal: Refusal) -> None:
        """A risk rule asks for a second verification: the manager's PIN dialog, saying why."""
        if self.state != SERVING:
            return
        gifts = {gid: o.gift for gid, o in self.offers.items()}
        self.verification_needed.emit(callback, refusal_text(refusal, gifts))

    def _failed(self, error: Exception) -> None:
        problem = problem_text(error)
        if problem is not None:  # a full or read-only disk: trying again will not help yet
            self._say("error", lambda: problem)
            return
        detail = str(error) if isinstance(error, LanternError) else type(error).__name__
        if isinstance(error, InvalidInput):  # e.g. the blessing: fix it, then confirm again
            self._say(
                "error", lambda: self.tr("Not recorded: {detail}.").format(detail=message(detail))
            )
            return
        if isinstance(error, NotAllowed):  # the day closed meanwhile: a retry cannot succeed
            self.refresh()  # the header learns the day's state
            self._say(
                "error", lambda: self.tr("Not recorded: {detail}.").format(detail=message(detail))
            )
            return
        self._say(
            "error",
            lambda: self.tr(
                "Not recorded: {detail}. Press Enter to try again; it will not deduct twice."
            ).format(detail=message(detail)),
        )

    def _succeeded(self, receipt: Receipt) -> None:
        self.state = DONE
        self.receipt = receipt
        self.basket.clear()
        if self.view is not None:
            self.view = dataclasses.replace(
                self.view,
                balance=receipt.balance_after,
                available=self.view.available - receipt.points,
            )
            self.member_panel.show_view(self.view)
        self.basket_view.set_editable(False)
        self.basket_view.set_balance(receipt.balance_after)
        self.search.clear()
        self.member_panel.show_redeemed(receipt.receipt_no, receipt.balance_after)
        self.redeemed.emit(receipt)
        self._emit_customer()
        # Printing only now, after the redemption has committed; then stock and the link.
        self.member_panel.show_printing(receipt.receipt_no)
        self.checkout.print_receipt(receipt.receipt_no)
        self.session.store_changed.emit()  # the session reads the link (events waiting) again
        self.next_timer.start(self.next_customer_ms)

    def stop(self) -> None:
        self.next_timer.stop()
        if self.camera_view is not None:
            self.camera_view.stop()
