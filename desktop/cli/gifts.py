"""`lantern gift …`: the catalogue and its stock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.cli.base import EXIT_REFUSED, Add, Cli, say
from desktop.core.catalogue import Gift, GiftId, GiftKind, Price, kind_terms
from desktop.core.members import Tier
from desktop.core.money import parse_int, yuan_text


def cmd_gift_list(cli: Cli) -> int:
    rows = cli.app.stock.low_stock() if cli.args.low else cli.app.stock.levels()
    for level in rows:
        gift, stock = level.gift, level.stock
        # numbered as `redeem --gift GIFT:QTY:OPTION` counts them: 0 is the default price
        prices = " | ".join(
            f"{n}: {p.points} pts" + (f" + ¥{yuan_text(p.cash_fen)}" if p.cash_fen else "")
            for n, p in enumerate(gift.prices)
        )
        flag = " LOW" if level.low else ""
        tier = f" [{gift.min_tier.value}+]" if gift.min_tier is not Tier.REGULAR else ""
        kind = "" if gift.kind is GiftKind.GOODS else f" ({gift.kind.value})"
        print(f"{gift.gift_id}\t{gift.name_zh}{kind}\t{prices}\tstock {stock}{flag}{tier}")
    return 0


def cmd_catalogue_import(cli: Cli) -> int:
    data = json.loads(Path(cli.args.file).read_text(encoding="utf-8"))
    for g in data["gifts"]:
        cli.app.setup.upsert_gift(_gift_from_json(g), int(g.get("stock", 0)))
    say(f"{len(data['gifts'])} gift(s) imported")
    return 0


def _gift_from_json(g: dict[str, Any]) -> Gift:
    from datetime import datetime

    kind = GiftKind(g.get("kind", "goods"))
    return Gift(
        GiftId(g["gift_id"]),
        g["name_zh"],
        g["name_en"],
        g["category"],
        tuple(
            Price(parse_int(p, "price points"), parse_int(c, "price cash")) for p, c in g["prices"]
        ),
        Tier.parse(g.get("min_tier", "regular")),
        datetime.fromisoformat(g["active_from"]) if g.get("active_from") else None,
        datetime.fromisoformat(g["active_until"]) if g.get("active_until") else None,
        parse_int(g.get("low", 0), "low-stock threshold"),
        kind,
        *kind_terms(kind, g.get("terms")),
    )


def cmd_coupon_check(cli: Cli) -> int:
    """A coupon code as this store knows it (its use is recorded at head office)."""
    verdict, record = cli.app.till.check_coupon(cli.args.code)
    line = verdict.value
    if record is not None:
        line += f"\t{record.gift_id}\tvalid until {record.valid_until}\t{record.redemption_id}"
    print(line)
    return 0 if verdict.value == "valid" else EXIT_REFUSED


def register(sub: Any, add: Add) -> None:
    """Add the gift group to the parser."""
    gift = sub.add_parser("gift", help="the gift catalogue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    gl = add(
        "list",
        cmd_gift_list,
        "list gifts, their price options numbered as `redeem --gift GIFT:QTY:OPTION` takes "
        "them (0 is the default), and stock",
        gift,
    )
    gl.add_argument(
        "--low",
        action="store_true",
        help="only gifts at or below their low-stock alert (from the redemption rate)",
    )
    gi = add("import", cmd_catalogue_import, "import gifts from a catalogue JSON file", gift)
    gi.add_argument("file")
    coupon = sub.add_parser("coupon", help="coupon codes this store issued").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    cc = add(
        "check", cmd_coupon_check,
        "valid / expired / voided / unknown / mistyped (exit 0 only when valid)", coupon,
    )  # fmt: skip
    cc.add_argument("code")
