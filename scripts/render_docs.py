"""Render the printouts shown in docs/printing/ as PNG, from the real layouts.

Each entry of RENDERS returns (name, PDF bytes) pairs; main() writes each PDF to a temporary
folder and converts it with poppler's `pdftoppm -r 100 -png` into docs/printing/<name>.png
(and <name>-2.png, … for the further pages of a longer printout). To add a printout, write one more render function and list it.

    python scripts/render_docs.py              # the PNGs in docs/printing/
    python scripts/render_docs.py --all-cards  # also every occasion's card (design review)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from desktop.core.occasions import Occasion, occasion_for
from desktop.printing.designs import load_designs
from desktop.printing.documents import CardDoc
from desktop.printing.greeting import card_pdf

OUT = Path(__file__).resolve().parents[1] / "docs" / "printing"
Render = Callable[[], list[tuple[str, bytes]]]

STORE_ZH, STORE_EN = "上海南京东路店", "Shanghai Nanjing Road East"
# (member, birthday, day of the redemption, gift zh, gift en, receipt)
CARDS = [
    (
        "李春梅",
        date(1979, 8, 2),
        date(2026, 2, 17),
        "红包袋 20 个",
        "Red envelopes, 20",
        "SH001-20260217-0042",
    ),
    ("陈嘉怡", None, date(2026, 9, 25), "月饼礼盒", "Mooncake gift box", "SH001-20260925-0108"),
    (
        "王浩然",
        date(1990, 5, 14),
        date(2026, 5, 12),
        "毛绒熊猫玩偶",
        "Plush panda",
        "SH001-20260512-0017",
    ),
]
REVIEW_DAYS = {  # a day for every occasion, for --all-cards
    Occasion.SPRING_FESTIVAL: date(2026, 2, 17),
    Occasion.LANTERN_FESTIVAL: date(2026, 3, 3),
    Occasion.DRAGON_BOAT: date(2026, 6, 19),
    Occasion.MID_AUTUMN: date(2026, 9, 25),
    Occasion.NATIONAL_DAY: date(2026, 10, 2),
    Occasion.CHRISTMAS: date(2026, 12, 24),
    Occasion.NEW_YEAR: date(2027, 1, 1),
    Occasion.BIRTHDAY: date(2026, 5, 12),
    Occasion.GENERAL: date(2026, 4, 20),
}


def _card(member: str, occasion: Occasion, day: date, gift: tuple[str, str], no: str) -> bytes:
    doc = CardDoc(
        member_name=member,
        occasion=occasion.value,
        gift_zh=gift[0],
        gift_en=gift[1],
        store_name_zh=STORE_ZH,
        store_name_en=STORE_EN,
        day=day,
        receipt_no=no,
    )
    return card_pdf(doc, load_designs()[occasion])


def greeting_cards() -> list[tuple[str, bytes]]:
    """Spring Festival, Mid-Autumn and a birthday, each occasion chosen from its date."""
    out = []
    for member, birthday, day, gift_zh, gift_en, no in CARDS:
        occasion = occasion_for(day, birthday)
        pdf = _card(member, occasion, day, (gift_zh, gift_en), no)
        out.append((f"card-{occasion.value.replace('_', '-')}", pdf))
    return out


def all_cards() -> list[tuple[str, bytes]]:
    return [
        (
            f"review-card-{o.value.replace('_', '-')}",
            _card(
                "欧阳晓雯",
                o,
                day,
                ("西湖龙井茶叶 100 克", "West Lake Longjing tea, 100 g"),
                "SH001-0001",
            ),
        )
        for o, day in REVIEW_DAYS.items()
    ]


def receipts() -> list[tuple[str, bytes]]:
    from desktop.printing.receipt import receipt_pdf
    from desktop.printing.samples import RECEIPT

    return [("receipt-80mm", receipt_pdf(RECEIPT, 80)), ("receipt-58mm", receipt_pdf(RECEIPT, 58))]


def reconciliation() -> list[tuple[str, bytes]]:
    """A demo day on a fixed clock (the store set up the evening before): redemptions by
    two cashiers, points + cash, two voids, an offline hour with two redemptions a manager
    approved beyond the offline cap, a delivery, a count and a head-office delivery."""
    from zoneinfo import ZoneInfo

    from desktop.printing.report import daily_pdf
    from desktop.services.context import LinkState
    from desktop.services.demo import build_demo
    from desktop.services.till import LineRequest, Receipt
    from desktop.store import settings
    from desktop.store.reports import record_link
    from desktop.store.sync_state import receive_delivery

    sh = ZoneInfo("Asia/Shanghai")
    clock = [datetime(2026, 11, 25, 20, 0, tzinfo=sh)]
    with tempfile.TemporaryDirectory() as tmp:
        app = build_demo(Path(tmp) / "store.db", members=120, clock=lambda: clock[0])
        c1, c2 = app.login("C01", "1111"), app.login("C02", "2222")
        mgr = app.login("M01", "9999", manager=True)
        clock[0] = datetime(2026, 11, 26, 9, 0, tzinfo=sh)
        app.day.open(mgr)
        made: list[Receipt] = []
        for n in range(24):
            clock[0] = clock[0] + timedelta(minutes=13)
            if n == 10:
                with app.db.write() as conn:
                    record_link(conn, False, clock[0].isoformat(), "timeout")
                    settings.put(conn, "offline_limits", {"per_redemption_points": 150})
                app.ctx.link = lambda: LinkState(False, datetime(2026, 11, 26, 11, 0, tzinfo=sh))
            if n == 14:
                with app.db.write() as conn:
                    record_link(conn, True, clock[0].isoformat(), "ok")
                    settings.put(conn, "offline_limits", {})
                app.ctx.link = LinkState
            gift = ("G101", "G104", "G501", "G503")[n % 4]
            cashier = c1 if n % 3 else c2
            lines = (LineRequest(gift, 1, (n // 4) % 2 if gift != "G101" else 0),)
            r = app.till.redeem(cashier, f"r{n}", f"M{n + 10:08d}", lines)
            if not isinstance(r, Receipt):  # beyond the offline cap: the manager approves
                r = app.till.redeem(cashier, f"r{n}", f"M{n + 10:08d}", lines, override_by=mgr)
            if isinstance(r, Receipt):
                made.append(r)
        app.stock.receive(mgr, "recv", "G105", 24, "delivery DN-2291")
        app.stock.adjust(mgr, "adj", "G504", counted=3, reason="1 box damaged")
        with app.db.write() as conn:
            at = clock[0].isoformat()
            receive_delivery(conn, "DLV-0077", "G106", 50, "春节备货 Spring Festival stock", at)
        app.till.void(c1, mgr, "v1", made[2].receipt_no, "顾客改变主意 customer changed mind")
        app.till.void(c2, mgr, "v2", made[7].receipt_no, "扫错会员 wrong member scanned")
        clock[0] = datetime(2026, 11, 26, 21, 30, tzinfo=sh)
        app.day.close(mgr)
        pdf = daily_pdf(app.reports.daily(date(2026, 11, 26)))
        app.close()
    return [("daily-reconciliation", pdf)]


RENDERS: list[Render] = [greeting_cards, receipts, reconciliation]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    parser.add_argument("--all-cards", action="store_true", help="every occasion's card too")
    args = parser.parse_args(argv)
    renders = RENDERS + ([all_cards] if args.all_cards else [])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for render in renders:
            for name, pdf in render():
                source = Path(tmp) / f"{name}.pdf"
                source.write_bytes(pdf)
                # page 1 is <name>.png; a longer printout adds <name>-2.png, …
                for page in range(1, len(PdfReader(source).pages) + 1):
                    target = args.out / (name if page == 1 else f"{name}-{page}")
                    subprocess.run(
                        [
                            "pdftoppm",
                            "-r",
                            "100",
                            "-png",
                            "-f",
                            str(page),
                            "-l",
                            str(page),
                            "-singlefile",
                            str(source),
                            str(target),
                        ],
                        check=True,
                    )
                    print(f"{target}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
