"""Setting up a store: the database, staff, members (with opening lots), the catalogue,
and the integrity check that proves every cached figure equals its ledger."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.core.catalogue import Gift
from desktop.core.codes import IssuerKey, member_no
from desktop.core.errors import InvalidInput
from desktop.core.lots import LotId, PointLot, PointsAccount
from desktop.core.members import Member
from desktop.core.occasions import Occasion
from desktop.services.context import ServiceContext
from desktop.store import catalogue as gifts_repo
from desktop.store import checks, settings
from desktop.store import codes as codes_repo
from desktop.store import members as members_repo
from desktop.store.database import StoreDB, Tx, open_store
from desktop.store.staff import Staff, add_staff

log = logging.getLogger(__name__)


def init_store(
    path: Path | str, store_id: str, name_zh: str, name_en: str, timezone: str = "Asia/Shanghai"
) -> StoreDB:
    """Create (or re-open) a store database and record who this store is."""
    if not store_id.strip() or not store_id.replace("-", "").isalnum():
        raise InvalidInput(f"store id must be letters and digits (e.g. SH001), got {store_id!r}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {timezone!r} (e.g. Asia/Shanghai)") from None
    db = open_store(path, create=True)
    try:
        with db.write() as conn:
            existing = settings.get(conn, "store_id")
            if existing is not None and existing != store_id:
                raise InvalidInput(
                    f"{path} already belongs to store {existing}; use another file for {store_id}"
                )
            settings.put(conn, "store_id", store_id)
            settings.put(conn, "store_name_zh", name_zh)
            settings.put(conn, "store_name_en", name_en)
            settings.put(conn, "timezone", timezone)
    except BaseException:
        db.close()
        raise
    return db


def _check_serial(serial: int) -> None:
    if not 1 <= serial <= 65535:
        raise InvalidInput(f"a card serial is 1..65535, got {serial}")


@dataclass(frozen=True)
class OpeningLot:
    points: int
    earned_on: date
    expires_on: date


class SetupService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def add_staff(self, staff_id: str, name: str, role: str, pin: str) -> Staff:
        with self.db.write() as conn:
            return add_staff(conn, staff_id, name, role, pin)

    def add_member(self, member: Member, lots: tuple[OpeningLot, ...] = ()) -> None:
        """A member as head office issued them, with their opening point lots."""
        bounds = self.ctx.bounds()
        for lot in lots:
            bounds.check("opening_points", lot.points, "opening points")
        at = self.ctx.now().isoformat()
        with self.db.write() as conn:
            if members_repo.exists(conn, member.member_id):
                raise InvalidInput(f"member {member.member_id} already exists")
            members_repo.insert_member(conn, member)
            self._opening_lots(conn, member.member_id, lots, at)

    def _opening_lots(
        self, conn: Tx, member_id: str, lots: tuple[OpeningLot, ...], at: str
    ) -> None:
        if not lots:
            return
        after = PointsAccount(
            tuple(
                PointLot(
                    LotId(str(uuid.uuid4())), lot.earned_on, lot.expires_on, lot.points, lot.points
                )
                for lot in lots
            )
        )
        members_repo.apply_account(
            conn, member_id, PointsAccount(), after, "opening", "opening", at
        )

    def upsert_gift(self, gift: Gift, opening_stock: int = 0) -> None:
        bounds = self.ctx.bounds()
        for price in gift.prices:
            bounds.check("price_points", price.points, f"gift {gift.gift_id}'s price in points")
            bounds.check("price_cash_fen", price.cash_fen, f"gift {gift.gift_id}'s cash in fen")
        if opening_stock:
            bounds.check("stock_quantity", opening_stock, f"gift {gift.gift_id}'s opening stock")
        at = self.ctx.now().isoformat()
        with self.db.write() as conn:
            new = not gifts_repo.has_gift(conn, gift.gift_id)
            gifts_repo.upsert_gift(conn, gift)
            if new and opening_stock:
                gifts_repo.move_stock(
                    conn,
                    gift.gift_id,
                    opening_stock,
                    "receive",
                    "opening",
                    at,
                    None,
                    "opening stock",
                )

    def add_campaign(self, row: dict[str, Any]) -> None:
        for key in ("starts", "ends"):
            datetime.fromisoformat(row[key])
        occasion = row.get("occasion") or None
        if occasion is not None:
            Occasion(occasion)  # ValueError for an unknown one, before anything is written
        with self.db.write() as conn:
            gifts_repo.put_campaign_text(
                conn,
                row["campaign_id"],
                row["name"],
                row["starts"],
                row["ends"],
                int(row["multiplier_permille"]),
                row.get("tiers", ""),
                occasion,
            )

    # --- member codes (head office sends these; commands exist for set-up and support) ----
    def add_issuer_key(self, key: IssuerKey) -> None:
        with self.db.write() as conn:
            codes_repo.put_issuer_key(conn, key, self.ctx.now().isoformat())

    def set_card_serial(self, member_id: str, serial: int) -> None:
        """Head office issued card number `serial` to the member: older cards stop working."""
        _check_serial(serial)
        with self.db.write() as conn:
            members_repo.get_member(conn, member_id)
            codes_repo.set_card_serial(conn, member_id, serial)

    def revoke_card(self, member_id: str, serial: int) -> None:
        _check_serial(serial)
        with self.db.write() as conn:
            members_repo.get_member(conn, member_id)
            codes_repo.revoke(conn, member_no(member_id), serial, self.ctx.now().isoformat())

    def check(self) -> list[str]:
        """Every inconsistency between cached figures and their ledgers, and in the outbox
        chain; empty when the store is sound. Read-only. A damaged file is reported as
        such (restore the last backup), not raised."""
        with self.db.read() as conn:
            return checks.problems(conn, self.db.path)

    def member_cards(self) -> list[tuple[str, str | None]]:
        """(member id, card number) of every member, by member id (for printing cards)."""
        with self.db.read() as conn:
            return members_repo.cards(conn)

    def member_count(self) -> int:
        with self.db.read() as conn:
            return members_repo.count(conn)
