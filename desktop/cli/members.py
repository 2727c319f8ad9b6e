"""`lantern member …`: members by id, scanned code or card number."""

from __future__ import annotations

import json
from typing import Any

from desktop.cli import journeys
from desktop.cli.base import Add, Cli, say
from desktop.core.members import Member, MemberId, Tier
from desktop.core.money import parse_points
from desktop.services.setup import OpeningLot


def cmd_member_add(cli: Cli) -> int:
    a = cli.args
    lots: tuple[OpeningLot, ...] = ()
    if a.points:
        from datetime import date

        today = cli.app.ctx.today()
        expires = (
            date.fromisoformat(a.expires)
            if a.expires
            else cli.app.ctx.expiry_policy().expires_on(today)
        )
        lots = (OpeningLot(parse_points(a.points), today, expires),)
    member = Member(MemberId(a.id), a.name, Tier.parse(a.tier), card_number=a.card)
    cli.app.setup.add_member(member, lots)
    say(f"member {a.id} added")
    return 0


def cmd_member_show(cli: Cli) -> int:
    member, kind = cli.app.till.identify(cli.args.code)
    view = cli.app.till.member_view(member.member_id)
    out = {
        "member_id": member.member_id,
        "name": member.masked_name,
        "tier": member.tier.value,
        "status": member.status.value,
        "balance": view.balance,
        "available": view.available,
        "expiring_soon": view.expiring,
        "pending_sync": view.pending_sync,
        "identified_by": kind.value,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the member group to the parser."""
    member = sub.add_parser("member", help="members").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    ma = add("add", cmd_member_add, "add a member with optional opening points", member)
    ma.add_argument("--id", required=True)
    ma.add_argument("--name", required=True)
    ma.add_argument("--tier", default="regular")
    ma.add_argument("--card", help="card number with its check digit")
    ma.add_argument("--points", help="opening points")
    ma.add_argument("--expires", help="expiry of the opening points (YYYY-MM-DD)")
    ms = add("show", cmd_member_show, "show a member by scanned code or typed card number", member)
    ms.add_argument("code")
    journeys.register(member, add)
