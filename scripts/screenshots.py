"""Regenerate the till screenshots in docs/screenshots/, in Simplified Chinese and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR]

A demo store on a fixed day with a head-office key, the real MainWindow rendered offscreen
(widget.grab): the log-in screen, the till after a member's card was scanned and two gifts
put in the basket, the receipt after confirming, the manager screen, and the customer
display."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.services.app import StoreServices
from desktop.services.demo import build_demo
from desktop.ui.main import application
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QApplication
from headoffice.issuing import KeyFile, issue_card

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 10, 15, 20, tzinfo=SH)


def wait(qapp: QApplication, until: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        qapp.processEvents()
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not get there in time")
        time.sleep(0.005)
    for _ in range(20):
        qapp.processEvents()


def main() -> int:
    qapp = application()  # as the till starts: the shipped CJK font, whatever the system has
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        build_demo(path, members=60, clock=lambda: NOW).close()
        keys = KeyFile(Path(tmp) / "keys.json")
        key = keys.new_key(NOW.date())
        for language in ("zh_CN", "en"):
            app = StoreServices(StoreServices.open(path, clock=lambda: NOW).db, lambda: NOW)
            app.setup.add_issuer_key(key.issuer_key())
            member = max(
                (
                    r[0]
                    for r in app.db.query(
                        "SELECT member_id FROM members WHERE status = 'active' AND balance BETWEEN 3000 AND 6000"
                    )
                ),
                default="M00000001",
            )
            app.setup.set_card_serial(member, 1)
            code = issue_card(keys, member, 1, NOW.date())
            w = MainWindow(app, language=language)
            w.resize(1180, 760)
            w.show()
            suffix = language
            wait(qapp, lambda w=w: w.login.staff_list.count() > 0)
            w.grab().save(str(out / f"login-{suffix}.png"))
            w.session.logged_in(app.login("C01", "1111"))
            wait(qapp, lambda w=w: len(w.till.catalogue.tiles) > 0)
            w.on_scanned(code)
            wait(qapp, lambda w=w: w.till.member_name.text() not in ("", "—"))
            for gift in ("G501", "G104"):
                w.till.search.setText(gift)
                w.till.on_search_enter()
                for _ in range(30):
                    qapp.processEvents()
            w.till.search.clear()
            wait(qapp, lambda: True)
            w.grab().save(str(out / f"till-{suffix}.png"))
            w.customer.resize(1024, 600)
            w.customer.grab().save(str(out / f"customer-display-{suffix}.png"))
            w.close()
            app.close()
            for _ in range(20):
                qapp.processEvents()
    for p in sorted(out.glob("*.png")):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
