"""Head-office administration: stores, members and cards, the catalogue, campaigns,
settings, card designs, deliveries, keys, expiry. Each operation is one transaction, and
everything stores must know is written to the change log so they pull it."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from desktop.core import codes, coupons, programme, wire
from desktop.core.catalogue import Gift, Price
from desktop.core.earning import Campaign
from desktop.core.errors import Conflict, InvalidInput, NotFound
from desktop.core.limits import Bounds
from desktop.core.lots import LotId, PointLot, PointsAccount
from desktop.core.members import Member
from desktop.core.occasions import OccasionConfig
from desktop.core.offline import OfflineLimits
from desktop.core.risk import parse_rules
from desktop.core.stock_policy import is_slow_mover, repriced_points
from headoffice.accounts import apply_account, bounds, expiry_policy, load_account
from headoffice.auth import hash_secret, new_secret, validate_store_id
from headoffice.db import Database, Tx

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SETTING_KEYS = wire.SETTING_KEYS
#: the store events head office reads a store's stock from (slow movers)
_STOCK_KINDS = ("redemption", "stock_receive", "stock_adjust")


@dataclass(frozen=True, slots=True)
class Opening:
    """Points a member brings in when head office registers them (an opening lot)."""

    points: int
    earned_on: date | None = None  # default: today
    expires_on: date | None = None  # default: by the expiry policy


@dataclass(frozen=True, slots=True)
class SlowMover:
    """A gift with stock at some store (as head office knows it: deliveries, the store's
    stock events, less its redemptions not voided) and no redemption there for a while."""

    gift_id: str
    name_zh: str
    points: int  # the default price
    stocked: tuple[str, ...]  # stores where head office reckons it is in stock
    slow: tuple[str, ...]  # those of them where nothing was redeemed in the period
    last_redemption: date | None  # at any store

    @property
    def everywhere(self) -> bool:
        """Slow at every store that holds it: a candidate for a chain-wide price change."""
        return bool(self.slow) and self.slow == self.stocked


@dataclass(frozen=True, slots=True)
class Repriced:
    gift_id: str
    before: tuple[int, ...]  # points of each price option
    after: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class IssuedCard:
    member_id: str
    serial: int
    card_number: str | None


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


class Admin:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _now(self) -> str:
        return self.clock().isoformat()

    # --- stores -----------------------------------------------------------------------
    def create_store(self, store_id: str, name: str) -> str:
        """Register a store; returns its secret, which head office never shows again
        (only an scrypt hash is kept)."""
        validate_store_id(store_id)
        if not name.strip():
            raise InvalidInput("a store needs a name")
        secret = new_secret()
        hashed = hash_secret(secret)  # slow on purpose: not inside the transaction
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 AS x FROM stores WHERE store_id = ?", (store_id,)):
                raise Conflict(f"store {store_id} already exists")
            tx.execute(
                "INSERT INTO stores (store_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                (store_id, name.strip(), hashed, self._now()),
            )
        log.info("store %s registered", store_id)
        return secret

    def revoke_store(self, store_id: str) -> None:
        """The store's credentials stop working at once (its next request gets 401)."""
        with self.db.transaction() as tx:
            if not tx.execute("UPDATE stores SET revoked = 1 WHERE store_id = ?", (store_id,)):
                raise NotFound(f"no store {store_id!r}")
        log.info("store %s revoked", store_id)

    def rotate_secret(self, store_id: str) -> str:
        """A new secret for a store (returned once, kept only as a hash); the old one stops
        working at once, in every service process."""
        secret = new_secret()
        hashed = hash_secret(secret)
        with self.db.transaction() as tx:
            if not tx.execute(
                "UPDATE stores SET secret_hash = ? WHERE store_id = ?", (hashed, store_id)
            ):
                raise NotFound(f"no store {store_id!r}")
        log.info("store %s has a new secret", store_id)
        return secret

    def stores(self) -> list[dict[str, Any]]:
        """Every store with its sync state: acknowledged seq, parked events, flags."""
        with self.db.transaction(write=False) as tx:
            return tx.all(
                "SELECT s.store_id, s.name, s.revoked, s.flagged, s.flag_reason, s.head_seq, "
                "s.last_push_at, COALESCE(MAX(e.seq), 0) AS acked_seq, "
                "COALESCE(SUM(CASE WHEN e.outcome = 'rejected' THEN 1 ELSE 0 END), 0) AS parked "
                "FROM stores s LEFT JOIN store_events e ON e.store_id = s.store_id "
                "GROUP BY s.store_id, s.name, s.revoked, s.flagged, s.flag_reason, s.head_seq, "
                "s.last_push_at ORDER BY s.store_id"
            )

    # --- members and cards --------------------------------------------------------------
    def upsert_member(self, member: Member, opening: Sequence[Opening] = ()) -> None:
        """Add a member, or update one's name, tier, status, card number and birthday;
        each `opening` becomes a new lot (earned today unless told, expiring by the
        expiry policy unless told)."""
        codes.member_no(member.member_id)  # codes carry the number: M + 8 digits only
        for o in opening:
            if isinstance(o.points, bool) or not isinstance(o.points, int) or o.points <= 0:
                raise InvalidInput(f"opening points must be greater than zero, got {o.points}")
        now = self._now()
        with self.db.transaction() as tx:
            exists = tx.one(
                "SELECT member_id FROM members WHERE member_id = ?" + tx.for_update,
                (member.member_id,),
            )
            if member.card_number is not None:
                holder = tx.scalar(
                    "SELECT member_id FROM members WHERE card_number = ? AND member_id <> ?",
                    (member.card_number, member.member_id),
                )
                if holder is not None:
                    raise Conflict(f"card number {member.card_number} belongs to {holder}")
            values = (
                member.name,
                member.tier.value,
                member.status.value,
                member.card_number,
                _iso(member.birthday),
                now,
                member.member_id,
            )
            if exists:
                tx.execute(
                    "UPDATE members SET name = ?, tier = ?, status = ?, card_number = ?, "
                    "birthday = ?, updated_at = ? WHERE member_id = ?",
                    values,
                )
            else:
                tx.execute(
                    "INSERT INTO members (name, tier, status, card_number, birthday, updated_at, "
                    "member_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
            tx.changed("member", member.member_id)
            for o in opening:
                self._opening_lot(tx, member.member_id, o)

    def _opening_lot(self, tx: Tx, member_id: str, o: Opening) -> None:
        earned = o.earned_on or self.clock().date()
        expires = o.expires_on or expiry_policy(tx).expires_on(earned)
        if expires < earned:
            raise InvalidInput(f"opening points cannot expire ({expires}) before {earned}")
        before = load_account(tx, member_id)
        lot = PointLot(LotId(f"opening-{uuid.uuid4()}"), earned, expires, o.points, o.points)
        after = PointsAccount((*before.lots, lot), before.debt)
        apply_account(tx, member_id, before, after, "opening", lot.lot_id, self._now())

    def issue_card(self, member_id: str) -> IssuedCard:
        """A new card for the member: the serial goes up by one and every older card of
        theirs stops working once stores have pulled the change."""
        with self.db.transaction() as tx:
            row = tx.one(
                "SELECT card_serial, card_number FROM members WHERE member_id = ?" + tx.for_update,
                (member_id,),
            )
            if row is None:
                raise NotFound(f"no member {member_id!r}")
            serial = int(row["card_serial"] or 0) + 1
            if serial > 65535:
                raise InvalidInput(f"member {member_id} has used every card serial")
            tx.execute(
                "UPDATE members SET card_serial = ?, updated_at = ? WHERE member_id = ?",
                (serial, self._now(), member_id),
            )
            tx.changed("member", member_id)
        return IssuedCard(member_id, serial, row["card_number"])

    def revoke_card(self, member_id: str, serial: int) -> None:
        member_no = codes.member_no(member_id)
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 AS x FROM members WHERE member_id = ?", (member_id,)) is None:
                raise NotFound(f"no member {member_id!r}")
            tx.execute(
                "INSERT INTO revocations (member_no, serial, revoked_at) VALUES (?, ?, ?) "
                "ON CONFLICT (member_no, serial) DO NOTHING",
                (member_no, serial, self._now()),
            )
            tx.changed("revocation", f"{member_no}:{serial}")

    # --- catalogue, campaigns, designs, settings ----------------------------------------
    def upsert_gift(self, gift: Gift) -> None:
        terms = gift.terms_dict()
        values = (
            gift.name_zh,
            gift.name_en,
            gift.category,
            json.dumps([[p.points, p.cash_fen] for p in gift.prices]),
            gift.min_tier.value,
            _iso(gift.active_from),
            _iso(gift.active_until),
            gift.low_stock_threshold,
            gift.kind.value,
            None if terms is None else json.dumps(terms, ensure_ascii=False, sort_keys=True),
            self._now(),
            gift.gift_id,
        )
        with self.db.transaction() as tx:
            if not tx.execute(
                "UPDATE gifts SET name_zh = ?, name_en = ?, category = ?, prices = ?, "
                "min_tier = ?, active_from = ?, active_until = ?, low_stock_threshold = ?, "
                "kind = ?, terms = ?, updated_at = ? WHERE gift_id = ?",
                values,
            ):
                tx.execute(
                    "INSERT INTO gifts (name_zh, name_en, category, prices, min_tier, "
                    "active_from, active_until, low_stock_threshold, kind, terms, updated_at, "
                    "gift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
            tx.changed("gift", gift.gift_id)

    def upsert_campaign(self, c: Campaign) -> None:
        tiers = ",".join(sorted(t.value for t in c.tiers))
        values = (c.name, c.starts.isoformat(), c.ends.isoformat(), c.multiplier_permille)
        occasion = c.occasion.value if c.occasion else None
        with self.db.transaction() as tx:
            if not tx.execute(
                "UPDATE campaigns SET name = ?, starts = ?, ends = ?, multiplier_permille = ?, "
                "tiers = ?, occasion = ? WHERE campaign_id = ?",
                (*values, tiers, occasion, c.campaign_id),
            ):
                tx.execute(
                    "INSERT INTO campaigns (name, starts, ends, multiplier_permille, tiers, "
                    "occasion, campaign_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*values, tiers, occasion, c.campaign_id),
                )
            tx.changed("campaign", c.campaign_id)

    def set_design(self, occasion: str, design: dict[str, Any]) -> None:
        if not occasion.strip() or not isinstance(design, dict):
            raise InvalidInput("a card design needs an occasion and a JSON object")
        self._upsert_json(
            "card_designs", "occasion", occasion, "design", design, ("design", occasion)
        )

    def set_offline_limits(self, changes: dict[str, Any]) -> OfflineLimits:
        """Change some of the offline caps (fields of desktop.core.offline.OfflineLimits);
        the others keep their current values. Returns the caps now in force."""
        known = {f.name for f in fields(OfflineLimits)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise InvalidInput(
                f"unknown offline cap(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        for k, v in changes.items():
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise InvalidInput(f"offline cap {k} must be a whole number of zero or more")
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT value FROM settings WHERE key = 'offline_limits'")
        current = json.loads(row["value"]) if row else asdict(OfflineLimits())
        limits = OfflineLimits(**{**current, **changes})
        self.set_setting("offline_limits", asdict(limits))
        return limits

    def set_occasions(self, changes: dict[str, Any]) -> OccasionConfig:
        """Change some of the occasion switches (member_day, valentines, qixi); the others
        keep their current values. Returns the switches now in force."""
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT value FROM settings WHERE key = 'occasions'")
        current = json.loads(row["value"]) if row else OccasionConfig().as_dict()
        config = OccasionConfig.from_setting({**current, **changes})
        self.set_setting("occasions", config.as_dict())
        return config

    def set_setting(self, key: str, value: Any) -> None:
        if key not in SETTING_KEYS:
            raise InvalidInput(f"unknown setting {key!r}; known: {', '.join(SETTING_KEYS)}")
        if key == "expiry_years_kept" and (not isinstance(value, int) or value < 0):
            raise InvalidInput("expiry_years_kept must be a whole number of zero or more")
        if key in programme.PARSERS:  # checked as the stores will check it
            value = programme.PARSERS[key](value)
        if key == "bounds":  # every field, each a whole number from 1 to 10^12
            if not isinstance(value, dict):
                raise InvalidInput("bounds must be an object of limits (desktop/core/limits.py)")
            unknown = sorted(set(value) - set(Bounds().as_dict()))
            if unknown:
                raise InvalidInput(f"unknown bound(s) {', '.join(unknown)}")
            value = Bounds.from_mapping(value).as_dict()
        if key == "risk_rules":  # head office refuses what a store would skip
            rules, problems = parse_rules(value)
            if problems:
                raise InvalidInput(problems[0])
            value = rules.as_dict()
        self._upsert_json("settings", "key", key, "value", value, ("setting", key))

    def _upsert_json(
        self, table: str, key_col: str, key: str, col: str, value: Any, change: tuple[str, str]
    ) -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self.db.transaction() as tx:
            if not tx.execute(
                f"UPDATE {table} SET {col} = ?, updated_at = ? WHERE {key_col} = ?",
                (text, self._now(), key),
            ):
                tx.execute(
                    f"INSERT INTO {table} ({key_col}, {col}, updated_at) VALUES (?, ?, ?)",
                    (key, text, self._now()),
                )
            tx.changed(*change)

    # --- deliveries and keys ------------------------------------------------------------
    def deliver(
        self,
        store_id: str,
        gift_id: str,
        quantity: int,
        note: str = "",
        request_id: str | None = None,
    ) -> str:
        """Send gifts to one store; only that store pulls the delivery. Returns its id.
        Naming a replenishment request (`request_id`) of that store and gift marks it
        fulfilled, here and at the store when it receives the delivery."""
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise InvalidInput(f"a delivery quantity must be greater than zero, got {quantity}")
        delivery_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 AS x FROM stores WHERE store_id = ?", (store_id,)) is None:
                raise NotFound(f"no store {store_id!r}")
            if tx.one("SELECT 1 AS x FROM gifts WHERE gift_id = ?", (gift_id,)) is None:
                raise NotFound(f"no gift {gift_id!r} in the catalogue")
            if request_id is not None:
                asked = tx.one(
                    "SELECT store_id, gift_id, delivery_id FROM replenishment_requests "
                    "WHERE request_id = ?" + tx.for_update,
                    (request_id,),
                )
                if asked is None:
                    raise NotFound(
                        f"no replenishment request {request_id!r}: see `lantern headoffice "
                        "replenishments`"
                    )
                if (asked["store_id"], asked["gift_id"]) != (store_id, gift_id):
                    raise InvalidInput(
                        f"replenishment request {request_id} is store {asked['store_id']}'s "
                        f"for gift {asked['gift_id']}, not store {store_id}'s for {gift_id}"
                    )
                if asked["delivery_id"] is not None:
                    raise Conflict(
                        f"replenishment request {request_id} was already answered by "
                        f"delivery {asked['delivery_id']}"
                    )
                tx.execute(
                    "UPDATE replenishment_requests SET delivery_id = ?, fulfilled_at = ? "
                    "WHERE request_id = ?",
                    (delivery_id, self._now(), request_id),
                )
            tx.execute(
                "INSERT INTO deliveries (delivery_id, store_id, gift_id, quantity, note, "
                "created_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (delivery_id, store_id, gift_id, quantity, note, self._now(), request_id),
            )
            tx.changed("delivery", delivery_id, store_id)
        return delivery_id

    # --- stock intelligence ---------------------------------------------------------------
    def replenishments(self, open_only: bool = False) -> list[dict[str, Any]]:
        """The replenishment requests stores sent, oldest first (`open_only`: not yet
        answered by a delivery)."""
        where = " WHERE delivery_id IS NULL" if open_only else ""
        with self.db.transaction(write=False) as tx:
            return tx.all(
                "SELECT request_id, store_id, gift_id, quantity, stock, threshold, staff_id, "
                "note, requested_at, delivery_id, fulfilled_at FROM replenishment_requests"
                + where
                + " ORDER BY requested_at, request_id"
            )

    def slow_movers(self, days: int = 90, today: date | None = None) -> list[SlowMover]:
        """Gifts some store holds (as head office reckons from deliveries and the stores'
        stock and redemption events) but redeemed nothing of in the last `days` days."""
        if isinstance(days, bool) or not 1 <= days <= 3650:
            raise InvalidInput(f"a slow-mover period is 1 to 3650 days, got {days}")
        day = today or self.clock().date()
        with self.db.transaction(write=False) as tx:
            return _slow_movers(tx, days, day)

    def reprice(
        self, gift_id: str, *, points: int | None = None, percent: int | None = None
    ) -> Repriced:
        """Change a gift's price in points: `points` sets the default price's points,
        `percent` changes every price option's points (−20: a fifth off). Stores pull it."""
        with self.db.transaction() as tx:
            return self._reprice(tx, gift_id, points, percent)

    def reprice_slow_movers(self, percent: int, days: int = 90) -> list[Repriced]:
        """Every gift slow at each store that holds it, repriced by `percent`, at once."""
        if isinstance(days, bool) or not 1 <= days <= 3650:
            raise InvalidInput(f"a slow-mover period is 1 to 3650 days, got {days}")
        day = self.clock().date()
        with self.db.transaction() as tx:
            slow = [s for s in _slow_movers(tx, days, day) if s.everywhere]
            return [self._reprice(tx, s.gift_id, None, percent) for s in slow]

    def _reprice(self, tx: Tx, gift_id: str, points: int | None, percent: int | None) -> Repriced:
        if (points is None) == (percent is None):
            raise InvalidInput("give either the new points (--points) or a change (--percent)")
        row = tx.one("SELECT prices FROM gifts WHERE gift_id = ?" + tx.for_update, (gift_id,))
        if row is None:
            raise NotFound(f"no gift {gift_id!r} in the catalogue")
        prices = [[int(p), int(c)] for p, c in json.loads(row["prices"])]
        before = tuple(p for p, _ in prices)
        if points is not None:
            if isinstance(points, bool) or points <= 0:
                raise InvalidInput(f"a price in points must be greater than zero, got {points}")
            prices[0][0] = points
        else:
            assert percent is not None
            prices = [[repriced_points(p, percent), c] for p, c in prices]
        limit = bounds(tx)
        for p, c in prices:
            limit.check("price_points", Price(p, c).points, f"gift {gift_id}'s new price")
        tx.execute(
            "UPDATE gifts SET prices = ?, updated_at = ? WHERE gift_id = ?",
            (json.dumps(prices), self._now(), gift_id),
        )
        tx.changed("gift", gift_id)
        after = tuple(p for p, _ in prices)
        log.info("gift %s repriced: %s -> %s points", gift_id, before, after)
        return Repriced(gift_id, before, after)

    def trust_key(self, key: codes.IssuerKey) -> None:
        """Publish an issuing key's public half (or change its not-after day) to stores."""
        if len(key.public) != 32 or not 0 <= key.key_id <= 255:
            raise InvalidInput("an issuing key has an id 0..255 and a 32-byte public half")
        with self.db.transaction() as tx:
            held = tx.one("SELECT public FROM issuer_keys WHERE key_id = ?", (key.key_id,))
            if held is not None and held["public"] != key.public.hex():
                raise Conflict(f"key id {key.key_id} is already another key")
            if held is None:
                tx.execute(
                    "INSERT INTO issuer_keys (key_id, public, not_after, added_at) "
                    "VALUES (?, ?, ?, ?)",
                    (key.key_id, key.public.hex(), _iso(key.not_after), self._now()),
                )
            else:
                tx.execute(
                    "UPDATE issuer_keys SET not_after = ? WHERE key_id = ?",
                    (_iso(key.not_after), key.key_id),
                )
            tx.changed("key", str(key.key_id))

    # --- coupons ------------------------------------------------------------------------
    def _coupon(self, tx: Tx, code: str, lock: bool = False) -> coupons.CouponRecord | None:
        lock_it = tx.for_update if lock else ""
        r = tx.one("SELECT * FROM coupons WHERE code = ?" + lock_it, (code,))
        if r is None:
            return None
        return coupons.CouponRecord(
            str(r["code"]),
            str(r["gift_id"]),
            str(r["redemption_id"]),
            date.fromisoformat(str(r["valid_until"])),
            r["used_at"],
            r["voided_at"],
        )

    def check_coupon(
        self, text: str, today: date | None = None
    ) -> tuple[coupons.CouponStatus, coupons.CouponRecord | None]:
        """What a coupon code is worth today: valid, used, expired, voided, unknown (never
        issued by a redemption head office holds) or mistyped (its check character)."""
        code = coupons.normalise(text)
        if code is None:
            return coupons.CouponStatus.MISTYPED, None
        with self.db.transaction(write=False) as tx:
            record = self._coupon(tx, code)
        return coupons.status(record, today or self.clock().date()), record

    def use_coupon(
        self, text: str, used_by: str, today: date | None = None
    ) -> tuple[coupons.CouponStatus, coupons.CouponRecord | None]:
        """Mark a valid coupon used (once); any other verdict is returned unchanged and
        nothing is written. Returns the verdict before the use."""
        code = coupons.normalise(text)
        if code is None:
            return coupons.CouponStatus.MISTYPED, None
        if not used_by.strip():
            raise InvalidInput("say who is taking the coupon (--by, e.g. a till or staff id)")
        with self.db.transaction() as tx:
            record = self._coupon(tx, code, lock=True)
            verdict = coupons.status(record, today or self.clock().date())
            if verdict is coupons.CouponStatus.VALID:
                tx.execute(
                    "UPDATE coupons SET used_at = ?, used_by = ? "
                    "WHERE code = ? AND used_at IS NULL AND voided_at IS NULL",
                    (self._now(), used_by, code),
                )
        log.info("coupon %s… use by %s: %s", code[:4], used_by, verdict.value)
        return verdict, record

    # --- expiry -------------------------------------------------------------------------
    def run_expiry(self, today: date | None = None) -> int:
        """Write off every lot whose last valid day is before `today`, one member per
        transaction; returns the points expired. Safe to repeat."""
        day = today or self.clock().date()
        with self.db.transaction(write=False) as tx:
            members = [
                str(r["member_id"])
                for r in tx.all(
                    "SELECT DISTINCT member_id FROM lots WHERE remaining > 0 AND expires_on < ? "
                    "ORDER BY member_id",
                    (day.isoformat(),),
                )
            ]
        total = 0
        for member_id in members:
            with self.db.transaction() as tx:
                before = load_account(tx, member_id)
                after, takes = before.expire(day)
                if takes:
                    ref = f"expiry-{day.isoformat()}-{member_id}"
                    apply_account(tx, member_id, before, after, "expire", ref, self._now())
                    total += sum(t.points for t in takes)
        log.info("expiry on %s: %d points written off for %d members", day, total, len(members))
        return total


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a whole number: {value!r}")
    return value


def _slow_movers(tx: Tx, days: int, today: date) -> list[SlowMover]:
    held: dict[tuple[str, str], int] = {}  # (store, gift) -> units head office reckons
    last: dict[tuple[str, str], date] = {}  # (store, gift) -> last redemption not voided
    for d in tx.all(
        "SELECT store_id, gift_id, SUM(quantity) AS n FROM deliveries GROUP BY store_id, gift_id"
    ):
        held[(str(d["store_id"]), str(d["gift_id"]))] = int(d["n"])
    voided = {
        str(r["redemption_id"])
        for r in tx.all("SELECT redemption_id FROM redemptions WHERE void_id IS NOT NULL")
    }
    events = tx.all(
        "SELECT store_id, kind, payload FROM store_events WHERE kind IN (?, ?, ?) "
        "AND outcome IN ('applied', 'applied_with_conflict') ORDER BY store_id, seq",
        _STOCK_KINDS,
    )
    for e in events:
        store, p = str(e["store_id"]), json.loads(e["payload"])
        try:
            if e["kind"] != "redemption":
                key = (store, str(p["gift_id"]))
                held[key] = held.get(key, 0) + _int(p["delta"])
                continue
            if p.get("redemption_id") in voided:
                continue
            day = date.fromisoformat(str(p["at"])[:10])
            for line in p["lines"]:
                key = (store, str(line[0]))
                held[key] = held.get(key, 0) - _int(line[1])
                last[key] = max(last.get(key, day), day)
        except (KeyError, IndexError, TypeError, ValueError) as err:  # recorded, never checked
            log.warning("slow movers: %s event of store %s skipped (%s)", e["kind"], store, err)
    gifts = {str(g["gift_id"]): g for g in tx.all("SELECT gift_id, name_zh, prices FROM gifts")}
    out: list[SlowMover] = []
    for gift_id in sorted(gifts):
        stocked = sorted(s for (s, g), n in held.items() if g == gift_id and n > 0)
        slow = tuple(
            s
            for s in stocked
            if is_slow_mover(held[(s, gift_id)], last.get((s, gift_id)), today, days)
        )
        if not slow:
            continue
        seen = [d for (_, g), d in last.items() if g == gift_id]
        g = gifts[gift_id]
        out.append(
            SlowMover(
                gift_id,
                str(g["name_zh"]),
                int(json.loads(g["prices"])[0][0]),
                tuple(stocked),
                slow,
                max(seen) if seen else None,
            )
        )
    return out
