"""`lantern stock …`: deliveries and counts, low-stock alerts, replenishment requests."""

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


def cmd_stock_levels(cli: Cli) -> int:
    """Each gift: stock, redeemed over the policy's window, the derived alert, requests."""
    rows = cli.app.stock.low_stock() if cli.args.low else cli.app.stock.levels()
    for g in rows:
        lv = g.level
        asked = ""
        if g.request is not None:
            r = g.request
            state = "pending" if r.pending else f"fulfilled {r.fulfilled_at:%Y-%m-%d}"
            asked = f"\trequested {r.quantity} on {r.requested_at:%Y-%m-%d}, {state}"
        print(
            f"{lv.gift.gift_id}\t{lv.gift.name_zh}\tstock {lv.stock}"
            f"{' LOW' if lv.low else ''}\talert {lv.threshold}\t"
            f"redeemed {lv.redeemed} in {lv.window_days} days\tsuggest {lv.suggested}{asked}"
        )
    return 0


def cmd_stock_request(cli: Cli) -> int:
    a = cli.args
    manager = cli.staff(a.manager, manager=True)
    rid = a.request_id or str(uuid.uuid4())
    r = cli.app.stock.request_replenishment(manager, rid, a.gift, a.quantity, a.note, again=a.again)
    print(r.request_id)
    say(
        f"{r.gift_id}: {r.quantity} requested from head office ({r.stock} on hand, alert at "
        f"{r.threshold}); it goes with the next sync",
        err=True,
    )
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
    sl = add(
        "levels",
        cmd_stock_levels,
        "stock with the low-stock alert derived from the redemption rate, and requests sent",
        stock,
    )
    sl.add_argument("--low", action="store_true", help="only gifts at or below their alert")
    sq = add(
        "request",
        cmd_stock_request,
        "ask head office for more of a gift (manager); default quantity: the projected "
        "redemptions less the stock",
        stock,
    )
    sq.add_argument("gift")
    sq.add_argument("--quantity")
    sq.add_argument("--note")
    sq.add_argument("--manager", required=True)
    sq.add_argument("--request-id", help="repeat a request id to retry it (sent once)")
    sq.add_argument(
        "--again", action="store_true", help="ask again while an earlier request is pending"
    )
