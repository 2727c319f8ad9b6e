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

from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price, Session
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


def cmd_store_rotate(cli: Command) -> int:
    with office(cli.args) as ho:
        secret = ho.admin.rotate_secret(cli.args.id)
    print(
        f"store {cli.args.id} has a new secret; the old one is refused from now on. Give it "
        "to the store (`lantern store connect`); head office cannot show it again:",
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
        *_kind(a),
    )
    with office(a) as ho:
        ho.admin.upsert_gift(gift)
    print(f"gift {a.id} saved")
    return 0


def _kind(a: argparse.Namespace) -> tuple[GiftKind, CouponTerms | None, Session | None]:
    """--kind and its terms: a coupon's --spend/--off (yuan) and --valid-days, an
    experience's --session and --place."""
    kind = GiftKind(a.kind)
    coupon_args = (a.spend, a.off, a.valid_days)
    session_args = (a.session, a.place)
    if kind is not GiftKind.COUPON and any(v is not None for v in coupon_args):
        raise InvalidInput("--spend, --off and --valid-days are for --kind coupon")
    if kind is not GiftKind.EXPERIENCE and any(v is not None for v in session_args):
        raise InvalidInput("--session and --place are for --kind experience")
    if kind is GiftKind.COUPON:
        if any(v is None for v in coupon_args):
            raise InvalidInput("a coupon needs --spend YUAN, --off YUAN and --valid-days N")
        terms = CouponTerms(
            parse_yuan(a.spend), parse_yuan(a.off), parse_int(a.valid_days, "--valid-days")
        )
        return kind, terms, None
    if kind is GiftKind.EXPERIENCE:
        starts = _time(a.session, "--session")
        if starts is None or a.place is None:
            raise InvalidInput("an experience needs --session TIME (with offset) and --place")
        return kind, None, Session(starts, a.place)
    return kind, None, None


def cmd_gift_rules(cli: Command) -> int:
    changes = _json_arg(cli.args.json, "--json")
    if not isinstance(changes, dict):
        raise InvalidInput('--json must be an object, e.g. {"band_mid": 500, "hot_top": 3}')
    from desktop.core.catalogue import CatalogueRules

    with office(cli.args) as ho:
        with ho.db.transaction(write=False) as tx:
            row = tx.one("SELECT value FROM settings WHERE key = 'catalogue'")
        current = json.loads(row["value"]) if row else CatalogueRules().as_dict()
        rules = CatalogueRules.from_mapping({**current, **changes})
        ho.admin.set_setting("catalogue", rules.as_dict())
    print(json.dumps(rules.as_dict(), indent=2))
    return 0


def _coupon_answer(verdict: Any, record: Any) -> int:
    """One line per check: the verdict, then the coupon's gift, redemption and last day."""
    line = verdict.value
    if record is not None:
        line += f"\t{record.gift_id}\tvalid until {record.valid_until}\t{record.redemption_id}"
    print(line)
    return 0 if verdict.value == "valid" else 1


def cmd_coupon_check(cli: Command) -> int:
    with office(cli.args) as ho:
        verdict, record = ho.admin.check_coupon(cli.args.code, _day(cli.args.day, "--day"))
    return _coupon_answer(verdict, record)


def cmd_coupon_use(cli: Command) -> int:
    with office(cli.args) as ho:
        verdict, record = ho.admin.use_coupon(
            cli.args.code, cli.args.by, _day(cli.args.day, "--day")
        )
    if verdict.value == "valid":
        print(f"used\t{record.gift_id if record else ''}")
        return 0
    return _coupon_answer(verdict, record)


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
            "occasion": a.occasion,
        }
    )
    with office(a) as ho:
        ho.admin.upsert_campaign(campaign)
    print(f"campaign {a.id} saved")
    return 0


