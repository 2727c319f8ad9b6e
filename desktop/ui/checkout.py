"""The confirm step of the till: one redemption intent at a time.

An intent gets its request id when the cashier first confirms a basket and keeps it for a retry
(after an error or a lost answer) and for a manager's override of the offline limits, so the
store deducts once however often the same confirm is sent. A different basket is a new intent
(`drop`). While a redemption runs, a second confirm does nothing. After the redemption has
returned, the receipt and card are printed on the I/O lane (never in front of the next
scan's look-up); a printer problem is reported and the redemption stands.

No text here: the till screen words what the signals carry."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.printing import ProcessResult
from desktop.services.staff import Staff
from desktop.services.till import LineRequest, Receipt
from desktop.ui.qt import QObject, Signal
from desktop.ui.session import TillSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Order:
    """What a confirm asks for: the same order again is a retry of the same intent."""

    member_id: str
    lines: tuple[LineRequest, ...]
    kind: CodeKind
    blessing: str | None = None  # the line for the greeting card, as typed


class Checkout(QObject):
    running = Signal(bool)  # True when a redemption starts, False when it has answered
    refused = Signal(object)  # Refusal
    failed = Signal(object)  # Exception: the outcome is unknown; confirming again is safe
    succeeded = Signal(object)  # Receipt
    printed = Signal(str, object)  # receipt number, ProcessResult
    print_failed = Signal(str, str)  # receipt number, what went wrong
    override_needed = Signal(object)  # a callback taking the approving manager (Staff)
    # a risk rule wants a second verification: (a callback taking the manager, the Refusal)
    verification_needed = Signal(object, object)

    def __init__(self, session: TillSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.intent: str | None = None  # the request id of the current intent
        self.order: Order | None = None
        self.busy = False
        self.override_offered = False  # refused beyond the offline limits: a manager may approve
        self.override_by: Staff | None = None  # the manager who approved the current intent
        self.verified_by: Staff | None = None  # the manager who verified it (risk rules)

    def drop(self) -> None:
        """The basket or the member changed: the next confirm is a new intent."""
        if not self.busy:
            self.intent, self.order, self.override_offered = None, None, False
            self.override_by = self.verified_by = None

    def confirm(self, order: Order) -> bool:
        """Redeem `order`; False (and nothing sent) while one is already running."""
        if self.busy:
            return False
        if self.intent is None or order != self.order:
            self.intent, self.order = str(uuid.uuid4()), order
            self.override_by = self.verified_by = None
        self._run(self.override_by, self.verified_by)
        return True

    def request_override(self) -> bool:
        """Ask for a manager (`override_needed`); the approval re-runs the same intent, with
        the same request id, as `override_by`. An approval that arrives after the basket
        changed is ignored."""
        if self.busy or not self.override_offered or self.intent is None:
            return False
        intent = self.intent

        def approved(manager: Staff) -> None:
            if self.busy or self.intent != intent:
                log.info("manager approval ignored: the basket changed since it was asked")
                return
            self._run(manager, self.verified_by)

        self.override_needed.emit(approved)
        return True

    def _ask_verification(self, refusal: Refusal) -> None:
        """A risk rule asks for a manager's PIN: the approval re-runs the same intent, with
        the same request id, as `verified_by` (ignored if the basket changed meanwhile)."""
        intent = self.intent

        def verified(manager: Staff) -> None:
            if self.busy or self.intent != intent:
                log.info("manager verification ignored: the basket changed since it was asked")
                return
            self._run(self.override_by, manager)

        self.verification_needed.emit(verified, refusal)

    def _run(self, override_by: Staff | None, verified_by: Staff | None = None) -> None:
        cashier, order, request_id = self.session.staff, self.order, self.intent
        if cashier is None or order is None or request_id is None:
            return
        app = self.session.app
        self.busy = True
        self.override_offered = False
        self.override_by, self.verified_by = override_by, verified_by
        self.running.emit(True)
        log.info("redeeming for %s (request %s)", order.member_id, request_id)
        self.session.run_db(
            lambda: app.till.redeem(
                cashier,
                request_id,
                order.member_id,
                order.lines,
                order.kind,
                override_by,
                blessing=order.blessing,
                verified_by=verified_by,
            ),
            self._answered,
            self._failed,
        )

    def _answered(self, result: object) -> None:
        self.busy = False
        self.running.emit(False)
        if isinstance(result, Refusal):
            self.override_offered = result.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
            self.refused.emit(result)
            if result.reason is RefusalReason.VERIFICATION_NEEDED:
                self._ask_verification(result)
            return
        assert isinstance(result, Receipt)
        self.intent, self.order = None, None
        self.override_by = self.verified_by = None
        self.succeeded.emit(result)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.running.emit(False)
        self.failed.emit(error)

    def print_receipt(self, receipt_no: str) -> None:
        """Queue and print a committed redemption's receipt and card, off the GUI thread."""
        app = self.session.app

        def done(result: object) -> None:
            assert isinstance(result, ProcessResult)
            if not result.ok:
                log.warning("printing %s: %s", receipt_no, "; ".join(result.errors))
            self.printed.emit(receipt_no, result)

        def failed(error: Exception) -> None:
            log.warning("printing %s failed: %s", receipt_no, error)
            self.print_failed.emit(receipt_no, str(error))

        # on the I/O lane: a printer that does not answer holds up no scan
        self.session.run_io(lambda: app.printing.print_redemption(receipt_no), done, failed)
