"""What the till screen shows, as plain values: the shelf (each gift with its stock and, for the
member at the till, why they cannot take it), the basket, and the customer's view of both.

`load_shelf` runs on the database lane (desktop/ui/worker.py): it asks the redemption core
(through `TillService.quote`, one one-line basket per gift at its cheapest price) which gifts
the member can take. The GUI thread only lays the answer out."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.catalogue import Band, Gift, Price
from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.day import DayState
from desktop.services.till import LineRequest, MemberView, Receipt


def cheapest_option(gift: Gift) -> int:
    """The price option with the fewest points (then the least cash)."""
    return min(
        range(len(gift.prices)), key=lambda i: (gift.prices[i].points, gift.prices[i].cash_fen)
    )


@dataclass(frozen=True)
class Offer:
    gift: Gift
    stock: int
    refusal: Refusal | None  # why it cannot be taken now; None when it can
    band: Band = Band.LOW  # low / mid / high value (head office's `catalogue` setting)
    hot: bool = False  # among the most redeemed at this store recently
    low: bool = False  # at or below its low-stock alert (derived from the redemption rate)

    @property
    def available(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class Shelf:
    day: DayState
    offers: tuple[Offer, ...]
    view: MemberView | None  # the member the offers were judged for


def load_shelf(app: StoreServices, member_id: str | None, kind: CodeKind) -> Shelf:
    """The catalogue with stock, judged for a member (or for nobody). Runs on the worker."""
    day = app.day.state()
    catalogue = sorted(
        ((g.gift, g.stock, g.low) for g in app.stock.levels()),
        key=lambda gs: (gs[0].prices[0].points, gs[0].gift_id),
    )
    view = app.till.member_view(member_id) if member_id else None
    now = app.ctx.now()
    rules = app.catalogue.rules()
    hot = app.catalogue.hot(rules)
    offers = []
    for gift, stock, low in catalogue:
        refusal: Refusal | None = None
        if member_id is None:
            if not gift.active_at(now):
                refusal = Refusal(RefusalReason.GIFT_NOT_ACTIVE, gift.gift_id)
            elif stock <= 0:
                refusal = Refusal(RefusalReason.OUT_OF_STOCK, gift.gift_id, 1, stock)
        else:
            line = LineRequest(gift.gift_id, 1, cheapest_option(gift))
            decision = app.till.quote(member_id, (line,), kind)
            # Beyond the offline limits a manager may still override, and a risk rule that
            # asks for a second verification may be verified: not reasons to hide it.
            if isinstance(decision, Refusal) and decision.reason not in (
                RefusalReason.OFFLINE_LIMIT_EXCEEDED,
                RefusalReason.VERIFICATION_NEEDED,
            ):
                refusal = decision
        offers.append(Offer(gift, stock, refusal, gift.band(rules.bands), gift.gift_id in hot, low))
    return Shelf(day, tuple(offers), view)


@dataclass
class BasketItem:
    gift: Gift
    quantity: int = 1
    option: int = 0

    @property
    def price(self) -> Price:
        return self.gift.prices[self.option]

    @property
    def points(self) -> int:
        return self.price.points * self.quantity

    @property
    def cash_fen(self) -> int:
        return self.price.cash_fen * self.quantity


@dataclass
class Basket:
    items: list[BasketItem] = field(default_factory=list)
    current: int = -1  # the line the keyboard's +/−/payment keys act on

    def __len__(self) -> int:
        return len(self.items)

    @property
    def points(self) -> int:
        return sum(i.points for i in self.items)

    @property
    def cash_fen(self) -> int:
        return sum(i.cash_fen for i in self.items)

    def add(self, gift: Gift, spendable: int) -> BasketItem:
        """One more of `gift`: another unit on its line, or a new line paying by points alone
        when the member can afford that, else at the cheapest price."""
        for n, item in enumerate(self.items):
            if item.gift.gift_id == gift.gift_id:
                item.quantity += 1
                self.current = n
                return item
        left = spendable - self.points
        option = 0 if gift.prices[0].points <= left else cheapest_option(gift)
        self.items.append(BasketItem(gift, 1, option))
        self.current = len(self.items) - 1
        return self.items[-1]

    def change(self, index: int, delta: int) -> None:
        """Quantity up or down; down from 1 removes the line."""
        item = self.items[index]
        if item.quantity + delta <= 0:
            self.remove(index)
            return
        item.quantity += delta
        self.current = index

    def remove(self, index: int) -> None:
        del self.items[index]
        self.current = min(self.current, len(self.items) - 1)

    def set_option(self, index: int, option: int) -> None:
        self.items[index].gift.price(option)  # refuses an option the gift does not offer
        self.items[index].option = option
        self.current = index

    def clear(self) -> None:
        self.items.clear()
        self.current = -1

    def requests(self) -> tuple[LineRequest, ...]:
        return tuple(LineRequest(i.gift.gift_id, i.quantity, i.option) for i in self.items)


@dataclass(frozen=True)
class CustomerLine:
    name_zh: str
    name_en: str
    quantity: int
    points: int
    cash_fen: int


@dataclass(frozen=True)
class CustomerView:
    """What the customer-facing display shows; empty when nobody is being served."""

    masked_name: str = ""
    balance: int = 0
    lines: tuple[CustomerLine, ...] = ()
    points: int = 0
    cash_fen: int = 0
    points_after: int = 0
    receipt_no: str = ""  # set once redeemed: the display thanks the member

    @property
    def empty(self) -> bool:
        return not self.masked_name


def customer_view(view: MemberView | None, basket: Basket, receipt_no: str = "") -> CustomerView:
    if view is None:
        return CustomerView()
    lines = tuple(
        CustomerLine(i.gift.name_zh, i.gift.name_en, i.quantity, i.points, i.cash_fen)
        for i in basket.items
    )
    return CustomerView(
        view.member.masked_name,
        view.balance,
        lines,
        basket.points,
        basket.cash_fen,
        view.balance - basket.points,
        receipt_no,
    )


def thanks_view(receipt: Receipt) -> CustomerView:
    """The customer's view once redeemed: what was taken, the points after, the thanks."""
    lines = tuple(
        CustomerLine(
            x.name_zh,
            x.name_en,
            x.quantity,
            x.points_each * x.quantity,
            x.cash_fen_each * x.quantity,
        )
        for x in receipt.lines
    )
    return CustomerView(
        receipt.masked_name,
        receipt.balance_before,
        lines,
        receipt.points,
        receipt.cash_fen,
        receipt.balance_after,
        receipt.receipt_no,
    )
