"""The till: identify a member, quote a basket, redeem, void, earn.

Every write is one transaction holding the effect, its ledger rows, its request record and
its outbox event: a crash at any instant leaves all of it or none of it."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from desktop.core import codes, coupons, risk, wire
from desktop.core.cardnumber import normalise_card_number
from desktop.core.earning import EarnRule, points_for_purchase
from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.core.journeys import birthday_campaign
from desktop.core.lots import LotId
from desktop.core.members import Member
from desktop.core.money import parse_quantity
from desktop.core.offline import CodeKind
from desktop.core.redemption import (
    Approval,
    BasketLine,
    OfflineContext,
    Refusal,
    RefusalReason,
    decide,
)
from desktop.printing.fonts import printable_blessing
from desktop.services.context import (
    REFUSED_POLICY,
    ServiceContext,
    require_manager,
    require_open_day,
)
from desktop.services.journeys import JourneyView
from desktop.services.journeys import config as journey_config
from desktop.services.journeys import view as journey_view
from desktop.store import catalogue as gifts_repo
from desktop.store import codes as codes_repo
from desktop.store import coupons as coupons_repo
from desktop.store import earns, outbox, redemptions, requests, settings, voids
from desktop.store import members as members_repo
from desktop.store import risk as risk_repo
from desktop.store import sync_state as sync_repo
from desktop.store.database import Tx
from desktop.store.earns import EarnResult
from desktop.store.redemptions import NewRedemption, Receipt, ReceiptLine, ReceiptRow, SoldLine
from desktop.store.staff import Staff
from desktop.store.voids import VoidResult

__all__ = [
    "EarnResult",
    "LineRequest",
    "MemberView",
    "Receipt",
    "ReceiptLine",
    "ReceiptRow",
    "TillService",
    "VoidResult",
]

log = logging.getLogger(__name__)

# A phone code scanned this long before a redemption is the code that paid for it.
PHONE_VISIT = timedelta(minutes=30)
RISK_RULES = "risk_rules"  # head office's setting (desktop/core/risk.py)


@dataclass(frozen=True)
class MemberView:
    member: Member
    balance: int
    available: int
    expiring: list[tuple[str, int]]  # (ISO date, points) within 30 days
    #: the net effect on the balance of this store's events head office has not yet
    #: confirmed: earns and voids add, redemptions and expiry take away
    pending_sync: int
    #: member journeys: offers to apply, gift ideas, points expiring soon
    journeys: JourneyView = field(default_factory=JourneyView)


@dataclass(frozen=True)
class LineRequest:
    gift_id: str
    quantity: int = 1
    price_option: int = 0

    def content(self) -> list[Any]:
        return [self.gift_id, self.quantity, self.price_option]


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
        with self.db.read() as conn:
            if text[:1] == "M":
                member = members_repo.get_member(conn, text)
            else:
                number = normalise_card_number(text)
                member = members_repo.find_member_by_card(conn, number)
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
        now = self.ctx.now()
        today = self.ctx.day_of(now)
        with self.db.read() as conn:
            member = members_repo.get_member(conn, member_id)
            account = members_repo.load_account(conn, member_id)
            pending = members_repo.unconfirmed_effect(conn, member_id, sync_repo.acked_seq(conn))
            journeys = journey_view(conn, member, account, now, today)
        return MemberView(
            member,
            account.balance,
            account.available(today),
            [(d.isoformat(), p) for d, p in account.expiring_within(today, journeys.expiring_days)],
            pending,
            journeys,
        )

    # --- quoting and redeeming -------------------------------------------------------------
    def _basket(self, conn: Tx, lines: tuple[LineRequest, ...]) -> tuple[BasketLine, ...]:
        out = []
        for line in lines:
            quantity = parse_quantity(line.quantity)
            gift, stock = gifts_repo.get_gift(conn, line.gift_id)
            gift.price(line.price_option)  # raises for an option the gift does not offer
            out.append(BasketLine(gift, quantity, stock, line.price_option))
        return tuple(out)

    def _offline_context(
        self,
        conn: Tx,
        member_id: str,
        kind: CodeKind,
        override: bool,
        now: datetime,
    ) -> OfflineContext | None:
        link = self.ctx.link()
        if link.online:
            return None
        usage = redemptions.offline_usage(conn, member_id, self.ctx.day_of(now), link.last_sync)
        stopped = link.refused is not None and self.ctx.setting(REFUSED_POLICY) == "stop"
        return OfflineContext(self.ctx.offline_limits(), usage, kind, override, stopped)

    def _risk(
        self,
        conn: Tx,
        member_id: str,
        cashier_id: str | None,
        decision: Approval,
        code_kind: CodeKind,
        now: datetime,
    ) -> tuple[risk.Triggered, ...]:
        """The risk rules this redemption triggers (head office's `risk_rules`); without a
        cashier, the rules about the cashier are not judged."""
        rules, _ = risk.parse_rules(settings.get(conn, RISK_RULES, {}))
        if cashier_id is None:
            rules = dataclasses.replace(
                rules,
                velocity=tuple(r for r in rules.velocity if r.scope is not risk.Scope.CASHIER),
                self_redemption=None,
            )
        units: dict[str, int] = {}
        for line in decision.lines:
            units[line.gift.gift_id] = units.get(line.gift.gift_id, 0) + line.quantity
        member: dict[int, int] = {}
        cashier: dict[int, int] = {}
        gift: dict[tuple[str, int], int] = {}
        for scope, minutes in rules.windows():
            since = now - timedelta(minutes=minutes)
            day = self.ctx.day_of(since)
            if scope is risk.Scope.MEMBER:
                member[minutes] = risk_repo.member_count(conn, member_id, since, day)
            elif scope is risk.Scope.CASHIER and cashier_id is not None:
                cashier[minutes] = risk_repo.cashier_count(conn, cashier_id, since, day)
            elif scope is risk.Scope.GIFT:
                for gift_id in units:
                    gift[(gift_id, minutes)] = risk_repo.gift_units(conn, gift_id, since, day)
        linked = cashier_id is not None and risk_repo.linked_member(conn, cashier_id) == member_id
        attempt = risk.Attempt(
            member_id,
            cashier_id or "",
            linked,
            units,
            decision.points,
            decision.cash_fen,
            code_kind,
        )
        return risk.evaluate(rules, attempt, risk.Recent(member, cashier, gift))

    @staticmethod
    def _risk_refusal(triggered: tuple[risk.Triggered, ...], verified: bool) -> Refusal | None:
        refusing = risk.refusing(triggered)
        if refusing:
            return Refusal(RefusalReason.RISK_REFUSED, rules=tuple(t.rule for t in refusing))
        if triggered and not verified:
            return Refusal(
                RefusalReason.VERIFICATION_NEEDED,
                rules=tuple(t.rule for t in triggered),
                phone_code_would_do=all(t.phone_code_satisfies for t in triggered),
            )
        return None

    def quote(
        self,
        member_id: str,
        lines: tuple[LineRequest, ...],
        code_kind: CodeKind = CodeKind.STATIC_CARD,
        cashier_id: str | None = None,
    ) -> Approval | Refusal:
        """What a redemption would do, without doing it (the risk rules about the cashier
        only when `cashier_id` is given)."""
        now = self.ctx.now()
        with self.db.read() as conn:
            member = members_repo.get_member(conn, member_id)
            account = members_repo.load_account(conn, member_id)
            basket = self._basket(conn, lines)
            offline = self._offline_context(conn, member_id, code_kind, False, now)
            decision = decide(member, account, basket, now, offline, self.ctx.bounds())
            if isinstance(decision, Refusal):
                return decision
            triggered = self._risk(conn, member_id, cashier_id, decision, code_kind, now)
        return self._risk_refusal(triggered, False) or decision

    def redeem(
        self,
        cashier: Staff,
        request_id: str,
        member_id: str,
        lines: tuple[LineRequest, ...],
        code_kind: CodeKind = CodeKind.STATIC_CARD,
        override_by: Staff | None = None,
        blessing: str | None = None,
        verified_by: Staff | None = None,
    ) -> Receipt | Refusal:
        """Redeem a basket. The same request id twice deducts once and returns the same
        receipt (marked replayed). `override_by` is a manager who approved going beyond
        the offline limits, `verified_by` one who gave the second verification the risk
        rules ask for (both already authenticated by PIN). `blessing`: a short line for
        the greeting card (checked before anything changes: InvalidInput saying what to
        fix); it stays with the redemption at the store and is not sent to head office."""
        if override_by is not None:
            require_manager(override_by)
        if verified_by is not None:
            require_manager(verified_by)
            if verified_by.staff_id == cashier.staff_id:
                raise NotAllowed(
                    "the second verification must come from another manager than the cashier"
                )
        blessing = printable_blessing(blessing)
        content: dict[str, Any] = {
            "member": member_id,
            "lines": [line.content() for line in lines],
            "cashier": cashier.staff_id,
            "kind": code_kind.value,
        }
        if blessing is not None:  # a retry must carry the same blessing
            content["blessing"] = blessing
        now = self.ctx.now()
        at, day = now.isoformat(), self.ctx.day_of(now)
        bounds = self.ctx.bounds()
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, "redeem", content)
            if done is not None:
                return redemptions.receipt(conn, done, replayed=True)
            require_open_day(conn, day)
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
            triggered = self._risk(conn, member_id, cashier.staff_id, decision, code_kind, now)
            if verified_by is not None and risk_repo.linked_member(conn, verified_by.staff_id) == (
                member_id
            ):
                raise NotAllowed(
                    "the verifying manager's own member card is on this redemption: "
                    "another manager must verify"
                )
            refusal = self._risk_refusal(triggered, verified_by is not None)
            if refusal is not None:
                log.info("redemption refused for %s: %s", member_id, refusal.explain())
                if refusal.reason is RefusalReason.RISK_REFUSED:
                    risk_repo.record_refusal(
                        conn, request_id, day, member_id, cashier.staff_id, refusal.rules,
                        decision.points, decision.cash_fen, at,
                    )  # fmt: skip
                return refusal
            verifier = verified_by.staff_id if triggered and verified_by else None
            redemption_id = str(uuid.uuid4())
            receipt_no = redemptions.next_receipt_no(conn, self.ctx.store_id, day)
            override_id = (
                override_by.staff_id if decision.offline_override_used and override_by else None
            )
            redemptions.insert(
                conn,
                NewRedemption(
                    redemption_id,
                    receipt_no,
                    day,
                    member_id,
                    cashier.staff_id,
                    decision.points,
                    decision.cash_fen,
                    decision.balance_before,
                    decision.balance_after,
                    code_kind.value,
                    offline is not None,
                    override_id,
                    at,
                    tuple(
                        SoldLine(
                            line.gift.gift_id, line.quantity, line.price.points, line.price.cash_fen
                        )
                        for line in decision.lines
                    ),
                    blessing,
                ),
            )
            for line in decision.lines:
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
            issued = self._issue_coupons(conn, redemption_id, decision, day)
            risk_repo.record(conn, redemption_id, triggered, verifier)
            requests.record(conn, request_id, "redeem", content, redemption_id, at)
            payload: wire.RedemptionPayload = {
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
            }
            if issued:
                payload["coupons"] = issued
            if triggered:
                payload["risk"] = [t.rule for t in triggered]
            if verifier is not None:
                payload["verified_by"] = verifier
            if code_kind is CodeKind.ROTATING_PHONE:
                # head office sees a phone code used at two stores by its replay key
                since = (now - PHONE_VISIT).isoformat()
                key = codes_repo.claim_code_use(conn, member_id, since, redemption_id)
                if key is not None:
                    payload["replay_key"] = key
            outbox.append(conn, wire.EventKind.REDEMPTION, payload, at)
            receipt = redemptions.receipt(conn, redemption_id)
        # committed; ids and figures only (never the member's name: desktop/logs.py)
        log.info(
            "redeemed %s for %s by %s: %d points, %d fen, %s%s",
            receipt_no, member_id, cashier.staff_id, decision.points, decision.cash_fen,
            code_kind.value, " (offline)" if offline is not None else "",
        )  # fmt: skip
        return receipt

    @staticmethod
    def _issue_coupons(
        conn: Tx, redemption_id: str, decision: Approval, day: date
    ) -> list[list[str]]:
        """A code for every coupon unit of the redemption, recorded against it in its own
        transaction (no code exists without the redemption that issued it)."""
        issued: list[list[str]] = []
        for line in decision.lines:
            terms = line.gift.coupon
            if terms is None:
                continue
            until = coupons.valid_until(day, terms.valid_days)
            for _ in range(line.quantity):
                code = coupons.mint(secrets.token_bytes(coupons.RANDOM_BYTES))
                while coupons_repo.exists(conn, code):  # 80 random bits: never, in practice
                    code = coupons.mint(secrets.token_bytes(coupons.RANDOM_BYTES))
                coupons_repo.insert(conn, code, redemption_id, line.gift.gift_id, until)
                issued.append([line.gift.gift_id, code, until.isoformat()])
        return issued

    def check_coupon(self, text: str) -> tuple[coupons.CouponStatus, coupons.CouponRecord | None]:
        """A coupon code as this store knows it: valid, expired, voided, unknown or
        mistyped (its use is recorded at head office: `lantern headoffice coupon`)."""
        code = coupons.normalise(text)
        if code is None:
            return coupons.CouponStatus.MISTYPED, None
        with self.db.read() as conn:
            record = coupons_repo.find(conn, code)
        return coupons.status(record, self.ctx.today()), record

    def receipt(self, receipt_no: str) -> Receipt:
        with self.db.read() as conn:
            found = redemptions.find(conn, receipt_no)
            if found is None:
                raise NotFound(f"no receipt {receipt_no!r} in this store: check the number")
            return redemptions.receipt(conn, found.redemption_id)

    def todays_receipts(self) -> list[ReceiptRow]:
        """The redemptions of the current business day, newest first, with their voids."""
        with self.db.read() as conn:
            return redemptions.day_receipts(conn, self.ctx.today(), self.ctx.tz)

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
        at, day = now.isoformat(), self.ctx.day_of(now)
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, "void", content)
            if done is not None:
                return voids.result(conn, done, replayed=True)
            r = redemptions.find(conn, receipt_no)
            if r is None:
                raise NotFound(f"no receipt {receipt_no!r} in this store: check the number")
            if r.business_day != day.isoformat():
                raise NotAllowed(
                    f"receipt {receipt_no} is from {r.business_day}: only today's "
                    "redemptions can be voided at the till; ask head office"
                )
            require_open_day(conn, day)
            prior = voids.prior(conn, r.redemption_id)
            if prior is not None:
                raise Conflict(
                    f"receipt {receipt_no} was already voided at {prior.created_at[11:16]} "
                    f"by {prior.manager_id}"
                )
            redemption_id = r.redemption_id
            member_id = r.member_id
            takes, overdraft = members_repo.redeem_takes(conn, redemption_id)
            void_id = str(uuid.uuid4())
            before = members_repo.load_account(conn, member_id)
            after, _ = before.restore(
                takes,
                overdraft,
                day=day,
                policy=self.ctx.expiry_policy(),
                excess_lot_id=LotId(f"{void_id}-x"),
            )
            if r.points:
                members_repo.apply_account(conn, member_id, before, after, "void", void_id, at)
            for gift_id, quantity in redemptions.gifts_taken(conn, redemption_id):
                gifts_repo.move_stock(
                    conn, gift_id, quantity, "void", void_id, at, manager.staff_id, reason
                )
            coupons_repo.void_for(conn, redemption_id, at)
            voids.insert(
                conn,
                void_id=void_id,
                redemption_id=redemption_id,
                manager_id=manager.staff_id,
                cashier_id=cashier.staff_id,
                reason=reason,
                balance_after=after.balance,
                created_at=at,
            )
            requests.record(conn, request_id, "void", content, void_id, at)
            void_payload: wire.VoidPayload = {
                "void_id": void_id,
                "redemption_id": redemption_id,
                "receipt_no": receipt_no,
                "member_id": member_id,
                "points": r.points,
                "manager_id": manager.staff_id,
                "cashier_id": cashier.staff_id,
                "reason": reason,
                "at": at,
            }
            outbox.append(conn, wire.EventKind.VOID, void_payload, at)
            return voids.result(conn, void_id)

    # --- earning ---------------------------------------------------------------------------
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
        at, day = now.isoformat(), self.ctx.day_of(now)
        occasions = self.ctx.occasions()
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, "earn", content)
            if done is not None:
                return earns.result(conn, done, replayed=True)
            require_open_day(conn, day)
            member = members_repo.get_member(conn, member_id)
            campaigns = gifts_repo.campaigns(conn)
            birthday = birthday_campaign(journey_config(conn), member, day, now)
            if birthday is not None:  # the birthday window's multiplier (journeys setting)
                campaigns = (*campaigns, birthday)
            q = points_for_purchase(
                amount_fen, member.tier, now, EarnRule(), campaigns, day, occasions
            )
            bounds.check("earn_points", q.points, "points for this purchase")
            earn_id = str(uuid.uuid4())
            if q.points:
                before = members_repo.load_account(conn, member_id)
                result = before.earn(LotId(earn_id), q.points, day, self.ctx.expiry_policy())
                members_repo.apply_account(
                    conn, member_id, before, result.account, "earn", earn_id, at
                )
            campaign_id = q.campaign.campaign_id if q.campaign else None
            earns.insert(
                conn,
                earn_id=earn_id,
                member_id=member_id,
                cashier_id=cashier.staff_id,
                amount_fen=amount_fen,
                points=q.points,
                campaign_id=campaign_id,
                balance_after=members_repo.cached_balance(conn, member_id),
                created_at=at,
            )
            requests.record(conn, request_id, "earn", content, earn_id, at)
            earn_payload: wire.EarnPayload = {
                "earn_id": earn_id,
                "member_id": member_id,
                "amount_fen": amount_fen,
                "points": q.points,
                "campaign_id": campaign_id,
                "cashier_id": cashier.staff_id,
                "at": at,
            }
            outbox.append(conn, wire.EventKind.EARN, earn_payload, at)
            return earns.result(conn, earn_id)

    # --- expiry ----------------------------------------------------------------------------
    def run_expiry(self) -> int:
        """Write off expired lots, one member per transaction; returns points expired.
        Safe to repeat: an expired lot has nothing left to expire."""
        now = self.ctx.now()
        day = self.ctx.day_of(now)
        today = day.isoformat()
        with self.db.read() as conn:
            members = members_repo.with_expired_lots(conn, day)
        total = 0
        for member_id in members:
            with self.db.write() as conn:
                before = members_repo.load_account(conn, member_id)
                after, takes = before.expire(day)
                if not takes:
                    continue
                ref = f"expiry-{today}-{member_id}"
                members_repo.apply_account(
                    conn, member_id, before, after, "expire", ref, now.isoformat()
                )
                points = sum(t.points for t in takes)
                expiry_payload: wire.ExpiryPayload = {
                    "member_id": member_id,
                    "points": points,
                    "lots": [[t.lot_id, t.points] for t in takes],
                }
                outbox.append(conn, wire.EventKind.EXPIRY, expiry_payload, now.isoformat())
                total += points
        return total
