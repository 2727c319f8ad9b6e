"""Printing from the `lantern` command: a redemption with a dead printer still succeeds,
its receipt waits in the queue, and prints on a (fake, real-socket) network printer when it
comes back; reprints are archived and marked."""

from __future__ import annotations

import io
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]


def lantern(*args: str, db: Path, pin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DB"] = str(db)
    env["LANTERN_MANAGER_PIN"] = "9999"
    if pin is not None:
        env["LANTERN_PIN"] = pin
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def balance(db: Path, member: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(
            con.execute("SELECT balance FROM members WHERE member_id = ?", (member,)).fetchone()[0]
        )
    finally:
        con.close()


STATUS_QUERY = re.compile(rb"\x10\x04[\x01-\x04]")


class NetworkPrinter:
    """A TCP server on localhost that takes ESC/POS like a network thermal printer: it
    records the bytes and answers status queries (DLE EOT n) with "ready"."""

    def __init__(self, port: int) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                while chunk := conn.recv(4096):
                    self.received += chunk
                    for _ in STATUS_QUERY.finditer(chunk):
                        conn.sendall(b"\x12")  # online, paper present, no error

    def __enter__(self) -> NetworkPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jobs(db: Path) -> list[tuple[str, str, str, int]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT kind, backend, status, attempts FROM print_jobs ORDER BY kind, backend"
        ).fetchall()
    finally:
        con.close()


def redeem(db: Path) -> str:
    r = lantern("redeem", "--member", "M00000001", "--gift", "G101", "--cashier", "C01",
                pin="1111", db=db)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_redeem_with_printer_offline_succeeds_and_the_receipt_waits(demo_path: Path) -> None:
    # Given a network receipt printer that is switched off
    port = free_port()
    spec = f"network:127.0.0.1:{port}"
    r = lantern("print", "printers", "--set", spec, db=demo_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["archive\treceipt, card", f"{spec}\treceipt"]
    before = balance(demo_path, "M00000001")
    # When the cashier redeems
    r = lantern("redeem", "--member", "M00000001", "--gift", "G101", "--cashier", "C01",
                pin="1111", db=demo_path)  # fmt: skip
    # Then the command succeeds with the receipt number, and warns that printing failed
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"SH001-\d{8}-00001\n", r.stdout)
    receipt_no = r.stdout.strip()
    assert "warning" in r.stderr and "offline" in r.stderr and "print queue" in r.stderr
    assert balance(demo_path, "M00000001") == before - 100
    # and the archive has both printouts while the receipt waits for the printer
    printouts = demo_path.parent / f"{demo_path.stem}-printouts"
    assert (printouts / f"receipt-{receipt_no}.pdf").is_file()
    assert (printouts / f"card-{receipt_no}.pdf").is_file()
    assert jobs(demo_path) == [
        ("card", "archive", "printed", 1),
        ("receipt", "archive", "printed", 1),
        ("receipt", spec, "failed", 1),
    ]
    queue = lantern("print", "queue", db=demo_path)
    assert queue.returncode == 0
    (line,) = queue.stdout.splitlines()
    job_id, kind, number, backend, status, attempts, _, error = line.split("\t")
    assert (kind, number, backend, status, attempts) == ("receipt", receipt_no, spec, "failed", "1")
    assert "offline" in error

    # When the printer is still off, a retry fails again (exit 1), and nothing else changes
    retry = lantern("print", "retry", job_id, db=demo_path)
    assert retry.returncode == 1 and "offline" in retry.stderr
    assert balance(demo_path, "M00000001") == before - 100


def test_retry_prints_on_the_network_printer_once_it_is_back(demo_path: Path) -> None:
    # Given a receipt waiting for a network printer that was switched off
    port = free_port()
    assert lantern("print", "printers", "--set", f"network:127.0.0.1:{port}",
                   db=demo_path).returncode == 0  # fmt: skip
    receipt_no = redeem(demo_path)
    (line,) = lantern("print", "queue", db=demo_path).stdout.splitlines()
    job_id = line.split("\t")[0]
    # When the printer is back and the manager retries the job
    with NetworkPrinter(port) as printer:
        r = lantern("print", "retry", job_id, db=demo_path)
    data = bytes(printer.received)
    # Then it printed: Chinese mode, the receipt number as a QR code, a cut
    assert r.returncode == 0, r.stderr
    assert "1 printed, 0 failed" in r.stderr
    assert data.index(b"\x1c\x26") < data.index("积分兑换凭证".encode("gb18030"))
    assert b"1P0" + receipt_no.encode() in data  # GS ( k: the QR code's data
    assert data.endswith(b"\x1dV\x00")
    assert lantern("print", "queue", db=demo_path).stdout == ""
    assert [j[2] for j in jobs(demo_path)] == ["printed"] * 3


def test_reprint_receipt_and_card(demo_path: Path) -> None:
    receipt_no = redeem(demo_path)
    r = lantern("reprint", "receipt", receipt_no, "--manager", "M01", db=demo_path)
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip())
    assert path.name == f"receipt-{receipt_no}-reprint-1.pdf"
    assert "REPRINT" in PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    r = lantern("reprint", "card", receipt_no, "--manager", "M01", db=demo_path)
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).name == f"card-{receipt_no}-reprint-1.pdf"
    # an unknown receipt is an error that queues nothing
    r = lantern("reprint", "receipt", "SH001-20000101-00001", "--manager", "M01", db=demo_path)
    assert r.returncode == 1 and "no receipt" in r.stderr
    assert len(jobs(demo_path)) == 4


