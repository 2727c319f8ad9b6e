"""Gift stock: receiving deliveries, counting and adjusting (manager), low-stock alerts from
the redemption rate, replenishment requests to head office, the turnover of a period."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop.core import wire
from desktop.core.catalogue import Gift
from desktop.core.errors import Conflict, InvalidInput
from desktop.core.money import parse_int, parse_quantity
from desktop.core.stock_policy import StockLevel, StockPolicy, Turnover, TurnoverReport
from desktop.services.context import ServiceContext, require_manager
from desktop.store import catalogue as gifts_repo
from desktop.store import outbox, requests, settings, stock_stats
from desktop.store.staff import Staff

log = logging.getLogger(__name__)

POLICY_KEY = "stock_policy"  # head office's setting (desktop/core/stock_policy.py)
NOTE_LENGTH = 200


def policy_in(conn: sqlite3.Connection) -> StockPolicy:
    """The store's stock policy (head office's, validated when it was pulled)."""
    try:
        return StockPolicy.from_mapping(settings.get(conn, POLICY_KEY))
    except InvalidInput as e:  # only a hand-edited setting gets here
        log.warning("stored stock policy unusable (%s): using the defaults", e)
        return StockPolicy()


def levels_in(conn: sqlite3.Connection, today: date) -> list[StockLevel]:
    """Every gift with its stock and derived low-stock alert as of `today`: redemptions
    counted over the policy's window of business days ending on `today`."""
    policy = policy_in(conn)
    first = today - timedelta(days=policy.rate_window_days - 1)
    redeemed = stock_stats.redeemed_between(conn, first.isoformat(), today.isoformat())
    return [policy.level(g, s, redeemed.get(g.gift_id, 0)) for g, s in gifts_repo.list_gifts(conn)]


@dataclass(frozen=True)
class Replenishment:
    """A request this store sent to head office for more of a gift."""

    request_id: str
    gift_id: str
    quantity: int
    stock: int
    threshold: int
    staff_id: str
    note: str | None
    requested_at: datetime
    delivery_id: str | None = None
    fulfilled_at: datetime | None = None
    replayed: bool = False

    @property
    def pending(self) -> bool:
        return self.delivery_id is None


def _replenishment(row: sqlite3.Row, replayed: bool = False) -> Replenishment:
    return Replenishment(
        row["request_id"],
        row["gift_id"],
        int(row["quantity"]),
        int(row["stock"]),
        int(row["threshold"]),
        row["staff_id"],
        row["note"],
        datetime.fromisoformat(row["requested_at"]),
        row["delivery_id"],
        datetime.fromisoformat(row["fulfilled_at"]) if row["fulfilled_at"] else None,
        replayed,
    )


@dataclass(frozen=True)
class GiftStock:
    """A gift's stock level at this store and its newest replenishment request."""

    level: StockLevel
    request: Replenishment | None

    @property
    def gift(self) -> Gift:
        return self.level.gift

    @property
    def stock(self) -> int:
        return self.level.stock

    @property
    def low(self) -> bool:
        return self.level.low

    @property
    def requested(self) -> bool:
        """A request is still pending: the alert has been passed on, do not ask again."""
        return self.request is not None and self.request.pending


UNUSUAL_FLOOR = 50  # a move of this many or fewer is never "unusual"
UNUSUAL_FACTOR = 5  # nor one within 5× what is on hand


def unusual_move(on_hand: int, delta: int) -> bool:
    """A delivery or count so large next to what is on hand that it is more likely a typing
    slip (10 typed after a 1 that was not selected: 110) than true: ask before booking it."""
    return abs(delta) > max(UNUSUAL_FLOOR, UNUSUAL_FACTOR * max(on_hand, 0))


@dataclass(frozen=True)
class StockMove:
    movement_id: str
    gift_id: str
    delta: int
    stock_after: int
    replayed: bool = False


