"""Head office's side of stock intelligence, on SQLite and PostgreSQL: replenishment events
recorded (bad ones parked), a delivery answering a request, the stock policy setting sent
down and validated, slow movers reckoned from what stores pushed, repricing flowing down
through the change log."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ho_helpers import T0, Clock, StoreLog, add_member, outcomes, q, store, well_formed

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import Conflict, InvalidInput, NotFound
from headoffice.db import Database
from headoffice.engine import HeadOffice


def gift(gift_id: str, *prices: Price) -> Gift:
    return Gift(GiftId(gift_id), f"礼品{gift_id}", gift_id, "home", prices or (Price(200),))


def request(log: StoreLog, gift_id: str = "G1", quantity: int = 12, **extra: Any) -> dict[str, Any]:
    payload = {
        "request_id": str(uuid.uuid4()),
        "gift_id": gift_id,
        "quantity": quantity,
        "stock": 3,
        "threshold": 6,
        "staff_id": "M01",
        "note": "节前",
        "at": (log.at + timedelta(seconds=1)).isoformat(),
        **extra,
    }
    return log.add("replenishment", payload)


def stock_event(log: StoreLog, gift_id: str, delta: int) -> dict[str, Any]:
    return log.add(
        "stock_receive",
        well_formed(
            "stock_receive",
            {
                "movement_id": str(uuid.uuid4()),
                "gift_id": gift_id,
                "delta": delta,
                "staff_id": "M01",
                "note": None,
                "at": (log.at + timedelta(seconds=1)).isoformat(),
            },
        ),
    )


def redemption_of(log: StoreLog, member: str, gift_id: str, qty: int) -> dict[str, Any]:
    payload = {
        "redemption_id": str(uuid.uuid4()),
        "receipt_no": f"{log.store_id}-{len(log.events) + 1:05d}",
        "member_id": member,
        "cashier_id": "C01",
        "lines": [[gift_id, qty, 100, 0]],
        "points": 100 * qty,
        "cash_fen": 0,
        "lots": [],
        "offline": False,
        "override_by": None,
        "code_kind": "static",
        "at": (log.at + timedelta(seconds=1)).isoformat(),
    }
    return log.add("redemption", well_formed("redemption", payload))


def test_a_replenishment_request_is_recorded_and_answered_by_a_delivery(
    ho: HeadOffice, db: Database
) -> None:
    ho.admin.upsert_gift(gift("G1"))
    a = store(ho, "SH001")
    e = request(a)
    well_formed("replenishment", e["payload"])
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    [open_] = ho.admin.replenishments(open_only=True)
    rid = e["payload"]["request_id"]
    assert (open_["request_id"], open_["store_id"], open_["gift_id"], open_["quantity"]) == (
        rid,
        "SH001",
        "G1",
        12,
    )
    assert (open_["stock"], open_["threshold"], open_["note"]) == (3, 6, "节前")
    # a delivery for another gift or store cannot answer it
    ho.admin.upsert_gift(gift("G2"))
    with pytest.raises(InvalidInput, match="not store SH001's for G2"):
        ho.admin.deliver("SH001", "G2", 12, request_id=rid)
    with pytest.raises(NotFound, match="no replenishment request"):
        ho.admin.deliver("SH001", "G1", 12, request_id="nope")
    delivery_id = ho.admin.deliver("SH001", "G1", 12, "as asked", request_id=rid)
    assert ho.admin.replenishments(open_only=True) == []
    [done] = ho.admin.replenishments()
    assert done["delivery_id"] == delivery_id and done["fulfilled_at"]
    with pytest.raises(Conflict, match="already answered"):
        ho.admin.deliver("SH001", "G1", 1, request_id=rid)
    assert len(q(db, "SELECT * FROM deliveries")) == 1
    # the store pulls the delivery with the request it answers
    page = ho.changes("SH001", 0)
    [d] = page["deliveries"]
    assert (d["delivery_id"], d["request_id"], d["quantity"]) == (delivery_id, rid, 12)


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": 0},
        {"quantity": -5},
        {"quantity": "12"},
        {"stock": -1},
        {"threshold": 1.5},
        {"request_id": ""},
        {"gift_id": None},
        {"at": "yesterday"},
    ],
)
def test_a_malformed_replenishment_is_parked(ho: HeadOffice, bad: dict[str, Any]) -> None:
    a = store(ho, "SH001")
    request(a, **bad)
    assert outcomes(ho.push("SH001", a.body())) == ["rejected"]
    assert ho.admin.replenishments() == []


def test_the_stock_policy_is_sent_to_stores_and_validated(ho: HeadOffice) -> None:
    store(ho, "SH001")
    ho.admin.set_setting("stock_policy", {"safety_share_permille": 300})
    page = ho.changes("SH001", 0)
    assert page["settings"]["stock_policy"] == {
        "safety_share_permille": 300,
        "rate_window_days": 30,
        "projection_days": 30,
        "slow_mover_days": 90,
    }
    for bad in ({"safety_share_permille": 0.3}, {"window": 30}, {"slow_mover_days": 0}):
        with pytest.raises(InvalidInput, match="stock policy"):
            ho.admin.set_setting("stock_policy", bad)
    assert ho.changes("SH001", 0)["settings"]["stock_policy"]["safety_share_permille"] == 300


def test_slow_movers_from_what_stores_pushed_and_repricing_them(
    ho: HeadOffice, db: Database, clock: Clock
) -> None:
    for g in ("G1", "G2", "G3", "G4"):
        ho.admin.upsert_gift(gift(g, Price(200), Price(150, 1000)))
    member = add_member(ho, 1, 10_000)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    ho.admin.deliver("SH001", "G1", 5)  # G1 at SH001: redeemed today
    ho.admin.deliver("SH001", "G2", 5)  # G2 at SH001: never redeemed
    stock_event(b, "G2", 4)  # G2 at BJ001 (a stock event): redeemed, then voided
    ho.admin.deliver("SH001", "G3", 1)  # G3: the only unit redeemed, none left
    stock_event(b, "G4", 3)  # G4: slow at BJ001, redeemed at SH001 (which holds none)
    redemption_of(a, member, "G1", 2)
    redemption_of(a, member, "G3", 1)
    redemption_of(a, member, "G4", 1)
    voided = redemption_of(b, member, "G2", 1)
    b.void(voided)
    assert set(outcomes(ho.push("SH001", a.body()))) == {"applied"}
    assert set(outcomes(ho.push("BJ001", b.body()))) == {"applied"}
    slow = {s.gift_id: s for s in ho.admin.slow_movers(90)}
    assert set(slow) == {"G2", "G4"}
    assert slow["G2"].stocked == ("BJ001", "SH001") and slow["G2"].everywhere
    assert slow["G2"].last_redemption is None
    assert slow["G4"].slow == ("BJ001",) and slow["G4"].everywhere
    assert slow["G4"].last_redemption == T0.date()
    # 90 days on, G1 is slow at SH001 too
    clock.advance(days=90)
    assert {s.gift_id for s in ho.admin.slow_movers(90)} == {"G1", "G2", "G4"}
    assert {s.gift_id for s in ho.admin.slow_movers(91)} == {"G2", "G4"}
    with pytest.raises(InvalidInput):
        ho.admin.slow_movers(0)

    cursor = ho.changes("SH001", 0)["cursor"]
    done = ho.admin.reprice_slow_movers(-20, 91)
    assert [(r.gift_id, r.before, r.after) for r in done] == [
        ("G2", (200, 150), (160, 120)),
        ("G4", (200, 150), (160, 120)),
    ]
    one = ho.admin.reprice("G1", points=80)
    assert (one.before, one.after) == ((200, 150), (80, 150))
    page = ho.changes("SH001", cursor)
    prices = {g["gift_id"]: g["prices"] for g in page["gifts"]}
    assert prices == {"G1": [[80, 0], [150, 1000]], "G2": [[160, 0], [120, 1000]]} | {
        "G4": [[160, 0], [120, 1000]]
    }
    # bad repricing changes nothing
    for kwargs in ({}, {"points": 0}, {"points": 10, "percent": 5}, {"percent": -100}):
        with pytest.raises(InvalidInput):
            ho.admin.reprice("G1", **kwargs)
    with pytest.raises(InvalidInput, match="limit"):
        ho.admin.reprice("G1", points=10**7)
    with pytest.raises(NotFound):
        ho.admin.reprice("G9", points=10)
    assert ho.changes("SH001", page["cursor"])["gifts"] == []


def test_the_stock_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`lantern headoffice stock-policy|slow-movers|gift reprice` in this process."""
    from desktop.cli import main

    db = str(tmp_path / "ho.db")

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["headoffice", *args, "--db", db])
        out, err = capsys.readouterr()
        return status, out, err

    status, out, _ = run("stock-policy", "--json", '{"safety_share_permille": 250}')
    assert status == 0 and json.loads(out)["safety_share_permille"] == 250
    status, out, _ = run("stock-policy", "--json", '{"slow_mover_days": 60}')
    assert json.loads(out) == {
        "safety_share_permille": 250,  # kept
        "rate_window_days": 30,
        "projection_days": 30,
        "slow_mover_days": 60,
    }
    status, _, err = run("stock-policy", "--json", '{"safety_share_permille": "lots"}')
    assert status != 0 and "whole number" in err
    assert run("gift", "add", "--id", "G1", "--name-zh", "袋", "--price", "200")[0] == 0
    status, out, _ = run("gift", "reprice", "G1", "--percent", "-25")
    assert status == 0 and "G1\t200 -> 150" in out
    status, _, err = run("gift", "reprice", "G1")
    assert status != 0 and "--points" in err
    status, _, err = run("gift", "reprice", "--slow-movers", "--points", "5")
    assert status != 0 and "--slow-movers takes --percent" in err
    status, out, _ = run("slow-movers", "--days", "30")
    assert status == 0 and out == ""  # no store holds G1
    status, _, err = run("slow-movers", "--days", "0")
    assert status != 0 and "1 to 3650" in err
