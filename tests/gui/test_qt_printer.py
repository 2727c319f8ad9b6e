"""The system-printer backend, printing through Qt into a PDF file (QPrinter's PdfFormat)
on the worker thread, read back with pypdf."""

from __future__ import annotations

import io
import threading
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from waits import WAIT_MS

from desktop.printing.backends import JobKind, PrinterError, PrintJob
from desktop.printing.designs import load_designs
from desktop.printing.documents import CardDoc, ReceiptDoc, ReceiptLineDoc
from desktop.printing.greeting import card_pdf
from desktop.printing.receipt import receipt_pdf
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.ui.qt_printer import QtSystemPrinter, system_printers
from desktop.ui.worker import Lane

pytestmark = pytest.mark.gui

DOC = ReceiptDoc(
    store_name_zh="上海南京东路店",
    store_name_en="Shanghai Nanjing Road East",
    receipt_no="SH001-20261126-00042",
    at=datetime(2026, 11, 26, 15, 32, 7),
    cashier="王小丽 (C01)",
    member_masked="张*明",
    member_id="M00001234",
    lines=(ReceiptLineDoc("不锈钢保温杯", "Stainless vacuum flask", 1, 300, 1500),),
    points=300,
    cash_fen=1500,
    balance_before=3120,
    balance_after=2820,
)


def receipt_job(doc: ReceiptDoc = DOC) -> PrintJob:
    return PrintJob("j1", JobKind.RECEIPT, doc.receipt_no, receipt_pdf(doc, 80), doc)


def in_background(qtbot: Any, fn: Any) -> tuple[object, int]:
    """Run fn on a lane of the till's (an I/O lane, as printing runs); its result (or
    exception) and its thread."""
    worker, out = Lane("io"), {}

    def job() -> object:
        out["thread"] = threading.get_ident()
        return fn()

    worker.run(job, lambda r: out.setdefault("result", r), lambda e: out.setdefault("result", e))
    qtbot.waitUntil(lambda: "result" in out, timeout=WAIT_MS)
    worker.wait(WAIT_MS)
    return out["result"], out["thread"]


def test_receipt_printed_to_pdf_off_the_gui_thread(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    # Given the system printer printing into a PDF file
    out = tmp_path / "system.pdf"
    printer = QtSystemPrinter(output_file=out)
    assert printer.is_usable() and printer.accepts(JobKind.CARD)
    # When a receipt is printed from the worker thread
    result, thread = in_background(qtbot, lambda: printer.print_job(receipt_job()))
    # Then it ran off the GUI thread, and the file is a PDF of the receipt's size and text
    assert result is None, result
    assert thread != threading.get_ident()
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 226.8) < 1  # 80 mm roll: the PDF page's own size
    text = reader.pages[0].extract_text()
    assert DOC.receipt_no in text
    assert "上海南京东路店" in text


def test_card_keeps_its_a6_landscape_page(qtbot: Any, qapp: Any, tmp_path: Path) -> None:
    card = CardDoc(
        "张伟", "mid_autumn", "保温杯", "Vacuum flask", "灯笼超市", "Lantern Mart",
        date(2026, 9, 25), "SH001-20260925-00001",
    )  # fmt: skip
    pdf = card_pdf(card, load_designs()["mid_autumn"])
    out = tmp_path / "card.pdf"
    QtSystemPrinter(output_file=out).print_job(
        PrintJob("j2", JobKind.CARD, card.receipt_no, pdf, card)
    )
    page = PdfReader(io.BytesIO(out.read_bytes())).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - 148 * 72 / 25.4) < 1 and abs(height - 105 * 72 / 25.4) < 1  # A6 across
    assert "张伟" in page.extract_text()


def test_faults_are_printer_errors(qapp: Any, tmp_path: Path) -> None:
    with pytest.raises(PrinterError, match="no such printer"):
        QtSystemPrinter("Lantern-No-Such-Printer").print_job(receipt_job())
    bad = PrintJob("j3", JobKind.RECEIPT, DOC.receipt_no, b"not a pdf", DOC)
    with pytest.raises(PrinterError, match="not a PDF"):
        QtSystemPrinter(output_file=tmp_path / "x.pdf").print_job(bad)


def test_print_queue_sends_the_redemption_to_the_system_printer(
    qtbot: Any, qapp: Any, demo_path: Path, tmp_path: Path
) -> None:
    # Given a till whose window added a system printer for receipts
    app = StoreServices.open(demo_path)
    try:
        out = tmp_path / "system.pdf"
        app.printing.add_backend(
            QtSystemPrinter(output_file=out, kinds=frozenset({JobKind.RECEIPT}))
        )
        cashier = app.ctx.authenticate("C01", "1111")
        receipt = app.till.redeem(cashier, str(uuid.uuid4()), "M00000001", (LineRequest("G101"),))
        assert isinstance(receipt, Receipt)
        # When the worker prints the redemption
        result, _ = in_background(qtbot, lambda: app.printing.print_redemption(receipt.receipt_no))
        # Then the archive has receipt and card, and the system printer printed the receipt
        assert getattr(result, "printed", None) == 3, result
        assert receipt.receipt_no in PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
        assert app.printing.pending() == []
    finally:
        app.close()


def test_system_printers_from_the_store_setting() -> None:
    printers = system_printers(
        [
            "system",
            "network:10.0.0.9",
            {"printer": "system:HP LaserJet", "kinds": ["card"]},
            {"printer": "system:X", "kinds": ["poster"]},
        ]
    )
    assert [(p.name, p.accepts(JobKind.RECEIPT), p.accepts(JobKind.CARD)) for p in printers] == [
        ("system", True, True),
        ("system:HP LaserJet", False, True),
    ]
