"""`lantern`: every till and store operation as a subcommand, over the same services as the
window. Errors go to stderr with a non-zero status and change nothing.

One module per command group (`store`, `till`, `sync`, …), each with a `register(sub, add)`
that adds its subcommands; this module builds the parser and runs the chosen command.

Exit status: 0 done; 1 error (bad input, unknown member, wrong PIN…); 2 usage; 3 refused
(insufficient points, out of stock…: the refusal reason is printed); 4 head office
unreachable or refusing this store's credentials (`lantern sync`)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from desktop.cli import (
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
    window,
)
from desktop.cli.base import EXIT_ERROR, Cli, log
from desktop.core.errors import LanternError

__all__ = ["build_parser", "main"]

# the order of `lantern --help`
GROUPS = (window, store, staff, members, gifts, till, printing, stock, reports, sync, codes)


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

    for group in GROUPS:
        group.register(sub, add)
    headoffice.register(sub, add)
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
    except BrokenPipeError:
        # the reader went away (`lantern gift list | head`): stop quietly, as `ls | head`
        # does; anything the command wrote to the database has committed or rolled back
        _drop_stdout()
        return 0
    finally:
        cli.close()


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
