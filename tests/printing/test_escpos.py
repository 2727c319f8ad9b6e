"""ESC/POS receipts read back as bytes from a fake thermal printer (python-escpos's Dummy
that answers status queries like hardware), and the printer backends' faults."""

from __future__ import annotations

import re
import socket
from datetime import date, datetime
from pathlib import Path

import pytest
from escpos.printer import Dummy

from desktop.core.errors import InvalidInput
from desktop.printing import escpos_out
from desktop.printing.backends import (
    EscPosPrinter,
    EscPosSpec,
    JobKind,
    PdfArchive,
    PrinterBackend,
    PrinterError,
    PrintJob,
)
from desktop.printing.documents import ReceiptDoc, ReceiptLineDoc
from desktop.printing.escpos_out import COLUMNS, receipt_text, width
from desktop.printing.fake_escpos import FakeEscPos, Paper

pytestmark = pytest.mark.printing

PUNCTUATION = "——「」、。！"  # a line of nothing but Chinese punctuation
DOC = ReceiptDoc(
    store_name_zh="灯笼超市·南京东路店",
    store_name_en="Lantern Mart, Nanjing Road East",
    receipt_no="SH001-20261126-00042",
    at=datetime(2026, 11, 26, 15, 32, 7),
    cashier="王小丽 (C01)",
    member_masked="张*明",
    member_id="M00001234",
    lines=(
        ReceiptLineDoc("不锈钢保温杯（500毫升）", "Stainless vacuum flask, 500 ml", 2, 300, 1500),
        ReceiptLineDoc(PUNCTUATION, "", 1, 1, 0),
    ),
    points=601,
    cash_fen=3000,
    balance_before=3120,
    balance_after=2519,
    expiring=((date(2026, 12, 31), 800),),
    offline=True,
)

CHINESE_ON, CHINESE_OFF = b"\x1c\x26", b"\x1c\x2e"
CUT = b"\x1dV"  # GS V
QR_DATA = rb"\x1d\(k(..)1P0(.+?)\x1d\(k\x03\x001Q0"  # GS ( k: store the data, then print it


def job(doc: ReceiptDoc = DOC, kind: JobKind = JobKind.RECEIPT) -> PrintJob:
    return PrintJob("job-1", kind, doc.receipt_no, b"%PDF-1.4 test", doc)


def printed(paper_mm: int = 80) -> bytes:
    fake = FakeEscPos()
    EscPosPrinter("dummy", paper_mm, opener=lambda: fake).print_job(job())
    assert fake.receipts == 1
    return bytes(fake.output)


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_receipt_bytes_chinese_mode_gb18030_qr_and_cut(paper_mm: int) -> None:
    # Given a receipt printed on a fake thermal printer
    out = printed(paper_mm)
    # Then the printer is reset and put into Chinese mode before any text
    start = out.index(b"\x1b@")
    assert out.index(CHINESE_ON) > start
    assert out.index(CHINESE_ON) < out.index("灯笼超市".encode("gb18030"))
    # and the store name, a gift and the punctuation-only line are GB18030, whole lines
    assert "灯笼超市·南京东路店".encode("gb18030") in out
    assert "不锈钢保温杯（500毫升）".encode("gb18030") in out
    assert b"\n" + PUNCTUATION.encode("gb18030") + b"\n" in out
    assert "￥30.00".encode("gb18030") in out  # ¥ sent as the two-byte Chinese form
    # and the store name is bold and double height (GS ! 0x01 works for Chinese too)
    name_at = out.index("灯笼超市".encode("gb18030"))
    assert b"\x1bE\x01\x1d!\x01" in out[:name_at]
    # and the receipt number is a native QR code (GS ( k), outside Chinese mode
    m = re.search(QR_DATA, out, re.S)
    assert m is not None
    assert m.group(2) == DOC.receipt_no.encode()
    assert int.from_bytes(m.group(1), "little") == len(DOC.receipt_no) + 3
    assert b"\x1d(k\x03\x001E1" in out  # error correction M, as on the PDF receipt
    qr_at = out.index(b"\x1d(k")
    assert out.rindex(CHINESE_OFF, 0, qr_at) > out.rindex(CHINESE_ON, 0, qr_at)
    # and the paper is cut at the very end, after leaving Chinese mode
    assert out.rindex(CUT) > out.rindex(CHINESE_OFF) > m.end()
    assert out.endswith(b"\x1dV\x00")


def test_the_library_alone_would_mangle_chinese_punctuation() -> None:
    # Given python-escpos's own text path (the reason lines are pre-encoded here)
    p = Dummy()
    p.text(PUNCTUATION + "\n")
    # Then it picked a Western code page and lost the punctuation…
    assert PUNCTUATION.encode("gb18030") not in p.output
    assert b"?" in p.output
    # …and never entered Chinese mode
    assert CHINESE_ON not in p.output


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_lines_fit_the_paper_by_display_width(paper_mm: int) -> None:
    lines = receipt_text(DOC, paper_mm)
    columns = COLUMNS[paper_mm]
    assert max(width(t) for t in lines) == columns  # rules and right-aligned figures
    assert all(width(t) <= columns for t in lines)
    # a Han character takes two columns, Latin one: the figures end at the right edge
    points = next(t for t in lines if t.startswith("积分合计"))
    assert points.endswith("601") and width(points) == columns
    assert width("积分合计 Points") == 8 + 7


