"""`lantern staff …`: cashiers and managers."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import Add, Cli, read_pin, say
from desktop.core.errors import InvalidInput
from desktop.services.staff import PIN_MAX, PIN_MIN


def cmd_staff_add(cli: Cli) -> int:
    a = cli.args
    pin = read_pin("LANTERN_NEW_PIN", f"new PIN for {a.id}: ")
    cli.app.setup.add_staff(a.id, a.name, a.role, pin)
    say(f"{a.role} {a.id} added")
    return 0


def cmd_staff_pin_length(cli: Cli) -> int:
    a = cli.args
    if a.min is not None:
        manager = cli.staff(a.manager, manager=True) if a.manager else None
        if manager is None:
            raise InvalidInput("--manager is needed to change the PIN policy")
        cli.app.staff.set_min_pin_length(manager, a.min)
    say(f"PINs: {cli.app.staff.min_pin_length()} to {PIN_MAX} digits")
    return 0


def cmd_staff_link_member(cli: Cli) -> int:
    a = cli.args
    manager = cli.staff(a.manager, manager=True)
    member = None if a.member == "-" else a.member
    cli.app.staff.link_member(manager, a.staff, member)
    if member is None:
        say(f"{a.staff} is linked to no member card")
    else:
        say(
            f"{a.staff} is linked to member {member}: the self-redemption rule applies to that card"
        )
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the staff group to the parser."""
    staff = sub.add_parser("staff", help="cashiers and managers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sa = add(
        "add", cmd_staff_add, "add a cashier or manager (PIN from $LANTERN_NEW_PIN or stdin)", staff
    )
    sa.add_argument("--id", required=True)
    sa.add_argument("--name", required=True)
    sa.add_argument("--role", choices=["cashier", "manager"], required=True)
    pl = add(
        "pin-length",
        cmd_staff_pin_length,
        "show or set the shortest PIN the store accepts when a PIN is set",
        staff,
    )
    pl.add_argument(
        "--min", type=int, help=f"shortest PIN, {PIN_MIN} to {PIN_MAX} digits (manager PIN needed)"
    )
    pl.add_argument("--manager", help="manager id (PIN from $LANTERN_MANAGER_PIN or stdin)")
    lm = add(
        "link-member",
        cmd_staff_link_member,
        "link a staff member to their own member card (the self-redemption risk rule)",
        staff,
    )
    lm.add_argument("staff", help="staff id")
    lm.add_argument("member", help="member id (M + 8 digits), or - to unlink")
    lm.add_argument(
        "--manager", required=True, help="manager id (PIN from $LANTERN_MANAGER_PIN or stdin)"
    )