def cmd_occasions(cli: Command) -> int:
    a = cli.args
    changes: dict[str, Any] = {}
    if a.member_day is not None:
        none = a.member_day.strip().lower() in ("none", "off", "")
        changes["member_day"] = None if none else parse_int(a.member_day, "--member-day")
    for name in ("valentines", "qixi"):
        if getattr(a, name) is not None:
            changes[name] = getattr(a, name) == "on"
    with office(a) as ho:
        config = ho.admin.set_occasions(changes)
    print(json.dumps(config.as_dict(), indent=2))
    return 0


def cmd_delivery(cli: Command) -> int:
    a = cli.args
    with office(a) as ho:
        delivery_id = ho.admin.deliver(
            a.store, a.gift, parse_quantity(a.qty), a.note or "", a.request or None
        )
    print(delivery_id)
    return 0


def cmd_replenishments(cli: Command) -> int:
    with office(cli.args) as ho:
        rows = ho.admin.replenishments(open_only=cli.args.open)
    for r in rows:
        state = f"delivered {r['delivery_id']}" if r["delivery_id"] else "OPEN"
        print(
            f"{r['request_id']}\t{r['store_id']}\t{r['gift_id']}\tqty {r['quantity']}\t"
            f"stock {r['stock']} (alert {r['threshold']})\t{r['requested_at'][:16]}\t"
            f"{r['staff_id']}\t{state}" + (f"\t{r['note']}" if r["note"] else "")
        )
    return 0


def _days(text: str) -> int:
    days = parse_int(text, "--days")
    if not 1 <= days <= 3650:
        raise InvalidInput(f"--days must be 1 to 3650, got {days}")
    return days


def cmd_slow_movers(cli: Command) -> int:
    with office(cli.args) as ho:
        slow = ho.admin.slow_movers(_days(cli.args.days))
    for s in slow:
        scope = "every store" if s.everywhere else f"{len(s.slow)} of {len(s.stocked)} stores"
        print(
            f"{s.gift_id}\t{s.name_zh}\t{s.points} pts\tslow at {scope}: "
            f"{','.join(s.slow)}\tlast redeemed {s.last_redemption or 'never'}"
        )
    return 0


def cmd_gift_reprice(cli: Command) -> int:
    a = cli.args
    points = None if a.points is None else parse_points(a.points)
    percent = None if a.percent is None else parse_int(a.percent, "--percent")
    with office(a) as ho:
        if a.slow_movers:
            if a.gift or percent is None:
                raise InvalidInput("--slow-movers takes --percent and no gift code")
            done = ho.admin.reprice_slow_movers(percent, _days(a.days))
        elif not a.gift:
            raise InvalidInput("which gift? give its code, or --slow-movers with --percent")
        else:
            done = [ho.admin.reprice(a.gift, points=points, percent=percent)]
    for r in done:
        print(f"{r.gift_id}\t{' | '.join(map(str, r.before))} -> {' | '.join(map(str, r.after))}")
    print(f"{len(done)} gift(s) repriced; stores take the new price at their next sync")
    return 0


def cmd_stock_policy(cli: Command) -> int:
    from desktop.core.stock_policy import StockPolicy

    changes = _json_arg(cli.args.json, "--json")
    if not isinstance(changes, dict):
        raise InvalidInput('--json must be an object, e.g. {"safety_share_permille": 200}')
    with office(cli.args) as ho:
        with ho.db.transaction(write=False) as tx:
            row = tx.one("SELECT value FROM settings WHERE key = 'stock_policy'")
        current = StockPolicy.from_mapping(json.loads(row["value"]) if row else None)
        policy = StockPolicy.from_mapping({**current.as_dict(), **changes})
        ho.admin.set_setting("stock_policy", policy.as_dict())
    print(json.dumps(policy.as_dict(), indent=2))
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


def _settings_after(cli: Command, key: str | None) -> dict[str, Any]:
    """Set `key` whole from --json when given, then every setting stores pull."""
    from headoffice.snapshots import settings

    with office(cli.args) as ho:
        if cli.args.json is not None:
            if key is None:
                raise InvalidInput(
                    "name the setting to change, e.g. `settings risk_rules --json …`"
                )
            ho.admin.set_setting(key, _json_arg(cli.args.json, "--json"))
        with ho.db.transaction(write=False) as tx:
            return settings(tx)


