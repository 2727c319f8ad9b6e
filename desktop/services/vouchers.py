"""Paper fallback vouchers keyed in by a manager (docs/paper-vouchers.md).

When a till itself is down, staff record redemptions on pre-numbered paper vouchers; later
a manager keys each one in. It is checked against what the store already holds and becomes
a normal redemption (receipt number, stock movement, ledger rows, outbox event) in one
transaction, marked keyed-in (`voucher_no`, `keyed_in_by`, `written_at` in its event).

- The card was not scanned, so there is no signature: the manager vouches for the paper,
  and the redemption's code kind is `paper_voucher`.
- The gift has already left the store, so a member whose points no longer cover the
  voucher (they redeemed meanwhile) is not refused: the manager is told and must confirm,
  and the shortfall is recorded as the member's debt (an overdraft exception), as head
  office does with overdrafts (desktop/core/lots.py).
- Stock never goes below zero in the store's ledger: when the shelf count says fewer than
  the voucher took, the count is wrong (the gift did leave), so the manager counts the
  shelf and records the adjustment first (`lantern stock adjust`), then keys the voucher in.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from desktop.core import vouchers as rules
from desktop.core import wire
from desktop.core.cardnumber import normalise_card_number
from desktop.core.catalogue import GiftKind
from desktop.core.errors import Conflict, InvalidInput, NotAllowed
from desktop.core.lots import Spend
from desktop.core.members import Member
from desktop.core.money import parse_quantity
from desktop.services.context import ServiceContext, require_manager, require_open_day
from desktop.store import catalogue as gifts_repo
from desktop.store import members as members_repo
from desktop.store import outbox, redemptions, requests
from desktop.store import vouchers as vouchers_repo
from desktop.store.database import Tx
from desktop.store.redemptions import NewRedemption, Receipt, SoldLine
from desktop.store.staff import Staff, get_staff
from desktop.store.vouchers import KeyedVoucher

__all__ = ["KeyedIn", "KeyedVoucher", "OverdraftNotConfirmed", "VoucherEntry", "VoucherService"]

log = logging.getLogger(__name__)


class OverdraftNotConfirmed(Conflict):
    """The member's points no longer cover the voucher: the manager must confirm that it is
    recorded as an overdraft (the member's debt). Nothing was changed."""

    def __init__(self, message: str, *, needed: int, available: int) -> None:
        super().__init__(message)
        self.needed = needed
        self.available = available

    @property
    def shortfall(self) -> int:
        return self.needed - max(self.available, 0)


@dataclass(frozen=True)
class VoucherEntry:
    """What is written on the paper, as the manager types it."""

    voucher_no: str
    member: str  # card number or member id (M + 8 digits)
    lines: tuple[tuple[str, int], ...]  # (gift id, quantity)
    written_at: datetime  # the date and time on the paper (store time when naive)
    written_by: str  # the cashier who wrote it

    def content(self, voucher_no: str, written_at: str) -> dict[str, object]:
        return {
            "voucher": voucher_no,
            "member": self.member.strip(),
            "lines": [[g, q] for g, q in self.lines],
            "written_at": written_at,
            "written_by": self.written_by,
        }


@dataclass(frozen=True)
class KeyedIn:
    voucher: KeyedVoucher
    receipt: Receipt
    replayed: bool = False  # True when this answers a retry of an earlier key-in


class VoucherService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def key_in(
        self,
        manager: Staff,
        request_id: str,
        entry: VoucherEntry,
        *,
        accept_overdraft: bool = False,
    ) -> KeyedIn:
        """Record one paper voucher as a redemption of today's business day. `manager` must
        have been authenticated by PIN. Every check refuses with nothing changed; the same
        request id twice records it once and answers the same (marked replayed)."""
        require_manager(manager)
        voucher_no = rules.normalise_voucher_no(entry.voucher_no)
        now = self.ctx.now()
        written = self.ctx.local(entry.written_at)
        rules.check_written_at(written, now)
        lines = self._lines(entry.lines)
        content = entry.content(voucher_no, written.isoformat())
        at, day = now.isoformat(), self.ctx.day_of(now)
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, "voucher", content)
            if done is not None:
                return KeyedIn(
                    vouchers_repo.by_redemption(conn, done),
                    redemptions.receipt(conn, done, replayed=True),
                    replayed=True,
                )
            prior = vouchers_repo.find(conn, voucher_no)
            if prior is not None:
                when = prior.keyed_in_at[:16].replace("T", " ")
                raise Conflict(
                    f"voucher {voucher_no} was already keyed in at {when} "
                    f"by {prior.keyed_in_by} as receipt {prior.receipt_no}: "
                    "a voucher is keyed in once"
                )
            require_open_day(conn, day)
            if written.date() > day:
                raise InvalidInput(
                    f"voucher {voucher_no} is dated {written.date()}, after today's "
                    f"business day {day}: check the date on the paper"
                )
            member = self._member(conn, entry.member)
            cashier = get_staff(conn, entry.written_by.strip())
            sold, points, cash_fen = self._sold(conn, lines)
            account = members_repo.load_account(conn, member.member_id)
            available = account.available(day)
            if points > available and not accept_overdraft:
                raise OverdraftNotConfirmed(
                    f"voucher {voucher_no}: member {member.member_id} has {available:,} points "
                    f"available but the voucher is for {points:,}; the gift has left the store, "
                    "so confirm to record it as an overdraft (the member's debt)",
                    needed=points,
                    available=available,
                )
            spend = (
                account.spend(points, day, allow_overdraft=True)
                if points
                else Spend(account, (), 0)
            )
            redemption_id = str(uuid.uuid4())
            receipt_no = redemptions.next_receipt_no(conn, self.ctx.store_id, day)
            offline = not self.ctx.link().online
            redemptions.insert(
                conn,
                NewRedemption(
                    redemption_id,
                    receipt_no,
                    day,
                    member.member_id,
                    cashier.staff_id,
                    points,
                    cash_fen,
                    account.balance,
                    spend.account.balance,
                    rules.CODE_KIND,
                    offline,
                    None,
                    at,
                    sold,
                ),
            )
            for line in sold:
                gifts_repo.move_stock(
                    conn,
                    line.gift_id,
                    -line.quantity,
                    "redeem",
                    redemption_id,
                    at,
                    cashier.staff_id,
                    f"paper voucher {voucher_no}",
                )
            if points:
                members_repo.apply_account(
                    conn, member.member_id, account, spend.account, "redeem", redemption_id, at
                )
            vouchers_repo.insert(
                conn,
                voucher_no=voucher_no,
                redemption_id=redemption_id,
                written_at=written.isoformat(),
                written_by=cashier.staff_id,
                keyed_in_by=manager.staff_id,
                keyed_in_at=at,
                overdraft=spend.overdraft,
            )
            requests.record(conn, request_id, "voucher", content, redemption_id, at)
            payload: wire.RedemptionPayload = {
                "redemption_id": redemption_id,
                "receipt_no": receipt_no,
                "member_id": member.member_id,
                "cashier_id": cashier.staff_id,
                "lines": [[s.gift_id, s.quantity, s.points_each, s.cash_fen_each] for s in sold],
                "points": points,
                "cash_fen": cash_fen,
                "lots": [[t.lot_id, t.points] for t in spend.takes],
                "offline": offline,
                "override_by": None,
                "code_kind": rules.CODE_KIND,
                "at": at,
                "voucher_no": voucher_no,
                "keyed_in_by": manager.staff_id,
                "written_at": written.isoformat(),
            }
            outbox.append(conn, wire.EventKind.REDEMPTION, payload, at)
            result = KeyedIn(
                vouchers_repo.by_redemption(conn, redemption_id),
                redemptions.receipt(conn, redemption_id),
            )
        log.info(
            "paper voucher %s keyed in by %s as %s for %s: %d points%s",
            voucher_no, manager.staff_id, receipt_no, member.member_id, points,
            f", overdraft {spend.overdraft}" if spend.overdraft else "",
        )  # fmt: skip
        return result

    def listed(self, day: date | None = None) -> list[KeyedVoucher]:
        """The vouchers keyed in on business day `day` (every one when None)."""
        with self.db.read() as conn:
            return vouchers_repo.listed(conn, day.isoformat() if day else None)

    # --- checks ---------------------------------------------------------------------------
    def _lines(self, lines: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
        if not lines:
            raise InvalidInput("a voucher needs at least one gift: the gift code and quantity")
        bounds = self.ctx.bounds()
        bounds.check("basket_lines", len(lines), "gift lines on one voucher")
        out = []
        for gift_id, quantity in lines:
            q = parse_quantity(quantity)
            bounds.check("line_quantity", q, f"quantity of {gift_id}")
            out.append((gift_id.strip(), q))
        return tuple(out)

    def _member(self, conn: Tx, text: str) -> Member:
        text = text.strip()
        if not text:
            raise InvalidInput("the voucher needs the member: type the card number or member id")
        if text[:1].upper() == "M":
            return members_repo.get_member(conn, text.upper())
        return members_repo.find_member_by_card(conn, normalise_card_number(text))

    def _sold(
        self, conn: Tx, lines: tuple[tuple[str, int], ...]
    ) -> tuple[tuple[SoldLine, ...], int, int]:
        """Each line at the gift's standard price, checked against the shelf count."""
        bounds = self.ctx.bounds()
        wanted: dict[str, int] = {}
        sold = []
        for gift_id, quantity in lines:
            gift, stock = gifts_repo.get_gift(conn, gift_id)
            if gift.kind is GiftKind.COUPON:
                raise NotAllowed(
                    f"gift {gift_id} is a coupon: its code is printed by the till, so no "
                    "coupon left the store on paper. Redeem it at the till for the member "
                    "(nothing was keyed in)"
                )
            wanted[gift_id] = wanted.get(gift_id, 0) + quantity
            if wanted[gift_id] > stock:
                raise NotAllowed(
                    f"gift {gift_id}: the store's count shows {stock} but the voucher took "
                    f"{wanted[gift_id]}; count the shelf and record the adjustment "
                    "(`lantern stock adjust`), then key the voucher in"
                )
            price = gift.price(0)
            sold.append(SoldLine(gift_id, quantity, price.points, price.cash_fen))
        points = sum(s.quantity * s.points_each for s in sold)
        cash_fen = sum(s.quantity * s.cash_fen_each for s in sold)
        bounds.check("redemption_points", points, "points on one voucher")
        bounds.check("redemption_cash_fen", cash_fen, "cash on one voucher")
        return tuple(sold), points, cash_fen
