"""`lantern store …`: create, check and connect the store database; trust keys, revoke cards."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import EXIT_ERROR, Add, Cli, read_secret, say
from desktop.core.errors import InvalidInput
from desktop.core.money import parse_int
from desktop.paths import default_db
from desktop.services.setup import init_store


def cmd_store_init(cli: Cli) -> int:
    a = cli.args
    db = init_store(a.db or default_db(), a.store_id, a.name_zh, a.name_en or a.name_zh, a.timezone)
    say(f"store {a.store_id} ready at {db.path}")
    db.close()
    return 0


def cmd_store_check(cli: Cli) -> int:
    problems = cli.app.setup.check()
    for p in problems:
        say(p, err=True)
    if problems:
        say(f"{len(problems)} problem(s) found", err=True)
        return EXIT_ERROR
    say("store is consistent: every cached balance and stock count equals its ledger")
    return 0


def cmd_store_connect(cli: Cli) -> int:
    a = cli.args
    c = cli.app.sync.connect(a.url, a.store_id, read_secret())
    say(f"store {c.store_id} will sync with head office at {c.url}; run `lantern sync`")
    return 0


def cmd_store_key(cli: Cli) -> int:
    from datetime import date

    from desktop.core.codes import IssuerKey

    a = cli.args
    try:
        public = bytes.fromhex(a.public)
    except ValueError:
        raise InvalidInput("--public must be the key's 32 bytes as 64 hex digits") from None
    if len(public) != 32:
        raise InvalidInput("--public must be the key's 32 bytes as 64 hex digits")
    key_id = parse_int(a.key_id, "key id")
    if not 0 <= key_id <= 255:
        raise InvalidInput(f"--key-id must be 0..255, got {key_id}")
    try:
        not_after = date.fromisoformat(a.not_after) if a.not_after else None
    except ValueError:
        raise InvalidInput(f"--not-after must be a day, YYYY-MM-DD, got {a.not_after!r}") from None
    cli.app.setup.add_issuer_key(IssuerKey(key_id, public, not_after))
    say(f"head-office key {a.key_id} trusted")
    return 0


def cmd_store_card(cli: Cli) -> int:
    a = cli.args
    serial = parse_int(a.serial, "card serial")
    if a.action == "revoke":
        cli.app.setup.revoke_card(a.member, serial)
        say(f"card {serial} of {a.member} revoked")
    else:
        cli.app.setup.set_card_serial(a.member, serial)
        say(f"{a.member} now holds card {serial}; older cards are refused")
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the store group to the parser."""
    store = sub.add_parser("store", help="create and check the store database").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    si = add("init", cmd_store_init, "create the store database", store)
    si.add_argument("--store-id", required=True)
    si.add_argument("--name-zh", required=True)
    si.add_argument("--name-en")
    si.add_argument("--timezone", default="Asia/Shanghai")
    add("check", cmd_store_check, "prove cached balances and stock equal their ledgers", store)
    sn = add(
        "connect",
        cmd_store_connect,
        "set head office's URL and this store's credentials (secret from "
        "$LANTERN_STORE_SECRET or stdin)",
        store,
    )
    sn.add_argument("--url", required=True, help="head office, e.g. https://ho.example.com")
    sn.add_argument("--store-id", required=True, help="this store's id at head office")

    sk = add("key", cmd_store_key, "trust a head-office public key (until sync sends them)", store)
    sk.add_argument("--key-id", required=True)
    sk.add_argument("--public", required=True, help="the key's 32 bytes as hex")
    sk.add_argument("--not-after", help="refuse codes this key issued after YYYY-MM-DD")
    for action, text in (
        ("revoke", "revoke a member's card by serial"),
        ("reissue", "record that a member now holds card SERIAL (older ones stop working)"),
    ):
        sc = add(f"card-{action}", cmd_store_card, text, store)
        sc.set_defaults(action=action)
        sc.add_argument("--member", required=True)
        sc.add_argument("--serial", required=True)
