"""`lantern stock …`: deliveries and counts."""

from __future__ import annotations

import uuid
from typing import Any

from desktop.cli.base import Add, Cli, say


def cmd_stock(cli: Cli) -> int:
    a = cli.args
    manager = cli.staff(a.manager, manager=True)
    rid = a.request_id or str(uuid.uuid4())
    if a.action == "receive":
        m = cli.app.stock.receive(manager, rid, a.gift, a.qty, a.note or "")
    else:
        m = cli.app.stock.adjust(
            manager, rid, a.gift, counted=a.counted, delta=a.delta, reason=a.reason
        )
    say(f"{m.gift_id}: {m.delta:+d}, stock now {m.stock_after}")
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the stock group to the parser."""
    stock = sub.add_parser("stock", help="gift stock").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sr = add("receive", cmd_stock, "count a delivery into stock (manager)", stock)
    sr.add_argument("--qty", required=True)
    sr.add_argument("--note")
    sj = add("adjust", cmd_stock, "correct stock after a count (manager)", stock)
    group = sj.add_mutually_exclusive_group(required=True)
    group.add_argument("--counted", help="what is on the shelf")
    group.add_argument("--delta", help="the change, e.g. -2")
    sj.add_argument("--reason", required=True)
    for s in (sr, sj):
        s.add_argument("--gift", required=True)
        s.add_argument("--manager", required=True)
        s.add_argument("--request-id")
