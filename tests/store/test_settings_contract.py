"""Head office's settings and a store's reading of them are one list (`wire.SETTING_KEYS`):
every setting head office sends by default is one the store knows, checks and keeps, and
none is sent that the store would ignore."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from desktop.core import wire
from desktop.services.app import StoreServices
from desktop.services.sync_apply import apply_page
from desktop.store import settings
from desktop.sync.protocol import ChangesPage
from headoffice.snapshots import SETTINGS_DEFAULTS

pytestmark = pytest.mark.store


def test_every_default_setting_is_one_the_store_checks_and_keeps(
    app: StoreServices, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert set(SETTINGS_DEFAULTS) == set(wire.SETTING_KEYS)
    page = ChangesPage(cursor=1, more=False, settings=dict(SETTINGS_DEFAULTS))
    with caplog.at_level(logging.INFO), app.db.write() as conn:
        result = apply_page(conn, page, at="2026-12-07T10:00:00+08:00", designs_folder=tmp_path)
        kept = {key: settings.get(conn, key) for key in wire.SETTING_KEYS}
    assert result.problems == []
    assert all(value is not None for value in kept.values()), kept
    assert "is not used by this store" not in caplog.text
