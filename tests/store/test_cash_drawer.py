"""The cash drawer through the print queue on a real store: a redemption that took cash
opens the drawer with its receipt; points only, a reprint, or a redemption voided before
its receipt printed do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.printing.backends import EscPosPrinter, PdfArchive
from desktop.printing.drawer import DrawerKick
from desktop.printing.fake_escpos import FakeEscPos
from desktop.services.app import StoreServices
from desktop.services.printing import PrintService
from desktop.services.till import LineRequest, Receipt
from desktop.store.staff import Staff

pytestmark = pytest.mark.store

KICK = b"\x1b\x70\x01\x3c\xfa"  # pin 5, 120 ms on, 500 ms off


@pytest.fixture
def fake() -> FakeEscPos:
    return FakeEscPos()


@pytest.fixture
def printing(app: StoreServices, fake: FakeEscPos, tmp_path: Path) -> PrintService:
    printer = EscPosPrinter("dummy", 80, drawer=DrawerKick(1, 120, 500), opener=lambda: fake)
    return PrintService(app.ctx, [printer], PdfArchive(tmp_path / "printouts"))


def redeem(app: StoreServices, cashier: Staff, rid: str, option: int) -> Receipt:
    # G501: 500 points, or 300 points + ¥15.00
    r = app.till.redeem(cashier, rid, "M00000001", (LineRequest("G501", 1, option),))
    assert isinstance(r, Receipt), r
    return r


def test_points_and_cash_opens_the_drawer_before_its_receipt(
    app: StoreServices, cashier: Staff, printing: PrintService, fake: FakeEscPos
) -> None:
    # Given a redemption of points + cash
    receipt = redeem(app, cashier, "r1", option=1)
    assert receipt.cash_fen == 1500
    # When the till prints it
    result = printing.print_redemption(receipt.receipt_no)
    # Then the drawer opened once, before the receipt's text, and the receipt printed
    assert result.ok and fake.receipts == 1
    out = bytes(fake.output)
    assert out.count(b"\x1bp") == 1
    assert out.index(KICK) < out.index(receipt.receipt_no.encode("gb18030"))


def test_points_only_a_reprint_and_a_voided_receipt_do_not_open_it(
    app: StoreServices,
    cashier: Staff,
    manager: Staff,
    printing: PrintService,
    fake: FakeEscPos,
) -> None:
    # Given a points-only redemption, printed: no kick
    points_only = redeem(app, cashier, "r1", option=0)
    assert points_only.cash_fen == 0
    printing.print_redemption(points_only.receipt_no)
    assert b"\x1bp" not in fake.output and fake.receipts == 1
    # Given a cash redemption, printed: one kick
    cash = redeem(app, cashier, "r2", option=1)
    printing.print_redemption(cash.receipt_no)
    assert bytes(fake.output).count(b"\x1bp") == 1
    # When a manager reprints its receipt, Then it prints (marked REPRINT) without a kick
    printing.reprint(manager, cash.receipt_no, "receipt")
    assert printing.process().ok
    assert fake.receipts == 3
    assert "重印 REPRINT".encode("gb18030") in fake.output
    assert bytes(fake.output).count(b"\x1bp") == 1
    # Given a cash redemption voided before its receipt printed: the cash went back
    voided = redeem(app, cashier, "r3", option=1)
    app.till.void(cashier, manager, "v3", voided.receipt_no, "customer changed mind")
    printing.print_redemption(voided.receipt_no)
    assert fake.receipts == 4
    assert bytes(fake.output).count(b"\x1bp") == 1
