"""The till: identify a member, quote a basket, redeem, void, earn.

Every write is one transaction holding the effect, its ledger rows, its request record and
its outbox event: a crash at any instant leaves all of it or none of it."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.core import codes
from desktop.core.cardnumber import normalise_card_number
from desktop.core.earning import Campaign, EarnRule, points_for_purchase
from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.core.lots import LotId, LotTake
from desktop.core.members import Member, Tier, mask_name
from desktop.core.money import parse_quantity
from desktop.core.offline import CodeKind, OfflineUsage
from desktop.core.redemption import (
    Approval,
    BasketLine,
    OfflineContext,
    Refusal,
    decide,
)
from desktop.services.context import (
    ServiceContext,
    record_request,
    require_manager,
    require_open_day,
    seen_request,
)
from desktop.store import catalogue as gifts_repo
from desktop.store import codes as codes_repo
from desktop.store import members as members_repo
from desktop.store import outbox, settings
from desktop.store.staff import Staff

log = logging.getLogger(__name__)

EXPIRING_SOON_DAYS = 30


@dataclass(frozen=True)
class MemberView:
    member: Member
    balance: int
    available: int
    expiring: list[tuple[str, int]]  # (ISO date, points) within 30 days
    pending_sync: int  # points of this store's events head office has not yet confirmed


@dataclass(frozen=True)
class LineRequest:
    gift_id: str
    quantity: int = 1
    price_option: int = 0

    def content(self) -> list[Any]:
        return [self.gift_id, self.quantity, self.price_option]


@dataclass(frozen=True)
class ReceiptLine:
    gift_id: str
    name_zh: str
    name_en: str
    quantity: int
    points_each: int
    cash_fen_each: int


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    redemption_id: str
    created_at: str
    cashier_id: str
    member_id: str
    masked_name: str
    lines: tuple[ReceiptLine, ...]
    points: int
    cash_fen: int
    balance_before: int
    balance_after: int
    offline: bool
    replayed: bool = False  # True when this answers a retry of an earlier request


@dataclass(frozen=True)
class VoidResult:
    void_id: str
    receipt_no: str
    points_returned: int
    balance_after: int
    replayed: bool = False


@dataclass(frozen=True)
class EarnResult:
    earn_id: str
    member_id: str
    points: int
    balance_after: int
    campaign: str | None
    replayed: bool = False


class TillService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    # --- members -------------------------------------------------------------------------
    def identify(self, text: str) -> tuple[Member, CodeKind]:
        """A member from what was scanned or typed.

        - A signed card code (LS1…) or phone code (LR1…) is verified offline with
          head-office public keys; a phone code is accepted once per store (replay cache,
          recorded in the same transaction that accepts it).
        - A typed card number (digits with a check digit) or member id (M + 8 digits) finds
          the member, but carries no signature: redeeming with it needs head office online
          or a manager's override (the redemption decision enforces that)."""
        text = text.strip()
        if not text:
            raise InvalidInput(
                "nothing was scanned: scan the member's code or type the card number"
            )
        if text[:3] in (codes.STATIC_PREFIX, codes.PHONE_PREFIX):
            return self._identify_code(text)
        if not (text[:1].isdigit() or (text[:1] == "M" and text[1:].isdigit())):
            raise codes.CodeRefused(codes.CheckResult(codes.Verdict.NOT_LANTERN))
        with self.db._lock:
            if text[:1] == "M":
                member = members_repo.get_member(self.db.conn, text)
            else:
                number = normalise_card_number(text)
                member = members_repo.find_member_by_card(self.db.conn, number)
        return member, CodeKind.TYPED_NUMBER

    def _identify_code(self, text: str) -> tuple[Member, CodeKind]:
        now = self.ctx.now()
        with self.db.write() as conn:
            result = codes.check(
                text,
                now,
                codes_repo.issuer_keys(conn),
                lambda no: codes_repo.current_serial(conn, no),
                lambda no, serial: codes_repo.is_revoked(conn, no, serial),
            )
            if not result.ok or result.decoded is None:
                log.info("member code refused: %s", result.verdict.value)
                raise codes.CodeRefused(result)
            member = members_repo.get_member(conn, codes.member_id(result.decoded.member_no))
            key = codes.replay_key(result.decoded)
            if key is not None and not codes_repo.use_code(
                conn, key, member.member_id, now.isoformat()
            ):
                log.warning("phone code replayed for %s", member.member_id)
                raise codes.CodeRefused(codes.CheckResult(codes.Verdict.REPLAYED, result.decoded))
        kind = CodeKind.STATIC_CARD if result.decoded.static else CodeKind.ROTATING_PHONE
        return member, kind

    def member_view(self, member_id: str) -> MemberView:
        today = self.ctx.today()
        with self.db._lock:
            conn = self.db.conn
            member = members_repo.get_member(conn, member_id)
            account = members_repo.load_account(conn, member_id)
            # redemptions whose outbox event head office has not acknowledged yet
            pending = conn.execute(
                "SELECT COALESCE(SUM(r.points), 0) FROM outbox o JOIN redemptions r "
                "ON r.redemption_id = json_extract(o.payload, '$.redemption_id') "
                "WHERE o.seq > ? AND o.kind = 'redemption' AND r.member_id = ? "
                "AND r.redemption_id NOT IN (SELECT redemption_id FROM voids)",
                (int(settings.get(conn, "outbox_acked_seq", 0)), member_id),
            ).fetchone()[0]
        return MemberView(
            member,
            account.balance,
            account.available(today),
            [(d.isoformat(), p) for d, p in account.expiring_within(today, EXPIRING_SOON_DAYS)],
            int(pending),
        )

    # --- quoting and redeeming -------------------------------------------------------------
    def _basket(
        self, conn: sqlite3.Connection, lines: tuple[LineRequest, ...]
    ) -> tuple[BasketLine, ...]:
        out = []
        for line in lines:
            quantity = parse_quantity(line.quantity)
            gift, stock = gifts_repo.get_gift(conn, line.gift_id)
            gift.price(line.price_option)  # raises for an option the gift does not offer
            out.append(BasketLine(gift, quantity, stock, line.price_option))
        return tuple(out)

    def _offline_context(
        self,
        conn: sqlite3.Connection,
        member_id: str,
        kind: CodeKind,
        override: bool,
        now: datetime,
    ) -> OfflineContext | None:
        link = self.ctx.link()
        if link.online:
            return None
        # julianday() compares instants, whatever offset each timestamp was written with
        since = link.last_sync.isoformat() if link.last_sync else "0001-01-01T00:00:00+00:00"
        day = self.ctx.day_of(now).isoformat()
        live = (
            "offline = 1 AND julianday(created_at) > julianday(?) "
            "AND redemption_id NOT IN (SELECT redemption_id FROM voids)"
        )
        member_today = conn.execute(
            f"SELECT COALESCE(SUM(points), 0) FROM redemptions WHERE {live} "
            "AND member_id = ? AND business_day = ?",
            (since, member_id, day),
        ).fetchone()[0]
        served = conn.execute(
            f"SELECT COUNT(DISTINCT member_id), COALESCE(SUM(points), 0), "
            f"SUM(member_id = ?) FROM redemptions WHERE {live}",
            (member_id, since),
        ).fetchone()
        usage = OfflineUsage(
            member_points_today=int(member_today),
            member_already_served=bool(served[2]),
            members_served=int(served[0]),
            store_points=int(served[1]),
            last_sync=link.last_sync,
        )
        return OfflineContext(self.ctx.offline_limits(), usage, kind, override)

    def quote(
        self,
        member_id: str,
        lines: tuple[LineRequest, ...],
        code_kind: CodeKind = CodeKind.STATIC_CARD,
    ) -> Approval | Refusal:
        """What a redemption would do, without doing it."""
        now = self.ctx.now()
        with self.db._lock:
            conn = self.db.conn
            member = members_repo.get_member(conn, member_id)
            account = members_repo.load_account(conn, member_id)
            basket = self._basket(conn, lines)
            offline = self._offline_context(conn, member_id, code_kind, False, now)
        return decide(member, account, basket, now, offline, self.ctx.bounds())

    def redeem(
        self,
        cashier: Staff,
        request_id: str,
        member_id: str,
        lines: tuple[LineRequest, ...],
        code_kind: CodeKind = CodeKind.STATIC_CARD,
        override_by: Staff | None = None,
    ) -> Receipt | Refusal:
        """Redeem a basket. The same request id twice deducts once and returns the same
        receipt (marked replayed). `override_by` is a manager who approved going beyond
        the offline limits (already authenticated by PIN)."""
        if override_by is not None:
            require_manager(override_by)
        content = {
            "member": member_id,
            "lines": [line.content() for line in lines],
            "cashier": cashier.staff_id,
            "kind": code_kind.value,
        }
        now = self.ctx.now()
        at = now.isoformat()
        bounds = self.ctx.bounds()
        with self.db.write() as conn:
            done = seen_request(conn, request_id, "redeem", content)
            if done is not None:
                return self._receipt(conn, done, replayed=True)
            require_open_day(conn, self.ctx.day_of(now))
            member = members_repo.get_member(conn, member_id)
            account = members_repo.load_account(conn, member_id)
            basket = self._basket(conn, lines)
            offline = self._offline_context(
                conn, member_id, code_kind, override_by is not None, now
            )
            decision = decide(member, account, basket, now, offline, bounds)
            if isinstance(decision, Refusal):
                log.info("redemption refused for %s: %s", member_id, decision.explain())
                return decision
            redemption_id = str(uuid.uuid4())
            receipt_no = self._next_receipt_no(conn, now)
            override_id = (
                override_by.staff_id if decision.offline_override_used and override_by else None
            )
            conn.execute(
                "INSERT INTO redemptions (redemption_id, receipt_no, business_day, member_id, "
                "cashier_id, points, cash_fen, balance_before, balance_after, code_kind, "
                "offline, override_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    redemption_id,
                    receipt_no,
                    self.ctx.day_of(now).isoformat(),
                    member_id,
                    cashier.staff_id,
                    decision.points,
                    decision.cash_fen,
                    decision.balance_before,
                    decision.balance_after,
                    code_kind.value,
                    int(offline is not None),
                    override_id,
                    at,
                ),
            )
            for no, line in enumerate(decision.lines, 1):
                conn.execute(
                    "INSERT INTO redemption_lines (redemption_id, line_no, gift_id, quantity, "
                    "points_each, cash_fen_each) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        redemption_id,
                        no,
                        line.gift.gift_id,
                        line.quantity,
                        line.price.points,
                        line.price.cash_fen,
                    ),
                )
                gifts_repo.move_stock(
                    conn,
                    line.gift.gift_id,
                    -line.quantity,
                    "redeem",
                    redemption_id,
                    at,
                    cashier.staff_id,
                )
            if decision.points:
                members_repo.apply_account(
                    conn, member_id, account, decision.spend.account, "redeem", redemption_id, at
                )
            record_request(conn, request_id, "redeem", content, redemption_id, at)
            outbox.append(
                conn,
                "redemption",
                {
                    "redemption_id": redemption_id,
                    "receipt_no": receipt_no,
                    "member_id": member_id,
                    "cashier_id": cashier.staff_id,
                    "lines": [
                        [line.gift.gift_id, line.quantity, line.price.points, line.price.cash_fen]
                        for line in decision.lines
                    ],
                    "points": decision.points,
                    "cash_fen": decision.cash_fen,
                    "lots": [[t.lot_id, t.points] for t in decision.spend.takes],
                    "offline": offline is not None,
                    "override_by": override_id,
                    "code_kind": code_kind.value,
                    "at": at,
                },
                at,
            )
            return self._receipt(conn, redemption_id)

    def _next_receipt_no(self, conn: sqlite3.Connection, now: datetime) -> str:
        """STORE-YYYYMMDD-NNNNN, sequential per business day (a range scan on the unique
        receipt_no index: constant cost however busy the day)."""
        prefix = f"{self.ctx.store_id}-{self.ctx.day_of(now):%Y%m%d}-"
        last = conn.execute(
            "SELECT MAX(receipt_no) FROM redemptions WHERE receipt_no >= ? AND receipt_no < ?",
            (prefix, prefix + "~"),
        ).fetchone()[0]
        n = int(last[len(prefix) :]) + 1 if last else 1
        return f"{prefix}{n:05d}"

    def _receipt(
        self, conn: sqlite3.Connection, redemption_id: str, replayed: bool = False
    ) -> Receipt:
        r = conn.execute(
            "SELECT r.*, m.name FROM redemptions r JOIN members m USING (member_id) "
            "WHERE redemption_id = ?",
            (redemption_id,),
        ).fetchone()
        lines = tuple(
            ReceiptLine(
                x["gift_id"],
                x["name_zh"],
                x["name_en"],
                x["quantity"],
                x["points_each"],
                x["cash_fen_each"],
            )
            for x in conn.execute(
                "SELECT l.*, g.name_zh, g.name_en FROM redemption_lines l JOIN gifts g USING (gift_id) "
                "WHERE redemption_id = ? ORDER BY line_no",
                (redemption_id,),
            )
        )
        return Receipt(
            r["receipt_no"],
            redemption_id,
            r["created_at"],
            r["cashier_id"],
            r["member_id"],
            mask_name(r["name"]),
            lines,
            r["points"],
            r["cash_fen"],
            r["balance_before"],
            r["balance_after"],
            bool(r["offline"]),
            replayed,
        )

    def receipt(self, receipt_no: str) -> Receipt:
        with self.db._lock:
            row = self.db.conn.execute(
                "SELECT redemption_id FROM redemptions WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
            if row is None:
                raise NotFound(f"no receipt {receipt_no!r} in this store: check the number")
            return self._receipt(self.db.conn, row[0])

    # --- voids -----------------------------------------------------------------------------
    def void(
        self, cashier: Staff, manager: Staff, request_id: str, receipt_no: str, reason: str
    ) -> VoidResult:
        """Void a redemption of the current business day: points back to the lots they came
        from, gifts back into stock. `manager` must have been authenticated by PIN."""
        require_manager(manager)
        if not reason.strip():
            raise InvalidInput("a void needs a reason (e.g. 'customer changed mind')")
        content = {"receipt": receipt_no, "manager": manager.staff_id, "reason": reason}
        now = self.ctx.now()
        at = now.isoformat()
        with self.db.write() as conn:
            done = seen_request(conn, request_id, "void", content)
            if done is not None:
                return self._void_result(conn, done, replayed=True)
            r = conn.execute(
                "SELECT * FROM redemptions WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
            if r is None:
                raise NotFound(f"no receipt {receipt_no!r} in this store: check the number")
            if r["business_day"] != self.ctx.day_of(now).isoformat():
                raise NotAllowed(
                    f"receipt {receipt_no} is from {r['business_day']}: only today's "
                    "redemptions can be voided at the till; ask head office"
                )
            require_open_day(conn, self.ctx.day_of(now))
            prior = conn.execute(
                "SELECT created_at, manager_id FROM voids WHERE redemption_id = ?",
                (r["redemption_id"],),
            ).fetchone()
            if prior is not None:
                raise Conflict(
                    f"receipt {receipt_no} was already voided at {prior[0][11:16]} by {prior[1]}"
                )
            redemption_id = r["redemption_id"]
            member_id = r["member_id"]
            moves = conn.execute(
                "SELECT lot_id, delta FROM points_ledger WHERE ref = ? AND kind = 'redeem'",
                (redemption_id,),
            ).fetchall()
            takes = tuple(LotTake(LotId(m[0]), -m[1]) for m in moves if m[0] is not None)
            overdraft = sum(-m[1] for m in moves if m[0] is None)
            void_id = str(uuid.uuid4())
            before = members_repo.load_account(conn, member_id)
            after, _ = before.restore(
                takes,
                overdraft,
                day=self.ctx.day_of(now),
                policy=self.ctx.expiry_policy(),
                excess_lot_id=LotId(f"{void_id}-x"),
            )
            if r["points"]:
                members_repo.apply_account(conn, member_id, before, after, "void", void_id, at)
            for line in conn.execute(
                "SELECT gift_id, quantity FROM redemption_lines WHERE redemption_id = ?",
                (redemption_id,),
            ).fetchall():
                gifts_repo.move_stock(
                    conn, line[0], line[1], "void", void_id, at, manager.staff_id, reason
                )
            conn.execute(
                "INSERT INTO voids (void_id, redemption_id, manager_id, cashier_id, reason, "
                "balance_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    void_id,
                    redemption_id,
                    manager.staff_id,
                    cashier.staff_id,
                    reason,
                    after.balance,
                    at,
                ),
            )
            record_request(conn, request_id, "void", content, void_id, at)
            outbox.append(
                conn,
                "void",
                {
                    "void_id": void_id,
                    "redemption_id": redemption_id,
                    "receipt_no": receipt_no,
                    "member_id": member_id,
                    "points": r["points"],
                    "manager_id": manager.staff_id,
                    "cashier_id": cashier.staff_id,
                    "reason": reason,
                    "at": at,
                },
                at,
            )
            return self._void_result(conn, void_id)

    def _void_result(
        self, conn: sqlite3.Connection, void_id: str, replayed: bool = False
    ) -> VoidResult:
        row = conn.execute(
            "SELECT v.void_id, r.receipt_no, r.points, v.balance_after FROM voids v "
            "JOIN redemptions r USING (redemption_id) WHERE v.void_id = ?",
            (void_id,),
        ).fetchone()
        return VoidResult(row[0], row[1], row[2], row[3], replayed)

    # --- earning ---------------------------------------------------------------------------
    def campaigns(self, conn: sqlite3.Connection) -> tuple[Campaign, ...]:
        return tuple(
            Campaign(
                r["campaign_id"],
                r["name"],
                datetime.fromisoformat(r["starts"]),
                datetime.fromisoformat(r["ends"]),
                r["multiplier_permille"],
                frozenset(Tier(t) for t in r["tiers"].split(",") if t),
            )
            for r in conn.execute("SELECT * FROM campaigns")
        )

    def earn(self, cashier: Staff, request_id: str, member_id: str, amount_fen: int) -> EarnResult:
        """Points for a purchase of `amount_fen`, with tier multiplier and campaigns."""
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
            raise InvalidInput(
                f"purchase amount must be a positive whole number of fen, got {amount_fen!r}"
            )
        bounds = self.ctx.bounds()
        bounds.check("earn_amount_fen", amount_fen, "purchase amount in fen")
        content = {"member": member_id, "amount_fen": amount_fen, "cashier": cashier.staff_id}
        now = self.ctx.now()
        at = now.isoformat()
        with self.db.write() as conn:
            done = seen_request(conn, request_id, "earn", content)
            if done is not None:
                return self._earn_result(conn, done, replayed=True)
            require_open_day(conn, self.ctx.day_of(now))
            member = members_repo.get_member(conn, member_id)
            q = points_for_purchase(amount_fen, member.tier, now, EarnRule(), self.campaigns(conn))
            bounds.check("earn_points", q.points, "points for this purchase")
            earn_id = str(uuid.uuid4())
            if q.points:
                before = members_repo.load_account(conn, member_id)
                result = before.earn(
                    LotId(earn_id), q.points, self.ctx.day_of(now), self.ctx.expiry_policy()
                )
                members_repo.apply_account(
                    conn, member_id, before, result.account, "earn", earn_id, at
                )
            campaign_id = q.campaign.campaign_id if q.campaign else None
            conn.execute(
                "INSERT INTO earns (earn_id, member_id, cashier_id, amount_fen, points, "
                "campaign_id, balance_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    earn_id,
                    member_id,
                    cashier.staff_id,
                    amount_fen,
                    q.points,
                    campaign_id,
                    members_repo.cached_balance(conn, member_id),
                    at,
                ),
            )
            record_request(conn, request_id, "earn", content, earn_id, at)
            outbox.append(
                conn,
                "earn",
                {
                    "earn_id": earn_id,
                    "member_id": member_id,
                    "amount_fen": amount_fen,
                    "points": q.points,
                    "campaign_id": campaign_id,
                    "cashier_id": cashier.staff_id,
                    "at": at,
                },
                at,
            )
            return self._earn_result(conn, earn_id)

    def _earn_result(
        self, conn: sqlite3.Connection, earn_id: str, replayed: bool = False
    ) -> EarnResult:
        row = conn.execute(
            "SELECT earn_id, member_id, points, balance_after, campaign_id FROM earns "
            "WHERE earn_id = ?",
            (earn_id,),
        ).fetchone()
        return EarnResult(row[0], row[1], row[2], row[3], row[4], replayed)

    # --- expiry ----------------------------------------------------------------------------
    def run_expiry(self) -> int:
        """Write off expired lots, one member per transaction; returns points expired.
        Safe to repeat: an expired lot has nothing left to expire."""
        now = self.ctx.now()
        today = self.ctx.day_of(now).isoformat()
        with self.db._lock:
            members = [
                r[0]
                for r in self.db.conn.execute(
                    "SELECT DISTINCT member_id FROM point_lots WHERE remaining > 0 AND expires_on < ?",
                    (today,),
                )
            ]
        total = 0
        for member_id in members:
            with self.db.write() as conn:
                before = members_repo.load_account(conn, member_id)
                after, takes = before.expire(self.ctx.day_of(now))
                if not takes:
                    continue
                ref = f"expiry-{today}-{member_id}"
                members_repo.apply_account(
                    conn, member_id, before, after, "expire", ref, now.isoformat()
                )
                points = sum(t.points for t in takes)
                outbox.append(
                    conn,
                    "expiry",
                    {
                        "member_id": member_id,
                        "points": points,
                        "lots": [[t.lot_id, t.points] for t in takes],
                    },
                    now.isoformat(),
                )
                total += points
        return total
