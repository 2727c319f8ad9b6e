"""`lantern staff …`: cashiers and managers."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import Add, Cli, read_pin


def cmd_staff_add(cli: Cli) -> int:
    a = cli.args
    pin = read_pin("LANTERN_NEW_PIN", f"new PIN for {a.id}: ")
    cli.app.setup.add_staff(a.id, a.name, a.role, pin)
    print(f"{a.role} {a.id} added")
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
