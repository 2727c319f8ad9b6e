"""Printer backends behind one small interface (no Qt here; the system printer is in
desktop/ui/qt_printer.py).

- `PdfArchive`: always there; the archive of every printout, one PDF file per printout,
  written atomically (temporary file, fsync, rename).
- `EscPosPrinter`: a thermal receipt printer through python-escpos over USB, the network or
  a serial port (or "dummy" for tests and demos). It asks the printer for its status first
  where the transport can answer, so an empty roll or an open cover is reported as such
  instead of the receipt vanishing into the printer's buffer. A printer with a cash drawer
  on its kick connector opens it (ESC p) before printing a receipt whose job says cash was
  taken; reprints never open it.

A backend raises `PrinterError` with a message a cashier can act on ("out of paper: load a
new roll"); the print queue records it and tries again later.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from escpos.exceptions import Error as EscposError

from desktop.core.errors import InvalidInput, LanternError
from desktop.printing.documents import CardDoc, ReceiptDoc
from desktop.printing.drawer import DrawerKick
from desktop.printing.escpos_out import COLUMNS, ESC_INIT, print_receipt
from desktop.private import private_dir

log = logging.getLogger(__name__)


class JobKind(StrEnum):
    RECEIPT = "receipt"
    CARD = "card"


class PrinterError(LanternError):
    """A printer could not print now (out of paper, offline, cover open…); the job waits."""


@dataclass(frozen=True)
class PrintJob:
    job_id: str
    kind: JobKind
    receipt_no: str
    pdf: bytes  # the rendered page(s), as archived
    document: ReceiptDoc | CardDoc = field(repr=False)  # text printers print from this
    copy: int = 0  # 0 for the original printout, N for the Nth reprint
    open_drawer: bool = False  # cash was taken: a printer with a drawer opens it first

    @property
    def file_name(self) -> str:
        return file_name(self.kind, self.receipt_no, self.copy)


def file_name(kind: str, receipt_no: str, copy: int = 0) -> str:
    """`receipt-SH001-20260615-00001.pdf`, `card-…-reprint-2.pdf`."""
    suffix = f"-reprint-{copy}" if copy else ""
    return f"{JobKind(kind).value}-{receipt_no}{suffix}.pdf"


@runtime_checkable
class PrinterBackend(Protocol):
    @property
    def name(self) -> str:
        """Stable and unique: the print queue records jobs under it."""
        ...

    def accepts(self, kind: JobKind) -> bool:
        """Whether this backend prints this kind of document at all."""
        ...

    def is_usable(self) -> bool:
        """Whether the software this backend needs is installed (not whether the printer
        is switched on: `print_job` finds that out)."""
        ...

    def print_job(self, job: PrintJob) -> None:
        """Print, or raise PrinterError saying why not."""
        ...


# --- the archive -------------------------------------------------------------------------------
def write_atomically(path: Path, data: bytes) -> None:
    """The file is either absent, or complete: never half written, even on a power cut."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if os.name == "posix":  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class PdfArchive:
    """Every printout as a PDF file: `<kind>-<receipt_no>[-reprint-N].pdf` in one folder."""

    name = "archive"

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def accepts(self, kind: JobKind) -> bool:
        return True

    def is_usable(self) -> bool:
        return True

    def path_for(self, kind: str, receipt_no: str, copy: int = 0) -> Path:
        return self.folder / file_name(kind, receipt_no, copy)

    def print_job(self, job: PrintJob) -> None:
        path = self.folder / job.file_name
        if path.is_file() and path.read_bytes() == job.pdf:
            return
        try:
            write_atomically(path, job.pdf)
        except OSError as e:
            raise PrinterError(
                f"cannot write the PDF archive {path}: {e.strerror or e}; check the disk"
            ) from e
        log.info("archived %s", path)


