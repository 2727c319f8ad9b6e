"""`lantern demo` and `lantern app`: the till window, with the background sync loop."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from desktop.cli.base import Add, Cli, log, progress_line
from desktop.core.errors import LanternError
from desktop.paths import default_demo_db
from desktop.services.app import StoreServices


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
            members = app.setup.member_count()
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
        report = app.sync.sync_once(progress_line)
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
    members = [(member_id, card or "") for member_id, card in app.setup.member_cards()]
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


def register(sub: Any, add: Add) -> None:
    """Add demo and app to the parser."""
    d = add("demo", cmd_demo, "set up (if needed) and launch the till on the demo store")
    d.add_argument("--members", type=int, default=200, help="members in a new demo store")
    d.add_argument("--reset", action="store_true", help="throw the demo store away and rebuild it")
    d.add_argument("--no-window", action="store_true", help="only build the demo store")
    ap = add("app", cmd_app, "launch the till with the configured store")
    camera_help = "camera: a device index (0), a stream URL, or a folder of images to play"
    d.add_argument("--camera", help=camera_help)
    ap.add_argument("--camera", help=camera_help)
