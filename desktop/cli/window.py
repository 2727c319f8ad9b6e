"""`lantern demo` and `lantern app`: the till window, with the background sync loop (the
window's session owns it: it starts and stops with the window)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from desktop.cli.base import (
    EXIT_ERROR,
    Add,
    Cli,
    fail,
    log,
    missing_part,
    progress_line,
    say,
    warn,
)
from desktop.core.errors import LanternError
from desktop.paths import configured_db, default_db, default_demo_db
from desktop.services.app import StoreServices


def cmd_demo(cli: Cli) -> int:
    return _demo(cli, Path(cli.args.db or default_demo_db()))


def _demo(cli: Cli, path: Path) -> int:
    from desktop.services.demo import build_demo, ensure_demo_day

    a = cli.args
    if getattr(a, "reset", False) and path.exists():
        import shutil

        from desktop.store.seals import forget

        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        forget(path)  # its chain key and anchor (docs/tamper-evidence.md)
        path.with_name(path.stem + "-headoffice-keys.json").unlink(missing_ok=True)
        shutil.rmtree(path.with_name(path.stem + "-cards"), ignore_errors=True)
        shutil.rmtree(path.with_name(path.stem + "-card-designs"), ignore_errors=True)
        from desktop.embedded_headoffice import headoffice_path, remove

        remove(headoffice_path(path))
    if path.exists():
        app = StoreServices.open(path)
        ensure_demo_day(app)
    else:
        say(f"building the demo store at {path} …", err=True)
        app = build_demo(path, members=getattr(a, "members", 200))
        _demo_head_office(app, path)
    cli.opened(app)
    office = _demo_sync(app, path)
    say(f"demo store ready at {path} (cashier C01 PIN 1111, manager M01 PIN 9999)", err=True)
    if getattr(a, "no_window", False):
        if office is not None:
            office.stop()
        return 0
    try:  # the window's sync loop has stopped when it returns: then head office may go
        return _launch(app, a.camera, SYNC_SECONDS if office is not None else None, a.smoke_test)
    finally:
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
        log.warning("embedded head office failed: %s", e, exc_info=not isinstance(e, LanternError))
        warn(f"the demo head office did not start ({e}); the demo runs offline")
        return None
    app.sync.connect(url, app.ctx.store_id, secret)
    try:
        report = app.sync.sync_once(progress_line)
        say(f"demo head office at {url}: {report.summary()}", err=True)
    except LanternError as e:
        warn(f"first sync with the demo head office: {e}")
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

    def card(name: str, member_id: str, serial: int, card_number: str) -> None:
        """The card as a QR image and its code as text (`redeem --member "$(cat …)"`)."""
        code = issue_card(keys, member_id, serial, today)
        write_card_png(cards / f"{name}.png", code, card_number)
        (cards / f"{name}.txt").write_text(code + "\n", encoding="ascii")

    for member_id, card_number in members[:6]:
        card(member_id, member_id, 1, card_number)
    # a member whose first card was lost: card 2 is current, card 1 is refused
    lost, lost_number = members[2][0], members[2][1]
    card(f"{lost}-old-card-1", lost, 1, lost_number)
    card(lost, lost, 2, lost_number)
    app.setup.set_card_serial(lost, 2)
    say(f"demo member cards (QR images and their codes as text) in {cards}", err=True)


def cmd_app(cli: Cli) -> int:
    """The till; with a head office connected, the background sync loop runs with it. On a
    machine where no store is set up yet, the first-run dialog sets one up (or the demo)."""
    if cli.args.db is None and configured_db() is None and not default_db().exists():
        choice = _first_run(default_db(), cli.args.smoke_test)
        if choice is None:
            say("lantern: no store is set up on this computer yet", err=True)
            return EXIT_ERROR
        if choice == "demo":
            return _demo(cli, default_demo_db())
    app = cli.app
    damaged = app.recovery.quick_check()  # cheap: SQLite's quick_check at every start
    if damaged:
        fail(f"the store database {app.db.path} is damaged:")
        for problem in damaged[:10]:
            say(f"  {problem}", err=True)
        newest = app.recovery.newest_backup()
        say(
            "lantern: the till does not start on it. Restore the last good backup and "
            "recover what head office holds: `lantern restore "
            f"{newest or 'FILE'}` (check it first with `lantern verify`)",
            err=True,
        )
        return EXIT_ERROR
    sync_seconds = SYNC_SECONDS if app.sync.connection() else None
    return _launch(app, cli.args.camera, sync_seconds, cli.args.smoke_test)


def _first_run(path: Path, smoke_test: bool = False) -> str | None:
    try:
        from desktop.ui.main import first_run
    except ImportError as e:
        _window_unavailable(e)
    log.info("no store at %s: first-run set-up", path)
    return first_run(path, smoke_test=smoke_test)


def _window_unavailable(e: ImportError) -> NoReturn:
    if isinstance(e, ModuleNotFoundError) and missing_part(e):
        raise e  # the command line names the part to install
    raise LanternError(
        f"cannot start the window: {e}; on Debian/Ubuntu install Qt's system libraries "
        "(scripts/system-deps.sh), or run with QT_QPA_PLATFORM=offscreen"
    ) from e


def _launch(
    app: StoreServices,
    camera: str | None = None,
    sync_seconds: float | None = None,
    smoke_test: bool = False,
) -> int:
    try:
        from desktop.ui.main import run
    except ImportError as e:
        _window_unavailable(e)
    return run(app, camera, sync_seconds, smoke_test=smoke_test)


def register(sub: Any, add: Add) -> None:
    """Add demo and app to the parser."""
    d = add("demo", cmd_demo, "set up (if needed) and launch the till on the demo store")
    d.add_argument("--members", type=int, default=200, help="members in a new demo store")
    d.add_argument("--reset", action="store_true", help="throw the demo store away and rebuild it")
    d.add_argument("--no-window", action="store_true", help="only build the demo store")
    ap = add("app", cmd_app, "launch the till with the configured store")
    camera_help = "camera: a device index (0), a stream URL, or a folder of images to play"
    smoke_help = "close the window once it is shown (installers and CI: does the till start?)"
    for p in (d, ap):
        p.add_argument("--camera", help=camera_help)
        p.add_argument("--smoke-test", action="store_true", help=smoke_help)
