"""`lantern`: every till and store operation as a subcommand, over the same services as the
window. Errors go to stderr with a non-zero status and change nothing.

Exit status: 0 done; 1 error (bad input, unknown member, wrong PIN…); 2 usage; 3 refused
(insufficient points, out of stock…: the refusal reason is printed); 4 head office
unreachable or refusing this store's credentials (`lantern sync`)."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import InvalidInput, LanternError
from desktop.core.members import Member, MemberId, Tier
from desktop.core.money import parse_int, parse_points, parse_yuan, yuan_text
from desktop.core.redemption import Refusal
from desktop.paths import default_db, default_demo_db
from desktop.services.app import StoreServices
from desktop.services.printing import JobKind
from desktop.services.setup import OpeningLot, init_store
from desktop.services.till import LineRequest
from desktop.store.staff import Staff

log = logging.getLogger("lantern")

EXIT_ERROR, EXIT_USAGE, EXIT_REFUSED, EXIT_UNREACHABLE = 1, 2, 3, 4


def read_pin(env: str, prompt: str) -> str:
    """PINs never go on the command line (visible to `ps`): environment, terminal or stdin."""
    if os.environ.get(env):
        return os.environ[env]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline().strip()
    if not line:
        raise InvalidInput(f"a PIN is needed: set {env} or type it on standard input")
    return line


class Cli:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._app: StoreServices | None = None

    @property
    def app(self) -> StoreServices:
        if self._app is None:
            self._app = StoreServices.open(self.args.db or default_db())
        return self._app

    def staff(self, staff_id: str, *, manager: bool = False) -> Staff:
        env = "LANTERN_MANAGER_PIN" if manager else "LANTERN_PIN"
        pin = read_pin(env, f"PIN for {staff_id}: ")
        return self.app.login(staff_id, pin, manager=manager)

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


# --- commands ---------------------------------------------------------------------------------
def cmd_store_init(cli: Cli) -> int:
    a = cli.args
    db = init_store(a.db or default_db(), a.store_id, a.name_zh, a.name_en or a.name_zh, a.timezone)
    print(f"store {a.store_id} ready at {db.path}")
    db.close()
    return 0


def cmd_store_check(cli: Cli) -> int:
    problems = cli.app.setup.check()
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_ERROR
    print("store is consistent: every cached balance and stock count equals its ledger")
    return 0


def cmd_staff_add(cli: Cli) -> int:
    a = cli.args
    pin = read_pin("LANTERN_NEW_PIN", f"new PIN for {a.id}: ")
    cli.app.setup.add_staff(a.id, a.name, a.role, pin)
    print(f"{a.role} {a.id} added")
    return 0


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
    print(f"member {a.id} added")
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


def cmd_gift_list(cli: Cli) -> int:
    rows = cli.app.stock.low_stock() if cli.args.low else cli.app.stock.catalogue()
    for gift, stock in rows:
        prices = " | ".join(
            f"{p.points}" + (f"+¥{yuan_text(p.cash_fen)}" if p.cash_fen else "")
            for p in gift.prices
        )
        flag = " LOW" if gift.is_low(stock) else ""
        tier = f" [{gift.min_tier.value}+]" if gift.min_tier is not Tier.REGULAR else ""
        print(f"{gift.gift_id}\t{gift.name_zh}\t{prices}\tstock {stock}{flag}{tier}")
    return 0


def cmd_catalogue_import(cli: Cli) -> int:
    data = json.loads(Path(cli.args.file).read_text(encoding="utf-8"))
    for g in data["gifts"]:
        cli.app.setup.upsert_gift(_gift_from_json(g), int(g.get("stock", 0)))
    print(f"{len(data['gifts'])} gift(s) imported")
    return 0


def _gift_from_json(g: dict[str, Any]) -> Gift:
    from datetime import datetime

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
    )


def cmd_day(cli: Cli) -> int:
    a = cli.args
    if a.action == "status":
        state = cli.app.day.state()
    else:
        manager = cli.staff(a.manager, manager=True)
        state = cli.app.day.open(manager) if a.action == "open" else cli.app.day.close(manager)
    status = "open" if state.is_open else ("closed" if state.closed_at else "not opened")
    print(f"business day {state.day}: {status}")
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
    result = cli.app.till.redeem(
        cashier, a.request_id or str(uuid.uuid4()), member.member_id, lines, kind, override
    )
    if isinstance(result, Refusal):
        print(f"lantern: refused: {result.explain()}", file=sys.stderr)
        return EXIT_REFUSED
    print(result.receipt_no)
    print(
        f"{'(retry: already redeemed) ' if result.replayed else ''}{result.masked_name}: "
        f"{result.points} points, cash {result.cash_fen} fen; balance "
        f"{result.balance_before} -> {result.balance_after}",
        file=sys.stderr,
    )
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
        print(f"lantern: warning: {receipt_no} not printed: {e}", file=sys.stderr)
        return
    for error in done.errors:
        print(f"lantern: warning: not printed: {error}", file=sys.stderr)
    if done.errors:
        print(
            "lantern: warning: the redemption is done; the printout waits in the print queue "
            "(`lantern print queue`, `lantern print retry JOB`)",
            file=sys.stderr,
        )


def _progress(what: str, done: int, total: int) -> None:
    print(f"  [{done}/{total}] {what}", file=sys.stderr)


def _print_outcome(done: Any) -> int:
    for error in done.errors:
        print(f"lantern: not printed: {error}", file=sys.stderr)
    cancelled = f", {done.cancelled} cancelled (voided)" if done.cancelled else ""
    print(f"{done.printed} printed, {done.failed} failed{cancelled}", file=sys.stderr)
    return 0 if done.ok else EXIT_ERROR


def cmd_print_queue(cli: Cli) -> int:
    """One line per printout waiting: id, kind, receipt, printer, status, attempts, when
    it is next tried, and the last error."""
    for problem in cli.app.printing.problems:
        print(f"lantern: warning: printer setting ignored: {problem}", file=sys.stderr)
    jobs = cli.app.printing.pending()
    for j in jobs:
        reprint = f" (reprint {j.copy})" if j.copy else ""
        print(
            f"{j.job_id[:8]}\t{j.kind}{reprint}\t{j.receipt_no}\t{j.backend}\t{j.status}\t"
            f"{j.attempts}\t{j.next_attempt_at[:19]}\t{j.last_error or ''}"
        )
    print(f"{len(jobs)} printout(s) waiting", file=sys.stderr)
    return 0


def cmd_print_run(cli: Cli) -> int:
    return _print_outcome(cli.app.printing.process(progress=_progress))


def cmd_print_retry(cli: Cli) -> int:
    return _print_outcome(cli.app.printing.retry(cli.args.job, progress=_progress))


def cmd_print_printers(cli: Cli) -> int:
    a = cli.args
    printing = cli.app.printing
    if a.set is not None or a.clear:
        printing.set_printers([] if a.clear else a.set)
    for problem in printing.problems:
        print(f"lantern: warning: printer setting ignored: {problem}", file=sys.stderr)
    for b in printing.backends:
        kinds = ", ".join(k.value for k in JobKind if b.accepts(k))
        usable = "" if b.is_usable() else "\tcannot be used on this machine"
        print(f"{b.name}\t{kinds}{usable}")
    return 0


def cmd_reprint(cli: Cli) -> int:
    a = cli.args
    printing = cli.app.printing
    manager = cli.staff(a.manager, manager=True)
    ids = printing.reprint(manager, a.receipt, a.kind, a.printer)
    status = _print_outcome(printing.process(progress=_progress, only=ids))
    for job in printing.jobs_for(a.receipt):
        if job.job_id in ids and job.backend == printing.archive.name:
            print(printing.archive.path_for(job.kind, job.receipt_no, job.copy))
    return status


def cmd_void(cli: Cli) -> int:
    a = cli.args
    cashier = cli.staff(a.cashier)
    manager = cli.staff(a.manager, manager=True)
    r = cli.app.till.void(cashier, manager, a.request_id or str(uuid.uuid4()), a.receipt, a.reason)
    print(f"voided {r.receipt_no}: {r.points_returned} points returned, balance {r.balance_after}")
    return 0


def cmd_earn(cli: Cli) -> int:
    a = cli.args
    member, _ = cli.app.till.identify(a.member)
    cashier = cli.staff(a.cashier)
    r = cli.app.till.earn(
        cashier, a.request_id or str(uuid.uuid4()), member.member_id, parse_yuan(a.amount)
    )
    campaign = f" (campaign {r.campaign})" if r.campaign else ""
    print(f"{r.points} points earned{campaign}; balance {r.balance_after}")
    return 0


def cmd_stock(cli: Cli) -> int:
    a = cli.args
    manager = cli.staff(a.manager, manager=True)
    rid = a.request_id or str(uuid.uuid4())
    if a.action == "receive":
        m = cli.app.stock.receive(manager, rid, a.gift, a.qty, a.note or "")
    else:
        m = cli.app.stock.adjust(
            manager, rid, a.gift, counted=a.counted, delta=a.delta, reason=a.reason
        )
    print(f"{m.gift_id}: {m.delta:+d}, stock now {m.stock_after}")
    return 0


def cmd_report_daily(cli: Cli) -> int:
    from datetime import date

    a = cli.args
    day = date.fromisoformat(a.day) if a.day else None
    pdf, csv_path = (Path(a.pdf) if a.pdf else None), (Path(a.csv) if a.csv else None)
    if pdf is None and csv_path is None:
        folder = cli.app.db.path.parent / "reports"
        stem = f"daily-{cli.app.ctx.store_id}-{(day or cli.app.ctx.today()).isoformat()}"
        pdf, csv_path = folder / f"{stem}.pdf", folder / f"{stem}.csv"

    def progress(stage: str, done: int, total: int) -> None:
        print(f"  [{done}/{total}] {stage}", file=sys.stderr)

    r = cli.app.reports.write_daily(day, pdf, csv_path, progress)
    for path in (pdf, csv_path):
        if path is not None:
            print(path)
    print(
        f"{r.day}: {r.redemptions} redemptions, {r.points:,} points, cash {yuan_text(r.cash_fen)}, "
        f"{r.voided_count} voided; head office: {r.headoffice_match}",
        file=sys.stderr,
    )
    return 0


def cmd_expire(cli: Cli) -> int:
    print(f"{cli.app.till.run_expiry()} points expired")
    return 0


def cmd_decode_qr(cli: Cli) -> int:
    """name<TAB>text per image (text empty when no code is found); unreadable files are
    reported on stderr and make the exit status 1, the other images are still decoded."""
    from desktop.scanning.decode import decode_file

    status = 0
    for name in cli.args.images:
        try:
            text = decode_file(name) or ""
        except LanternError as e:
            print(f"lantern: error: {e}", file=sys.stderr)
            status = EXIT_ERROR
            text = ""
        print(f"{name}\t{text}")
    return status


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
    print(f"head-office key {a.key_id} trusted")
    return 0


def cmd_store_card(cli: Cli) -> int:
    a = cli.args
    serial = parse_int(a.serial, "card serial")
    if a.action == "revoke":
        cli.app.setup.revoke_card(a.member, serial)
        print(f"card {serial} of {a.member} revoked")
    else:
        cli.app.setup.set_card_serial(a.member, serial)
        print(f"{a.member} now holds card {serial}; older cards are refused")
    return 0


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
        print(f"{len(public)} public key(s) published to stores")
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
        print(f"card {serial} of {a.member} revoked; stores refuse it once they have synced")
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
        print(f"{a.member} now holds card {serial}; older cards stop working", file=sys.stderr)
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


def cmd_demo(cli: Cli) -> int:
    from desktop.services.demo import build_demo, ensure_demo_day

    path = Path(cli.args.db or default_demo_db())
    if cli.args.reset and path.exists():
        import shutil

        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.with_name(path.stem + "-headoffice-keys.json").unlink(missing_ok=True)
        shutil.rmtree(path.with_name(path.stem + "-cards"), ignore_errors=True)
        shutil.rmtree(path.with_name(path.stem + "-card-designs"), ignore_errors=True)
        from desktop.embedded_headoffice import headoffice_path, remove

        remove(headoffice_path(path))
    if path.exists():
        app = StoreServices.open(path)
        ensure_demo_day(app)
    else:
        print(f"building the demo store at {path} …", file=sys.stderr)
        app = build_demo(path, members=cli.args.members)
        _demo_head_office(app, path)
    cli._app = app
    office = _demo_sync(app, path)
    print(
        f"demo store ready at {path} (cashier C01 PIN 1111, manager M01 PIN 9999)", file=sys.stderr
    )
    if cli.args.no_window:
        if office is not None:
            office.stop()
        return 0
    from desktop.services.sync_loop import SyncLoop

    loop = SyncLoop(app.sync, SYNC_SECONDS) if office is not None else None
    if loop is not None:
        loop.start()
    try:
        return _launch(app, cli.args.camera)
    finally:
        if loop is not None:
            loop.stop()
        if office is not None:
            office.stop()


SYNC_SECONDS = 30.0


def _port_of(url: str) -> int:
    host, _, port = url.rpartition(":")
    return int(port) if host == "http://127.0.0.1" and port.isdigit() else 0


def _demo_sync(app: StoreServices, path: Path) -> Any:
    """Run the demo's head office embedded (`<demo>-headoffice.db`, seeded on first use
    with the demo catalogue, as many demo members as the store, this store registered
    and the demo issuing keys published), connect the store to it and sync once.
    Returns the running EmbeddedHeadOffice, or None: then the demo runs offline."""
    from desktop.embedded_headoffice import (
        EmbeddedHeadOffice,
        EmbeddedHeadOfficeError,
        headoffice_path,
        prepare,
    )

    ho_path = headoffice_path(path)
    try:
        c = app.sync.connection()
        secret = c.secret if c is not None and ho_path.exists() else None
        if secret is None:
            from headoffice.issuing import KeyFile

            keys = KeyFile(path.with_name(path.stem + "-headoffice-keys.json")).public_keys()
            members = int(app.db.scalar("SELECT COUNT(*) FROM members"))
            name = str(app.ctx.setting("store_name_en") or app.ctx.store_id)
            secret = prepare(ho_path, app.ctx.store_id, name, members, keys)
        office = EmbeddedHeadOffice(ho_path)
        try:  # the port of last time keeps the URL, so the pull cursor stays valid
            url = office.start(_port_of(c.url) if c is not None else 0)
        except EmbeddedHeadOfficeError:
            url = office.start(0)
    except Exception as e:  # whatever it is, the till must still open
        log.debug("embedded head office failed", exc_info=True)
        print(
            f"lantern: warning: the demo head office did not start ({e}); the demo runs offline",
            file=sys.stderr,
        )
        return None
    app.sync.connect(url, app.ctx.store_id, secret)
    try:
        report = app.sync.sync_once(_progress)
        print(f"demo head office at {url}: {report.summary()}", file=sys.stderr)
    except LanternError as e:
        print(f"lantern: warning: first sync with the demo head office: {e}", file=sys.stderr)
    return office


def _demo_head_office(app: StoreServices, path: Path) -> None:
    """The demo's head office: an issuing key (kept beside the demo store, never inside
    it), its public half trusted by the store, and printable cards for a few members."""
    from headoffice.cards import write_card_png
    from headoffice.issuing import KeyFile, issue_card

    today = app.ctx.today()
    keys = KeyFile(path.with_name(path.stem + "-headoffice-keys.json"))
    key = keys.new_key(today)
    keys.save()
    app.setup.add_issuer_key(key.issuer_key())
    cards = path.with_name(path.stem + "-cards")
    members = app.db.query("SELECT member_id, card_number FROM members ORDER BY member_id")
    for member_id, _ in members:
        app.setup.set_card_serial(member_id, 1)
    for member_id, card_number in members[:6]:
        code = issue_card(keys, member_id, 1, today)
        write_card_png(cards / f"{member_id}.png", code, card_number)
    # a member whose first card was lost: card 2 is current, card 1 is refused
    lost = members[2][0]
    write_card_png(
        cards / f"{lost}-old-card-1.png", issue_card(keys, lost, 1, today), members[2][1]
    )
    write_card_png(cards / f"{lost}.png", issue_card(keys, lost, 2, today), members[2][1])
    app.setup.set_card_serial(lost, 2)
    print(f"demo member cards (QR images) in {cards}", file=sys.stderr)


def read_secret() -> str:
    """The store secret: $LANTERN_STORE_SECRET, the terminal, or the first line of stdin
    (never a command-line argument, which `ps` would show)."""
    if os.environ.get("LANTERN_STORE_SECRET"):
        return os.environ["LANTERN_STORE_SECRET"]
    if sys.stdin.isatty():
        return getpass.getpass("store secret (from head office): ")
    line = sys.stdin.readline().strip()
    if not line:
        raise InvalidInput("a store secret is needed: set LANTERN_STORE_SECRET or type it on stdin")
    return line


def cmd_store_connect(cli: Cli) -> int:
    a = cli.args
    c = cli.app.sync.connect(a.url, a.store_id, read_secret())
    print(f"store {c.store_id} will sync with head office at {c.url}; run `lantern sync`")
    return 0


def _when(at: Any) -> str:
    return at.isoformat(timespec="seconds") if at is not None else "never"


def cmd_sync(cli: Cli) -> int:
    from desktop.sync.client import SyncError

    if cli.args.action == "status":
        return _sync_status(cli)
    sync = cli.app.sync

    def progress(stage: str, done: int, total: int) -> None:
        what = "events acknowledged" if stage == "push" else "pages of changes"
        print(f"  {stage}: {done}/{total} {what}", file=sys.stderr)

    try:
        report = sync.sync_once(progress)
    except SyncError as e:
        waiting = sync.status().waiting
        print(f"lantern: error: {e}", file=sys.stderr)
        print(
            f"lantern: the store keeps working offline; {waiting} event(s) wait for head office",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    print(report.summary())
    if report.conflicts:
        print(
            f"{report.conflicts} applied with a conflict (overdraft or replayed code): "
            "head office flagged them for review",
            file=sys.stderr,
        )
    if report.parked:
        print(
            f"{report.parked} event(s) parked by head office: see `lantern sync status`",
            file=sys.stderr,
        )
    for problem in report.problems:
        print(f"lantern: warning: {problem}", file=sys.stderr)
    return 0


def _sync_status(cli: Cli) -> int:
    s = cli.app.sync.status()
    if s.connection is None:
        print("head office: not connected (`lantern store connect --url URL --store-id ID`)")
    else:
        state = "online" if s.online else "offline"
        print(f"head office: {s.connection.url} as store {s.connection.store_id} ({state})")
    print(
        f"events waiting: {s.waiting} (newest event {s.head_seq}, acknowledged up to {s.acked_seq})"
    )
    print(f"last successful sync: {_when(s.last_success_at)}")
    print(
        f"last attempt: {_when(s.last_attempt_at)}"
        + (f" failed: {s.last_error}" if s.last_error else "")
    )
    print(f"pull cursor: {s.cursor}")
    print(f"parked events: {len(s.parked)}")
    for p in s.parked:
        print(f"  {p.seq}\t{p.kind}\t{p.created_at[:19]}\t{p.event_id}\t{p.error}")
    return 0


def cmd_app(cli: Cli) -> int:
    """The till; with a head office connected, the background sync loop runs with it."""
    from desktop.services.sync_loop import SyncLoop

    app = cli.app
    loop = SyncLoop(app.sync, SYNC_SECONDS) if app.sync.connection() else None
    if loop is not None:
        loop.start()
    try:
        return _launch(app, cli.args.camera)
    finally:
        if loop is not None:
            loop.stop()


def _launch(app: StoreServices, camera: str | None = None) -> int:
    try:
        from desktop.ui.main import run
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise LanternError(f"cannot start the window: {e}; is PySide6 installed?") from e
    return run(app, camera)


# --- parser -------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lantern", description="Lantern loyalty points at the till")
    p.add_argument(
        "--db", help="store database file (default: $LANTERN_DB or the user data folder)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    # the same options after the subcommand (`lantern redeem --db x.db …`)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Callable[[Cli], int], help: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = parent.add_parser(
            name, help=help, description=help, parents=[common]
        )
        sp.set_defaults(func=func)
        return sp

    d = add("demo", cmd_demo, "set up (if needed) and launch the till on the demo store")
    d.add_argument("--members", type=int, default=200, help="members in a new demo store")
    d.add_argument("--reset", action="store_true", help="throw the demo store away and rebuild it")
    d.add_argument("--no-window", action="store_true", help="only build the demo store")
    ap = add("app", cmd_app, "launch the till with the configured store")
    camera_help = "camera: a device index (0), a stream URL, or a folder of images to play"
    d.add_argument("--camera", help=camera_help)
    ap.add_argument("--camera", help=camera_help)

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

    staff = sub.add_parser("staff", help="cashiers and managers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sa = add(
        "add", cmd_staff_add, "add a cashier or manager (PIN from $LANTERN_NEW_PIN or stdin)", staff
    )
    sa.add_argument("--id", required=True)
    sa.add_argument("--name", required=True)
    sa.add_argument("--role", choices=["cashier", "manager"], required=True)

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

    gift = sub.add_parser("gift", help="the gift catalogue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    gl = add("list", cmd_gift_list, "list gifts with prices and stock", gift)
    gl.add_argument(
        "--low", action="store_true", help="only gifts at or below their low-stock threshold"
    )
    gi = add("import", cmd_catalogue_import, "import gifts from a catalogue JSON file", gift)
    gi.add_argument("file")

    day = add("day", cmd_day, "open, close or show the business day")
    day.add_argument("action", choices=["open", "close", "status"])
    day.add_argument("--manager", help="manager id (PIN from $LANTERN_MANAGER_PIN or stdin)")

    r = add("redeem", cmd_redeem, "redeem gifts for a member; prints the receipt number")
    r.add_argument("--member", required=True, help="the member's code (as scanned) or card number")
    r.add_argument(
        "--gift", required=True, action="append", help="GIFT[:QTY[:PRICE_OPTION]]; repeat for more"
    )
    r.add_argument("--cashier", required=True, help="cashier id (PIN from $LANTERN_PIN or stdin)")
    r.add_argument("--request-id", help="idempotency key: a retry with the same id deducts once")
    r.add_argument("--override-manager", help="manager approving beyond offline limits")
    r.add_argument(
        "--no-print", action="store_true", help="queue the receipt and card, print them later"
    )

    prints = sub.add_parser("print", help="the print queue and printers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add("queue", cmd_print_queue, "list printouts waiting (queued, or failed with why)", prints)
    add("run", cmd_print_run, "print everything due now, with progress", prints)
    pr = add("retry", cmd_print_retry, "try a waiting printout again now", prints)
    pr.add_argument("job", help="job id (or its first characters, as the queue lists it)")
    pp = add("printers", cmd_print_printers, "list or set the thermal receipt printers", prints)
    group = pp.add_mutually_exclusive_group()
    group.add_argument(
        "--set",
        nargs="+",
        metavar="SPEC",
        help="usb:VID:PID, network:HOST[:PORT], serial:DEVICE[:BAUD] or dummy",
    )
    group.add_argument("--clear", action="store_true", help="no thermal printers")
    rp = add("reprint", cmd_reprint, "print a receipt (marked REPRINT) or greeting card again")
    rp.add_argument("kind", choices=["receipt", "card"])
    rp.add_argument("receipt", metavar="RECEIPT_NO")
    rp.add_argument("--printer", help="only this printer (the archive always keeps a copy)")
    rp.add_argument("--manager", required=True, help="manager id (PIN from $LANTERN_MANAGER_PIN)")

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

    stock = sub.add_parser("stock", help="gift stock").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    sr = add("receive", cmd_stock, "count a delivery into stock (manager)", stock)
    sr.add_argument("--qty", required=True)
    sr.add_argument("--note")
    sj = add("adjust", cmd_stock, "correct stock after a count (manager)", stock)
    group = sj.add_mutually_exclusive_group(required=True)
    group.add_argument("--counted", help="what is on the shelf")
    group.add_argument("--delta", help="the change, e.g. -2")
    sj.add_argument("--reason", required=True)
    for s in (sr, sj):
        s.add_argument("--gift", required=True)
        s.add_argument("--manager", required=True)
        s.add_argument("--request-id")

    add("expire", cmd_expire, "write off expired point lots")

    report = sub.add_parser("report", help="reports").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    rd = add("daily", cmd_report_daily, "the daily reconciliation as PDF and/or CSV", report)
    rd.add_argument("--day", help="business day YYYY-MM-DD (default: today)")
    rd.add_argument("--pdf", help="write the PDF here")
    rd.add_argument("--csv", help="write the CSV here")

    sy = add(
        "sync",
        cmd_sync,
        "one sync round with head office now, with progress (exit 4 when unreachable); "
        "`sync status` shows what waits",
    )
    sy.add_argument("action", nargs="?", choices=["status"], help="only show the sync state")

    dq = add("decode-qr", cmd_decode_qr, "print each image's name, a tab, and its QR text")
    dq.add_argument("images", nargs="+", metavar="IMAGE")

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
    from headoffice.commands import register as register_headoffice

    register_headoffice(ho, add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    cli = Cli(args)
    try:
        return int(args.func(cli))
    except LanternError as e:
        log.debug("command failed", exc_info=True)
        print(f"lantern: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    finally:
        cli.close()
