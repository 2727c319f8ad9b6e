"""`lantern print …` and `lantern reprint`: the print queue and printers."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import EXIT_ERROR, Add, Cli, progress_line, say, warn
from desktop.services.printing import JobKind


def _print_outcome(done: Any) -> int:
    for error in done.errors:
        say(f"lantern: not printed: {error}", err=True)
    if done.cancelled:
        say(
            f"{done.printed} printed, {done.failed} failed, {done.cancelled} cancelled (voided)",
            err=True,
        )
    else:
        say(f"{done.printed} printed, {done.failed} failed", err=True)
    return 0 if done.ok else EXIT_ERROR


def cmd_print_queue(cli: Cli) -> int:
    """One line per printout waiting: id, kind, receipt, printer, status, attempts, when
    it is next tried, and the last error."""
    for problem in cli.app.printing.problems:
        warn(f"printer setting ignored: {problem}")
    jobs = cli.app.printing.pending()
    for j in jobs:
        reprint = f" (reprint {j.copy})" if j.copy else ""
        print(
            f"{j.job_id[:8]}\t{j.kind}{reprint}\t{j.receipt_no}\t{j.backend}\t{j.status}\t"
            f"{j.attempts}\t{j.next_attempt_at[:19]}\t{j.last_error or ''}"
        )
    say(f"{len(jobs)} printout(s) waiting", err=True)
    return 0


def cmd_print_run(cli: Cli) -> int:
    return _print_outcome(cli.app.printing.process(progress=progress_line))


def cmd_print_retry(cli: Cli) -> int:
    return _print_outcome(cli.app.printing.retry(cli.args.job, progress=progress_line))


def cmd_print_printers(cli: Cli) -> int:
    a = cli.args
    printing = cli.app.printing
    if a.set is not None or a.clear:
        printing.set_printers([] if a.clear else a.set)
    for problem in printing.problems:
        warn(f"printer setting ignored: {problem}")
    for b in printing.backends:
        kinds = ", ".join(k.value for k in JobKind if b.accepts(k))
        usable = "" if b.is_usable() else "\tcannot be used on this machine"
        drawer = getattr(b, "drawer", None)
        extra = f"\tcash drawer: {drawer}" if drawer is not None else ""
        print(f"{b.name}\t{kinds}{usable}{extra}")
    return 0


def cmd_print_display(cli: Cli) -> int:
    """The pole customer display: show, set or clear it; --test puts a sample on it."""
    from desktop.printing.pole import PoleState, open_pole
    from desktop.services.display import configured_pole, set_pole_display

    a = cli.args
    ctx = cli.app.ctx
    spec = set_pole_display(ctx, None if a.clear else a.set) if a.set or a.clear else None
    spec = spec or configured_pole(ctx)
    if spec is None:
        say("no pole display")
    else:
        print(spec)
    if not a.test:
        return 0
    if spec is None:
        say("lantern: no pole display to test: set one with --set", err=True)
        return EXIT_ERROR
    display = open_pole(str(spec))
    try:
        display.show(PoleState("张*明", 12_345, 1, 300, 1500, 12_045))
        shown = display.flush(timeout=10)
    finally:
        display.close()
    if not shown:
        say(f"lantern: pole display {spec}: {display.last_error}", err=True)
        return EXIT_ERROR
    say("a sample basket is on the display", err=True)
    return 0


def cmd_reprint(cli: Cli) -> int:
    a = cli.args
    printing = cli.app.printing
    manager = cli.staff(a.manager, manager=True)
    ids = printing.reprint(manager, a.receipt, a.kind, a.printer)
    status = _print_outcome(printing.process(progress=progress_line, only=ids))
    for job in printing.jobs_for(a.receipt):
        if job.job_id in ids and job.backend == printing.archive.name:
            print(printing.archive.path_for(job.kind, job.receipt_no, job.copy))
    return status


def register(sub: Any, add: Add) -> None:
    """Add the print group and reprint to the parser."""
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
        help="usb:VID:PID, network:HOST[:PORT], serial:DEVICE[:BAUD] or dummy, with options "
        "after commas: paper=58|80, qr=native|image, drawer=pin2|pin5 (a cash drawer on the "
        "printer's kick connector), pulse=ON/OFF (drawer pulse in ms, default 50/500)",
    )
    group.add_argument("--clear", action="store_true", help="no thermal printers")
    pd = add("display", cmd_print_display, "show, set or test the pole customer display", prints)
    group = pd.add_mutually_exclusive_group()
    group.add_argument(
        "--set",
        metavar="SPEC",
        help="serial:DEVICE[:BAUD] or network:HOST[:PORT] (or dummy), then ,charset=ascii for "
        "displays without Chinese (default charset=gb18030)",
    )
    group.add_argument("--clear", action="store_true", help="no pole display")
    pd.add_argument("--test", action="store_true", help="put a sample basket on the display")
    rp = add("reprint", cmd_reprint, "print a receipt (marked REPRINT) or greeting card again")
    rp.add_argument("kind", choices=["receipt", "card"])
    rp.add_argument("receipt", metavar="RECEIPT_NO")
    rp.add_argument("--printer", help="only this printer (the archive always keeps a copy)")
    rp.add_argument("--manager", required=True, help="manager id (PIN from $LANTERN_MANAGER_PIN)")
