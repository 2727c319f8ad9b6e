"""The redemption decision: a pure function from (member, points account, basket, stock,
time, offline state) to an Approval with the exact lots consumed, or a Refusal whose reason
a cashier can read. The UI words the reason in Chinese or English; the CLI in English."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.limits import Bounds
from desktop.core.lots import PointsAccount, Spend
from desktop.core.members import Member, MemberStatus, Tier
from desktop.core.offline import CodeKind, OfflineCheck, OfflineLimits, OfflineUsage, check_offline


class RefusalReason(enum.Enum):
    EMPTY_BASKET = "empty_basket"
    INVALID_QUANTITY = "invalid_quantity"
    MEMBER_BLOCKED = "member_blocked"
    GIFT_NOT_ACTIVE = "gift_not_active"
    TIER_NOT_ALLOWED = "tier_not_allowed"
    OUT_OF_STOCK = "out_of_stock"
    INSUFFICIENT_POINTS = "insufficient_points"
    OFFLINE_LIMIT_EXCEEDED = "offline_limit_exceeded"
    ABOVE_LIMIT = "above_limit"  # beyond one of the programme's Bounds (desktop.core.limits)
    VERIFICATION_NEEDED = "verification_needed"  # a risk rule wants a manager's PIN
    RISK_REFUSED = "risk_refused"  # a risk rule refuses it (desktop.core.risk)


@dataclass(frozen=True, slots=True)
class BasketLine:
    gift: Gift
    quantity: int
    stock: int
    price_option: int = 0

    @property
    def price(self) -> Price:
        return self.gift.price(self.price_option)

    @property
    def points(self) -> int:
        return self.price.points * self.quantity

    @property
    def cash_fen(self) -> int:
        return self.price.cash_fen * self.quantity


@dataclass(frozen=True, slots=True)
class OfflineContext:
    limits: OfflineLimits
    usage: OfflineUsage
    code_kind: CodeKind
    override: bool = False  # a manager approved going beyond the caps
    stopped: bool = False  # head office refuses this store's sync and a manager stopped
    # redemptions until it recovers: each one needs a manager's override


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: RefusalReason
    gift_id: GiftId | None = None
    needed: int = 0  # points (or units) needed
    available: int = 0  # points (or units) available
    required_tier: Tier | None = None
    offline_check: OfflineCheck | None = None
    limit: str | None = None  # the Bounds field for ABOVE_LIMIT (needed: asked, available: bound)
    rules: tuple[str, ...] = ()  # the risk rules triggered (VERIFICATION_NEEDED, RISK_REFUSED)
    phone_code_would_do: bool = False  # VERIFICATION_NEEDED only for the amount: a phone code

    def explain(self) -> str:
        """English text for logs and the command line; the UI translates the reason."""
        r = RefusalReason
        g = f"gift {self.gift_id}" if self.gift_id else "the basket"
        match self.reason:
            case r.EMPTY_BASKET:
                return "the basket is empty: pick at least one gift"
            case r.INVALID_QUANTITY:
                return f"{g}: quantity must be a whole number greater than zero"
            case r.MEMBER_BLOCKED:
                return "member is blocked or closed: ask head office before redeeming"
            case r.GIFT_NOT_ACTIVE:
                return f"{g} is not available today (outside its active window)"
            case r.TIER_NOT_ALLOWED:
                tier = self.required_tier.value if self.required_tier else "?"
                return f"{g} is for {tier} members and above"
            case r.OUT_OF_STOCK:
                return f"{g} is out of stock: {self.available} left, {self.needed} wanted"
            case r.INSUFFICIENT_POINTS:
                return f"insufficient points: {self.available} available, {self.needed} needed"
            case r.OFFLINE_LIMIT_EXCEEDED:
                check = self.offline_check.value if self.offline_check else "?"
                return (
                    f"head office is unreachable and this redemption exceeds the offline limit "
                    f"({check}): a manager override is needed"
                )
            case r.ABOVE_LIMIT:
                return (
                    f"{g}: {self.needed:,} is more than the limit of {self.available:,} "
                    f"({self.limit}); split the redemption or ask head office"
                )
            case r.VERIFICATION_NEEDED:
                rules = ", ".join(self.rules) or "risk rules"
                if self.phone_code_would_do:
                    return (
                        f"a second verification is needed ({rules}): a manager's PIN, or the "
                        "member's phone code instead of a printed card"
                    )
                return f"a second verification is needed ({rules}): a manager's PIN"
            case r.RISK_REFUSED:
                rules = ", ".join(self.rules) or "risk rules"
                return f"refused by the risk rule {rules}: ask the store manager or head office"
        raise AssertionError(self.reason)  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Approval:
    lines: tuple[BasketLine, ...]
    points: int
    cash_fen: int
    balance_before: int
    spend: Spend
    offline_override_used: bool = False

    @property
    def balance_after(self) -> int:
        return self.balance_before - self.points


Decision = Approval | Refusal


def decide(
    member: Member,
    account: PointsAccount,
    lines: tuple[BasketLine, ...],
    now: datetime,
    offline: OfflineContext | None = None,
    bounds: Bounds | None = None,
) -> Decision:
    """Approve or refuse a whole basket. Checks run from the most basic to the most
    situational, so the cashier hears the reason that matters first. `bounds` are the
    programme's limits per redemption (defaults when None)."""
    bounds = bounds or Bounds()
    if not lines:
        return Refusal(RefusalReason.EMPTY_BASKET)
    if len(lines) > bounds.basket_lines:
        return _above("basket_lines", len(lines), bounds)
    if member.status is not MemberStatus.ACTIVE:
        return Refusal(RefusalReason.MEMBER_BLOCKED)
    wanted: dict[GiftId, int] = {}
    for line in lines:
        gid = line.gift.gift_id
        if line.quantity <= 0:
            return Refusal(RefusalReason.INVALID_QUANTITY, gid)
        if line.quantity > bounds.line_quantity:
            return _above("line_quantity", line.quantity, bounds, gid)
        if not line.gift.active_at(now):
            return Refusal(RefusalReason.GIFT_NOT_ACTIVE, gid)
        if not member.tier.at_least(line.gift.min_tier):
            return Refusal(RefusalReason.TIER_NOT_ALLOWED, gid, required_tier=line.gift.min_tier)
        wanted[gid] = wanted.get(gid, 0) + line.quantity
        if wanted[gid] > line.stock:
            return Refusal(
                RefusalReason.OUT_OF_STOCK, gid, needed=wanted[gid], available=line.stock
            )
    points = sum(line.points for line in lines)
    cash = sum(line.cash_fen for line in lines)
    if points > bounds.redemption_points:
        return _above("redemption_points", points, bounds)
    if cash > bounds.redemption_cash_fen:
        return _above("redemption_cash_fen", cash, bounds)
    today = now.date()
    available = account.available(today)
    if points > available:
        return Refusal(RefusalReason.INSUFFICIENT_POINTS, needed=points, available=available)
    override_used = False
    if offline is not None:
        check = (
            OfflineCheck.SYNC_REFUSED
            if offline.stopped
            else check_offline(offline.limits, offline.usage, points, offline.code_kind, now)
        )
        if check is not None:
            if not offline.override:
                return Refusal(RefusalReason.OFFLINE_LIMIT_EXCEEDED, offline_check=check)
            override_used = True
    spend = account.spend(points, today) if points else Spend(account, (), 0)
    return Approval(lines, points, cash, account.balance, spend, override_used)


def _above(limit: str, asked: int, bounds: Bounds, gift_id: GiftId | None = None) -> Refusal:
    return Refusal(
        RefusalReason.ABOVE_LIMIT,
        gift_id,
        needed=asked,
        available=int(getattr(bounds, limit)),
        limit=limit,
    )
