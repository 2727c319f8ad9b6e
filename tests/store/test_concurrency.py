"""Several tills (threads, each with its own connection or sharing one) on the same file:
writes are serialised, so points are never spent twice and receipt numbers never repeat."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store

from ._helpers import Clock, Link, balance, ledger_sum, one, rows, staff, stock

pytestmark = pytest.mark.store

MEMBER = "M00000001"  # 2069 points: twenty 100-point bags, not twenty-one


@pytest.mark.parametrize("mode", ["separate-connections", "shared-connection"])
def test_concurrent_redemptions_never_overspend(
    app: StoreServices, clock: Clock, db_path: Path, mode: str
) -> None:
    assert balance(db_path, MEMBER) == 2069
    threads_n, attempts = 4, 8
    tills = [
        app if mode == "shared-connection" else StoreServices(open_store(db_path), clock, Link())
        for _ in range(threads_n)
    ]
    results: list[Receipt | Refusal] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            till = tills[i]
            cashier = staff(till, "C01" if i % 2 else "C02")
            start.wait()
            for j in range(attempts):
                got = till.till.redeem(cashier, f"t{i}-{j}", MEMBER, (LineRequest("G101"),))
                with lock:
                    results.append(got)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for till in tills:
        if till is not app:
            till.close()

    assert errors == []
    receipts = [r for r in results if isinstance(r, Receipt)]
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert len(receipts) == 20
    assert len(refusals) == threads_n * attempts - 20
    assert {r.reason for r in refusals} == {RefusalReason.INSUFFICIENT_POINTS}
    assert sorted(r.receipt_no for r in receipts) == [
        f"SH001-20260615-{n:05d}" for n in range(1, 21)
    ]
    assert balance(db_path, MEMBER) == 69 == ledger_sum(db_path, MEMBER)
    assert stock(db_path, "G101") == 100
    assert one(db_path, "SELECT MAX(seq) - MIN(seq) + 1 FROM outbox") == one(
        db_path, "SELECT COUNT(*) FROM outbox"
    )
    assert [r[0] for r in rows(db_path, "SELECT DISTINCT kind FROM outbox WHERE seq > 1")] == [
        "redemption"
    ]
    assert app.setup.check() == []