class StockService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def catalogue(self) -> list[tuple[Gift, int]]:
        with self.db.read() as tx:
            return gifts_repo.list_gifts(tx)

    def policy(self) -> StockPolicy:
        with self.db.read() as tx:
            return policy_in(tx)

    def levels(self) -> list[GiftStock]:
        """Every gift with its stock, redemption rate, derived alert and newest request."""
        with self.db.read() as tx:
            found = levels_in(tx, self.ctx.today())
            asked = stock_stats.latest_requests(tx)
        return [
            GiftStock(
                lv, _replenishment(asked[lv.gift.gift_id]) if lv.gift.gift_id in asked else None
            )
            for lv in found
        ]

    def low_stock(self) -> list[GiftStock]:
        """The gifts at or below their derived low-stock alert."""
        return [g for g in self.levels() if g.low]

    def request_replenishment(
        self,
        manager: Staff,
        request_id: str,
        gift_id: str,
        quantity: int | str | None = None,
        note: str | None = None,
        *,
        again: bool = False,
    ) -> Replenishment:
        """Ask head office for more of a gift (event `replenishment`, in the transaction that
        records it). Without `quantity`, the suggestion: projected redemptions − stock. A
        retry with the same request id sends once; while an earlier request for the gift is
        pending, a second one is refused unless `again`."""
        require_manager(manager)
        qty = None if quantity is None else parse_quantity(quantity)
        text = (note or "").strip() or None
        if text is not None and len(text) > NOTE_LENGTH:
            raise InvalidInput(
                f"a replenishment note is at most {NOTE_LENGTH} characters, got {len(text)}"
            )
        content = {"gift": gift_id, "quantity": qty, "note": text, "again": again}
        now = self.ctx.now()
        at = now.isoformat()
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, "replenishment", content)
            if done is not None:
                row = stock_stats.request(conn, done)
                assert row is not None
                return _replenishment(row, replayed=True)
            _, stock = gifts_repo.get_gift(conn, gift_id)
            level = next(lv for lv in levels_in(conn, now.date()) if lv.gift.gift_id == gift_id)
            if qty is None:
                if level.suggested <= 0:
                    raise InvalidInput(
                        f"gift {gift_id}: {stock} on hand covers the projected "
                        f"{level.projected} redemptions, so there is no suggested quantity; "
                        "give the quantity to ask for"
                    )
                qty = level.suggested
            self.ctx.bounds().check("stock_quantity", qty, "quantity requested")
            earlier = stock_stats.latest_requests(conn).get(gift_id)
            if earlier is not None and earlier["delivery_id"] is None and not again:
                raise Conflict(
                    f"gift {gift_id}: {earlier['quantity']} were already requested on "
                    f"{earlier['requested_at'][:10]} and head office has not delivered yet; "
                    "ask again only if it was lost (--again)"
                )
            stock_stats.add_request(
                conn, request_id, gift_id, qty, stock, level.threshold, manager.staff_id, text, at
            )
            requests.record(conn, request_id, "replenishment", content, request_id, at)
            payload: wire.ReplenishmentPayload = {
                "request_id": request_id,
                "gift_id": gift_id,
                "quantity": qty,
                "stock": stock,
                "threshold": level.threshold,
                "staff_id": manager.staff_id,
                "note": text,
                "at": at,
            }
            outbox.append(conn, wire.EventKind.REPLENISHMENT, payload, at)
            row = stock_stats.request(conn, request_id)
        assert row is not None
        log.info("replenishment %s: %d of %s requested from head office", request_id, qty, gift_id)
        return _replenishment(row)

    def turnover(
        self, days: int = 90, progress: Callable[[str, int, int], None] | None = None
    ) -> TurnoverReport:
        """Per gift over the last `days` business days (today included): opening, received,
        redeemed, adjusted, closing, turnover and slow movers. One read snapshot."""
        if isinstance(days, bool) or not 1 <= days <= 3650:
            raise InvalidInput(f"a turnover period is 1 to 3650 days, got {days}")
        last = self.ctx.today()
        first = last - timedelta(days=days - 1)
        if progress:
            progress("stock", 1, 2)
        with self.db.read() as tx:
            policy = policy_in(tx)
            rows = stock_stats.turnover(tx, first.isoformat(), last.isoformat())
        if progress:
            progress("turnover", 2, 2)
        return TurnoverReport(
            self.ctx.store_id,
            first,
            last,
            self.ctx.now(),
            policy,
            tuple(
                Turnover(
                    r["gift_id"],
                    r["name_zh"],
                    int(r["opening"]),
                    int(r["received"]),
                    int(r["redeemed"]),
                    int(r["adjusted"]),
                    int(r["closing"]),
                    date.fromisoformat(r["last_movement"]) if r["last_movement"] else None,
                    date.fromisoformat(r["last_redemption"]) if r["last_redemption"] else None,
                )
                for r in rows
            ),
        )

    def receive(
        self, manager: Staff, request_id: str, gift_id: str, quantity: int | str, note: str = ""
    ) -> StockMove:
        """A delivery counted into the store by a manager."""
        require_manager(manager)
        qty = self.ctx.bounds().check(
            "stock_quantity", parse_quantity(quantity), "quantity received"
        )
        content = {"gift": gift_id, "delta": qty, "note": note}
        return self._move(manager, request_id, "receive", gift_id, content, lambda _: qty, note)

    def adjust(
        self,
        manager: Staff,
        request_id: str,
        gift_id: str,
        *,
        counted: int | str | None = None,
        delta: int | str | None = None,
        reason: str,
    ) -> StockMove:
        """Correct stock after a count (`counted`: what is on the shelf) or by `delta`
        (breakage, samples). A reason is required; it goes on the reconciliation."""
        require_manager(manager)
        if not reason.strip():
            raise InvalidInput("a stock adjustment needs a reason (e.g. 'damaged in store')")
        if (counted is None) == (delta is None):
            raise InvalidInput("give either the counted quantity or the change, not both")
        if counted is not None:
            n = parse_int(counted, "counted quantity")
            if n < 0:
                raise InvalidInput(f"counted quantity cannot be negative, got {n}")
            self.ctx.bounds().check("stock_quantity", n, "counted quantity")

            def change_from_count(stock: int) -> int:
                if n == stock:
                    raise InvalidInput(
                        f"gift {gift_id}: the count matches the stock ({n}); nothing to adjust"
                    )
                return n - stock

            content = {"gift": gift_id, "counted": n, "note": reason}
            return self._move(
                manager, request_id, "adjust", gift_id, content, change_from_count, reason
            )
        change = parse_int(delta if delta is not None else 0, "stock change")
        if change == 0:
            raise InvalidInput("a stock change must not be zero")
        self.ctx.bounds().check("stock_quantity", abs(change), "stock change")
        content = {"gift": gift_id, "delta": change, "note": reason}
        return self._move(manager, request_id, "adjust", gift_id, content, lambda _: change, reason)

    def _move(
        self,
        staff: Staff,
        request_id: str,
        kind: str,
        gift_id: str,
        content: dict[str, object],
        change: Callable[[int], int],
        note: str,
    ) -> StockMove:
        """One stock movement in one transaction. A retry (same request id, same content)
        returns the original movement; `change` gets the stock on hand inside the
        transaction, so a count is compared with the stock at that instant."""
        at = self.ctx.now().isoformat()
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, f"stock_{kind}", content)
            if done is not None:
                moved, delta_then, stock_then = gifts_repo.movement(conn, done)
                return StockMove(done, moved, delta_then, stock_then, replayed=True)
            _, on_hand = gifts_repo.get_gift(conn, gift_id)
            delta = change(on_hand)
            movement_id = str(uuid.uuid4())
            stock = gifts_repo.move_stock(
                conn, gift_id, delta, kind, movement_id, at, staff.staff_id, note or None
            )
            requests.record(conn, request_id, f"stock_{kind}", content, movement_id, at)
            payload: wire.StockPayload = {
                "movement_id": movement_id,
                "gift_id": gift_id,
                "delta": delta,
                "staff_id": staff.staff_id,
                "note": note,
                "at": at,
            }
            outbox.append(conn, wire.EventKind(f"stock_{kind}"), payload, at)
        return StockMove(movement_id, gift_id, delta, stock)
