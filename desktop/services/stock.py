"""Gift stock: receiving deliveries, counting and adjusting (manager), low-stock alerts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from desktop.core import wire
from desktop.core.catalogue import Gift
from desktop.core.errors import InvalidInput
from desktop.core.money import parse_int, parse_quantity
from desktop.services.context import ServiceContext, require_manager
from desktop.store import catalogue as gifts_repo
from desktop.store import outbox, requests
from desktop.store.staff import Staff

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

    def low_stock(self) -> list[tuple[Gift, int]]:
        return [(g, s) for g, s in self.catalogue() if g.is_low(s)]

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
