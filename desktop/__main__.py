"""`python -m desktop` is the `lantern` command."""

import sys

from desktop.cli import main

sys.exit(main())
