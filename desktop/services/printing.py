"""Printing after a redemption: the print queue.

A redemption is committed before anything is printed, and a print failure never undoes it.
After the redemption's transaction, `enqueue_redemption` queues, in a transaction of its
own, one job per printer for the receipt and one for the greeting card (the PDF archive is
always one of the printers). `process` prints what is due: it renders the document from the
store, writes the archive PDF first, then sends it to the job's printer. A printer fault
(out of paper, offline, cover open) leaves the job failed with its error and a next attempt
after an exponential, jittered, capped delay; a manager sees it in `pending()` and can
`retry` it or `reprint` a receipt or card later.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core import coupons
from desktop.core.catalogue import Gift
from desktop.core.errors import InvalidInput, LanternError, NotFound
from desktop.core.occasions import occasion_for
from desktop.printing.backends import (
    EscPosPrinter,
    JobKind,
    PdfArchive,
    PrinterBackend,
    PrinterError,
    PrintJob,
)
from desktop.printing.designs import SHIPPED, CardDesign, load_designs
from desktop.printing.documents import CardDoc, CouponDoc, ReceiptDoc, ReceiptLineDoc
from desktop.printing.greeting import card_pdf
from desktop.printing.printer_config import is_system, parse_entry
from desktop.printing.receipt import receipt_pdf
from desktop.services.context import ServiceContext, require_manager
from desktop.services.till import TillService
from desktop.store import catalogue as gifts_repo
from desktop.store import members as members_repo
from desktop.store import print_jobs as q
from desktop.store import redemptions, settings, voids
from desktop.store.print_jobs import QueuedJob
from desktop.store.staff import Staff, get_staff

log = logging.getLogger(__name__)

__all__ = [
    "JobKind",
    "PrintService",
    "ProcessResult",
    "QueuedJob",
    "retry_delay",
    "store_printing",
]

Progress = Callable[[str, int, int], None]  # (what, done, total), as the reports use
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=5)
LEASE = timedelta(minutes=2)  # a job being printed is not due again before this


def retry_delay(attempts: int, rand: Callable[[], float] = random.random) -> timedelta:
    """How long a job waits after its `attempts`-th failure: 5 s, 10 s, 20 s … doubling up
    to 5 minutes, each drawn between half and all of that ("equal jitter"), so tills that
    lost the same network printer do not all retry in step."""
    doublings = min(max(attempts - 1, 0), 16)  # 5 s × 2**16 is far past the cap already
    ceiling = min(FIRST_RETRY * (1 << doublings), LONGEST_WAIT)
    return ceiling / 2 + ceiling / 2 * rand()


@dataclass(frozen=True)
class ProcessResult:
    printed: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: tuple[str, ...] = ()  # one line per failed job, for the cashier or the log

    @property
    def ok(self) -> bool:
        return self.failed == 0


@dataclass
class _Tally:
    printed: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)
    down: dict[str, str] = field(default_factory=dict)  # printer → its fault in this run

    def result(self) -> ProcessResult:
        return ProcessResult(self.printed, self.failed, self.cancelled, tuple(self.errors))


def configured_printers(entries: Any, default_paper_mm: int = 80) -> tuple[list[Any], list[str]]:
    """ESC/POS printers from the store setting "printers": connection specs with options
    ("network:10.0.0.9:9100,drawer=pin2") or objects ({"printer": spec, "paper_mm": 58,
    "qr": "image", "drawer": {...}}), as desktop/printing/printer_config.py reads them.
    "system[:NAME]" entries are the window's to add (Qt); they are skipped here. Returns the
    printers and a problem per entry that cannot be used."""
    printers: list[Any] = []
    problems: list[str] = []
    for entry in [entries] if isinstance(entries, str) else entries or []:
        if is_system(entry):
            continue
        try:
            config = parse_entry(entry)
            printers.append(
                EscPosPrinter(
                    config.spec,
                    config.paper_mm or int(default_paper_mm),
                    qr_native=config.qr_native,
                    drawer=config.drawer,
                )
            )
        except (InvalidInput, ValueError) as e:
            problems.append(str(e))
    return printers, problems


class PrintService:
    def __init__(
        self,
        ctx: ServiceContext,
        backends: Sequence[PrinterBackend],
        archive: PdfArchive,
        *,
        designs: Path | None = None,
        designs_override: Path | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.ctx = ctx
        self.db = ctx.db
        self.archive = archive
        self.designs_folder = designs or SHIPPED
        self.designs_override = designs_override
        self.rand = rand
        self.problems: list[str] = []  # printer settings that could not be used
        self._backends: dict[str, PrinterBackend] = {archive.name: archive}
        for backend in backends:
            self.add_backend(backend)
        self._till = TillService(ctx)
        self._running = threading.Lock()

    # --- configuration -------------------------------------------------------------------
    @property
    def backends(self) -> list[PrinterBackend]:
        return list(self._backends.values())

    def add_backend(self, backend: PrinterBackend) -> None:
        """Another printer (the window adds the system printer this way)."""
        if backend.name in self._backends:
            raise InvalidInput(f"printer {backend.name!r} is configured twice")
        self._backends[backend.name] = backend

    def set_printers(self, entries: list[Any]) -> list[PrinterBackend]:
        """Replace the store's thermal printers (the "printers" setting) after checking
        every entry; the archive and any printer the window added stay."""
        printers, problems = configured_printers(
            entries, int(self.ctx.setting("receipt_paper_mm", 80))
        )
        if problems:
            raise InvalidInput("; ".join(problems))
        names = [p.name for p in printers]
        if len(set(names)) != len(names) or self.archive.name in names:
            raise InvalidInput(f"each printer once, please: {', '.join(names)}")
        with self.db.write() as conn:
            settings.put(conn, "printers", entries)
        self._backends = {
            name: b for name, b in self._backends.items() if not isinstance(b, EscPosPrinter)
        }
        for printer in printers:
            self.add_backend(printer)
        self.problems.clear()
        return self.backends

    # --- queueing ------------------------------------------------------------------------
    def enqueue_redemption(self, receipt_no: str) -> int:
        """Queue a redemption's receipt and card on every printer that takes them, in a
        transaction of its own (the redemption has committed already). Queueing the same
        receipt again adds nothing. Returns the number of jobs added."""
        at = self.ctx.now().isoformat()
        added = 0
        with self.db.write() as conn:
            if redemptions.find(conn, receipt_no) is None:
                raise NotFound(f"no receipt {receipt_no!r} in this store: check the number")
            for kind in JobKind:
                for backend in self._backends.values():
                    if backend.accepts(kind):
                        added += q.add(conn, _new_id(), kind.value, receipt_no, backend.name, at)
        log.info("queued %d print job(s) for %s", added, receipt_no)
        return added

    def reprint(
        self, manager: Staff, receipt_no: str, kind: JobKind | str, printer: str | None = None
    ) -> list[str]:
        """A manager's reprint of a receipt or card (marked REPRINT on the receipt), on one
        printer or on every printer that takes it (the archive keeps each copy as its own
        file). Returns the new job ids; `process` prints them."""
        require_manager(manager)
        kind = _kind(kind)
        targets = [
            b
            for b in self._backends.values()
            if b.accepts(kind) and (printer is None or b.name in (printer, self.archive.name))
        ]
        if printer is not None and printer not in self._backends:
            known = ", ".join(self._backends)
            raise NotFound(f"no printer {printer!r} here (printers: {known})")
        if printer is not None and not self._backends[printer].accepts(kind):
            raise InvalidInput(f"printer {printer} does not print {kind.value}s")
        self._till.receipt(receipt_no)  # NotFound for an unknown receipt
        at = self.ctx.now().isoformat()
        ids = []
        with self.db.write() as conn:
            copy = q.next_copy(conn, receipt_no, kind.value)
            for backend in targets:
                job_id = _new_id()
                original = q.original(conn, receipt_no, kind.value, backend.name)
                q.add(conn, job_id, kind.value, receipt_no, backend.name, at, copy, original)
                ids.append(job_id)
        log.info("reprint %d of %s %s queued on %d printer(s)", copy, kind, receipt_no, len(ids))
        return ids

    def retry(self, job_id: str, progress: Progress | None = None) -> ProcessResult:
        """Try a waiting job again now (after the paper was refilled)."""
        now = self.ctx.now()
        with self.db.write() as conn:
            job = q.find(conn, job_id)
            if not q.make_due(conn, job.job_id, now.isoformat()):
                raise InvalidInput(f"print job {job.job_id[:8]} is {job.status}, not waiting")
        return self.process(now, progress, only=(job.job_id,))

    def print_redemption(self, receipt_no: str, progress: Progress | None = None) -> ProcessResult:
        """What the till does after a redemption: queue its printouts and print what is due.
        Never raises for a printer fault; the result says what failed."""
        self.enqueue_redemption(receipt_no)
        return self.process(progress=progress)

    # --- what a manager sees -------------------------------------------------------------------
    def pending(self) -> list[QueuedJob]:
        """Every printout not yet done: queued, or failed and waiting for a retry."""
        with self.db.read() as tx:
            return q.waiting(tx)

    def jobs_for(self, receipt_no: str) -> list[QueuedJob]:
        with self.db.read() as tx:
            return q.for_receipt(tx, receipt_no)

    # --- printing ------------------------------------------------------------------------
    def process(
        self,
        now: datetime | None = None,
        progress: Progress | None = None,
        only: Sequence[str] | None = None,
    ) -> ProcessResult:
        """Print every due job (or only the given ones, if due). Printer faults are recorded
        on their jobs, never raised; after a printer fails, its other jobs in this run fail
        with the same error without waiting on the printer again."""
        with self._running:
            now = now or self.ctx.now()
            with self.db.read() as tx:
                jobs = q.due(tx, now.isoformat())
            if only is not None:
                jobs = [j for j in jobs if j.job_id in only]
            tally = _Tally()
            rendered: dict[tuple[str, str, int], PrintJob | LanternError] = {}
            for i, job in enumerate(jobs):
                if progress:
                    progress(f"{job.kind} {job.receipt_no} → {job.backend}", i, len(jobs))
                self._run(job, now, rendered, tally)
            if progress and jobs:
                progress("done", len(jobs), len(jobs))
            return tally.result()

    def _run(
        self,
        job: QueuedJob,
        now: datetime,
        rendered: dict[tuple[str, str, int], PrintJob | LanternError],
        tally: _Tally,
    ) -> None:
        with self.db.write() as conn:
            if not q.claim(conn, job.job_id, now.isoformat(), (now + LEASE).isoformat()):
                return  # another process is printing it
        attempts = job.attempts + 1
        try:
            if job.kind == JobKind.CARD and self._voided(job.receipt_no):
                with self.db.write() as conn:
                    q.mark_cancelled(conn, job.job_id, "the redemption was voided")
                tally.cancelled += 1
                return
            key = (job.receipt_no, job.kind, job.copy)
            if key not in rendered:
                rendered[key] = self._render(job)
            work = rendered[key]
            if isinstance(work, LanternError):
                raise work
            print_job = PrintJob(
                job.job_id,
                work.kind,
                work.receipt_no,
                work.pdf,
                work.document,
                work.copy,
                work.open_drawer,
            )
            self.archive.print_job(print_job)  # the archive first, whatever else fails
            backend = self._backends.get(job.backend)
            if backend is None:
                raise PrinterError(
                    f"printer {job.backend} is not available here (no longer configured, or "
                    "only the till window drives it)"
                )
            if job.backend in tally.down:  # it failed a moment ago: don't wait on it again
                raise PrinterError(tally.down[job.backend])
            if backend is not self.archive:
                try:
                    backend.print_job(print_job)
                except PrinterError as e:
                    tally.down[job.backend] = str(e)
                    raise
        except Exception as e:
            if not isinstance(e, LanternError):
                log.exception("printing %s %s failed unexpectedly", job.kind, job.receipt_no)
            error = str(e) or type(e).__name__
            wait = retry_delay(attempts, self.rand)
            with self.db.write() as conn:
                q.mark_failed(conn, job.job_id, error, (now + wait).isoformat())
            # a printer fault is routine (the job row keeps it for the manager); anything
            # else, like a bad card design from head office, deserves attention
            log.log(
                logging.INFO if isinstance(e, PrinterError) else logging.WARNING,
                "%s %s on %s failed (attempt %d, next in %.0f s): %s",
                job.kind,
                job.receipt_no,
                job.backend,
                attempts,
                wait.total_seconds(),
                error,
            )
            tally.failed += 1
            tally.errors.append(f"{job.kind} {job.receipt_no} on {job.backend}: {error}")
        else:
            with self.db.write() as conn:
                q.mark_printed(conn, job.job_id, self.ctx.now().isoformat())
            log.info("%s %s printed on %s", job.kind, job.receipt_no, job.backend)
            tally.printed += 1

    def _render(self, job: QueuedJob) -> PrintJob | LanternError:
        """The document and its PDF, rendered once per process() for all its printers."""
        try:
            kind = JobKind(job.kind)
            receipt = self.receipt_doc(job.receipt_no, reprint=job.copy > 0)
            if kind is JobKind.RECEIPT:
                roll = int(self.ctx.setting("receipt_paper_mm", 80))
                # cash was taken: the drawer opens with the original receipt, never a reprint
                drawer = job.copy == 0 and receipt.cash_fen > 0 and not receipt.voided
                pdf = receipt_pdf(receipt, roll)
                return PrintJob(job.job_id, kind, job.receipt_no, pdf, receipt, job.copy, drawer)
            card, design = self.card_doc(job.receipt_no)
            return PrintJob(
                job.job_id, kind, job.receipt_no, card_pdf(card, design), card, job.copy
            )
        except LanternError as e:  # a bad design file from head office, a vanished receipt
            return e

    # --- documents from the store ------------------------------------------------------------
    def receipt_doc(self, receipt_no: str, reprint: bool = False) -> ReceiptDoc:
        r = self._till.receipt(receipt_no)
        view = self._till.member_view(r.member_id)
        with self.db.read() as tx:
            cashier = get_staff(tx, r.cashier_id)
            gifts = {
                x.gift_id: gifts_repo.get_gift(tx, x.gift_id)[0]
                for x in r.lines
                if gifts_repo.has_gift(tx, x.gift_id)
            }
        return ReceiptDoc(
            store_name_zh=str(self.ctx.setting("store_name_zh", "")),
            store_name_en=str(self.ctx.setting("store_name_en", "")),
            receipt_no=r.receipt_no,
            at=datetime.fromisoformat(r.created_at).astimezone(self.ctx.tz),
            cashier=f"{cashier.name} ({cashier.staff_id})",
            member_masked=r.masked_name,
            member_id=r.member_id,
            lines=tuple(
                ReceiptLineDoc(
                    x.name_zh,
                    x.name_en,
                    x.quantity,
                    x.points_each,
                    x.cash_fen_each,
                    self._line_detail(gifts.get(x.gift_id)),
                )
                for x in r.lines
            ),
            points=r.points,
            cash_fen=r.cash_fen,
            balance_before=r.balance_before,
            balance_after=r.balance_after,
            # head office's window for "expiring soon" (setting journeys.expiring), else 30 days
            expiring=view.journeys.expiring
            or tuple((date.fromisoformat(d), p) for d, p in view.expiring),
            offline=r.offline,
            reprint=reprint,
            voided=self._voided(receipt_no),
            coupons=tuple(
                CouponDoc(
                    self._coupon_title(gifts.get(c.gift_id)),
                    coupons.shown(c.code),
                    c.valid_until,
                )
                for c in r.coupons
            ),
        )

    def _line_detail(self, gift: Gift | None) -> str:
        """An experience's session on its receipt line (a coupon's code follows below)."""
        if gift is None or gift.session is None:
            return ""
        when = gift.session.starts.astimezone(self.ctx.tz)
        return f"场次 Session {when:%Y-%m-%d %H:%M} · {gift.session.place}"

    @staticmethod
    def _coupon_title(gift: Gift | None) -> str:
        if gift is None or gift.coupon is None:
            return ""
        return f"{gift.coupon.title_zh} {gift.coupon.title_en}"

    def card_doc(self, receipt_no: str) -> tuple[CardDoc, CardDesign]:
        """The greeting card for a redemption: the occasion from the redemption's day and
        the member's birthday, and that occasion's design (head office's, if it sent one)."""
        r = self._till.receipt(receipt_no)
        with self.db.read() as tx:
            member = members_repo.get_member(tx, r.member_id)
        day = datetime.fromisoformat(r.created_at).astimezone(self.ctx.tz).date()
        occasion = occasion_for(day, member.birthday, self.ctx.occasions())
        design = load_designs(self.designs_folder, self.designs_override)[occasion]
        doc = CardDoc(
            member_name=member.name,
            occasion=occasion.value,
            gift_zh="、".join(x.name_zh for x in r.lines),
            gift_en=", ".join(x.name_en for x in r.lines),
            store_name_zh=str(self.ctx.setting("store_name_zh", "")),
            store_name_en=str(self.ctx.setting("store_name_en", "")),
            day=day,
            receipt_no=receipt_no,
            blessing=r.blessing,
        )
        return doc, design

    def _voided(self, receipt_no: str) -> bool:
        with self.db.read() as tx:
            return voids.is_voided(tx, receipt_no)


def _kind(kind: JobKind | str) -> JobKind:
    try:
        return JobKind(kind)
    except ValueError:
        raise InvalidInput(f"a printout is a receipt or a card, not {kind!r}") from None


def _new_id() -> str:
    return str(uuid.uuid4())


def card_designs_folder(db_path: Path) -> Path:
    """Where head office's card designs for this store file live: `<store>-card-designs/`
    beside it (one folder per store file, like the printouts). Sync writes them there; a
    design there replaces the shipped one of the same occasion."""
    return db_path.parent / f"{db_path.stem}-card-designs"


def store_printing(ctx: ServiceContext) -> PrintService:
    """The store's print queue as configured: the PDF archive in `<store>-printouts/` beside
    the store database (or the "printouts_folder" setting), the ESC/POS printers of the
    "printers" setting (none by default), head office's card designs from
    `<store>-card-designs/` (written there by sync)."""
    folder = ctx.db.path.parent
    # one archive per store file: demo.db and store.db in one folder keep theirs apart
    default = folder / f"{ctx.db.path.stem}-printouts"
    archive = PdfArchive(Path(ctx.setting("printouts_folder") or default))
    printers, problems = configured_printers(
        ctx.setting("printers", []), int(ctx.setting("receipt_paper_mm", 80))
    )
    for problem in problems:
        log.error("printer setting ignored: %s", problem)
    service = PrintService(
        ctx, printers, archive, designs_override=card_designs_folder(ctx.db.path)
    )
    service.problems.extend(problems)
    return service