def test_bad_printer_setting_is_refused(demo_path: Path) -> None:
    r = lantern("print", "printers", "--set", "bluetooth:aa", db=demo_path)
    assert r.returncode == 1 and "usb:VID:PID" in r.stderr
    r = lantern("print", "printers", db=demo_path)
    assert r.stdout.splitlines() == ["archive\treceipt, card"]


def test_cash_opens_the_drawer_on_a_network_printer_and_a_reprint_does_not(
    demo_path: Path,
) -> None:
    # Given a network receipt printer with a cash drawer on pin 2, 100 ms pulse
    port = free_port()
    spec = f"network:127.0.0.1:{port}"
    r = lantern("print", "printers", "--set", f"{spec},drawer=pin2,pulse=100/500", db=demo_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1] == f"{spec}\treceipt\tcash drawer: drawer=pin2,pulse=100/500"
    with NetworkPrinter(port) as printer:
        # When the cashier redeems a flask for 300 points + ¥15.00
        r = lantern("redeem", "--member", "M00000001", "--gift", "G501:1:1", "--cashier", "C01",
                    pin="1111", db=demo_path)  # fmt: skip
        assert r.returncode == 0, r.stderr
        receipt_no = r.stdout.strip()
        sale = bytes(printer.received)
        # and a manager reprints the receipt
        r = lantern("reprint", "receipt", receipt_no, "--manager", "M01", db=demo_path)
        assert r.returncode == 0, r.stderr
    reprint = bytes(printer.received)[len(sale) :]
    # Then the sale's receipt opened the drawer (ESC p 0 50 250) before its text
    assert sale.count(b"\x1bp") == 1
    assert sale.index(b"\x1b\x70\x00\x32\xfa") < sale.index("积分兑换凭证".encode("gb18030"))
    # and the reprint printed without opening it
    assert "重印 REPRINT".encode("gb18030") in reprint
    assert b"\x1bp" not in reprint
    # and a bad drawer option is refused, leaving the printer as it was
    r = lantern("print", "printers", "--set", f"{spec},drawer=pin7", db=demo_path)
    assert r.returncode == 1 and "pin2 or pin5" in r.stderr
    assert "cash drawer" in lantern("print", "printers", db=demo_path).stdout


def test_pole_display_set_and_test_over_tcp(demo_path: Path) -> None:
    # Given a pole display on the network (a TCP server recording what it is sent)
    port = free_port()
    with NetworkPrinter(port) as pole:
        # When the manager sets it and tests it
        r = lantern("print", "display", "--set", f"network:127.0.0.1:{port}", "--test",
                    db=demo_path)  # fmt: skip
    # Then it is saved, and the sample reached the display: DM-D init, Chinese, two lines
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"network:127.0.0.1:{port}"
    data = bytes(pole.received)
    assert data.startswith(b"\x1b\x40\x1f\x01\x0c\x1c\x26\x1f\x24\x01\x01")
    assert "合计".encode("gb18030") in data and b"\x1f\x24\x01\x02" in data
    assert lantern("print", "display", db=demo_path).stdout.strip() == f"network:127.0.0.1:{port}"
    # and with the display switched off the test says so (exit 1); a bad spec changes nothing
    r = lantern("print", "display", "--test", db=demo_path)
    assert r.returncode == 1 and "pole display" in r.stderr
    r = lantern("print", "display", "--set", "usb:1:2", db=demo_path)
    assert r.returncode == 1 and "serial:DEVICE" in r.stderr
    r = lantern("print", "display", "--clear", db=demo_path)
    assert r.stdout.strip() == "no pole display"


def test_redeem_with_a_blessing_prints_it_on_the_card_and_its_reprint(demo_path: Path) -> None:
    r = lantern("redeem", "--member", "M00000001", "--gift", "G101", "--cashier", "C01",
                "--blessing", "祝妈妈身体健康", pin="1111", db=demo_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    receipt_no = r.stdout.strip()
    card = demo_path.parent / f"{demo_path.stem}-printouts" / f"card-{receipt_no}.pdf"
    assert "“祝妈妈身体健康”" in PdfReader(io.BytesIO(card.read_bytes())).pages[0].extract_text()
    r = lantern("reprint", "card", receipt_no, "--manager", "M01", db=demo_path)
    assert r.returncode == 0, r.stderr
    again = Path(r.stdout.strip()).read_bytes()
    assert "“祝妈妈身体健康”" in PdfReader(io.BytesIO(again)).pages[0].extract_text()
    # a bad blessing: a clear error, nothing redeemed
    before = balance(demo_path, "M00000001")
    r = lantern("redeem", "--member", "M00000001", "--gift", "G101", "--cashier", "C01",
                "--blessing", "福" * 25, pin="1111", db=demo_path)  # fmt: skip
    assert r.returncode != 0 and "the blessing is too long" in r.stderr
    assert balance(demo_path, "M00000001") == before
