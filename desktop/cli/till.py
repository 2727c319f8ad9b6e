"""The till's operations: the business day, redeem, void, earn, expiry."""

from __future__ import annotations

import sys
import uuid
from typing import Any

from desktop.cli.base import EXIT_REFUSED, Add, Cli, log, say, warn
from desktop.core.coupons import shown as shown_code
from desktop.core.errors import InvalidInput, LanternError
from desktop.core.money import parse_int, parse_yuan
from desktop.core.redemption import Refusal
from desktop.services.till import LineRequest


def cmd_day(cli: Cli) -> int:
    a = cli.args
    if a.action == "status":
        state = cli.app.day.state()
    else:
        manager = cli.staff(a.manager, manager=True)
        state = cli.app.day.open(manager) if a.action == "open" else cli.app.day.close(manager)
    if state.is_open:
        say(f"business day {state.day}: open")
    elif state.closed_at:
        say(f"business day {state.day}: closed")
    else:
        say(f"business day {state.day}: not opened")
    if a.action == "close":
        # the day-close check: integrity, ledgers, chain; then a backup
        check = cli.app.recovery.close_day()
        for line in check.lines():
            say(line, err=bool(check.problems) or check.backup is None)
        if check.problems:
            return 1
    return 0


def parse_line(text: str) -> LineRequest:
    """GIFT[:QTY[:OPTION]] — e.g. G501, G501:2, G501:1:1 (the points + cash price)."""
    parts = text.split(":")
    if not parts[0] or len(parts) > 3:
        raise InvalidInput(f"gift must be GIFT[:QTY[:PRICE_OPTION]], got {text!r}")
    qty = parse_int(parts[1], "quantity") if len(parts) > 1 else 1
    option = parse_int(parts[2], "price option") if len(parts) > 2 else 0
    return LineRequest(parts[0], qty, option)


def cmd_redeem(cli: Cli) -> int:
    a = cli.args
    lines = tuple(parse_line(g) for g in a.gift)
    member, kind = cli.app.till.identify(a.member)
    cashier = cli.staff(a.cashier)
    override = cli.staff(a.override_manager, manager=True) if a.override_manager else None
    verifier = None
    if a.verified_by:
        same = override is not None and override.staff_id == a.verified_by
        verifier = override if same else cli.staff(a.verified_by, manager=True)
    result = cli.app.till.redeem(
        cashier, a.request_id or str(uuid.uuid4()), member.member_id, lines, kind, override,
        verified_by=verifier, blessing=a.blessing,
    )  # fmt: skip
    if isinstance(result, Refusal):
        say(f"lantern: refused: {result.explain()}", err=True)
        return EXIT_REFUSED
    print(result.receipt_no)
    done = (
        f"{result.masked_name}: {result.points} points, cash {result.cash_fen} fen; balance "
        f"{result.balance_before} -> {result.balance_after}"
    )
    say(f"(retry: already redeemed) {done}" if result.replayed else done, err=True)
    for c in result.coupons:  # stdout keeps the receipt number alone on its first line
        say(f"coupon {shown_code(c.code)} ({c.gift_id}) valid until {c.valid_until}", err=True)
    sys.stdout.flush()  # the receipt number is out, whatever printing does next
    _print_after_redeem(cli, result.receipt_no, queue_only=a.no_print)
    return 0


def _print_after_redeem(cli: Cli, receipt_no: str, queue_only: bool = False) -> None:
    """The redemption has committed: printing can only warn, never fail the command."""
    try:
        if queue_only:
            cli.app.printing.enqueue_redemption(receipt_no)
            return
        done = cli.app.printing.print_redemption(receipt_no)
    except LanternError as e:
        log.debug("printing after redeem failed", exc_info=True)
        warn(f"{receipt_no} not printed: {e}")
        return
    for error in done.errors:
        warn(f"not printed: {error}")
    if done.errors:
        warn(
            "the redemption is done; the printout waits in the print queue "
            "(`lantern print queue`, `lantern print retry JOB`)"
        )


def cmd_void(cli: Cli) -> int:
    a = cli.args
    cashier = cli.staff(a.cashier)
    manager = cli.staff(a.manager, manager=True)
    r = cli.app.till.void(cashier, manager, a.request_id or str(uuid.uuid4()), a.receipt, a.reason)
    say(f"voided {r.receipt_no}: {r.points_returned} points returned, balance {r.balance_after}")
    return 0


def cmd_earn(cli: Cli) -> int:
    a = cli.args
    member, _ = cli.app.till.identify(a.member)
    cashier = cli.staff(a.cashier)
    r = cli.app.till.earn(
        cashier, a.request_id or str(uuid.uuid4()), member.member_id, parse_yuan(a.amount)
    )
    if r.campaign:
        say(f"{r.points} points earned (campaign {r.campaign}); balance {r.balance_after}")
    else:
        say(f"{r.points} points earned; balance {r.balance_after}")
    return 0


def cmd_expire(cli: Cli) -> int:
    say(f"{cli.app.till.run_expiry()} points expired")
    return 0


def register(sub: Any, add: Add) -> None:
    """Add day, redeem, void, earn, expire to the parser."""
    day = add("day", cmd_day, "open, close or show the business day")
    day.add_argument("action", choices=["open", "close", "status"])
    day.add_argument("--manager", help="manager id (PIN from $LANTERN_MANAGER_PIN or stdin)")

    r = add("redeem", cmd_redeem, "redeem gifts for a member; prints the receipt number")
    r.add_argument("--member", required=True, help="the member's code (as scanned) or card number")
    r.add_argument(
        "--gift",
        required=True,
        action="append",
        help="GIFT[:QTY[:PRICE_OPTION]]; the option is the number `lantern gift list` shows "
        "(0, the default, is the first price; 1 the second, often points + cash); repeat "
        "for more gifts",
    )
    r.add_argument("--cashier", required=True, help="cashier id (PIN from $LANTERN_PIN or stdin)")
    r.add_argument("--request-id", help="idempotency key: a retry with the same id deducts once")
    r.add_argument("--override-manager", help="manager approving beyond offline limits")
    r.add_argument(
        "--verified-by",
        help="manager giving the second verification a risk rule asks for "
        "(PIN from $LANTERN_MANAGER_PIN or stdin)",
    )
    r.add_argument(
        "--blessing",
        help="a short line printed on the greeting card, e.g. 祝妈妈身体健康 (at most 24 "
        "Chinese characters or 48 Latin letters)",
    )
    r.add_argument(
        "--no-print", action="store_true", help="queue the receipt and card, print them later"
    )

    v = add("void", cmd_void, "void today's redemption (manager PIN needed)")
    v.add_argument("receipt")
    v.add_argument("--cashier", required=True)
    v.add_argument("--manager", required=True)
    v.add_argument("--reason", required=True)
    v.add_argument("--request-id")

    e = add("earn", cmd_earn, "credit points for a purchase")
    e.add_argument("--member", required=True)
    e.add_argument("--amount", required=True, help="purchase amount in yuan, e.g. 128.50")
    e.add_argument("--cashier", required=True)
    e.add_argument("--request-id")

    add("expire", cmd_expire, "write off expired point lots")
