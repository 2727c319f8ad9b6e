"""The cash drawer kick (ESC p m t1 t2) read back as the bytes a thermal printer receives:
from the fake printer, and over a real TCP socket from a network printer's setting."""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import replace

import pytest

from desktop.core.errors import InvalidInput
from desktop.printing.backends import EscPosPrinter, JobKind, PrinterError, PrintJob
from desktop.printing.drawer import DrawerKick
from desktop.printing.fake_escpos import FakeEscPos, Paper
from desktop.printing.printer_config import parse_entry
from desktop.printing.samples import RECEIPT as DOC
from desktop.services.printing import configured_printers

pytestmark = pytest.mark.printing

INIT, CHINESE_ON = b"\x1b\x40", b"\x1c\x26"
STORE_NAME = DOC.store_name_zh.encode("gb18030")
KICK = re.compile(rb"\x1bp[\x00\x01]..", re.S)


def cash_job(job_id: str = "job-1", *, copy: int = 0, drawer: bool = True) -> PrintJob:
    return PrintJob(job_id, JobKind.RECEIPT, DOC.receipt_no, b"%PDF", DOC, copy, drawer)


@pytest.mark.parametrize(
    ("pin", "pulse", "expected"),
    [
        ("pin2", None, "1b 70 00 19 fa"),  # Epson's default: 50 ms on, 500 ms off
        ("2", "100/200", "1b 70 00 32 64"),
        ("0", "50/500", "1b 70 00 19 fa"),
        ("pin5", "120/240", "1b 70 01 3c 78"),
        ("5", "2/510", "1b 70 01 01 ff"),  # the extremes t = 1 and t = 255
        ("1", "51/51", "1b 70 01 1a 1a"),  # odd milliseconds round up to the 2 ms step
    ],
)
def test_kick_bytes(pin: str, pulse: str | None, expected: str) -> None:
    assert DrawerKick.parse(pin, pulse).command.hex(" ") == expected


@pytest.mark.parametrize(
    "entry",
    [
        "dummy,drawer=pin3",
        "dummy,drawer=pin2,pulse=0/500",
        "dummy,drawer=pin2,pulse=100/600",
        "dummy,drawer=pin2,pulse=fast",
        "dummy,pulse=100/200",
        "dummy,drawer",
        "dummy,colour=red",
        "dummy,paper=76",
        {"printer": "dummy", "drawer": {"pin": 2, "on_ms": "100"}},
        {"printer": "dummy", "drawer": {"pin": 2, "width": 3}},
        {"printer": "dummy", "paper": 58},
    ],
)
def test_bad_drawer_and_printer_options_are_refused_with_what_to_type(entry: object) -> None:
    with pytest.raises(InvalidInput) as e:
        parse_entry(entry)
    assert re.search(r"pin2|pulse|option|58 or 80|milliseconds", str(e.value))


def test_options_as_text_and_as_object_agree() -> None:
    text = parse_entry("network:10.0.0.9:9100,paper=58,qr=image,drawer=pin5,pulse=100/300")
    obj = parse_entry(
        {
            "printer": "network:10.0.0.9:9100",
            "paper_mm": 58,
            "qr": "image",
            "drawer": {"pin": 5, "on_ms": 100, "off_ms": 300},
        }
    )
    assert text == obj
    assert (text.paper_mm, text.qr_native, str(text.drawer)) == (
        58,
        False,
        "drawer=pin5,pulse=100/300",
    )
    assert parse_entry("usb:0416:5011").drawer is None
    assert parse_entry({"printer": "dummy", "drawer": True}).drawer == DrawerKick()


def test_cash_taken_opens_the_drawer_before_the_receipt_prints() -> None:
    # Given a receipt printer with a drawer on pin 2
    fake = FakeEscPos()
    printer = EscPosPrinter("dummy", 80, drawer=DrawerKick(0, 100, 200), opener=lambda: fake)
    # When a receipt on which cash was taken prints
    printer.print_job(cash_job())
    out = bytes(fake.output)
    # Then right after the status query: reset, the kick, Chinese mode, then the receipt
    assert out.startswith(b"\x10\x04\x01\x10\x04\x04" + INIT + b"\x1b\x70\x00\x32\x64" + CHINESE_ON)
    assert out.count(b"\x1bp") == 1
    assert out.count(INIT) == 1  # a second ESC @ could cut the pulse short
    assert out.index(b"\x1bp") < out.index(STORE_NAME)
    assert fake.receipts == 1


