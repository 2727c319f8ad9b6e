"""`lantern voucher …`: paper fallback vouchers keyed in by a manager, and their list."""

from __future__ import annotations

import sys
import uuid
from datetime import date
from typing import Any

from desktop.cli.base import EXIT_REFUSED, Add, Cli, fail, say
from desktop.core.vouchers import parse_gift_spec, parse_written_at
from desktop.services.vouchers import OverdraftNotConfirmed, VoucherEntry


def cmd_key_in(cli: Cli) -> int:
    a = cli.args
    entry = VoucherEntry(
        a.voucher,
        a.member,
        tuple(parse_gift_spec(g) for g in a.gift),
        parse_written_at(a.written_at),
        a.written_by,
    )
    manager = cli.staff(a.manager, manager=True)
    try:
        done = cli.app.vouchers.key_in(
            manager,
            a.request_id or str(uuid.uuid4()),
            entry,
            accept_overdraft=a.accept_overdraft,
        )
    except OverdraftNotConfirmed as e:
        fail(e)
        say(
            "nothing was recorded: to record it as an overdraft, repeat with --accept-overdraft",
            err=True,
        )
        return EXIT_REFUSED
    v = done.voucher
    print(v.receipt_no)
    if done.replayed:
        say(f"(retry: already keyed in) voucher {v.voucher_no}: {v.points} points", err=True)
    else:
        say(f"voucher {v.voucher_no} keyed in: {v.member_masked}, {v.points} points", err=True)
    if v.overdraft:
        say(f"overdraft of {v.overdraft} points recorded as the member's debt", err=True)
    sys.stdout.flush()
    return 0


def cmd_list(cli: Cli) -> int:
    a = cli.args
    day = None if a.all else (date.fromisoformat(a.day) if a.day else cli.app.ctx.today())
    for v in cli.app.vouchers.listed(day):
        flags = ("\toverdraft " + str(v.overdraft) if v.overdraft else "") + (
            "\tvoided" if v.voided else ""
        )
        print(
            f"{v.voucher_no}\t{v.receipt_no}\twritten {v.written_at[:16]} {v.written_by}\t"
            f"keyed in {v.keyed_in_at[:16]} {v.keyed_in_by}\t{v.member_id}\t{v.gifts}\t"
            f"{v.points} points{flags}"
        )
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the voucher group to the parser."""
    voucher = sub.add_parser("voucher", help="paper fallback vouchers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    k = add(
        "key-in",
        cmd_key_in,
        "record a paper voucher written while the till was down (manager); prints the receipt",
        voucher,
    )
    k.add_argument("--voucher", required=True, help="the number printed on it, e.g. PV0000018")
    k.add_argument("--member", required=True, help="card number or member id written on it")
    k.add_argument(
        "--gift", required=True, action="append", help="GIFT or GIFT:QUANTITY (repeatable)"
    )
    k.add_argument("--written-at", required=True, help="date and time on it: YYYY-MM-DD HH:MM")
    k.add_argument("--written-by", required=True, help="the cashier who wrote it")
    k.add_argument(
        "--manager", required=True, help="manager id (PIN from $LANTERN_MANAGER_PIN or stdin)"
    )
    k.add_argument(
        "--accept-overdraft",
        action="store_true",
        help="record it even though the member's points no longer cover it (their debt)",
    )
    k.add_argument("--request-id")
    li = add("list", cmd_list, "the paper vouchers keyed in on a business day", voucher)
    li.add_argument("--day", help="business day YYYY-MM-DD (default: today)")
    li.add_argument("--all", action="store_true", help="every voucher ever keyed in")
