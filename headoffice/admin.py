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

from desktop.core import codes
from desktop.core.catalogue import Gift
from desktop.core.earning import Campaign
from desktop.core.errors import Conflict, InvalidInput, NotFound
from desktop.core.journeys import parse_config as parse_journeys
from desktop.core.limits import Bounds
from desktop.core.lots import LotId, PointLot, PointsAccount
from desktop.core.members import Member
from desktop.core.offline import OfflineLimits
from headoffice.accounts import apply_account, expiry_policy, load_account
from headoffice.auth import hash_secret, new_secret, validate_store_id
from headoffice.db import Database, Tx

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SETTING_KEYS = ("offline_limits", "expiry_years_kept", "bounds", "journeys")


@dataclass(frozen=True, slots=True)
class Opening:
    """Points a member brings in when head office registers them (an opening lot)."""

    points: int
    earned_on: date | None = None  # default: today
    expires_on: date | None = None  # default: by the expiry policy


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
        values = (
            gift.name_zh,
            gift.name_en,
            gift.category,
            json.dumps([[p.points, p.cash_fen] for p in gift.prices]),
            gift.min_tier.value,
            _iso(gift.active_from),
            _iso(gift.active_until),
            gift.low_stock_threshold,
            self._now(),
            gift.gift_id,
        )
        with self.db.transaction() as tx:
            if not tx.execute(
                "UPDATE gifts SET name_zh = ?, name_en = ?, category = ?, prices = ?, "
                "min_tier = ?, active_from = ?, active_until = ?, low_stock_threshold = ?, "
                "updated_at = ? WHERE gift_id = ?",
                values,
            ):
                tx.execute(
                    "INSERT INTO gifts (name_zh, name_en, category, prices, min_tier, "
                    "active_from, active_until, low_stock_threshold, updated_at, gift_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
            tx.changed("gift", gift.gift_id)

    def upsert_campaign(self, c: Campaign) -> None:
        tiers = ",".join(sorted(t.value for t in c.tiers))
        values = (c.name, c.starts.isoformat(), c.ends.isoformat(), c.multiplier_permille)
        with self.db.transaction() as tx:
            if not tx.execute(
                "UPDATE campaigns SET name = ?, starts = ?, ends = ?, multiplier_permille = ?, "
                "tiers = ? WHERE campaign_id = ?",
                (*values, tiers, c.campaign_id),
            ):
                tx.execute(
                    "INSERT INTO campaigns (name, starts, ends, multiplier_permille, tiers, "
                    "campaign_id) VALUES (?, ?, ?, ?, ?, ?)",
                    (*values, tiers, c.campaign_id),
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

    def set_setting(self, key: str, value: Any) -> None:
        if key not in SETTING_KEYS:
            raise InvalidInput(f"unknown setting {key!r}; known: {', '.join(SETTING_KEYS)}")
        if key == "expiry_years_kept" and (not isinstance(value, int) or value < 0):
            raise InvalidInput("expiry_years_kept must be a whole number of zero or more")
        if key == "bounds":  # every field, each a whole number from 1 to 10^12
            if not isinstance(value, dict):
                raise InvalidInput("bounds must be an object of limits (desktop/core/limits.py)")
            unknown = sorted(set(value) - set(Bounds().as_dict()))
            if unknown:
                raise InvalidInput(f"unknown bound(s) {', '.join(unknown)}")
            value = Bounds.from_mapping(value).as_dict()
        if key == "journeys":  # the whole rule set, checked as the stores will read it
            value = parse_journeys(value).as_dict()
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
    def deliver(self, store_id: str, gift_id: str, quantity: int, note: str = "") -> str:
        """Send gifts to one store; only that store pulls the delivery. Returns its id."""
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise InvalidInput(f"a delivery quantity must be greater than zero, got {quantity}")
        delivery_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 AS x FROM stores WHERE store_id = ?", (store_id,)) is None:
                raise NotFound(f"no store {store_id!r}")
            if tx.one("SELECT 1 AS x FROM gifts WHERE gift_id = ?", (gift_id,)) is None:
                raise NotFound(f"no gift {gift_id!r} in the catalogue")
            tx.execute(
                "INSERT INTO deliveries (delivery_id, store_id, gift_id, quantity, note, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (delivery_id, store_id, gift_id, quantity, note, self._now()),
            )
            tx.changed("delivery", delivery_id, store_id)
        return delivery_id

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
