"""Member journeys at the till: the offers for a scanned member and applying one
(desktop/core/journeys.py has the rules; docs/programme-journeys.md).

Applying is one transaction: the journey use, the bonus lot (lot id = use id, ledger kind
'earn' with the use id as ref), the gift's stock movement (kind 'redeem', 0 points, the use
id as ref), the request record and the `journey` outbox event."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from desktop.core import wire
from desktop.core.catalogue import Gift
from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.core.journeys import (
    Journey,
    JourneyConfig,
    Offer,
    offers,
    parse_config,
    suggest_for_expiring,
    suggest_for_starter,
)
from desktop.core.lots import LotId, PointsAccount
from desktop.core.members import Member, MemberStatus
from desktop.services.context import ServiceContext, require_open_day
from desktop.store import catalogue as gifts_repo
from desktop.store import journeys as journeys_repo
from desktop.store import members as members_repo
from desktop.store import outbox, requests, settings
from desktop.store.database import Tx
from desktop.store.journeys import JourneyUse
from desktop.store.staff import Staff

__all__ = ["JourneyService", "JourneyUse", "JourneyView"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JourneyView:
    """What the member panel shows: the offers the cashier can apply with one action, gift
    ideas for a first redemption, and the points expiring soon with gifts that use them."""

    offers: tuple[Offer, ...] = ()
    starter_gifts: tuple[Gift, ...] = ()
    expiring: tuple[tuple[date, int], ...] = ()
    expiring_gifts: tuple[Gift, ...] = ()
    offer_gifts: tuple[Gift, ...] = ()  # the gifts the offers give, for their names
    expiring_days: int = 30  # "expiring soon": head office's window (journeys.expiring.days)

    def gift(self, gift_id: str | None) -> Gift | None:
        return next((g for g in self.offer_gifts if g.gift_id == gift_id), None)

    @property
    def expiring_points(self) -> int:
        return sum(p for _, p in self.expiring)


def config(tx: Tx) -> JourneyConfig:
    """The store's journey rules (head office's setting; the defaults until it sends one)."""
    try:
        return parse_config(settings.get(tx, "journeys"))
    except InvalidInput as e:  # validated when stored: only a hand-edited file gets here
        log.warning("journey rules unusable, journeys off: %s", e)
        off = JourneyConfig()
        return JourneyConfig(
            replace(off.welcome_back, enabled=False),
            replace(off.starter, enabled=False),
            replace(off.birthday, enabled=False),
            replace(off.expiring, enabled=False),
        )


def _with_gift(tx: Tx, offer: Offer, now: datetime) -> tuple[Offer, Gift | None]:
    """The offer as it can be given now: a gift this store cannot give (unknown, inactive,
    out of stock) is left out."""
    if offer.gift_id is None:
        return offer, None
    try:
        gift, stock = gifts_repo.get_gift(tx, offer.gift_id)
    except NotFound:
        log.info("journey gift %s is not in this store's catalogue", offer.gift_id)
        return replace(offer, gift_id=None), None
    if stock <= 0 or not gift.active_at(now):
        return replace(offer, gift_id=None), None
    return offer, gift


def view(tx: Tx, member: Member, account: PointsAccount, now: datetime, day: date) -> JourneyView:
    """The journeys for a member being served (inside the caller's read transaction)."""
    if member.status is not MemberStatus.ACTIVE:
        return JourneyView()
    rules = config(tx)
    facts = journeys_repo.facts(tx, member.member_id)
    given = [_with_gift(tx, o, now) for o in offers(rules, member, day, facts)]
    found = tuple(o for o, _ in given if o.gives_something)
    offer_gifts = tuple(g for o, g in given if g is not None and o.gives_something)
    available = account.available(day)
    gifts: list[tuple[Gift, int]] | None = None
    starter: tuple[Gift, ...] = ()
    if rules.starter.enabled and not facts.ever_redeemed and rules.starter.suggest:
        gifts = journeys_repo.gifts_within(tx, available)
        starter = tuple(
            suggest_for_starter(
                gifts,
                member,
                now,
                available,
                rules.starter.max_points,
                rules.starter.suggest,
            )
        )
    expiring: tuple[tuple[date, int], ...] = ()
    expiring_gifts: tuple[Gift, ...] = ()
    if rules.expiring.enabled:
        expiring = tuple(account.expiring_within(day, rules.expiring.days))
        points = sum(p for _, p in expiring)
        if points and rules.expiring.suggest:
            gifts = gifts if gifts is not None else journeys_repo.gifts_within(tx, available)
            expiring_gifts = tuple(
                suggest_for_expiring(gifts, member, now, available, points, rules.expiring.suggest)
            )
    return JourneyView(found, starter, expiring, expiring_gifts, offer_gifts, rules.expiring.days)


class JourneyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def view(self, member_id: str) -> JourneyView:
        now = self.ctx.now()
        with self.db.read() as conn:
            member = members_repo.get_member(conn, member_id)
            account = members_repo.load_account(conn, member_id)
            return view(conn, member, account, now, self.ctx.day_of(now))

    def apply(
        self,
        cashier: Staff,
        request_id: str,
        member_id: str,
        journey: str,
        period: str,
    ) -> JourneyUse:
        """Apply the member's journey `journey` for `period` (as the offer named it). The
        same request id twice applies it once and returns the same use (replayed)."""
        try:
            kind = Journey(journey)
        except ValueError:
            names = ", ".join(j.value for j in Journey)
            raise InvalidInput(f"unknown journey {journey!r}; use one of: {names}") from None
        content = {
            "member": member_id,
            "journey": kind.value,
            "period": period,
            "cashier": cashier.staff_id,
        }
        now = self.ctx.now()
        at, day = now.isoformat(), self.ctx.day_of(now)
        bounds = self.ctx.bounds()
        with self.db.write() as conn:
            done = requests.seen(conn, request_id, "journey", content)
            if done is not None:
                return journeys_repo.get(conn, done, replayed=True)
            require_open_day(conn, day)
            member = members_repo.get_member(conn, member_id)
            if journeys_repo.used(conn, member_id, kind.value, period):
                raise Conflict(
                    f"member {member_id} already had the {kind.value} journey for {period}: "
                    "it is given once"
                )
            account = members_repo.load_account(conn, member_id)
            current = view(conn, member, account, now, day)
            offer = next(
                (o for o in current.offers if o.journey is kind and o.period == period), None
            )
            if offer is None:
                raise NotAllowed(
                    f"the {kind.value} journey for {period} does not apply to member "
                    f"{member_id} today: scan the member again to see what applies"
                )
            bounds.check("earn_points", offer.bonus_points, "journey bonus points")
            use_id = str(uuid.uuid4())
            if offer.bonus_points:
                earned = account.earn(
                    LotId(use_id), offer.bonus_points, day, self.ctx.expiry_policy()
                )
                members_repo.apply_account(
                    conn, member_id, account, earned.account, "earn", use_id, at
                )
            if offer.gift_id is not None:
                gifts_repo.move_stock(
                    conn,
                    offer.gift_id,
                    -1,
                    "redeem",
                    use_id,
                    at,
                    cashier.staff_id,
                    f"journey {kind.value} {period}",
                )
            use = JourneyUse(
                use_id,
                member_id,
                kind.value,
                period,
                offer.bonus_points,
                offer.gift_id,
                offer.dormant_days,
                at,
            )
            journeys_repo.insert(conn, use, cashier.staff_id)
            requests.record(conn, request_id, "journey", content, use_id, at)
            payload: wire.JourneyPayload = {
                "use_id": use_id,
                "journey": kind.value,
                "period": period,
                "member_id": member_id,
                "cashier_id": cashier.staff_id,
                "bonus_points": offer.bonus_points,
                "gift_id": offer.gift_id,
                "redemption_id": None,
                "dormant_days": offer.dormant_days,
                "at": at,
            }
            outbox.append(conn, wire.EventKind.JOURNEY, payload, at)
        log.info(
            "journey %s (%s) for %s by %s: %d points, gift %s",
            kind.value, period, member_id, cashier.staff_id, offer.bonus_points, offer.gift_id,
        )  # fmt: skip
        return use