def test_58_and_80_mm_differ_where_the_paper_is_narrower() -> None:
    narrow, wide = receipt_text(DOC, 58), receipt_text(DOC, 80)
    assert len(narrow) > len(wide)  # long lines wrap on 58 mm
    # on 58 mm the receipt number no longer fits beside its label: it goes flush right below
    i = narrow.index("单号 Receipt")
    assert narrow[i + 1] == " " * (32 - 20) + DOC.receipt_no
    assert any(t.startswith("单号 Receipt") and t.endswith(DOC.receipt_no) for t in wide)
    # English wraps at spaces, never mid-word
    note = "Offline — awaiting head-office confirmation"
    assert any(t.strip() == note for t in wide)
    i = next(i for i, t in enumerate(narrow) if t.strip().startswith("Offline"))
    assert " ".join(t.strip() for t in narrow[i : i + 2]) == note


def test_wrap_and_width() -> None:
    assert width("灯笼 ab") == 7
    assert escpos_out.wrap("保温杯保温杯", 5) == ["保温", "杯保", "温杯"]
    assert escpos_out.wrap("a" * 10, 4) == ["aaaa", "aaaa", "aa"]
    assert escpos_out.pair("积分", "100", 10) == ["积分   100"]


def test_qr_as_raster_image_for_printers_without_native_qr() -> None:
    fake = FakeEscPos()
    EscPosPrinter("dummy", 80, qr_native=False, opener=lambda: fake).print_job(job())
    assert b"\x1d(k" not in fake.output  # no native QR command…
    assert b"\x1dv0" in fake.output or b"\x1d(L" in fake.output  # …a raster image instead


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"paper": Paper.OUT}, "out of paper"),
        ({"cover_open": True}, "cover open"),
        ({"connected": False}, "offline"),
    ],
)
def test_printer_faults_raise_printer_error(state: dict[str, object], message: str) -> None:
    # Given a printer in trouble
    fake = FakeEscPos()
    for key, value in state.items():
        setattr(fake, key, value)
    printer = EscPosPrinter("dummy", 80, opener=lambda: fake)
    # When a receipt is sent, Then the error says what to do, and nothing reached paper
    with pytest.raises(PrinterError, match=message):
        printer.print_job(job())
    assert fake.receipts == 0
    assert "灯笼超市".encode("gb18030") not in fake.output


def test_a_printer_that_cannot_report_status_still_prints() -> None:
    # python-escpos's plain Dummy cannot read: no status, so print without asking
    plain = Dummy()
    EscPosPrinter("dummy", 58, opener=lambda: plain).print_job(job())
    assert plain.output.startswith(b"\x10\x04\x01\x1b@\x1c\x26")  # asked once, then printed
    assert "灯笼超市".encode("gb18030") in plain.output
    assert plain.output.endswith(b"\x1dV\x00")


def test_low_paper_still_prints() -> None:
    fake = FakeEscPos()
    fake.paper = Paper.LOW
    EscPosPrinter("dummy", 80, opener=lambda: fake).print_job(job())
    assert fake.receipts == 1


def test_unreachable_network_printer_is_offline() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    printer = EscPosPrinter(f"network:127.0.0.1:{port}", 58)
    assert printer.is_usable()
    with pytest.raises(PrinterError, match="offline"):
        printer.print_job(job())


def test_thermal_printers_take_receipts_only() -> None:
    fake = FakeEscPos()
    printer = EscPosPrinter("dummy", 80, opener=lambda: fake)
    assert isinstance(printer, PrinterBackend)
    assert printer.accepts(JobKind.RECEIPT) and not printer.accepts(JobKind.CARD)
    printer.print_job(job(kind=JobKind.CARD))
    assert fake.output == b""


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("usb:0416:5011", "usb:0416:5011"),
        ("USB:04B8:0E15", "usb:04b8:0e15"),
        ("network:192.168.1.50", "network:192.168.1.50:9100"),
        ("network:printer.local:9101", "network:printer.local:9101"),
        ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0:9600"),
        ("serial:/dev/ttyS1:19200", "serial:/dev/ttyS1:19200"),
        ("serial:COM3", "serial:COM3:9600"),
        ("dummy", "dummy"),
    ],
)
def test_connection_specs(text: str, name: str) -> None:
    assert str(EscPosSpec.parse(text)) == name


@pytest.mark.parametrize("text", ["usb:0416", "usb:zz:11", "network:", "bluetooth:x", "", "lpt1"])
def test_bad_connection_specs_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="usb:VID:PID"):
        EscPosSpec.parse(text)


def test_archive_writes_each_printout_atomically(tmp_path: Path) -> None:
    archive = PdfArchive(tmp_path / "printouts")
    archive.print_job(job())
    reprint = PrintJob("job-2", JobKind.RECEIPT, DOC.receipt_no, b"%PDF again", DOC, copy=1)
    archive.print_job(reprint)
    files = sorted(p.name for p in (tmp_path / "printouts").iterdir())
    assert files == [
        f"receipt-{DOC.receipt_no}-reprint-1.pdf",
        f"receipt-{DOC.receipt_no}.pdf",
    ]  # no temporary files left behind
    assert (tmp_path / "printouts" / files[1]).read_bytes() == b"%PDF-1.4 test"


def test_archive_that_cannot_be_written_is_a_printer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "printouts"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PrinterError, match="PDF archive"):
        PdfArchive(blocker / "2026").print_job(job())
