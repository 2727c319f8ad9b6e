"""`lantern headoffice …`: issuing keys, cards and phone codes here; the service and its
administration in headoffice/commands.py."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import Add, Cli, say
from desktop.core.errors import InvalidInput
from desktop.core.money import parse_int
from headoffice.commands import register as register_headoffice


def _keys(path: str) -> Any:
    from headoffice.issuing import KeyFile

    return KeyFile(path)


def cmd_ho_key(cli: Cli) -> int:
    from datetime import date

    keys = _keys(cli.args.keys)
    today = date.today()
    if cli.args.action == "new":
        key = keys.new_key(today, cli.args.key_id)
        keys.save()
        print(f"{key.key_id}\t{key.public.hex()}")
    elif cli.args.action == "publish":
        from headoffice.commands import office

        public = keys.public_keys()
        if not public:
            raise InvalidInput(f"{cli.args.keys} holds no keys: create one with `key new`")
        with office(cli.args) as ho:
            for k in public:
                ho.admin.trust_key(k)
        say(f"{len(public)} public key(s) published to stores")
    else:
        for k in keys.public_keys():
            print(f"{k.key_id}\t{k.public.hex()}\t{k.not_after or ''}")
    return 0


def cmd_ho_card(cli: Cli) -> int:
    from datetime import date

    from headoffice.cards import write_card_pdf, write_card_png
    from headoffice.issuing import issue_card

    a = cli.args
    if a.op == "revoke":
        from headoffice.commands import office

        serial = parse_int(a.serial, "card serial")
        with office(a) as ho:
            ho.admin.revoke_card(a.member, serial)
        say(f"card {serial} of {a.member} revoked; stores refuse it once they have synced")
        return 0
    if not a.keys:
        raise InvalidInput("--keys FILE (the head-office key file) is needed to sign a card")
    keys = _keys(a.keys)
    keys.active(date.today())  # no usable key: fail before anything changes
    card_number = a.card_number or ""
    if a.op == "issue":
        from headoffice.commands import office

        with office(a) as ho:
            issued = ho.admin.issue_card(a.member)
        serial, card_number = issued.serial, card_number or issued.card_number or ""
        say(f"{a.member} now holds card {serial}; older cards stop working", err=True)
    else:
        serial = parse_int(a.serial, "card serial")
    code = issue_card(keys, a.member, serial, date.today())
    if a.out:
        if a.out.lower().endswith(".pdf"):
            write_card_pdf(a.out, code, card_number, a.name or "", a.programme)
        else:
            write_card_png(a.out, code, card_number)
    print(code)
    return 0


def cmd_ho_phone(cli: Cli) -> int:
    from datetime import UTC, date, datetime

    from headoffice.issuing import enrol_phone

    phone = enrol_phone(_keys(cli.args.keys), cli.args.member, date.today())
    print(phone.code(datetime.now(UTC)))
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the headoffice group to the parser."""
    ho = sub.add_parser("headoffice", help="head-office administration").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    hk = add(
        "key",
        cmd_ho_key,
        "issuing keys: create one, list the public halves, or publish them to stores (--db)",
        ho,
    )
    hk.add_argument("action", choices=["new", "list", "publish"])
    hk.add_argument("--keys", required=True, help="the head-office key file")
    hk.add_argument("--key-id", type=int)
    hc = add(
        "card",
        cmd_ho_card,
        "sign a member card code (--out writes a PNG or PDF card); `card issue --db` bumps the "
        "member's card serial first, `card revoke --db` revokes a serial",
        ho,
    )
    hc.add_argument("op", nargs="?", choices=["issue", "revoke"])
    hc.add_argument("--keys", help="the head-office key file (to sign)")
    hc.add_argument("--member", required=True)
    hc.add_argument("--serial", default="1", help="without `issue`: the serial to sign")
    hc.add_argument("--card-number")
    hc.add_argument("--name")
    hc.add_argument("--programme", default="灯笼会员 Lantern Rewards")
    hc.add_argument("--out")
    hp = add("phone-code", cmd_ho_phone, "enrol a test phone and print its current code", ho)
    hp.add_argument("--keys", required=True)
    hp.add_argument("--member", required=True)
    register_headoffice(ho, add)
