"""Sync, store side, on real store files: pushing the outbox and recording head office's
answers; applying pages of changes (member snapshots with this store's unacknowledged
events re-applied, deliveries once, catalogue, keys, settings, designs, totals); a page
and its cursor in one transaction; the link state the offline caps follow."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.occasions import Occasion
from desktop.core.redemption import Refusal, RefusalReason
from desktop.printing.designs import load_designs
from desktop.services import sync_apply
from desktop.services.app import StoreServices
from desktop.services.printing import card_designs_folder
from desktop.services.sync import ChainMismatch, NotConnected
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings
from desktop.store.database import open_store
from desktop.store.staff import Staff
from desktop.sync.client import HeadOfficeUnreachable
from desktop.sync.protocol import parse_changes

from ._helpers import Clock, balance, ledger_sum, lots, one, rows, snapshot, staff, stock
from ._sync import ScriptedHeadOffice, lot, member, page

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points in three lots
POOR = "M00000002"  # regular, 780 points
CARD_1800 = (LineRequest("G1005"),)
BAG_100 = (LineRequest("G101"),)


@pytest.fixture
def ho() -> ScriptedHeadOffice:
    return ScriptedHeadOffice()


@pytest.fixture
def sapp(db_path: Path, clock: Clock, ho: ScriptedHeadOffice) -> Iterator[StoreServices]:
    """The store with its real link state (from the sync record), connected to `ho`."""
    app = StoreServices(open_store(db_path), clock)
    app.sync.client_factory = lambda url, store_id, secret: ho
    app.sync.connect("http://ho.test", "SH001", "s3cret")
    yield app
    app.close()


@pytest.fixture
def cashier(sapp: StoreServices) -> Staff:
    return staff(sapp, "C01")


def redeem(app: StoreServices, cashier: Staff, member_id: str, lines: Any) -> Receipt:
    r = app.till.redeem(cashier, str(uuid.uuid4()), member_id, lines)
    assert isinstance(r, Receipt), r
    return r


def consistent(app: StoreServices) -> None:
    assert app.setup.check() == []


def apply(app: StoreServices, data: dict[str, Any]) -> sync_apply.PageResult:
    """One page applied as a sync round applies it, without the round around it."""
    with app.db.write() as conn:
        return sync_apply.apply_page(
            conn,
            parse_changes(data),
            at=app.ctx.now().isoformat(),
            designs_folder=card_designs_folder(app.db.path),
        )


def acked(path: Path) -> int:
    value = one(path, "SELECT value FROM settings WHERE key = 'outbox_acked_seq'")
    return 0 if value is None else int(json.loads(value))


# --- push ------------------------------------------------------------------------------------
def test_push_sends_the_outbox_in_order_and_records_each_answer(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    # Given three redemptions after the day was opened (4 events)
    for _ in range(3):
        redeem(sapp, cashier, RICH, BAG_100)
    sapp.sync.batch_size = 2
    seen: list[tuple[str, int, int]] = []
    # When the store syncs
    report = sapp.sync.sync_once(lambda *p: seen.append(p))
    # Then head office got them in seq order, two per batch, and acknowledged all
    assert [e["seq"] for b in ho.pushes for e in b["events"]] == [1, 2, 3, 4]
    assert [len(b["events"]) for b in ho.pushes] == [2, 2]
    assert ho.pushes[-1]["head"]["seq"] == 4
    assert (report.pushed, report.applied, report.duplicates, report.parked) == (4, 4, 0, 0)
    assert (
        report.summary() == "4 events pushed, 4 applied, 0 duplicates, 0 parked; 0 changes pulled"
    )
    assert acked(db_path) == 4 and report.waiting == 0
    assert [tuple(r) for r in rows(db_path, "SELECT seq, outcome FROM sync_outcomes")] == [
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
        (4, "applied"),
    ]
    assert ("push", 4, 4) in seen and ("pull", 1, 1) in seen
    # And a second round sends nothing again (only the chain head)
    again = sapp.sync.sync_once()
    assert again.pushed == 0 and ho.pushes[-1]["events"] == []


def test_a_parked_event_is_recorded_with_its_error_and_never_blocks_the_queue(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    # Given head office parks the second event and applies one with a conflict
    def decide(ev: dict[str, Any]) -> tuple[str, str | None, str | None]:
        if ev["seq"] == 2:
            return "rejected", None, "unknown member M00000044"
        if ev["seq"] == 3:
            return "applied_with_conflict", "overdraft", None
        return "applied", None, None

    ho.decide = decide
    for _ in range(3):
        redeem(sapp, cashier, RICH, BAG_100)
    report = sapp.sync.sync_once()
    # Then the queue went past it, and the manager sees it with head office's error
    assert (report.pushed, report.applied, report.conflicts, report.parked) == (4, 3, 1, 1)
    assert acked(db_path) == 4
    status = sapp.sync.status()
    assert status.waiting == 0
    (parked,) = status.parked
    assert (parked.seq, parked.kind, parked.error) == (2, "redemption", "unknown member M00000044")
    assert status.outcomes == {"applied": 2, "applied_with_conflict": 1, "rejected": 1}
    assert one(db_path, "SELECT conflict FROM sync_outcomes WHERE seq = 3") == "overdraft"


def test_out_of_order_answers_are_resent_from_the_acknowledged_seq(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    # Given a head office that stores one event per push and answers the rest out_of_order
    ho.accept_only = 1
    for _ in range(3):
        redeem(sapp, cashier, RICH, BAG_100)
    report = sapp.sync.sync_once()
    # Then the store resent from acked + 1 until all were stored, each exactly once
    assert sorted(ho.stored) == [1, 2, 3, 4] and report.pushed == 4
    assert [b["events"][0]["seq"] for b in ho.pushes if b["events"]] == [1, 2, 3, 4]
    assert one(db_path, "SELECT COUNT(*) FROM sync_outcomes") == 4


def test_a_lost_answer_is_resent_and_answered_duplicate(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    # Given head office stored events 1..2 but its answer never arrived
    redeem(sapp, cashier, RICH, BAG_100)
    ho.stored = {1: rows(db_path, "SELECT event_id FROM outbox WHERE seq = 1")[0][0]}
    ho.stored[2] = rows(db_path, "SELECT event_id FROM outbox WHERE seq = 2")[0][0]
    report = sapp.sync.sync_once()
    assert (report.pushed, report.applied, report.duplicates) == (2, 0, 2)
    assert acked(db_path) == 2


def test_a_chain_mismatch_stops_the_round_and_acknowledges_nothing(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    ho.chain_ok = False
    redeem(sapp, cashier, RICH, BAG_100)
    with pytest.raises(ChainMismatch, match="edited or restored"):
        sapp.sync.sync_once()
    assert acked(db_path) == 0 and one(db_path, "SELECT COUNT(*) FROM sync_outcomes") == 0
    assert "edited" in sapp.sync.status().last_error


def test_not_connected_says_how_to_connect(db_path: Path, clock: Clock) -> None:
    app = StoreServices(open_store(db_path), clock)
    try:
        with pytest.raises(NotConnected, match="lantern store connect"):
            app.sync.sync_once()
        assert app.ctx.link().online  # standalone until connected
    finally:
        app.close()


def test_connect_refuses_another_stores_id_and_hides_the_secret(sapp: StoreServices) -> None:
    with pytest.raises(InvalidInput, match="belongs to store SH001"):
        sapp.sync.connect("http://ho.test", "BJ002", "x")
    assert "s3cret" not in repr(sapp.sync.status())


# --- link state --------------------------------------------------------------------------
def test_unreachable_head_office_is_offline_and_the_offline_caps_apply(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, clock: Clock, db_path: Path
) -> None:
    # Given a successful round, the store is online
    sapp.sync.sync_once()
    assert sapp.ctx.link().online
    # When head office goes down and the next round fails
    ho.down = True
    clock.advance(minutes=1)
    with pytest.raises(HeadOfficeUnreachable):
        sapp.sync.sync_once()
    # Then the store is offline, the reason and the offline period are recorded
    link = sapp.ctx.link()
    assert not link.online and link.last_sync is not None
    status = sapp.sync.status()
    assert "unreachable" in (status.last_error or "")
    assert [r[0] for r in rows(db_path, "SELECT online FROM link_log ORDER BY rowid")] == [1, 0]
    # And a static card over the per-member-day cap is refused
    basket = (*CARD_1800, LineRequest("G104"), LineRequest("G101"))  # 2,100 points
    result = sapp.till.redeem(cashier, "r", RICH, basket)
    assert isinstance(result, Refusal) and result.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
    # When head office is back, the store is online again
    ho.down = False
    sapp.sync.sync_once()
    assert sapp.ctx.link().online
    assert [r[0] for r in rows(db_path, "SELECT online FROM link_log ORDER BY rowid")] == [1, 0, 1]


def test_an_old_success_is_not_online_any_more(sapp: StoreServices, clock: Clock) -> None:
    sapp.sync.sync_once()
    clock.advance(minutes=11)
    assert not sapp.ctx.link().online


# --- member snapshots ---------------------------------------------------------------------
def test_a_snapshot_replaces_the_lots_and_keeps_this_stores_unacknowledged_redemption(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    local_lots = set(lots(db_path, RICH))
    # Given head office holds two lots for the member (none of the store's)
    ho.pages = [
        page(
            10,
            members=[
                member(
                    RICH,
                    [
                        lot("H1", 5000, expires_on="2026-12-31"),
                        lot("H2", 1000, 1200, expires_on="2026-06-30"),
                    ],
                )
            ],
        )
    ]
    # And the till redeems 1,800 points while the round is between push and pull
    ho.before_changes = lambda: redeem(sapp, cashier, RICH, CARD_1800)
    report = sapp.sync.sync_once()
    # Then the member holds head office's lots less the unacknowledged redemption,
    # taken earliest expiry first (H2 then H1)
    assert report.pulled == 1 and report.waiting == 1
    got = lots(db_path, RICH)
    assert got["H2"][2:] == (1200, 0)
    assert got["H1"][2:] == (5000, 4200)
    assert all(got[k][3] == 0 for k in local_lots)
    assert balance(db_path, RICH) == 4200 == ledger_sum(db_path, RICH)
    assert one(db_path, "SELECT COUNT(*) FROM points_ledger WHERE kind = 'sync'") > 0
    assert one(db_path, "SELECT pull_cursor FROM sync_state") == 10
    consistent(sapp)
    # And once head office has the redemption, its next snapshot is taken as it is
    ho.pages.append(page(11, members=[member(RICH, [lot("H1", 4200, 5000)])]))
    sapp.sync.sync_once()
    assert balance(db_path, RICH) == 4200 and lots(db_path, RICH)["H2"][3] == 0
    consistent(sapp)


def test_two_stores_spending_the_same_points_is_an_overdraft_on_the_reconciliation(
    sapp: StoreServices, cashier: Staff, db_path: Path
) -> None:
    # Given an unacknowledged redemption of 100 points
    redeem(sapp, cashier, POOR, BAG_100)
    before = balance(db_path, POOR)
    # When head office says the member only has 50 points (spent at another store)
    apply(sapp, page(5, members=[member(POOR, [lot("H9", 50, 780)], tier="regular")]))
    # Then the store shows the overdraft: balance negative by exactly the recorded debt
    assert before == 680
    assert balance(db_path, POOR) == -50
    assert one(db_path, "SELECT debt FROM members WHERE member_id = ?", (POOR,)) == 50
    consistent(sapp)
    assert any(POOR in o for o in sapp.reports.daily().overdrafts)


def test_a_void_of_an_acknowledged_redemption_is_given_back_on_top_of_the_snapshot(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    # Given a redemption head office has acknowledged
    r = redeem(sapp, cashier, RICH, CARD_1800)
    sapp.sync.sync_once()
    # And its void, not yet pushed
    sapp.till.void(cashier, staff(sapp, "M01"), "v1", r.receipt_no, "customer changed mind")
    # When head office's snapshot (with the redemption, without the void) arrives
    apply(sapp, page(3, members=[member(RICH, [lot("H1", 3200, 5000)])]))
    # Then the void's 1,800 points are given back on top: 5,000
    assert balance(db_path, RICH) == 5000 == ledger_sum(db_path, RICH)
    consistent(sapp)


def test_an_unacknowledged_earn_is_added_once(
    sapp: StoreServices, cashier: Staff, db_path: Path
) -> None:
    e = sapp.till.earn(cashier, "e1", POOR, 12_800)
    assert e.points > 0
    apply(sapp, page(4, members=[member(POOR, [lot("H9", 500)], tier="regular")]))
    assert balance(db_path, POOR) == 500 + e.points
    assert lots(db_path, POOR)[e.earn_id][3] == e.points
    # head office applied it (the lot has the earn id) but the ack is not in yet: no double
    apply(
        sapp,
        page(5, members=[member(POOR, [lot("H9", 500), lot(e.earn_id, e.points)], tier="regular")]),
    )
    assert balance(db_path, POOR) == 500 + e.points
    consistent(sapp)


def test_a_new_member_arrives_with_card_and_lots(sapp: StoreServices, db_path: Path) -> None:
    apply(
        sapp,
        page(
            6,
            members=[
                member(
                    "M00009999",
                    [lot("N1", 300)],
                    tier="gold",
                    name="李雷",
                    card_number="8800099990005",
                    card_serial=2,
                )
            ],
        ),
    )
    row = rows(db_path, "SELECT * FROM members WHERE member_id = 'M00009999'")[0]
    assert (row["name"], row["tier"], row["balance"], row["card_serial"]) == (
        "李雷",
        "gold",
        300,
        2,
    )
    consistent(sapp)


# --- deliveries, catalogue, keys, settings, designs, totals ---------------------------------
def test_a_delivery_applied_twice_adds_stock_once(
    sapp: StoreServices, ho: ScriptedHeadOffice, db_path: Path
) -> None:
    data = page(7, deliveries=[{"delivery_id": "d-1", "gift_id": "G101", "quantity": 24}])
    start = stock(db_path, "G101")
    first = apply(sapp, data)
    second = apply(sapp, data)
    assert (first.deliveries_received, second.deliveries_repeated) == (1, 1)
    assert stock(db_path, "G101") == start + 24
    assert one(db_path, "SELECT COUNT(*) FROM stock_ledger WHERE ref = 'd-1'") == 1
    consistent(sapp)


def test_a_delivery_of_an_unknown_gift_fails_the_page(sapp: StoreServices, db_path: Path) -> None:
    before = snapshot(db_path)
    with pytest.raises(Exception, match="G999"):
        apply(sapp, page(7, deliveries=[{"delivery_id": "d", "gift_id": "G999", "quantity": 1}]))
    assert snapshot(db_path) == before


DESIGN = {
    "occasion": "mid_autumn",
    "colours": {"background": "#1B2440", "accent": "#F4D35E", "text": "#F7F3E3"},
    "title_zh": "中秋快乐",
    "title_en": "Head office's Mid-Autumn",
    "message_zh": "{store_zh}祝您中秋快乐",
    "message_en": "Happy Mid-Autumn from {store_en}.",
    "ornament": "moon",
}


def test_catalogue_keys_revocations_settings_designs_and_totals(
    sapp: StoreServices, db_path: Path, clock: Clock
) -> None:
    stock_before = stock(db_path, "G101")
    data = page(
        8,
        gifts=[
            {
                "gift_id": "G101",
                "name_zh": "新购物袋",
                "name_en": "New bag",
                "category": "home",
                "prices": [[120, 0]],
                "low_stock_threshold": 5,
            },
            {
                "gift_id": "G900",
                "name_zh": "月饼",
                "name_en": "Mooncakes",
                "category": "food",
                "prices": [[800, 0], [400, 2000]],
                "min_tier": "gold",
                "active_from": "2026-09-01T00:00:00+08:00",
            },
        ],
        campaigns=[
            {
                "campaign_id": "MA2026",
                "name": "中秋双倍",
                "starts": "2026-09-20T00:00:00+08:00",
                "ends": "2026-09-30T00:00:00+08:00",
                "multiplier_permille": 2000,
                "tiers": "gold,platinum",
            }
        ],
        keys=[{"key_id": 9, "public": "cd" * 32, "not_after": "2027-01-01"}],
        revocations=[{"member_no": 44, "serial": 1}],
        settings={
            "offline_limits": {"per_redemption_points": 3000, "a_future_cap": 1},
            "expiry_years_kept": 2,
        },
        designs=[
            {"occasion": "mid_autumn", "design": DESIGN},
            {"occasion": "birthday", "design": {**DESIGN, "occasion": "birthday", "colours": 1}},
        ],
        totals=[{"day": "2026-06-15", "redemptions": 0, "points": 0, "cash_fen": 0}],
    )
    result = apply(sapp, data)
    # gifts: updated without touching stock; a new one starts at 0
    g = rows(db_path, "SELECT * FROM gifts WHERE gift_id = 'G101'")[0]
    assert (g["name_en"], g["prices"], g["stock"]) == ("New bag", "[[120, 0]]", stock_before)
    assert stock(db_path, "G900") == 0
    assert (
        one(db_path, "SELECT tiers FROM campaigns WHERE campaign_id = 'MA2026'") == "gold,platinum"
    )
    assert one(db_path, "SELECT public FROM issuer_keys WHERE key_id = 9") == "cd" * 32
    assert one(db_path, "SELECT COUNT(*) FROM revoked_cards WHERE member_no = 44") == 1
    # settings: only the caps this store knows; the expiry policy follows
    assert sapp.ctx.offline_limits().per_redemption_points == 3000
    assert sapp.ctx.expiry_policy().years_kept == 2
    # designs: the good one is where the print service reads overrides; the bad one skipped
    folder = db_path.parent / "store-card-designs"
    assert sapp.printing.designs_override == folder
    assert load_designs(override=folder)[Occasion.MID_AUTUMN].title_en == "Head office's Mid-Autumn"
    assert not (folder / "birthday.json").exists()
    assert len(result.problems) == 1 and "birthday" in result.problems[0]
    # totals: the reconciliation compares with head office's
    assert sapp.reports.daily().headoffice_match == "matches"


# --- a page and its cursor, in one transaction ----------------------------------------------
def _tables_but_sync_record(path: Path) -> dict[str, Any]:
    snap = snapshot(path)
    # (and the seal that binds that record: docs/tamper-evidence.md)
    return {k: v for k, v in snap.items() if k not in ("sync_state", "link_log", "seals")}


def test_a_failure_mid_page_leaves_neither_the_page_nor_its_cursor(
    sapp: StoreServices, ho: ScriptedHeadOffice, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a first page, and a second page of two members and a delivery
    ho.pages = [
        page(10, True, members=[member(POOR, [lot("A1", 700)], tier="regular")]),
        page(
            20,
            members=[
                member(RICH, [lot("B1", 9000)]),
                member("M00000001", [lot("B2", 10)], tier="regular"),
            ],
            deliveries=[{"delivery_id": "d-20", "gift_id": "G101", "quantity": 5}],
        ),
    ]
    # And the power fails while the second page's second member is being written
    real = sync_apply.apply_member
    calls: list[str] = []

    def failing(conn: sqlite3.Connection, snap: Any, *a: Any) -> None:
        calls.append(snap.member.member_id)
        if snap.member.member_id == "M00000001":
            raise RuntimeError("power cut")
        real(conn, snap, *a)

    monkeypatch.setattr(sync_apply, "apply_member", failing)
    rich_before = balance(db_path, RICH)
    with pytest.raises(RuntimeError, match="power cut"):
        sapp.sync.sync_once()
    # Then the first page and its cursor are in, and nothing of the second page is
    assert calls == [POOR, RICH, "M00000001"]
    assert one(db_path, "SELECT pull_cursor FROM sync_state") == 10
    assert balance(db_path, POOR) == 700
    assert balance(db_path, RICH) == rich_before and "B1" not in lots(db_path, RICH)
    assert one(db_path, "SELECT COUNT(*) FROM received_deliveries") == 0
    after_failure = _tables_but_sync_record(db_path)
    assert "power cut" in (sapp.sync.status().last_error or "")
    # When the fault is gone, the next round resumes at the second page, not the first
    monkeypatch.setattr(sync_apply, "apply_member", real)
    sapp.sync.sync_once()
    assert ho.asked == [0, 10, 10]
    assert balance(db_path, RICH) == 9000 and balance(db_path, "M00000001") == 10
    assert one(db_path, "SELECT COUNT(*) FROM received_deliveries") == 1
    assert _tables_but_sync_record(db_path) != after_failure
    consistent(sapp)


def test_a_page_that_fails_changes_nothing_at_all(
    sapp: StoreServices, ho: ScriptedHeadOffice, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sapp.sync.sync_once()
    before = _tables_but_sync_record(db_path)
    cursor = one(db_path, "SELECT pull_cursor FROM sync_state")
    ho.pages = [
        page(
            30,
            gifts=[
                {
                    "gift_id": "G101",
                    "name_zh": "x",
                    "name_en": "x",
                    "category": "home",
                    "prices": [[1, 0]],
                }
            ],
            members=[member(RICH, [lot("C1", 1)])],
            designs=[{"occasion": "mid_autumn", "design": DESIGN}],
        )
    ]

    def boom(*a: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(sync_apply, "apply_member", boom)
    with pytest.raises(RuntimeError):
        sapp.sync.sync_once()
    assert _tables_but_sync_record(db_path) == before
    assert one(db_path, "SELECT pull_cursor FROM sync_state") == cursor
    assert not (db_path.parent / "store-card-designs").exists()


# --- migration ------------------------------------------------------------------------------
def test_migration_5_keeps_every_ledger_row_and_the_append_only_triggers(
    sapp: StoreServices, db_path: Path
) -> None:
    assert sapp.db.schema_version >= 5
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), sapp.db.write() as conn:
        conn.execute("DELETE FROM points_ledger")
    with pytest.raises(sqlite3.IntegrityError), sapp.db.write() as conn:
        conn.execute(
            "INSERT INTO points_ledger (member_id, lot_id, delta, kind, ref, at) "
            "VALUES (?, NULL, 1, 'gift', 'x', 'y')",
            (RICH,),
        )
    consistent(sapp)
    assert settings.get(sapp.db.conn, "outbox_acked_seq") is None  # until the first answer


def test_offline_status_counts_waiting_events(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, clock: Clock
) -> None:
    ho.down = True
    redeem(sapp, cashier, RICH, BAG_100)
    with pytest.raises(HeadOfficeUnreachable):
        sapp.sync.sync_once()
    s = sapp.sync.status()
    assert (s.online, s.waiting, s.acked_seq, s.head_seq) == (False, 2, 0, 2)
    assert s.last_success_at is None and s.last_attempt_at == clock.now


def test_a_head_office_restored_from_an_old_backup_gets_the_events_again(
    sapp: StoreServices, ho: ScriptedHeadOffice, cashier: Staff, db_path: Path
) -> None:
    # Given every event acknowledged
    redeem(sapp, cashier, RICH, BAG_100)
    sapp.sync.sync_once()
    assert acked(db_path) == 2
    # When head office comes back from a backup that has none of them
    ho.stored.clear()
    report = sapp.sync.sync_once()
    # Then it is told again, in order, in the same round
    assert sorted(ho.stored) == [1, 2] and report.pushed == 2
    assert acked(db_path) == 2


def test_connecting_to_another_head_office_pulls_from_the_beginning(
    sapp: StoreServices, ho: ScriptedHeadOffice, db_path: Path
) -> None:
    ho.pages = [page(40, members=[member(POOR, [lot("A1", 700)], tier="regular")])]
    sapp.sync.sync_once()
    assert one(db_path, "SELECT pull_cursor FROM sync_state") == 40
    sapp.sync.connect("http://ho.test", "SH001", "new-secret")  # same head office
    assert one(db_path, "SELECT pull_cursor FROM sync_state") == 40
    sapp.sync.connect("http://ho2.test", "SH001", "new-secret")
    assert one(db_path, "SELECT pull_cursor FROM sync_state") == 0


def test_a_card_number_head_office_moved_to_another_member_follows_it(
    sapp: StoreServices, db_path: Path
) -> None:
    card = one(db_path, "SELECT card_number FROM members WHERE member_id = ?", (POOR,))
    apply(sapp, page(9, members=[member(RICH, [lot("R1", 10)], card_number=card)]))
    assert one(db_path, "SELECT card_number FROM members WHERE member_id = ?", (RICH,)) == card
    assert one(db_path, "SELECT card_number FROM members WHERE member_id = ?", (POOR,)) is None
