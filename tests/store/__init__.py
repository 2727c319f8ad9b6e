"""Tests on real SQLite store files (pytest tmp_path); marker `store`."""
