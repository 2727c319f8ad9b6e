"""One screen per module: login, till, manager. Screens get the TillSession and talk to
the store only through it (off the GUI thread)."""
