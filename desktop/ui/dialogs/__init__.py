"""Dialogs of the till window (each non-blocking: opened with `open()`, answered by callback)."""
