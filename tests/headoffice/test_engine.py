"""Every rule of docs/sync-protocol.md, run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date
from typing import Any

import pytest
from ho_helpers import (
    Clock,
    StoreLog,
    add_member,
    ledger_problems,
    member_row,
    outcomes,
    q,
    rechain,
    store,
)

from desktop.core import chain
from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.codes import IssuerKey
from desktop.core.members import Tier
from desktop.store import outbox
from headoffice.db import Database
from headoffice.engine import HeadOffice
from headoffice.protocol import BadRequest, Unauthorized

pytestmark = pytest.mark.headoffice


def gift(n: int, name: str = "") -> Gift:
    return Gift(GiftId(f"G{n}"), name or f"礼品{n}", f"gift {n}", "home", (Price(100 * n),))


def stored(db: Database, store_id: str) -> list[dict[str, Any]]:
    return q(
        db,
        "SELECT seq, event_id, outcome, conflict, error FROM store_events WHERE store_id = ? "
        "ORDER BY seq",
        (store_id,),
    )


# --- credentials ---------------------------------------------------------------------------
def test_only_a_known_unrevoked_store_with_its_secret_is_authenticated(
    ho: HeadOffice, db: Database
) -> None:
    a = store(ho, "SH001")
    assert ho.authenticate("SH001", a.secret)
    assert not ho.authenticate("SH001", a.secret + "x")
    assert not ho.authenticate("SH001", "")
    assert not ho.authenticate("NOPE", a.secret)
    # only an scrypt hash of the secret is kept
    (row,) = q(db, "SELECT secret_hash FROM stores")
    assert a.secret not in row["secret_hash"] and row["secret_hash"].startswith("scrypt$")
    ho.admin.revoke_store("SH001")
    assert not ho.authenticate("SH001", a.secret)
    with pytest.raises(Unauthorized):
        ho.push("SH001", a.body())


# --- push: applied, duplicate, out of order -------------------------------------------------
def test_redemption_applies_once_and_a_retry_is_answered_duplicate(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 500)
    a = store(ho, "SH001")
    a.redemption(m, 120)
    a.earn(m, 30)
    first = ho.push("SH001", a.body())
    assert outcomes(first) == ["applied", "applied"]
    assert first["acked_seq"] == 2 and first["chain"] == "ok"
    again = ho.push("SH001", a.body())  # the answer was lost: the store sends it all again
    assert outcomes(again) == ["duplicate", "duplicate"] and again["acked_seq"] == 2
    assert member_row(db, m)["balance"] == 500 - 120 + 30
    assert len(q(db, "SELECT * FROM ledger WHERE kind = 'redeem'")) == 1
    assert ledger_problems(db) == []


def test_resend_from_acked_seq_applies_only_the_rest(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    for _ in range(5):
        a.redemption(m, 100)
    assert outcomes(ho.push("SH001", a.body(a.events[:3]))) == ["applied"] * 3
    answer = ho.push("SH001", a.body())
    assert outcomes(answer) == ["duplicate"] * 3 + ["applied"] * 2
    assert answer["acked_seq"] == 5
    assert member_row(db, m)["balance"] == 500


def test_an_event_that_is_not_next_is_out_of_order_and_not_stored(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    e1, e2, e3, _, e5 = (a.redemption(m, 10) for _ in range(5))
    assert outcomes(ho.push("SH001", a.body([e1]))) == ["applied"]
    answer = ho.push("SH001", a.body([e3]))
    assert outcomes(answer) == ["out_of_order"] and answer["acked_seq"] == 1
    assert [r["seq"] for r in stored(db, "SH001")] == [1]
    answer = ho.push("SH001", a.body([e2, e3, e5]))
    assert outcomes(answer) == ["applied", "applied", "out_of_order"]
    assert answer["acked_seq"] == 3
    assert member_row(db, m)["balance"] == 970


# --- push: rejected and parked ---------------------------------------------------------------
def test_same_event_id_with_another_payload_is_rejected_and_parked(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    first = a.redemption(m, 100)
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    # the next event reuses the first one's id with another payload (correctly chained)
    a.add("redemption", {**first["payload"], "points": 900}, event_id=first["event_id"])
    a.earn(m, 5)
    answer = ho.push("SH001", a.body(a.events[1:]))
    assert outcomes(answer) == ["rejected", "applied"]
    assert "already stored" in answer["results"][0]["error"]
    assert answer["acked_seq"] == 3
    rows = stored(db, "SH001")
    assert rows[1]["outcome"] == "rejected" and "another payload" in rows[1]["error"]
    assert member_row(db, m)["balance"] == 1000 - 100 + 5  # never merged


def test_an_event_id_again_at_a_new_seq_with_the_same_payload_is_a_duplicate(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    first = a.redemption(m, 100)
    a.add("redemption", first["payload"], event_id=first["event_id"])
    a.redemption(m, 1)
    answer = ho.push("SH001", a.body())
    assert outcomes(answer) == ["applied", "duplicate", "applied"]
    assert answer["acked_seq"] == 3  # the position is recorded, so the queue moves on
    assert member_row(db, m)["balance"] == 899


def test_a_parked_event_does_not_block_the_next(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    a.redemption("M09999999", 100)  # unknown member at head office
    a.add("mystery", {"x": 1})  # a kind head office does not know
    a.redemption(m, 100)
    a.add("day_close", {"day": "2026-11-26", "manager_id": "M01"})
    a.add("expiry", {"member_id": m, "points": 5, "lots": []})  # head office runs its own
    answer = ho.push("SH001", a.body())
    assert outcomes(answer) == ["rejected", "rejected", "applied", "applied", "applied"]
    assert "unknown member" in answer["results"][0]["error"]
    assert "unknown event kind" in answer["results"][1]["error"]
    assert answer["acked_seq"] == 5
    assert [r["outcome"] for r in stored(db, "SH001")][:2] == ["rejected", "rejected"]
    assert member_row(db, m)["balance"] == 900
    # parked stays parked: a resend is a duplicate, not a second try
    assert outcomes(ho.push("SH001", a.body()))[:2] == ["duplicate", "duplicate"]


def test_a_broken_link_or_an_edited_event_is_parked(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    a.redemption(m, 100)
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    e2 = a.redemption(m, 100)
    e2["prev_hash"] = "1" * 64  # does not continue the chain head office holds
    e3 = a.redemption(m, 100)
    e3["payload"]["points"] = 1  # edited after hashing
    answer = ho.push("SH001", a.body([e2, e3]))
    assert outcomes(answer) == ["rejected", "rejected"]
    assert "does not continue the chain" in answer["results"][0]["error"]
    assert "hash does not match" in answer["results"][1]["error"]
    assert member_row(db, m)["balance"] == 900


# --- chain head ------------------------------------------------------------------------------
def test_an_edited_store_database_is_a_chain_mismatch_that_applies_nothing(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    a.redemption(m, 100)
    a.redemption(m, 200)
    assert outcomes(ho.push("SH001", a.body())) == ["applied", "applied"]
    # someone lowers event 2's points in the store database and recomputes the chain
    a.events[1]["payload"]["points"] = 20
    a.redemption(m, 50)
    a.events[1:] = rechain(a.events[1:], a.events[0]["hash"])
    answer = ho.push("SH001", a.body(a.events[1:]))
    assert answer["chain"] == "mismatch" and answer["results"] == []
    assert answer["acked_seq"] == 2
    assert [r["seq"] for r in stored(db, "SH001")] == [1, 2]  # event 3 not applied either
    assert member_row(db, m)["balance"] == 700
    (s,) = q(db, "SELECT flagged, flag_reason FROM stores")
    assert s["flagged"] == 1 and "seq 2" in s["flag_reason"]


def test_a_head_that_contradicts_the_last_head_pushed_is_a_mismatch(ho: HeadOffice) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    for _ in range(3):
        a.redemption(m, 10)
    # only event 1 is sent, but the head names event 3
    assert outcomes(ho.push("SH001", a.body(a.events[:1]))) == ["applied"]
    forged = {**a.body(a.events[1:]), "head": {"seq": 3, "hash": "ab" * 32}}
    assert ho.push("SH001", forged)["chain"] == "mismatch"
    # an event 3 that differs from the head head office recorded is caught too
    other = StoreLog("SH001", events=[dict(e) for e in a.events])
    other.events[2]["payload"] = {**other.events[2]["payload"], "points": 1}
    other.events[1:] = rechain(other.events[1:], other.events[0]["hash"])
    assert ho.push("SH001", other.body())["chain"] == "mismatch"
    assert ho.push("SH001", a.body())["chain"] == "ok"


# --- points: overdraft, void, earn, replay ----------------------------------------------------
def test_two_stores_spending_the_same_points_make_a_flagged_overdraft(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 500)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    a.redemption(m, 400)
    b.redemption(m, 400)
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    answer = ho.push("BJ001", b.body())
    assert outcomes(answer) == ["applied_with_conflict"]
    assert answer["results"][0]["conflict"] == "overdraft"
    row = member_row(db, m)
    assert (row["balance"], row["debt"], row["flagged"]) == (-300, 300, 1)
    assert "overdraft of 300 points" in row["flag_reason"]
    (snap,) = ho.changes("SH001", 0, 100)["members"]
    assert snap["balance"] == -300 and snap["debt"] == 300 and snap["flagged"] is True
    assert ledger_problems(db) == []


def test_void_after_overdraft_gives_back_exactly_what_was_taken(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 500)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    ra = a.redemption(m, 400)
    rb = b.redemption(m, 400)
    ho.push("SH001", a.body())
    ho.push("BJ001", b.body())
    b.void(rb)
    assert outcomes(ho.push("BJ001", b.body())) == ["duplicate", "applied"]
    row = member_row(db, m)
    assert (row["balance"], row["debt"]) == (100, 0)
    a.void(ra)
    ho.push("SH001", a.body())
    assert member_row(db, m)["balance"] == 500
    (lot,) = q(db, "SELECT original, remaining FROM lots")
    assert (lot["original"], lot["remaining"]) == (500, 500)
    # a second void of the same redemption is refused and parked
    a.add("void", {**a.events[-1]["payload"], "void_id": str(uuid.uuid4())})
    answer = ho.push("SH001", a.body())
    assert outcomes(answer)[-1] == "rejected" and "already voided" in answer["results"][-1]["error"]
    assert ledger_problems(db) == []


def test_void_after_earnings_paid_the_overdraft_returns_the_paid_part_as_a_lot(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 500)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    a.redemption(m, 400)
    rb = b.redemption(m, 400)
    b.earn(m, 200)  # pays 200 of the 300 debt
    ho.push("SH001", a.body())
    ho.push("BJ001", b.body())
    assert (member_row(db, m)["balance"], member_row(db, m)["debt"]) == (-100, 100)
    void = b.void(rb)
    ho.push("BJ001", b.body())
    row = member_row(db, m)
    assert (row["balance"], row["debt"]) == (300, 0)  # 500 - 400 + 200
    lots = {r["lot_id"]: r["remaining"] for r in q(db, "SELECT * FROM lots")}
    assert lots[f"{void['payload']['void_id']}-x"] == 200
    assert ledger_problems(db) == []


def test_a_void_of_a_redemption_head_office_never_applied_is_parked(ho: HeadOffice) -> None:
    m = add_member(ho, 1, 500)
    a = store(ho, "SH001")
    r = a.redemption("M09999999", 100)  # parked: unknown member
    a.void(r)
    a.redemption(m, 100)
    answer = ho.push("SH001", a.body())
    assert outcomes(answer) == ["rejected", "rejected", "applied"]
    assert "not applied" in answer["results"][1]["error"]


def test_earn_creates_a_lot_named_by_the_earn_id(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1)
    a = store(ho, "SH001")
    e = a.earn(m, 250)
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    (lot,) = q(db, "SELECT * FROM lots WHERE member_id = ?", (m,))
    assert lot["lot_id"] == e["payload"]["earn_id"]
    assert (lot["earned_on"], lot["expires_on"]) == ("2026-11-26", "2027-12-31")
    assert (lot["original"], lot["remaining"]) == (250, 250)
    # head office's expiry policy, not the store's
    ho.admin.set_setting("expiry_years_kept", 2)
    e2 = a.earn(m, 10)
    ho.push("SH001", a.body())
    (lot2,) = q(db, "SELECT expires_on FROM lots WHERE lot_id = ?", (e2["payload"]["earn_id"],))
    assert lot2["expires_on"] == "2028-12-31"
    assert member_row(db, m)["balance"] == 260


def test_a_phone_code_used_at_two_stores_is_applied_and_flagged(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 7, 1000)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    key = "7:0123456789abcdef0123456789abcdef:59012345"
    first = a.redemption(m, 100, replay_key=key, code_kind="rotating")
    b.redemption(m, 100, replay_key=key, code_kind="rotating")
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    answer = ho.push("BJ001", b.body())
    assert outcomes(answer) == ["applied_with_conflict"]
    assert answer["results"][0]["conflict"] == "code_replayed"
    row = member_row(db, m)
    assert row["balance"] == 800 and row["flagged"] == 1
    assert first["payload"]["redemption_id"] in row["flag_reason"]
    # replayed and overdrawn at once: both are reported, the replay first
    b.redemption(m, 5000, replay_key=key, code_kind="rotating")
    result = ho.push("BJ001", b.body())["results"][-1]
    assert result["conflict"] == "code_replayed"
    assert result["conflicts"] == ["code_replayed", "overdraft"]


# --- pull ------------------------------------------------------------------------------------
def test_changes_page_with_a_cursor_and_send_current_snapshots(
    ho: HeadOffice, clock: Clock
) -> None:
    store(ho, "SH001")
    for n in range(1, 6):
        ho.admin.upsert_gift(gift(n))
    seen, cursor, pages = [], 0, 0
    while True:
        page = ho.changes("SH001", cursor, 2)
        pages += 1
        seen += [g["gift_id"] for g in page["gifts"]]
        assert page["cursor"] > cursor or not page["more"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert seen == ["G1", "G2", "G3", "G4", "G5"] and pages == 3 and cursor == 5
    assert ho.changes("SH001", cursor, 2)["gifts"] == []
    ho.admin.upsert_gift(gift(1, "新名字"))
    page = ho.changes("SH001", cursor, 10)
    assert [g["name_zh"] for g in page["gifts"]] == ["新名字"] and page["cursor"] == 6
    # from the start: each entity once, in its current state; a page applied twice is the same
    full = ho.changes("SH001", 0, 100)
    assert [g["gift_id"] for g in full["gifts"]] == ["G1", "G2", "G3", "G4", "G5"]
    assert full["gifts"][0]["name_zh"] == "新名字"
    assert ho.changes("SH001", 0, 100) == full
    assert full["gifts"][0]["prices"] == [[100, 0]]


def test_changes_carry_every_kind_of_entity(ho: HeadOffice) -> None:
    store(ho, "SH001")
    m = add_member(ho, 3, 700, Tier.GOLD)
    ho.admin.upsert_gift(gift(1))
    from headoffice.catalogue import campaign_from_json

    ho.admin.upsert_campaign(
        campaign_from_json(
            {
                "campaign_id": "CNY",
                "name": "春节",
                "starts": "2027-01-29T00:00:00+08:00",
                "ends": "2027-02-12T00:00:00+08:00",
                "multiplier_permille": 2000,
                "tiers": "gold,platinum",
            }
        )
    )
    ho.admin.trust_key(IssuerKey(1, bytes(range(32)), date(2030, 1, 1)))
    assert ho.admin.issue_card(m).serial == 1
    assert ho.admin.issue_card(m).serial == 2
    ho.admin.revoke_card(m, 1)
    ho.admin.set_offline_limits({"per_redemption_points": 3000})
    ho.admin.set_design("mid_autumn", {"title": "中秋快乐"})
    page = ho.changes("SH001", 0, 100)
    (member,) = page["members"]
    assert member["member_id"] == m and member["tier"] == "gold" and member["card_serial"] == 2
    assert member["balance"] == 700 and member["lots"][0]["remaining"] == 700
    assert page["campaigns"][0]["tiers"] == "gold,platinum"
    assert page["keys"] == [
        {"key_id": 1, "public": bytes(range(32)).hex(), "not_after": "2030-01-01"}
    ]
    assert page["revocations"] == [{"member_no": 3, "serial": 1}]
    assert page["settings"]["offline_limits"]["per_redemption_points"] == 3000
    assert page["settings"]["offline_limits"]["max_hours_since_sync"] == 72
    assert page["settings"]["expiry_years_kept"] == 1
    assert page["designs"] == [{"occasion": "mid_autumn", "design": {"title": "中秋快乐"}}]


def test_deliveries_go_only_to_their_store(ho: HeadOffice) -> None:
    store(ho, "SH001")
    store(ho, "BJ001")
    ho.admin.upsert_gift(gift(105))
    delivery = ho.admin.deliver("BJ001", "G105", 24, "十一月补货")
    sh = ho.changes("SH001", 0, 100)
    assert sh["deliveries"] == [] and sh["cursor"] == 2  # moved past BJ001's change too
    bj = ho.changes("BJ001", 0, 100)
    assert bj["deliveries"] == [
        {"delivery_id": delivery, "gift_id": "G105", "quantity": 24, "note": "十一月补货"}
    ]


def test_totals_per_business_day_count_applied_unvoided_redemptions(ho: HeadOffice) -> None:
    m = add_member(ho, 1, 10_000)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    a.redemption(m, 100, cash_fen=500)
    voided = a.redemption(m, 200)
    a.void(voided)
    a.redemption("M09999999", 50)  # parked: not in head office's totals
    a.next_day()
    a.redemption(m, 300)
    b.redemption(m, 70)
    ho.push("SH001", a.body())
    ho.push("BJ001", b.body())
    totals = {t["day"]: t for t in ho.changes("SH001", 0, 100)["totals"]}
    assert totals == {
        "2026-11-26": {"day": "2026-11-26", "redemptions": 1, "points": 100, "cash_fen": 500},
        "2026-11-27": {"day": "2026-11-27", "redemptions": 1, "points": 300, "cash_fen": 0},
    }
    assert ho.changes("BJ001", 0, 100)["totals"] == [
        {"day": "2026-11-26", "redemptions": 1, "points": 70, "cash_fen": 0}
    ]


def test_change_numbers_commit_in_order_under_concurrent_writers(
    ho: HeadOffice, db: Database
) -> None:
    """Writers in several threads; a reader checking that whatever it can see is always
    the complete run 1..max (a smaller number never commits after a larger one)."""
    store(ho, "SH001")
    add_member(ho, 1, 100_000)
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(k: int) -> None:
        try:
            for i in range(15):
                ho.admin.upsert_gift(gift(1000 * k + i))
        except BaseException as e:
            errors.append(e)

    def pusher() -> None:
        try:
            a = StoreLog("SH001")
            for _ in range(15):
                a.redemption("M00000001", 1)
                ho.push("SH001", a.body(a.events[-1:]))
        except BaseException as e:
            errors.append(e)

    gaps: list[str] = []

    def reader() -> None:
        while not stop.is_set():
            time.sleep(0.002)
            numbers = [r["change_no"] for r in q(db, "SELECT change_no FROM change_log")]
            if numbers != list(range(1, len(numbers) + 1)):
                gaps.append(f"saw {numbers[-5:]} of {len(numbers)}")

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(1, 4)]
    threads.append(threading.Thread(target=pusher))
    watcher = threading.Thread(target=reader)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    stop.set()
    watcher.join(10)
    assert errors == [] and gaps == []
    gifts, cursor = set(), 0
    while True:
        page = ho.changes("SH001", cursor, 7)
        gifts |= {g["gift_id"] for g in page["gifts"]}
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert len(gifts) == 45
    assert member_row(db, "M00000001")["balance"] == 100_000 - 15


# --- malformed bodies ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "JSON object"),
        ({"events": "x", "head": None}, "events must be a list"),
        ({"events": []}, "head is required"),
        ({"events": [], "head": {"seq": -1, "hash": "0" * 64}}, "head.seq"),
        ({"events": [{"seq": 1}], "head": None}, "lacks event_id"),
        ({"events": [1], "head": None}, "must be an object"),
        ({"store_id": "OTHER", "events": [], "head": None}, "not the authenticated store"),
        (
            {
                "events": [
                    {
                        "seq": "1",
                        "event_id": "e",
                        "kind": "earn",
                        "payload": {},
                        "created_at": "t",
                        "prev_hash": "0" * 64,
                        "hash": "0" * 64,
                    }
                ],
                "head": None,
            },
            "seq must be a whole number",
        ),
    ],
)
def test_a_malformed_push_is_a_bad_request(ho: HeadOffice, body: Any, message: str) -> None:
    store(ho, "SH001")
    with pytest.raises(BadRequest, match=message):
        ho.push("SH001", body)


def test_a_malformed_changes_query_is_a_bad_request(ho: HeadOffice) -> None:
    store(ho, "SH001")
    for since, limit in (("-1", None), ("abc", None), (None, "0"), (None, "100000")):
        with pytest.raises(BadRequest):
            ho.changes("SH001", since, limit)  # type: ignore[arg-type]


# --- administration --------------------------------------------------------------------------
def test_expiry_at_head_office_writes_off_past_lots(ho: HeadOffice, db: Database) -> None:
    from desktop.core.members import Member, MemberId
    from headoffice.admin import Opening

    m = "M00000001"
    ho.admin.upsert_member(
        Member(MemberId(m), "甲", Tier.REGULAR),
        (Opening(300, date(2024, 3, 1), date(2025, 12, 31)), Opening(200)),
    )
    assert ho.admin.run_expiry(date(2026, 1, 1)) == 300
    assert ho.admin.run_expiry(date(2026, 1, 1)) == 0  # safe to repeat
    assert member_row(db, m)["balance"] == 200
    assert ledger_problems(db) == []


def test_the_store_and_head_office_hash_events_alike() -> None:
    payload = {"b": [1, "二"], "a": None, "points": 100}
    assert chain.canonical(payload) == outbox.canonical(payload)
    args = (
        chain.GENESIS,
        7,
        "id",
        "redemption",
        chain.canonical(payload),
        "2026-11-26T10:00+08:00",
    )
    assert chain.chain_hash(*args) == outbox.chain_hash(*args)
    assert chain.GENESIS == outbox.GENESIS


def test_events_from_a_real_store_outbox_apply(ho: HeadOffice, db: Database, tmp_path: Any) -> None:
    """The till's own redemption, earn and void events, read from its outbox."""
    from desktop.core.members import Member, MemberId
    from desktop.services.demo import build_demo
    from desktop.services.setup import OpeningLot
    from desktop.services.till import LineRequest

    shop = build_demo(tmp_path / "store.db", members=3, clock=Clock())
    try:
        cashier = shop.login("C01", "1111")
        manager = shop.login("M01", "9999", manager=True)
        m = "M00000009"
        shop.setup.add_member(
            Member(MemberId(m), "测试", Tier.GOLD),
            (OpeningLot(2000, date(2026, 1, 1), date(2027, 12, 31)),),
        )
        add_member(ho, 9, 5000)
        receipt = shop.till.redeem(cashier, "r1", m, (LineRequest("G501", 1),))
        shop.till.earn(cashier, "e1", m, 12_850)
        shop.till.void(cashier, manager, "v1", receipt.receipt_no, "changed mind")
        with shop.db._lock:
            events = outbox.events(shop.db.conn)
    finally:
        shop.close()
    a = store(ho, "SH001")
    body = {
        "store_id": "SH001",
        "events": [
            {
                "seq": e.seq,
                "event_id": e.event_id,
                "kind": e.kind,
                "payload": e.payload,
                "created_at": e.created_at,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in events
        ],
        "head": {"seq": events[-1].seq, "hash": events[-1].hash},
    }
    answer = ho.push(a.store_id, body)
    assert set(outcomes(answer)) == {"applied"}, answer
    assert [e.kind for e in events][-3:] == ["redemption", "earn", "void"]
    earned = events[-2].payload["points"]
    assert member_row(db, m)["balance"] == 5000 + earned
    assert ledger_problems(db) == []
