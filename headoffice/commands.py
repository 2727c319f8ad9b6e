"""`lantern headoffice …`: the head-office service and its administration as subcommands.

desktop/cli/ builds the `lantern` parser and calls `register` for the head-office group;
each command opens the head-office database (`--db PATH_OR_URL`, or
$LANTERN_HEADOFFICE_DB), does one thing, and closes it. Errors are LanternErrors, which the
command line prints to stderr with a non-zero status, changing nothing."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import InvalidInput
from desktop.core.members import Member, MemberId, MemberStatus, Tier
from desktop.core.money import parse_int, parse_points, parse_quantity, parse_yuan

if TYPE_CHECKING:  # the service stack is imported only by the commands that use it
    from headoffice.engine import HeadOffice

ENV_DB = "LANTERN_HEADOFFICE_DB"


class Command(Protocol):
    args: argparse.Namespace


Add = Callable[..., argparse.ArgumentParser]


def database_target(args: argparse.Namespace) -> str:
    target = getattr(args, "db", None) or os.environ.get(ENV_DB)
    if not target:
        raise InvalidInput(
            f"which head-office database? give --db PATH_OR_URL (a SQLite file or a "
            f"postgresql:// URL) or set ${ENV_DB}"
        )
    return str(target)


@contextmanager
def office(args: argparse.Namespace) -> Iterator[HeadOffice]:
    from headoffice.db import open_db
    from headoffice.engine import HeadOffice

    db = open_db(database_target(args))
    try:
        yield HeadOffice(db)
    finally:
        db.close()


def _day(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} must be a day, YYYY-MM-DD, got {text!r}") from None


def _time(text: str | None, what: str) -> datetime | None:
    from headoffice.catalogue import parse_time

    return parse_time(text, what)


def _json_arg(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as e:
        raise InvalidInput(f"{what} is not JSON: {e}") from None


# --- commands ---------------------------------------------------------------------------
def cmd_serve(cli: Command) -> int:
    from headoffice.serve import serve

    a = cli.args
    if not 0 <= a.port <= 65535:
        raise InvalidInput(f"--port must be 0..65535 (0: any free port), got {a.port}")
    if a.workers < 1:
        raise InvalidInput(f"--workers must be 1 or more, got {a.workers}")
    return serve(database_target(a), a.host, a.port, workers=a.workers)


def cmd_store_add(cli: Command) -> int:
    with office(cli.args) as ho:
        secret = ho.admin.create_store(cli.args.id, cli.args.name)
    print(
        f"store {cli.args.id} registered; its secret follows (head office keeps only a hash "
        "and cannot show it again):",
        file=sys.stderr,
    )
    print(secret)
    return 0


def cmd_store_revoke(cli: Command) -> int:
    with office(cli.args) as ho:
        ho.admin.revoke_store(cli.args.id)
    print(f"store {cli.args.id} revoked: its requests are refused from now on")
    return 0


def cmd_store_list(cli: Command) -> int:
    with office(cli.args) as ho:
        for s in ho.admin.stores():
            state = "revoked" if s["revoked"] else ("FLAGGED" if s["flagged"] else "ok")
            print(
                f"{s['store_id']}\t{s['name']}\t{state}\tacked {s['acked_seq']}\t"
                f"parked {s['parked']}\tlast push {s['last_push_at'] or '-'}"
                + (f"\t{s['flag_reason']}" if s["flagged"] else "")
            )
    return 0


def cmd_member_add(cli: Command) -> int:
    from headoffice.admin import Opening

    a = cli.args
    opening: tuple[Opening, ...] = ()
    if a.points:
        opening = (Opening(parse_points(a.points), None, _day(a.expires, "--expires")),)
    member = Member(
        MemberId(a.id),
        a.name,
        Tier.parse(a.tier),
        MemberStatus(a.status),
        a.card,
        _day(a.birthday, "--birthday"),
    )
    with office(a) as ho:
        ho.admin.upsert_member(member, opening)
    print(f"member {a.id} saved" + (f" with {a.points} opening points" if a.points else ""))
    return 0


def _price(text: str) -> Price:
    """POINTS or POINTS+YUAN (e.g. 300+15.00)."""
    points, _, cash = text.partition("+")
    return Price(parse_int(points, "price points"), parse_yuan(cash) if cash else 0)


def cmd_gift_add(cli: Command) -> int:
    a = cli.args
    gift = Gift(
        GiftId(a.id),
        a.name_zh,
        a.name_en or a.name_zh,
        a.category,
        tuple(_price(p) for p in a.price),
        Tier.parse(a.min_tier),
        _time(a.active_from, "--active-from"),
        _time(a.active_until, "--active-until"),
        parse_int(a.low, "--low"),
    )
    with office(a) as ho:
        ho.admin.upsert_gift(gift)
    print(f"gift {a.id} saved")
    return 0


def cmd_gift_import(cli: Command) -> int:
    from headoffice.catalogue import load_catalogue

    gifts, campaigns = load_catalogue(cli.args.file)
    with office(cli.args) as ho:
        for g in gifts:
            ho.admin.upsert_gift(g)
        for c in campaigns:
            ho.admin.upsert_campaign(c)
    print(f"{len(gifts)} gift(s) and {len(campaigns)} campaign(s) imported")
    return 0


def cmd_campaign_add(cli: Command) -> int:
    from headoffice.catalogue import campaign_from_json

    a = cli.args
    campaign = campaign_from_json(
        {
            "campaign_id": a.id,
            "name": a.name,
            "starts": a.starts,
            "ends": a.ends,
            "multiplier_permille": a.multiplier_permille,
            "tiers": a.tiers,
        }
    )
    with office(a) as ho:
        ho.admin.upsert_campaign(campaign)
    print(f"campaign {a.id} saved")
    return 0


def cmd_delivery(cli: Command) -> int:
    a = cli.args
    with office(a) as ho:
        delivery_id = ho.admin.deliver(a.store, a.gift, parse_quantity(a.qty), a.note or "")
    print(delivery_id)
    return 0


def cmd_caps(cli: Command) -> int:
    changes = _json_arg(cli.args.json, "--json")
    if not isinstance(changes, dict):
        raise InvalidInput('--json must be an object, e.g. {"per_redemption_points": 3000}')
    with office(cli.args) as ho:
        limits = ho.admin.set_offline_limits(changes)
    from dataclasses import asdict

    print(json.dumps(asdict(limits), indent=2))
    return 0


def cmd_journeys(cli: Command) -> int:
    """Show the member-journey rules, or replace them with --json (desktop/core/journeys.py)."""
    with office(cli.args) as ho:
        if cli.args.json is not None:
            ho.admin.set_setting("journeys", _json_arg(cli.args.json, "--json"))
        from headoffice.snapshots import settings

        with ho.db.transaction(write=False) as tx:
            current = settings(tx)["journeys"]
    print(json.dumps(current, indent=2, ensure_ascii=False))
    return 0


def cmd_design(cli: Command) -> int:
    try:
        design = json.loads(Path(cli.args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InvalidInput(f"cannot read the design {cli.args.file}: {e}") from None
    with office(cli.args) as ho:
        ho.admin.set_design(cli.args.occasion, design)
    print(f"card design for {cli.args.occasion} saved")
    return 0


def cmd_expire(cli: Command) -> int:
    with office(cli.args) as ho:
        points = ho.admin.run_expiry(_day(cli.args.day, "--day"))
    print(f"{points} point(s) expired")
    return 0


def cmd_seed_demo(cli: Command) -> int:
    from headoffice.demo import seed_demo

    with office(cli.args) as ho:
        seeded = seed_demo(ho.admin, cli.args.members, cli.args.seed)
    print(
        f"demo head office: {seeded.gifts} gifts, {seeded.campaigns} campaigns, "
        f"{seeded.members} members holding {seeded.points} points"
    )
    return 0


# --- parser -----------------------------------------------------------------------------
def register(group: Any, add: Add) -> None:
    """Add the head-office service and administration commands to `lantern headoffice`."""
    # every command takes --db PATH_OR_URL (the common option of all `lantern` commands)
    sv = add(
        "serve", cmd_serve, "run the head-office sync service (HTTP) on --db PATH_OR_URL", group
    )
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sv.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    sv.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes on one socket (production: several, over PostgreSQL)",
    )

    stores = group.add_parser("store", help="register and revoke stores").add_subparsers(
        dest="op", required=True, metavar="ACTION"
    )
    sa = add("add", cmd_store_add, "register a store; prints its secret, once", stores)
    sa.add_argument("--id", required=True, help="store id, e.g. SH001")
    sa.add_argument("--name", required=True)
    sr = add("revoke", cmd_store_revoke, "revoke a store's credentials", stores)
    sr.add_argument("--id", required=True)
    add("list", cmd_store_list, "stores with their sync state and flags", stores)

    members = group.add_parser("member", help="members").add_subparsers(
        dest="op", required=True, metavar="ACTION"
    )
    ma = add("add", cmd_member_add, "add or update a member, with optional opening points", members)
    ma.add_argument("--id", required=True, help="M + 8 digits")
    ma.add_argument("--name", required=True)
    ma.add_argument("--tier", default="regular")
    ma.add_argument("--status", default="active", choices=[s.value for s in MemberStatus])
    ma.add_argument("--card", help="card number with its check digit")
    ma.add_argument("--birthday", help="YYYY-MM-DD")
    ma.add_argument("--points", help="opening points (a new lot)")
    ma.add_argument("--expires", help="expiry of the opening points (default: by policy)")

    gifts = group.add_parser("gift", help="the catalogue").add_subparsers(
        dest="op", required=True, metavar="ACTION"
    )
    ga = add("add", cmd_gift_add, "add or change a gift", gifts)
    ga.add_argument("--id", required=True)
    ga.add_argument("--name-zh", required=True)
    ga.add_argument("--name-en")
    ga.add_argument("--category", default="other")
    ga.add_argument(
        "--price", action="append", required=True, help="POINTS or POINTS+YUAN; repeat for more"
    )
    ga.add_argument("--min-tier", default="regular")
    ga.add_argument("--low", default="0", help="low-stock threshold")
    ga.add_argument("--active-from", help="ISO time with offset")
    ga.add_argument("--active-until", help="ISO time with offset (exclusive)")
    gi = add("import", cmd_gift_import, "import gifts and campaigns from catalogue JSON", gifts)
    gi.add_argument("file")

    campaigns = group.add_parser("campaign", help="earning campaigns").add_subparsers(
        dest="op", required=True, metavar="ACTION"
    )
    ca = add("add", cmd_campaign_add, "add or change a campaign", campaigns)
    ca.add_argument("--id", required=True)
    ca.add_argument("--name", required=True)
    ca.add_argument("--starts", required=True, help="ISO time with offset")
    ca.add_argument("--ends", required=True, help="ISO time with offset (exclusive)")
    ca.add_argument("--multiplier-permille", required=True, help="2000 = double points")
    ca.add_argument("--tiers", default="", help="comma-separated; empty: every tier")

    dv = add("delivery", cmd_delivery, "send gifts to a store; prints the delivery id", group)
    dv.add_argument("--store", required=True)
    dv.add_argument("--gift", required=True)
    dv.add_argument("--qty", required=True)
    dv.add_argument("--note")

    cp = add("caps", cmd_caps, "set offline caps (JSON of OfflineLimits fields)", group)
    cp.add_argument("--json", required=True, help='e.g. {"per_redemption_points": 3000}')

    jr = add("journeys", cmd_journeys, "show or set the member-journey rules", group)
    jr.add_argument(
        "--json", help='the whole rule set, e.g. {"birthday": {"days": 7, "bonus_points": 300}}'
    )

    ds = add("design", cmd_design, "add or replace a greeting-card design", group)
    ds.add_argument("--occasion", required=True, help="e.g. mid_autumn")
    ds.add_argument("--file", required=True, help="design JSON (as in resources/cards/)")

    ex = add("expire", cmd_expire, "write off expired point lots at head office", group)
    ex.add_argument("--day", help="as of YYYY-MM-DD (default: today)")

    sd = add("seed-demo", cmd_seed_demo, "load the demo catalogue and demo members", group)
    sd.add_argument("--members", type=int, default=200)
    sd.add_argument("--seed", type=int, default=2026)
