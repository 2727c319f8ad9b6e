"""Stock intelligence end to end, with a real head-office process: a store's replenishment
request reaches head office, head office answers it with a delivery naming it, and the
store marks it fulfilled; head office finds the slow movers from what stores pushed,
reprices them (`lantern headoffice gift reprice`), and the till quotes the new price after
its next pull."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from desktop.core.redemption import Approval
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from headoffice.engine import HeadOffice

from .conftest import ROOT, HeadOfficeProcess, add_member, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"


def headoffice(ho_db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`lantern headoffice …` as head office's staff run it, on the running service's db."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "headoffice", *args, "--db", str(ho_db)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def quote(app: StoreServices, gift_id: str) -> int:
    decision = app.till.quote(MEMBER, (LineRequest(gift_id),))
    assert isinstance(decision, Approval), decision
    return decision.points


def test_a_replenishment_request_round_trip(
    office: HeadOffice, server: HeadOfficeProcess, ho_db: Path, tmp_path: Path
) -> None:
    # Given a store with 5 of G101 from head office
    add_member(office, MEMBER, 5000)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 5)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        manager = staff(app, "M01")
        # When its manager asks head office for 30 more and the store syncs
        asked = app.stock.request_replenishment(manager, str(uuid.uuid4()), "G101", 30, "节前")
        app.sync.sync_once()
        # Then head office lists it as open
        listed = headoffice(ho_db, "replenishments", "--open").stdout
        assert asked.request_id in listed and "OPEN" in listed and "qty 30" in listed
        # When head office answers it with a delivery that names it
        delivery_id = headoffice(
            ho_db,
            "delivery",
            "--store",
            "SH001",
            "--gift",
            "G101",
            "--qty",
            "30",
            "--request",
            asked.request_id,
        ).stdout.strip()
        assert headoffice(ho_db, "replenishments", "--open").stdout == ""
        # and answering it twice is refused
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        twice = subprocess.run(
            [
                *(sys.executable, "-m", "desktop", "headoffice", "delivery", "--store", "SH001"),
                *(
                    "--gift",
                    "G101",
                    "--qty",
                    "1",
                    "--request",
                    asked.request_id,
                    "--db",
                    str(ho_db),
                ),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )
        assert twice.returncode != 0 and "already answered" in twice.stderr
        # Then the store's next pull counts the delivery in and marks its request fulfilled
        app.sync.sync_once()
        g = next(x for x in app.stock.levels() if x.gift.gift_id == "G101")
        assert g.stock == 35
        assert g.request is not None and g.request.request_id == asked.request_id
        assert not g.request.pending and g.request.delivery_id == delivery_id
        # so a new request is no longer refused as a repeat
        app.stock.request_replenishment(manager, str(uuid.uuid4()), "G101", 10)
    finally:
        app.close()


def test_head_office_reprices_slow_movers_and_the_till_quotes_the_new_price(
    office: HeadOffice, server: HeadOfficeProcess, ho_db: Path, tmp_path: Path
) -> None:
    # Given a store holding G101 (redeemed today) and G105 (never redeemed)
    add_member(office, MEMBER, 5000)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 5)
    office.admin.deliver("SH001", "G105", 4)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        assert (quote(app, "G101"), quote(app, "G105")) == (100, 200)
        cashier = staff(app, "C01")
        receipt = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
        assert isinstance(receipt, Receipt)
        app.sync.sync_once()
        # When head office looks for slow movers: G105 only, slow at every store holding it
        slow = headoffice(ho_db, "slow-movers", "--days", "90").stdout
        assert "G105" in slow and "every store" in slow and "G101" not in slow
        # and takes a fifth off every slow mover, and sets G101 to 80 points
        done = headoffice(ho_db, "gift", "reprice", "--percent", "-20", "--slow-movers").stdout
        assert "G105\t200 -> 160" in done and "1 gift(s) repriced" in done
        headoffice(ho_db, "gift", "reprice", "G101", "--points", "80")
        # Then the prices reach the store with its next pull, and the till quotes them
        assert quote(app, "G105") == 200  # not before it
        app.sync.sync_once()
        assert (quote(app, "G101"), quote(app, "G105")) == (80, 160)
        receipt = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G105"),))
        assert isinstance(receipt, Receipt) and receipt.points == 160
    finally:
        app.close()
