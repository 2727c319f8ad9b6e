"""`lantern`: every till and store operation as a subcommand, over the same services as the
window. Errors go to stderr with a non-zero status and change nothing.

One module per command group (`store`, `till`, `sync`, …), each with a `register(sub, add)`
that adds its subcommands; this module builds the parser and runs the chosen command.

Exit status: 0 done; 1 error (bad input, unknown member, wrong PIN…); 2 usage; 3 refused
(insufficient points, out of stock…: the refusal reason is printed); 4 head office
unreachable or refusing this store's credentials (`lantern sync`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from desktop import __version__, logs
from desktop.cli import (
    backup,
    codes,
    gifts,
    headoffice,
    members,
    printing,
    reports,
    staff,
    stock,
    store,
    sync,
    till,
    vouchers,
    window,
)
from desktop.cli.base import EXIT_ERROR, EXIT_USAGE, Cli, fail, language, log, missing_part
from desktop.core.errors import LanternError
from desktop.i18n import LANGUAGES, localise

__all__ = ["build_parser", "main"]

# the order of `lantern --help`
GROUPS = (
    window, store, staff, members, gifts, till, vouchers, printing, stock, reports, sync, backup,
    codes,
)  # fmt: skip

# argparse's own words for a mistyped command line, as Python words them: the message
# catalogue translates them (resources/translations/messages_zh_CN.json)
USAGE_ERRORS = (
    "{}: error: {}",
    "the following arguments are required: {}",
    "argument {}: invalid choice: {} (choose from {})",
    "argument {}: expected one argument",
    "argument {}: not allowed with argument {}",
    "unrecognized arguments: {}",
    "one of the arguments {} is required",
    "argument {}: invalid {} value: {}",
    "ambiguous option: {} could match {}",
)


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors in the run's language (--lang is not parsed yet:
    $LANTERN_LANG or the locale choose); status 2 as before."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, localise(f"{self.prog}: error: {message}", language()) + "\n")


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="lantern", description="Lantern loyalty points at the till")
    p.add_argument(
        "--db", help="store database file (default: $LANTERN_DB or the user data folder)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of messages and errors (default: $LANTERN_LANG, the store's language "
        "setting, then the locale: zh_CN when LANG starts with zh)",
    )
    p.add_argument("--version", action="version", version=f"lantern {__version__}")
    # the same options after the subcommand (`lantern redeem --db x.db …`)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    common.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=argparse.SUPPRESS
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

    for group in GROUPS:
        group.register(sub, add)
    headoffice.register(sub, add)
    return p


WINDOW_COMMANDS = ("app", "demo")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    serving = args.command == "headoffice" and getattr(args, "action", None) == "serve"
    logs.setup(
        verbose=args.verbose,
        program="till" if args.command in WINDOW_COMMANDS else "lantern",
        to_file=not serving,  # the service logs to stderr: journald or the container's log
    )
    what = " ".join(x for x in (args.command, getattr(args, "action", None)) if isinstance(x, str))
    log.info("lantern %s: %s", __version__, what)
    cli = Cli(args)
    status = EXIT_ERROR
    try:
        status = int(args.func(cli))
        return status
    except LanternError as e:
        log.info("%s failed: %s", what, e, exc_info=args.verbose)
        fail(e)
        return EXIT_ERROR
    except ModuleNotFoundError as e:
        part = missing_part(e)
        if part is None:
            log.exception("%s failed unexpectedly", what)
            raise
        log.warning("%s needs lantern[%s]: %s is not installed", what, part, e.name)
        fail(
            f"`lantern {what}` needs Lantern's {part} part ({e.name} is not installed): "
            f"pip install 'lantern[{part}]'"
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        status = 130
        return status
    except BrokenPipeError:
        # the reader went away (`lantern gift list | head`): stop quietly, as `ls | head`
        # does; anything the command wrote to the database has committed or rolled back
        _drop_stdout()
        status = 0
        return status
    except Exception:
        log.exception("%s failed unexpectedly", what)
        raise
    finally:
        cli.close()
        log.info("%s ended with status %d", what, status)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
