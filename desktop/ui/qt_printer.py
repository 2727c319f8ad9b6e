"""The system printer (any printer the operating system knows) through Qt print support,
behind the same interface as the other printer backends (desktop/printing/backends.py).

Each page of the job's PDF is rendered by QPdfDocument (PDFium) at the printer's
resolution, up to 300 dpi, and painted full-page; the page's text, as QPdfDocument reads
it, is laid over it invisibly at the same places, so a job printed to a PDF file stays
searchable. The text layer is set in the shipped CJK font (desktop/ui/fonts.py), so no
Chinese character is lost on a computer without a CJK font of its own. It runs on the I/O
lane (desktop/ui/worker.py): Qt supports painting on a QPrinter outside the GUI thread,
and no widget is touched.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from desktop.printing.backends import JobKind, PrinterError, PrintJob
from desktop.ui.fonts import cjk_family
from desktop.ui.qt import (
    QApplication,
    QBuffer,
    QByteArray,
    QColor,
    QFont,
    QIODevice,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfDocument,
    QPrinter,
    QPrinterInfo,
    QRectF,
    QSize,
    QSizeF,
    Qt,
)

log = logging.getLogger(__name__)

MAX_DPI = 300  # enough for any till printer; an A6 card at 300 dpi is 1748 × 1240 pixels


class QtSystemPrinter:
    """`printer_name` None: the system's default printer. `output_file`: print into that
    PDF file instead (Qt's own PDF printer: for tests and for checking a layout)."""

    def __init__(
        self,
        printer_name: str | None = None,
        *,
        output_file: Path | str | None = None,
        kinds: frozenset[JobKind] = frozenset(JobKind),
    ) -> None:
        self.printer_name = printer_name
        self.output_file = Path(output_file) if output_file is not None else None
        self.kinds = kinds
        self.font_family = cjk_family()  # made on the GUI thread: register the font here

    @property
    def name(self) -> str:
        return f"system:{self.printer_name}" if self.printer_name else "system"

    def accepts(self, kind: JobKind) -> bool:
        return kind in self.kinds

    def is_usable(self) -> bool:
        return self.output_file is not None or bool(QPrinterInfo.availablePrinterNames())

    def print_job(self, job: PrintJob) -> None:
        self.print_pdf(job.pdf, job.file_name)

    def print_pdf(self, data: bytes, file_name: str) -> None:
        """Any PDF (the daily reconciliation, too), page by page at its own size."""
        if QApplication.instance() is None:
            raise PrinterError(f"printer {self.name}: the system printer needs the till window")
        pdf, buffer = QPdfDocument(), QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        try:
            pdf.load(buffer)
            if pdf.status() != QPdfDocument.Status.Ready or pdf.pageCount() < 1:
                raise PrinterError(f"{file_name}: not a PDF the system printer can read")
            self._print(pdf, self._printer(file_name))
        finally:
            pdf.close()
            buffer.close()
        log.info("%s sent to %s", file_name, self.name)

    def _printer(self, file_name: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(file_name.removesuffix(".pdf"))
        printer.setFullPage(True)
        if self.output_file is not None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.output_file))
            return printer
        info = (
            QPrinterInfo.printerInfo(self.printer_name)
            if self.printer_name
            else QPrinterInfo.defaultPrinter()
        )
        if info.isNull():
            raise PrinterError(
                f"printer {self.name}: no such printer is set up on this computer"
                if self.printer_name
                else "no default printer is set up on this computer"
            )
        if info.state() == QPrinter.PrinterState.Error:
            raise PrinterError(f"printer {self.name} reports an error; check it")
        printer.setPrinterName(info.printerName())
        return printer

    def _print(self, pdf: QPdfDocument, printer: QPrinter) -> None:
        printer.setPageLayout(_layout(pdf, 0))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(f"printer {self.name} cannot start a print job (offline?)")
        try:
            for page in range(pdf.pageCount()):
                if page:
                    printer.setPageLayout(_layout(pdf, page))
                    printer.newPage()
                _paint_page(painter, printer, pdf, page, self.font_family)
        finally:
            finished = painter.end()
        if not finished or printer.printerState() == QPrinter.PrinterState.Error:
            raise PrinterError(f"printer {self.name} did not take the job; check it")


def system_printers(entries: Any) -> list[QtSystemPrinter]:
    """The system printers named in the store setting "printers": "system" (the default
    printer), "system:NAME", or {"printer": "system:NAME", "kinds": ["card"]} to send it
    only greeting cards (say, when a thermal printer takes the receipts)."""
    found = []
    for entry in entries or []:
        spec, options = (entry, {}) if isinstance(entry, str) else (None, entry)
        if isinstance(options, dict) and spec is None:
            spec = options.get("printer")
        if not isinstance(spec, str) or spec.split(":", 1)[0].lower() != "system":
            continue
        name = spec.split(":", 1)[1] if ":" in spec else None
        try:
            kinds = frozenset(JobKind(k) for k in options.get("kinds", list(JobKind)))
        except ValueError:
            log.error("printer setting %r: kinds must be receipt and/or card", entry)
            continue
        found.append(QtSystemPrinter(name or None, kinds=kinds))
    return found


def _layout(pdf: QPdfDocument, page: int) -> QPageLayout:
    """The PDF page's own size, no margins. Qt page sizes are portrait with an orientation,
    and a size within a few points of a standard one (the A6 card) is that standard size,
    so the printer driver picks the right paper."""
    w, h = pdf.pagePointSize(page).width(), pdf.pagePointSize(page).height()
    size = QPageSize(
        QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
    )
    orientation = QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


def _paint_page(
    painter: QPainter, printer: QPrinter, pdf: QPdfDocument, page: int, family: str | None
) -> None:
    points = pdf.pagePointSize(page)
    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    dpi = min(printer.resolution(), MAX_DPI)
    pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    painter.drawImage(target, pdf.render(page, pixels))
    # the text layer: each line of the page's text, invisible, over the line's place
    # (QPdfDocument measures in points from the top left)
    scale = target.width() / points.width()
    painter.setPen(QColor(0, 0, 0, 0))
    font = QFont()
    if family is not None:  # the shipped CJK font first, whatever the system has
        font.setFamilies([family, *font.families()])
    text = pdf.getAllText(page).text()
    start = 0
    for line in text.splitlines(keepends=True):
        words = line.rstrip("\r\n")
        if words.strip():
            box = pdf.getSelectionAtIndex(page, start, len(words)).boundingRectangle()
            font.setPixelSize(max(1, round(box.height() * scale * 0.8)))
            painter.setFont(font)
            painter.drawText(
                QRectF(box.x() * scale, box.y() * scale, box.width() * scale, box.height() * scale),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                words,
            )
        start += len(line)
