"""The bundle's entry point: the `lantern` command, as in a pip install (`lantern app` is
the till; the Start-menu and desktop entries start that)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