def cmd_settings(cli: Command) -> int:
    """Show the settings stores pull, or set one of them whole (`--json`)."""
    key = cli.args.key
    values = _settings_after(cli, key)
    shown = values if key is None else {key: values.get(key)}
    print(json.dumps(shown, indent=2, ensure_ascii=False, sort_keys=True))
    return 0


def cmd_journeys(cli: Command) -> int:
    """Show the member-journey rules, or replace them with --json (desktop/core/journeys.py)."""
    print(json.dumps(_settings_after(cli, "journeys")["journeys"], indent=2, ensure_ascii=False))
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


def cmd_report(cli: Command) -> int:
    from headoffice.db import open_db
    from headoffice.report import build_report, parse_period
    from headoffice.report_files import parse_formats, prepare_folder, write_report

    a = cli.args
    period = parse_period(a.date_from, a.date_to, date.today())
    formats = parse_formats(a.format)
    dormant_days = parse_int(a.dormant_days, "--dormant-days")
    out = prepare_folder(Path(a.out))

    def progress(text: str) -> None:
        print(f"report: {text}", file=sys.stderr, flush=True)

    progress(f"period {period} ({period.days} days)")
    db = open_db(database_target(a))
    try:
        report = build_report(db, period, dormant_days, progress)
    finally:
        db.close()
    if report.empty:
        progress("no events in this period: the report shows none")
    for path in write_report(report, out, formats, progress):
        print(path)
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
    so = add(
        "rotate-secret",
        cmd_store_rotate,
        "a new secret for a store (a leaked or lost one); prints it, once",
        stores,
    )
    so.add_argument("--id", required=True)
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
    ga.add_argument("--kind", default="goods", choices=[k.value for k in GiftKind])
    ga.add_argument("--spend", help="coupon: spend threshold in yuan (满 300)")
    ga.add_argument("--off", help="coupon: amount off in yuan (减 80)")
    ga.add_argument("--valid-days", help="coupon: days it is valid, the day redeemed first")
    ga.add_argument("--session", help="experience: session start, ISO time with offset")
    ga.add_argument("--place", help="experience: where it takes place")
    gr = add("rules", cmd_gift_rules, "set value bands and hot marks (JSON, merged)", gifts)
    gr.add_argument(
        "--json", required=True, help='e.g. {"band_mid": 500, "band_high": 2000, "hot_top": 3}'
    )
    gi = add("import", cmd_gift_import, "import gifts and campaigns from catalogue JSON", gifts)
    gi.add_argument("file")

    campaigns = group.add_parser("campaign", help="earning campaigns").add_subparsers(
        dest="op", required=True, metavar="ACTION"
    )
    ca = add("add", cmd_campaign_add, "add or change a campaign", campaigns)
    ca.add_argument("--id", required=True)
    ca.add_argument("--name", required=True)
    ca.add_argument("--starts", help="ISO time with offset (with --occasion: default always)")
    ca.add_argument("--ends", help="ISO time with offset, exclusive (with --occasion: 2100)")
    ca.add_argument("--multiplier-permille", required=True, help="2000 = double points")
    ca.add_argument("--tiers", default="", help="comma-separated; empty: every tier")
    ca.add_argument(
        "--occasion",
        help="tie it to an occasion, e.g. member_day or qixi: it applies on that occasion's "
        "days every month or year",
    )
    oc = add(
        "occasions",
        cmd_occasions,
        "member day and Valentine's/七夕 cards (prints the switches in force)",
        group,
    )
    oc.add_argument("--member-day", help="day of the month, 1–31, or none")
    oc.add_argument("--valentines", choices=["on", "off"])
    oc.add_argument("--qixi", choices=["on", "off"])

    coupon = group.add_parser("coupon", help="coupon codes stores issued").add_subparsers(
        dest="op", required=True, metavar="ACTION"
    )
    cc = add(
        "check", cmd_coupon_check,
        "valid / used / expired / voided / unknown / mistyped (exit 0 only when valid)", coupon,
    )  # fmt: skip
    cc.add_argument("code")
    cc.add_argument("--day", help="as of YYYY-MM-DD (default: today)")
    cu = add("use", cmd_coupon_use, "mark a valid coupon used (once)", coupon)
    cu.add_argument("code")
    cu.add_argument("--by", required=True, help="who took it: a store, till or staff id")
    cu.add_argument("--day", help="as of YYYY-MM-DD (default: today)")

    dv = add("delivery", cmd_delivery, "send gifts to a store; prints the delivery id", group)
    dv.add_argument("--store", required=True)
    dv.add_argument("--gift", required=True)
    dv.add_argument("--qty", required=True)
    dv.add_argument("--note")
    dv.add_argument("--request", help="the replenishment request it answers (marks it fulfilled)")

    rp = add("replenishments", cmd_replenishments, "replenishment requests stores sent", group)
    rp.add_argument("--open", action="store_true", help="only those not yet delivered")
    sm = add(
        "slow-movers",
        cmd_slow_movers,
        "gifts in stock at a store with no redemption there in --days",
        group,
    )
    sm.add_argument("--days", default="90")
    gr = add(
        "reprice",
        cmd_gift_reprice,
        "change a gift's price in points (--points N: the default price; --percent P: every "
        "option), or every slow mover's (--slow-movers --percent -20)",
        gifts,
    )
    gr.add_argument("gift", nargs="?")
    gr.add_argument("--points")
    gr.add_argument("--percent", help="e.g. -20 for a fifth off")
    gr.add_argument("--slow-movers", action="store_true", help="every gift slow at each store")
    gr.add_argument("--days", default="90", help="with --slow-movers: the slow-mover period")
    spol = add(
        "stock-policy",
        cmd_stock_policy,
        "set the stock policy stores derive low-stock alerts from (JSON of StockPolicy fields)",
        group,
    )
    spol.add_argument("--json", required=True, help='e.g. {"safety_share_permille": 250}')

    cp = add("caps", cmd_caps, "set offline caps (JSON of OfflineLimits fields)", group)
    cp.add_argument("--json", required=True, help='e.g. {"per_redemption_points": 3000}')

    st = add(
        "settings",
        cmd_settings,
        "show the settings stores pull, or set one whole: risk_rules, bounds, … (--json)",
        group,
    )
    st.add_argument("key", nargs="?", help="the setting, e.g. risk_rules")
    st.add_argument("--json", help='its new value, e.g. {"self_redemption": "refuse"}')
    jr = add("journeys", cmd_journeys, "show or set the member-journey rules", group)
    jr.add_argument(
        "--json", help='the whole rule set, e.g. {"birthday": {"days": 7, "bonus_points": 300}}'
    )

    ds = add("design", cmd_design, "add or replace a greeting-card design", group)
    ds.add_argument("--occasion", required=True, help="e.g. mid_autumn")
    ds.add_argument("--file", required=True, help="design JSON (as in resources/cards/)")

    ex = add("expire", cmd_expire, "write off expired point lots at head office", group)
    ex.add_argument("--day", help="as of YYYY-MM-DD (default: today)")

    rp = add(
        "report",
        cmd_report,
        "programme figures for a period: redemption rate, members woken up, points issued "
        "vs redeemed, stock turnover (one CSV per figure and a PDF with charts in --out)",
        group,
    )
    rp.add_argument("--out", required=True, help="folder for the report files")
    rp.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (default: 30 days ago)")
    rp.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (default: today)")
    rp.add_argument("--format", default="csv,pdf", help="csv, pdf or csv,pdf")
    rp.add_argument(
        "--dormant-days",
        default="180",
        help="days without any earn or redemption after which a member counts as woken up",
    )

    sd = add("seed-demo", cmd_seed_demo, "load the demo catalogue and demo members", group)
    sd.add_argument("--members", type=int, default=200)
    sd.add_argument("--seed", type=int, default=2026)