# --- ESC/POS thermal printers ---------------------------------------------------------------
# Real-time status (DLE EOT n). Every answer byte has bits 1 and 4 set (0x12).
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE_CAUSE = b"\x10\x04\x02"
DLE_EOT_ERROR = b"\x10\x04\x03"
STATUS_OFFLINE = 0x08  # DLE EOT 1
CAUSE_COVER_OPEN, CAUSE_PAPER_END, CAUSE_ERROR = 0x04, 0x20, 0x40  # DLE EOT 2
ERROR_CUTTER = 0x08  # DLE EOT 3

Opener = Callable[[], Any]  # returns an (unopened) python-escpos printer object


@dataclass(frozen=True)
class EscPosSpec:
    transport: str  # usb | network | serial | dummy
    target: str = ""
    option: int | None = None  # network port, serial baud rate, USB product id

    @classmethod
    def parse(cls, text: str) -> EscPosSpec:
        """From usb:VID:PID (hex), network:HOST[:PORT], serial:DEVICE[:BAUD] or dummy."""
        transport, _, rest = text.strip().partition(":")
        transport = transport.lower()
        try:
            if transport == "dummy" and not rest:
                return cls("dummy")
            if transport == "usb":
                vid, pid = rest.split(":")
                return cls("usb", f"{int(vid, 16):04x}", int(pid, 16))
            if transport == "network" and rest:
                host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
                return cls("network", host, int(port) if port else 9100)
            if transport == "serial" and rest:
                device, _, baud = rest.rpartition(":")
                if device and baud.isdigit():
                    return cls("serial", device, int(baud))
                return cls("serial", rest, 9600)
        except ValueError:
            pass
        raise InvalidInput(
            f"printer {text!r} is not one of usb:VID:PID (hex, e.g. usb:0416:5011), "
            "network:HOST[:PORT], serial:DEVICE[:BAUD] or dummy"
        )

    def __str__(self) -> str:
        if self.transport == "dummy":
            return "dummy"
        if self.transport == "usb":
            return f"usb:{self.target}:{self.option:04x}"
        return f"{self.transport}:{self.target}:{self.option}"


def open_escpos(spec: EscPosSpec, timeout: float = 5.0) -> Any:
    """The python-escpos printer object for a spec (not yet connected)."""
    from escpos import printer as escpos_printer

    if spec.transport == "usb":
        return escpos_printer.Usb(int(spec.target, 16), spec.option, timeout=int(timeout * 1000))
    if spec.transport == "network":
        return escpos_printer.Network(spec.target, port=spec.option or 9100, timeout=timeout)
    if spec.transport == "serial":
        # a serial read waits out its whole timeout: keep it short, status queries use it
        return escpos_printer.Serial(spec.target, baudrate=spec.option or 9600, timeout=1)
    from desktop.printing.fake_escpos import FakeEscPos

    return FakeEscPos()


def usable(spec: EscPosSpec) -> bool:
    from escpos import printer as escpos_printer

    cls = {"usb": "Usb", "network": "Network", "serial": "Serial", "dummy": "Dummy"}
    return bool(getattr(escpos_printer, cls[spec.transport]).is_usable())


