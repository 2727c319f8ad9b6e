"""check(): after a long random mix of operations the store is sound (and matches an
independent model of balances and stock); tampering with cached figures is reported."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.redemption import Refusal
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store

from ._helpers import Clock, Link, one, open_day, rows, staff

pytestmark = pytest.mark.store


def model_from_file(db_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    balances = {r[0]: r[1] for r in rows(db_path, "SELECT member_id, balance FROM members")}
    stocks = {r[0]: r[1] for r in rows(db_path, "SELECT gift_id, stock FROM gifts")}
    return balances, stocks


@pytest.mark.parametrize("seed", [11, 22, 33])
def test_a_long_random_mix_keeps_the_store_sound(
    app: StoreServices, clock: Clock, link: Link, db_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    cashiers = [staff(app, "C01"), staff(app, "C02")]
    manager = staff(app, "M01")
    members = [r[0] for r in rows(db_path, "SELECT member_id FROM members")]
    gifts = {
        r[0]: len(r[1].split("],")) for r in rows(db_path, "SELECT gift_id, prices FROM gifts")
    }
    balances, stocks = model_from_file(db_path)
    events = one(db_path, "SELECT COUNT(*) FROM outbox")
    today: list[Receipt] = []
    done: list[tuple[str, tuple[object, ...]]] = []  # (kind, args) of committed requests
    n = 0

    def rid() -> str:
        nonlocal n
        n += 1
        return f"{seed}-{n}"

    for _ in range(220):
        op = rng.choices(
            ["earn", "redeem", "void", "receive", "adjust", "retry", "day", "link"],
            [20, 40, 8, 6, 6, 6, 1, 2],
        )[0]
        cashier = rng.choice(cashiers)
        if op == "earn":
            member, amount = rng.choice(members), rng.randint(1, 80_000)
            args = (cashier, rid(), member, amount)
            result = app.till.earn(*args)
            balances[member] += result.points
            events += 1
            done.append(("earn", args))
        elif op == "redeem":
            member = rng.choice(members)
            lines = tuple(
                LineRequest(g, rng.randint(1, 3), rng.randrange(gifts[g]))
                for g in rng.sample(sorted(gifts), rng.randint(1, 3))
            )
            override = manager if rng.random() < 0.3 else None
            args = (cashier, rid(), member, lines)
            got = app.till.redeem(*args, override_by=override)
            if isinstance(got, Refusal):
                continue
            balances[member] -= got.points
            for line in got.lines:
                stocks[line.gift_id] -= line.quantity
            today.append(got)
            events += 1
            done.append(("redeem", (*args, None, override)))
        elif op == "void" and today:
            r = today.pop(rng.randrange(len(today)))
            args = (cashier, manager, rid(), r.receipt_no, "customer changed mind")
            v = app.till.void(*args)
            assert v.points_returned == r.points
            balances[r.member_id] += r.points
            for line in r.lines:
                stocks[line.gift_id] += line.quantity
            events += 1
            done.append(("void", args))
        elif op == "receive":
            gift, qty = rng.choice(sorted(gifts)), rng.randint(1, 20)
            app.stock.receive(manager, rid(), gift, qty, "delivery")
            stocks[gift] += qty
            events += 1
        elif op == "adjust":
            gift = rng.choice(sorted(gifts))
            try:
                if rng.random() < 0.5:
                    counted = max(0, stocks[gift] + rng.randint(-3, 3))
                    app.stock.adjust(manager, rid(), gift, counted=counted, reason="count")
                    stocks[gift] = counted
                else:
                    delta = rng.choice([-5, -2, -1, 1, 3])
                    app.stock.adjust(manager, rid(), gift, delta=delta, reason="breakage")
                    stocks[gift] += delta
            except InvalidInput:
                continue  # count matches, or it would go below zero: nothing written
            events += 1
        elif op == "retry" and done:
            kind, args = rng.choice(done)
            if kind == "earn":
                assert app.till.earn(*args).replayed  # type: ignore[arg-type]
            elif kind == "redeem":
                c, r_id, member, lines, _, override = args
                assert app.till.redeem(c, r_id, member, lines, override_by=override).replayed  # type: ignore[arg-type]
            else:
                # answered from the request record, even on a later day
                assert app.till.void(*args).replayed  # type: ignore[arg-type]
        elif op == "day":
            app.day.close(manager)
            clock.advance(days=1)
            open_day(app)
            today.clear()
            events += 2
        elif op == "link":
            link.online = not link.online
            link.last_sync = clock.now

    assert app.setup.check() == []
    assert model_from_file(db_path) == (balances, stocks)
    assert one(db_path, "SELECT COUNT(*) FROM outbox") == events
    assert one(db_path, "SELECT MAX(seq) FROM outbox") == events
    # independent sums straight from the ledgers
    assert not rows(
        db_path,
        "SELECT m.member_id FROM members m LEFT JOIN points_ledger l USING (member_id) "
        "GROUP BY m.member_id HAVING m.balance <> COALESCE(SUM(l.delta), 0)",
    )
    assert not rows(
        db_path,
        "SELECT g.gift_id FROM gifts g LEFT JOIN stock_ledger s USING (gift_id) "
        "GROUP BY g.gift_id HAVING g.stock <> COALESCE(SUM(s.delta), 0)",
    )
    assert not rows(db_path, "SELECT * FROM point_lots WHERE remaining < 0 OR remaining > original")
    assert one(db_path, "SELECT COUNT(*) FROM redemptions") > 20
    assert one(db_path, "SELECT COUNT(*) FROM voids") > 3
    assert one(db_path, "SELECT COUNT(*) FROM earns") > 20


def tamper(db_path: Path, sql: str) -> None:
    """Another program edits the file behind the store's back."""
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute(sql)
        conn.commit()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE members SET balance = balance + 500 WHERE member_id = 'M00000001'",
            [
                "member M00000001: cached balance 2569 / debt 0 but ledger sums to 2069 / debt 0",
                "members M00000001: changed since seal",
            ],
        ),
        (
            "UPDATE members SET debt = 7 WHERE member_id = 'M00000002'",
            ["member M00000002: cached balance", "members M00000002: changed since seal"],
        ),
        (
            "UPDATE gifts SET stock = stock + 1 WHERE gift_id = 'G101'",
            [
                "gift G101: cached stock 121 but stock ledger sums to 120",
                "gifts G101: changed since seal",
            ],
        ),
        (
            "UPDATE point_lots SET remaining = remaining - 1 WHERE lot_id = "
            "(SELECT lot_id FROM point_lots WHERE member_id = 'M00000001' ORDER BY expires_on LIMIT 1)",
            ["lot ", "point_lots "],
        ),
        (
            "UPDATE members SET balance = -5 WHERE member_id = 'M00000003'",
            [
                "member M00000003: cached balance -5",
                "members M00000003: changed since seal",
                "negative balance with no recorded overdraft",
            ],
        ),
        (
            "INSERT INTO points_ledger (member_id, lot_id, delta, kind, ref, at) VALUES "
            "('M00000004', NULL, 1000, 'earn', 'forged', '2026-06-15T10:00:00+08:00')",
            ["member M00000004: cached balance", "points_ledger 375: not sealed"],
        ),
    ],
    ids=["balance", "debt", "stock", "lot", "negative", "forged-ledger-row"],
)
def test_tampering_with_cached_figures_is_reported(
    app: StoreServices, db_path: Path, sql: str, expected: list[str]
) -> None:
    assert app.setup.check() == []
    tamper(db_path, sql)
    problems = app.setup.check()
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert start in problem


def test_check_is_read_only(app: StoreServices, db_path: Path) -> None:
    tamper(db_path, "UPDATE members SET balance = 1 WHERE member_id = 'M00000001'")
    before = db_path.read_bytes(), Path(f"{db_path}-wal").read_bytes()
    assert app.setup.check()
    assert app.setup.check()
    assert (db_path.read_bytes(), Path(f"{db_path}-wal").read_bytes()) == before


def zero_page(path: Path, page: int) -> None:
    size = 4096
    assert one(path, "PRAGMA page_size") == size
    data = bytearray(path.read_bytes())
    data[(page - 1) * size : page * size] = bytes(size)
    path.write_bytes(bytes(data))


def test_a_damaged_table_page_is_reported(app: StoreServices, db_path: Path) -> None:
    app.close()
    root = int(one(db_path, "SELECT rootpage FROM sqlite_master WHERE name = 'settings'"))
    zero_page(db_path, root)
    damaged = StoreServices(open_store(db_path), Clock(), Link())  # opening does not notice
    try:
        problems = damaged.setup.check()
        assert len(problems) == 1
        assert "is damaged" in problems[0]
        assert "restore the last backup" in problems[0]
    finally:
        damaged.close()
