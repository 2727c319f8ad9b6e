"""The print queue on a real store file: a redemption stays done whatever the printer does;
jobs wait visibly, back off, are retried and reprinted; the archive keeps every printout."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.errors import InvalidInput, NotAllowed, NotFound
from desktop.core.occasions import Occasion
from desktop.printing.backends import EscPosPrinter, JobKind, PdfArchive, PrintJob
from desktop.printing.fake_escpos import FakeEscPos, Paper
from desktop.services.app import StoreServices
from desktop.services.printing import (
    LEASE,
    LONGEST_WAIT,
    PrintService,
    ProcessResult,
    configured_printers,
    retry_delay,
)
from desktop.services.till import LineRequest, Receipt
from desktop.store import print_jobs as q
from desktop.store.staff import Staff

from ._helpers import T0, Clock, balance, ledger_sum, one, rows

pytestmark = pytest.mark.store

MEMBER = "M00000001"  # 2069 points
GIFT = "G101"  # 100 points


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.fixture
def fake() -> FakeEscPos:
    return FakeEscPos()


@pytest.fixture
def printing(app: StoreServices, fake: FakeEscPos, tmp_path: Path) -> PrintService:
    """The queue with one thermal printer (a fake one) and the archive in tmp_path."""
    printer = EscPosPrinter("dummy", 80, opener=lambda: fake)
    return PrintService(app.ctx, [printer], PdfArchive(tmp_path / "printouts"), rand=lambda: 1.0)


def redeem(app: StoreServices, cashier: Staff, rid: str = "r1", member: str = MEMBER) -> Receipt:
    result = app.till.redeem(cashier, rid, member, (LineRequest(GIFT),))
    assert isinstance(result, Receipt), result
    return result


def test_out_of_paper_leaves_redemption_done_and_job_waiting_then_retry_prints(
    app: StoreServices,
    cashier: Staff,
    printing: PrintService,
    fake: FakeEscPos,
    db_path: Path,
    tmp_path: Path,
) -> None:
    # Given a thermal printer that has run out of paper
    fake.paper = Paper.OUT
    before = balance(db_path, MEMBER)
    # When the cashier redeems and the till prints
    receipt = redeem(app, cashier)
    result = printing.print_redemption(receipt.receipt_no)
    # Then the redemption is committed in the file: points gone, receipt row present
    assert balance(db_path, MEMBER) == ledger_sum(db_path, MEMBER) == before - 100
    assert (
        one(db_path, "SELECT COUNT(*) FROM redemptions WHERE receipt_no = ?", (receipt.receipt_no,))
        == 1
    )
    # and the receipt job on the printer failed with a clear error, waiting for a retry
    assert (result.printed, result.failed) == (2, 1)  # archive: receipt and card printed
    assert "out of paper" in result.errors[0]
    (waiting,) = printing.pending()
    assert (waiting.kind, waiting.backend, waiting.status) == ("receipt", "dummy", "failed")
    assert waiting.attempts == 1 and waiting.last_error is not None
    assert "out of paper" in waiting.last_error
    assert fake.receipts == 0
    # and the archive holds the receipt and the card from that first attempt
    archive = tmp_path / "printouts"
    assert sorted(p.name for p in archive.iterdir()) == [
        f"card-{receipt.receipt_no}.pdf",
        f"receipt-{receipt.receipt_no}.pdf",
    ]
    assert receipt.receipt_no in pdf_text(archive / f"receipt-{receipt.receipt_no}.pdf")

    # When the paper is refilled and the manager retries the job
    fake.paper = Paper.OK
    again = printing.retry(waiting.job_id[:8])
    # Then it prints, and nothing waits any more
    assert (again.printed, again.failed) == (1, 0)
    assert fake.receipts == 1
    store_name = app.ctx.setting("store_name_zh")
    assert store_name.encode("gb18030") in fake.output
    assert receipt.receipt_no.encode() in fake.output
    assert printing.pending() == []
    done = q.get(app.db.conn, waiting.job_id)
    assert (done.status, done.attempts, done.last_error) == ("printed", 2, None)
    assert done.printed_at is not None
    assert balance(db_path, MEMBER) == before - 100  # printing never touched the points


def test_enqueue_is_idempotent(
    app: StoreServices, cashier: Staff, printing: PrintService, db_path: Path
) -> None:
    receipt = redeem(app, cashier)
    # archive: receipt + card; thermal printer: receipt only
    assert printing.enqueue_redemption(receipt.receipt_no) == 3
    assert printing.enqueue_redemption(receipt.receipt_no) == 0
    jobs = rows(db_path, "SELECT kind, backend FROM print_jobs ORDER BY kind, backend")
    assert [tuple(r) for r in jobs] == [
        ("card", "archive"),
        ("receipt", "archive"),
        ("receipt", "dummy"),
    ]
    # and a retried redemption (same request id) prints nothing twice
    replay = redeem(app, cashier)
    assert replay.replayed
    assert printing.print_redemption(replay.receipt_no).printed == 3
    assert printing.print_redemption(replay.receipt_no).printed == 0


def test_reprint_is_marked_and_archived_as_its_own_file(
    app: StoreServices,
    cashier: Staff,
    manager: Staff,
    printing: PrintService,
    fake: FakeEscPos,
    tmp_path: Path,
) -> None:
    receipt = redeem(app, cashier)
    printing.print_redemption(receipt.receipt_no)
    no = receipt.receipt_no
    # When a manager reprints the receipt twice and the card once
    printing.reprint(manager, no, "receipt")
    printing.reprint(manager, no, JobKind.RECEIPT, printer="dummy")
    printing.reprint(manager, no, "card")
    result = printing.process()
    # Then each is a new archive file; the reprinted receipt says REPRINT, the original not
    assert result.printed == 2 + 2 + 1
    archive = tmp_path / "printouts"
    assert "REPRINT" in pdf_text(archive / f"receipt-{no}-reprint-1.pdf")
    assert "REPRINT" in pdf_text(archive / f"receipt-{no}-reprint-2.pdf")
    assert "REPRINT" not in pdf_text(archive / f"receipt-{no}.pdf")
    assert (archive / f"card-{no}-reprint-1.pdf").is_file()
    assert fake.receipts == 3 and fake.output.count(b"REPRINT") == 2
    # and the queue links each reprint to the original job on the same printer
    jobs = printing.jobs_for(no)
    originals = {(j.kind, j.backend): j.job_id for j in jobs if j.copy == 0}
    for j in jobs:
        if j.copy:
            assert j.reprint_of == originals[(j.kind, j.backend)]


def test_reprint_needs_a_manager_a_known_receipt_and_printer(
    app: StoreServices, cashier: Staff, manager: Staff, printing: PrintService
) -> None:
    receipt = redeem(app, cashier)
    with pytest.raises(NotAllowed, match="not a manager"):
        printing.reprint(cashier, receipt.receipt_no, "receipt")
    with pytest.raises(NotFound, match="no receipt"):
        printing.reprint(manager, "SH001-20990101-00001", "receipt")
    with pytest.raises(NotFound, match="no printer"):
        printing.reprint(manager, receipt.receipt_no, "receipt", printer="network:10.9.9.9:9100")
    with pytest.raises(InvalidInput, match="does not print cards"):
        printing.reprint(manager, receipt.receipt_no, "card", printer="dummy")
    with pytest.raises(InvalidInput, match="receipt or a card"):
        printing.reprint(manager, receipt.receipt_no, "poster")
    with pytest.raises(NotFound, match="no print job"):
        printing.retry("nonexistent")
    assert printing.pending() == []  # refused requests queued nothing


def test_backoff_grows_and_is_capped() -> None:
    low = [retry_delay(n, lambda: 0.0) for n in range(1, 12)]
    high = [retry_delay(n, lambda: 1.0) for n in range(1, 12)]
    assert high[:4] == [timedelta(seconds=s) for s in (5, 10, 20, 40)]
    assert low[:4] == [timedelta(seconds=s) for s in (2.5, 5, 10, 20)]
    assert high == sorted(high) and low == sorted(low)
    assert max(high) == LONGEST_WAIT == timedelta(minutes=5)
    assert high[-1] == LONGEST_WAIT and low[-1] == LONGEST_WAIT / 2
    assert retry_delay(10**6) <= LONGEST_WAIT  # no overflow after days of failures


def test_a_failed_job_waits_for_its_backoff(
    app: StoreServices,
    cashier: Staff,
    printing: PrintService,
    fake: FakeEscPos,
    clock: Clock,
) -> None:
    fake.connected = False
    receipt = redeem(app, cashier)
    printing.enqueue_redemption(receipt.receipt_no)
    waits = []
    for attempt in range(1, 5):
        assert printing.process().failed == 1
        (job,) = printing.pending()
        assert job.attempts == attempt and "offline" in (job.last_error or "")
        wait = datetime.fromisoformat(job.next_attempt_at) - clock.now
        waits.append(wait)
        # not due before its time…
        clock.advance(seconds=wait.total_seconds() - 1)
        assert printing.process() == ProcessResult()
        clock.advance(seconds=1)  # …due at it
    assert waits == [retry_delay(n, lambda: 1.0) for n in range(1, 5)]
    fake.connected = True
    assert printing.process().printed == 1


def test_a_dead_printer_is_tried_once_per_run(
    app: StoreServices, cashier: Staff, printing: PrintService, fake: FakeEscPos
) -> None:
    # Given two receipts waiting for a printer that is switched off (a network printer
    # that is off costs a connection timeout per try)
    fake.connected = False
    for rid in ("r1", "r2"):
        printing.enqueue_redemption(redeem(app, cashier, rid).receipt_no)
    # When the queue runs, Then the printer is tried once and both jobs carry its error
    result = printing.process()
    assert (result.printed, result.failed) == (4, 2)
    assert fake.connections == 1
    errors = {j.last_error for j in printing.pending()}
    assert len(errors) == 1 and "offline" in errors.pop()


def test_card_for_a_voided_redemption_is_cancelled_and_the_receipt_says_voided(
    app: StoreServices,
    cashier: Staff,
    manager: Staff,
    fake: FakeEscPos,
    tmp_path: Path,
) -> None:
    archive = PdfArchive(tmp_path / "out")
    printing = PrintService(app.ctx, [], archive)
    receipt = redeem(app, cashier)
    printing.enqueue_redemption(receipt.receipt_no)
    app.till.void(cashier, manager, "v1", receipt.receipt_no, "customer changed mind")
    result = printing.process()
    assert (result.printed, result.cancelled) == (1, 1)
    assert "VOIDED" in pdf_text(tmp_path / "out" / f"receipt-{receipt.receipt_no}.pdf")
    assert not (tmp_path / "out" / f"card-{receipt.receipt_no}.pdf").exists()
    assert printing.pending() == []


def test_the_card_is_for_the_member_on_their_birthday(
    app: StoreServices, cashier: Staff, printing: PrintService
) -> None:
    app.db.conn.execute(
        "UPDATE members SET birthday = ? WHERE member_id = ?", ("1990-06-17", MEMBER)
    )
    receipt = redeem(app, cashier)
    card, design = printing.card_doc(receipt.receipt_no)
    name = one(app.db.path, "SELECT name FROM members WHERE member_id = ?", (MEMBER,))
    assert card.member_name == name  # the member's own name, not the masked one
    assert card.occasion == Occasion.BIRTHDAY == design.occasion
    assert card.day == T0.date() and card.receipt_no == receipt.receipt_no
    doc = printing.receipt_doc(receipt.receipt_no)
    assert doc.cashier == f"{cashier.name} (C01)"
    assert doc.member_masked == receipt.masked_name and doc.member_id == MEMBER
    assert doc.balance_after == doc.balance_before - 100 and not doc.reprint


def test_unexpected_backend_failure_is_recorded_not_raised(
    app: StoreServices, cashier: Staff, tmp_path: Path
) -> None:
    class Broken:
        name = "broken"

        def accepts(self, kind: JobKind) -> bool:
            return kind is JobKind.RECEIPT

        def is_usable(self) -> bool:
            return True

        def print_job(self, job: PrintJob) -> None:
            raise RuntimeError("driver bug")

    printing = PrintService(app.ctx, [Broken()], PdfArchive(tmp_path / "out"))
    receipt = redeem(app, cashier)
    result = printing.print_redemption(receipt.receipt_no)
    assert result.failed == 1 and "driver bug" in result.errors[0]
    assert (tmp_path / "out" / f"receipt-{receipt.receipt_no}.pdf").is_file()


def test_a_printer_no_longer_configured_leaves_its_jobs_waiting(
    app: StoreServices, cashier: Staff, printing: PrintService, tmp_path: Path
) -> None:
    receipt = redeem(app, cashier)
    printing.enqueue_redemption(receipt.receipt_no)
    without = PrintService(app.ctx, [], PdfArchive(tmp_path / "printouts"))
    result = without.process()
    assert result.printed == 2 and result.failed == 1
    assert "not available here" in result.errors[0]


def test_a_job_another_process_is_printing_is_left_alone(
    app: StoreServices, cashier: Staff, printing: PrintService, fake: FakeEscPos, clock: Clock
) -> None:
    receipt = redeem(app, cashier)
    printing.enqueue_redemption(receipt.receipt_no)
    job = next(j for j in printing.pending() if j.backend == "dummy")
    now = clock.now
    with app.db.write() as conn:  # the other process claimed it, then died
        assert q.claim(conn, job.job_id, now.isoformat(), (now + LEASE).isoformat())
    assert printing.process().printed == 2 and fake.receipts == 0
    clock.advance(seconds=LEASE.total_seconds())
    assert printing.process().printed == 1 and fake.receipts == 1


def test_progress_is_reported(app: StoreServices, cashier: Staff, printing: PrintService) -> None:
    receipt = redeem(app, cashier)
    printing.enqueue_redemption(receipt.receipt_no)
    seen: list[tuple[str, int, int]] = []
    printing.process(progress=lambda what, done, total: seen.append((what, done, total)))
    assert [(d, t) for _, d, t in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert seen[0][0].startswith(f"receipt {receipt.receipt_no}")


def test_store_services_archive_beside_the_database_and_no_printers_by_default(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    assert [b.name for b in app.printing.backends] == ["archive"]
    receipt = redeem(app, cashier)
    assert app.printing.print_redemption(receipt.receipt_no).printed == 2
    assert (
        db_path.parent / f"{db_path.stem}-printouts" / f"receipt-{receipt.receipt_no}.pdf"
    ).is_file()


def test_printers_from_the_store_setting() -> None:
    printers, problems = configured_printers(
        [
            "network:10.0.0.9",
            {"printer": "usb:0416:5011", "paper_mm": 58, "qr": "image"},
            "system",
            "bluetooth:x",
            {"paper_mm": 58},
            {"printer": "dummy", "paper_mm": 57},
        ]
    )
    assert [(p.name, p.paper_mm, p.qr_native) for p in printers] == [
        ("network:10.0.0.9:9100", 80, True),
        ("usb:0416:5011", 58, False),
    ]
    assert len(problems) == 3
