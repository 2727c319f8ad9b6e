"""Chinese on a till whose system has no CJK font: each test runs a fresh Python with
fontconfig limited to DejaVu (`FONTCONFIG_FILE`, as on a bare install), so only the font
Lantern ships can draw a Chinese character. Read back: the system printer's PDF text, and the
glyphs Qt picked for the window's Chinese labels (glyph 0 is the empty box)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
DEJAVU = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
]
CHILD_TIMEOUT = 120  # seconds: a fresh Qt, a font cache and a window, on a slow machine


def bare_fontconfig(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine whose only fonts are DejaVu's (none at all if DejaVu is
    not installed here either)."""
    dirs = "".join(f"  <dir>{d}</dir>\n" for d in DEJAVU if d.is_dir())
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"{dirs}  <cachedir>{tmp_path / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env.update(FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen")
    env.pop("FONTCONFIG_PATH", None)
    return env


def run_child(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


PRINTER = r"""
import sys
from datetime import datetime
from desktop.printing.backends import JobKind, PrintJob
from desktop.printing.documents import ReceiptDoc, ReceiptLineDoc
from desktop.printing.receipt import receipt_pdf
from desktop.ui.qt import QApplication, QFontDatabase
from desktop.ui.qt_printer import QtSystemPrinter

qapp = QApplication(sys.argv)  # a bare application: no start-up font set-up
assert not any("WenQuanYi" in f for f in QFontDatabase.families()), "a CJK font is installed"
doc = ReceiptDoc(
    store_name_zh="上海南京东路店", store_name_en="Shanghai Nanjing Road East",
    receipt_no="SH001-20261126-00042", at=datetime(2026, 11, 26, 15, 32, 7),
    cashier="王小丽 (C01)", member_masked="张*明", member_id="M00001234",
    lines=(ReceiptLineDoc("不锈钢保温杯", "Stainless vacuum flask", 1, 300, 1500),),
    points=300, cash_fen=1500, balance_before=3120, balance_after=2820,
)
job = PrintJob("j1", JobKind.RECEIPT, doc.receipt_no, receipt_pdf(doc, 80), doc)
QtSystemPrinter(output_file=sys.argv[1]).print_job(job)
"""


def test_the_system_printer_keeps_chinese_without_a_system_cjk_font(tmp_path: Path) -> None:
    # Given a machine with DejaVu only, when the system printer prints a receipt to a PDF
    out = tmp_path / "system.pdf"
    run_child(PRINTER, bare_fontconfig(tmp_path), str(out))
    # Then the PDF's text has every Chinese character of the receipt
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "\x00" not in text
    for words in ("上海南京东路店", "王小丽", "不锈钢保温杯", "SH001-20261126-00042"):
        assert words in text


WINDOW = r"""
import json, sys, time
from desktop.services.app import StoreServices
from desktop.ui.main import application
from desktop.ui.main_window import MainWindow
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QLabel

qapp = application()  # as `lantern app` starts
app = StoreServices.open(sys.argv[1])
w = MainWindow(app, language="zh_CN")
w.resize(1180, 760)
w.show()
deadline = time.monotonic() + 60
while w.login.staff_list.count() == 0:
    qapp.processEvents()
    assert time.monotonic() < deadline, "the staff list never loaded"
    time.sleep(0.01)
for _ in range(20):
    qapp.processEvents()
w.grab().save(sys.argv[2])

def glyphs(text, font):
    layout = QTextLayout(text, font)
    layout.beginLayout(); layout.createLine(); layout.endLayout()
    return [(r.rawFont().familyName(), list(r.glyphIndexes())) for r in layout.glyphRuns()]

shown = [(l.text(), l.font()) for l in w.findChildren(QLabel) if any("\u4e00" <= c <= "\u9fff" for c in l.text())]
shown += [(w.login.staff_list.item(i).text(), w.login.staff_list.font()) for i in range(w.login.staff_list.count())]
print(json.dumps([{"text": t, "runs": glyphs(t, f)} for t, f in shown], ensure_ascii=False))
w.close(); app.close()
"""


def test_the_window_draws_chinese_without_a_system_cjk_font(
    tmp_path: Path, demo_path: Path
) -> None:
    # Given a machine with DejaVu only, when the till window opens on the log-in screen
    shot = tmp_path / "login.png"
    labels = json.loads(run_child(WINDOW, bare_fontconfig(tmp_path), str(demo_path), str(shot)))
    # Then every Chinese label and staff name is drawn with real glyphs (no empty boxes)
    assert any("王小丽" in label["text"] for label in labels)
    assert len(labels) >= 5
    for label in labels:
        glyphs = [g for _, run in label["runs"] for g in run]
        assert glyphs and 0 not in glyphs, label
        assert any("WenQuanYi" in family for family, _ in label["runs"]), label
    assert shot.stat().st_size > 10_000
