"""`lantern member journeys …` and `lantern member journey …`: member journeys at the till
(desktop/services/journeys.py)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from desktop.cli.base import Add, Cli, say


def cmd_journey_offers(cli: Cli) -> int:
    """The offers for a member as JSON: what `journey apply` takes, gift ideas, expiring."""
    member, _ = cli.app.till.identify(cli.args.code)
    view = cli.app.journeys.view(member.member_id)
    out = {
        "member_id": member.member_id,
        "offers": [
            {
                "journey": o.journey.value,
                "period": o.period,
                "bonus_points": o.bonus_points,
                "gift_id": o.gift_id,
                "dormant_days": o.dormant_days,
            }
            for o in view.offers
        ],
        "starter_gifts": [g.gift_id for g in view.starter_gifts],
        "expiring": [[d.isoformat(), p] for d, p in view.expiring],
        "expiring_gifts": [g.gift_id for g in view.expiring_gifts],
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def cmd_journey_apply(cli: Cli) -> int:
    a = cli.args
    member, _ = cli.app.till.identify(a.code)
    cashier = cli.staff(a.cashier)
    use = cli.app.journeys.apply(
        cashier, a.request_id or str(uuid.uuid4()), member.member_id, a.journey, a.period
    )
    gift = f", gift {use.gift_id}" if use.gift_id else ""
    say(f"journey {use.journey} ({use.period}) applied: {use.bonus_points} bonus points{gift}")
    return 0


def register(member: Any, add: Add) -> None:
    """Add the journey commands to the `member` group."""
    jo = add("journeys", cmd_journey_offers, "the journeys a member can have now (JSON)", member)
    jo.add_argument("code", help="the member's code (as scanned), card number or id")
    ja = add("journey", cmd_journey_apply, "apply a journey `member journeys` lists", member)
    ja.add_argument("code", help="the member's code (as scanned), card number or id")
    ja.add_argument("journey", choices=["welcome_back", "starter", "birthday"])
    ja.add_argument("period", help="the offer's period, as `member journeys` prints it")
    ja.add_argument("--cashier", required=True, help="cashier id (PIN from $LANTERN_PIN or stdin)")
    ja.add_argument("--request-id", help="idempotency key: a retry with the same id applies once")