@pytest.mark.parametrize(
    ("job", "drawer"),
    [
        (cash_job(drawer=False), DrawerKick()),  # points only: no cash taken
        (cash_job(copy=1), DrawerKick()),  # a reprint never opens the drawer
        (cash_job(), None),  # no drawer on this printer
    ],
)
def test_no_kick_without_cash_on_a_reprint_or_without_a_drawer(
    job: PrintJob, drawer: DrawerKick | None
) -> None:
    fake = FakeEscPos()
    EscPosPrinter("dummy", 58, drawer=drawer, opener=lambda: fake).print_job(job)
    assert KICK.search(bytes(fake.output)) is None
    assert fake.receipts == 1 and STORE_NAME in fake.output


def test_a_card_job_never_kicks() -> None:
    fake = FakeEscPos()
    printer = EscPosPrinter("dummy", 80, drawer=DrawerKick(), opener=lambda: fake)
    printer.print_job(replace(cash_job(), kind=JobKind.CARD))
    assert fake.output == b""


def test_out_of_paper_opens_nothing_and_the_retry_opens_the_drawer_once() -> None:
    # Given a drawer printer out of paper
    fake = FakeEscPos()
    fake.paper = Paper.OUT
    printer = EscPosPrinter("dummy", 80, drawer=DrawerKick(), opener=lambda: fake)
    # When the receipt is sent, Then neither drawer nor paper moved
    with pytest.raises(PrinterError, match="out of paper"):
        printer.print_job(cash_job())
    assert b"\x1bp" not in fake.output
    # When paper is loaded and the job retried, Then the drawer opens and the receipt prints
    fake.paper = Paper.OK
    printer.print_job(cash_job())
    assert bytes(fake.output).count(b"\x1bp") == 1 and fake.receipts == 1


class DropsAfterKick(FakeEscPos):
    """A printer whose connection drops on the first line of text after the kick."""

    def _raw(self, msg: bytes) -> None:
        if STORE_NAME in msg and not getattr(self, "dropped", False):
            self.dropped = True
            raise OSError("connection reset by peer")
        super()._raw(msg)


def test_a_job_that_failed_after_its_kick_does_not_open_the_drawer_again() -> None:
    fake = DropsAfterKick()
    printer = EscPosPrinter("dummy", 80, drawer=DrawerKick(), opener=lambda: fake)
    with pytest.raises(PrinterError, match="stopped answering"):
        printer.print_job(cash_job("job-7"))
    assert bytes(fake.output).count(b"\x1bp") == 1  # the drawer opened, the receipt did not print
    printer.print_job(cash_job("job-7"))  # the retry prints the receipt…
    assert bytes(fake.output).count(b"\x1bp") == 1  # …and does not open the drawer again
    assert fake.receipts == 1
    printer.print_job(cash_job("job-8"))  # the next sale's cash opens it
    assert bytes(fake.output).count(b"\x1bp") == 2


class TcpPrinter:
    """A network thermal printer on localhost: records what arrives, answers "ready"."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = bytearray()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(5)
            while chunk := conn.recv(4096):
                self.received += chunk
                for _ in re.finditer(rb"\x10\x04[\x01-\x04]", chunk):
                    conn.sendall(b"\x12")

    def join(self) -> bytes:
        self._thread.join(timeout=10)
        self.server.close()
        return bytes(self.received)


def test_network_printer_from_the_setting_kicks_over_tcp() -> None:
    # Given the store's printer setting with a drawer on pin 5 and a 100/200 ms pulse
    tcp = TcpPrinter()
    (printer,), problems = configured_printers(
        [f"network:127.0.0.1:{tcp.port},drawer=pin5,pulse=100/200"]
    )
    assert problems == []
    # When a cash receipt prints
    printer.print_job(cash_job())
    data = tcp.join()
    # Then the printer received exactly 1B 70 01 32 64 before the receipt's first text
    assert data.count(b"\x1b\x70") == 1
    at = data.index(b"\x1b\x70\x01\x32\x64")
    assert data[at - 2 : at] == INIT
    assert at < data.index(STORE_NAME) < data.rindex(b"\x1dV\x00")
