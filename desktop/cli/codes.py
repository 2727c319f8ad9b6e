"""`lantern decode-qr`: QR codes in image files."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import EXIT_ERROR, Add, Cli, fail
from desktop.core.errors import LanternError


def cmd_decode_qr(cli: Cli) -> int:
    """name<TAB>text per image (text empty when no code is found); unreadable files are
    reported on stderr and make the exit status 1, the other images are still decoded."""
    from desktop.scanning.decode import decode_file

    status = 0
    for name in cli.args.images:
        try:
            text = decode_file(name) or ""
        except LanternError as e:
            fail(e)
            status = EXIT_ERROR
            text = ""
        print(f"{name}\t{text}")
    return status


def register(sub: Any, add: Add) -> None:
    """Add decode-qr to the parser."""
    dq = add("decode-qr", cmd_decode_qr, "print each image's name, a tab, and its QR text")
    dq.add_argument("images", nargs="+", metavar="IMAGE")