class EscPosPrinter:
    """A thermal receipt printer. Receipts only: greeting cards go to the archive and the
    system printer. `drawer`: the cash drawer on its kick connector, if one hangs there."""

    def __init__(
        self,
        connection_spec: str | EscPosSpec,
        paper_mm: int = 80,
        *,
        qr_native: bool = True,
        drawer: DrawerKick | None = None,
        opener: Opener | None = None,
    ) -> None:
        if paper_mm not in COLUMNS:
            raise InvalidInput(f"receipt paper is 58 or 80 mm wide, not {paper_mm}")
        self.spec = (
            connection_spec
            if isinstance(connection_spec, EscPosSpec)
            else EscPosSpec.parse(connection_spec)
        )
        self.paper_mm = paper_mm
        self.qr_native = qr_native
        self.drawer = drawer
        # jobs whose kick was sent: a retry after a fault mid-receipt does not open it again
        self._kicked: set[str] = set()
        self._open: Opener = opener or (lambda: open_escpos(self.spec))

    @property
    def name(self) -> str:
        return str(self.spec)

    def accepts(self, kind: JobKind) -> bool:
        return kind is JobKind.RECEIPT

    def is_usable(self) -> bool:
        return usable(self.spec)

    def print_job(self, job: PrintJob) -> None:
        if not self.accepts(job.kind) or not isinstance(job.document, ReceiptDoc):
            log.info("%s prints receipts only; %s skipped", self.name, job.file_name)
            return
        printer = self._connect()
        try:
            self._check_status(printer)
            kick = self._kick_for(job)
            if kick is not None:  # as tills do: the drawer opens, then the receipt prints
                printer._raw(ESC_INIT + kick.command)
                self._kicked.add(job.job_id)
                log.info("%s: cash drawer opened for %s", self.name, job.receipt_no)
            print_receipt(printer, job.document, self.paper_mm, self.qr_native, init=kick is None)
        except (OSError, EscposError) as e:  # pyusb's and pyserial's errors are OSErrors
            raise PrinterError(
                f"printer {self.name} stopped answering: {_one_line(e)}; check it is switched "
                "on and connected"
            ) from e
        finally:
            _close(printer)

    def _kick_for(self, job: PrintJob) -> DrawerKick | None:
        if self.drawer is None or not job.open_drawer or job.copy:
            return None
        return None if job.job_id in self._kicked else self.drawer

    def _connect(self) -> Any:
        if not self.is_usable():
            raise PrinterError(
                f"printer {self.name}: python-escpos cannot drive {self.spec.transport} "
                "printers on this till (pyusb or pyserial is missing)"
            )
        printer = self._open()
        try:
            printer.open()
        except (OSError, EscposError) as e:
            _close(printer)
            raise PrinterError(
                f"printer {self.name} is offline: {_one_line(e)}; check it is switched on "
                "and connected"
            ) from e
        return printer

    def _check_status(self, printer: Any) -> None:
        """Ask the printer (where the transport can answer) before sending anything."""
        online = _query(printer, DLE_EOT_PRINTER)
        if online is None:
            return  # no status from this transport or printer: don't wait on it again
        if online & STATUS_OFFLINE:
            cause = _query(printer, DLE_EOT_OFFLINE_CAUSE) or 0
            if cause & CAUSE_COVER_OPEN:
                raise PrinterError(f"printer {self.name}: cover open; close the cover")
            if cause & CAUSE_PAPER_END:
                raise PrinterError(f"printer {self.name}: out of paper; load a new roll")
            error = _query(printer, DLE_EOT_ERROR) or 0
            if error & ERROR_CUTTER:
                raise PrinterError(f"printer {self.name}: the cutter is jammed; clear it")
            raise PrinterError(f"printer {self.name} is offline (error); check its lights")
        try:
            paper = printer.paper_status()
        except (NotImplementedError, OSError, EscposError):
            return  # this transport cannot read (or the printer does not answer)
        if paper == 0:
            raise PrinterError(f"printer {self.name}: out of paper; load a new roll")
        if paper == 1:
            log.warning("printer %s: paper is running low", self.name)


def _query(printer: Any, command: bytes) -> int | None:
    """One status byte, or None when the transport cannot read or nothing answered."""
    try:
        answer = printer.query_status(command)
    except NotImplementedError:
        return None
    except (OSError, EscposError) as e:  # a read timeout: the printer does not answer
        log.debug("status query %r unanswered: %s", command, e)
        return None
    return answer[0] if answer else None


def _close(printer: Any) -> None:
    try:
        printer.close()
    except Exception:  # closing a dead connection: nothing more to do
        log.debug("closing the printer failed", exc_info=True)


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split()) or type(e).__name__
