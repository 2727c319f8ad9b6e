"""The first run of a till: the set-up dialog, driven on the real dialog (pytest-qt,
offscreen) against a real head-office service over HTTP (uvicorn in a thread, SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.embedded_headoffice import EmbeddedHeadOffice, prepare
from desktop.services.app import StoreServices
from desktop.ui.dialogs.first_run import FirstRunDialog

pytestmark = pytest.mark.gui

WAIT = 60_000  # a slow, busy till: wait on the state, generously


@pytest.fixture(scope="module")
def head_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(URL, SH001's secret) of a running head office with 12 members and the catalogue."""
    path = tmp_path_factory.mktemp("ho") / "headoffice.db"
    secret = prepare(path, "SH001", "Shanghai Nanjing Road", 12, [])
    office = EmbeddedHeadOffice(path)
    url = office.start()
    yield url, secret
    office.stop()


@pytest.fixture
def dialog(qtbot, tmp_path: Path) -> FirstRunDialog:
    d = FirstRunDialog(tmp_path / "data" / "store.db")
    qtbot.addWidget(d)
    d.show()
    return d


def fill(qtbot, d: FirstRunDialog, **values: str) -> None:
    defaults = {
        "store_id": "SH001", "name_zh": "上海南京东路店", "name_en": "Nanjing Road",
        "manager_id": "M01", "manager_name": "李经理", "manager_pin": "24680",
        "manager_pin_again": "24680",
    }  # fmt: skip
    for name, text in (defaults | values).items():
        d.fields[name].clear()
        if text.isascii():
            qtbot.keyClicks(d.fields[name], text)
        else:  # QTest types ASCII only; Chinese arrives from the input method as a whole
            d.fields[name].insert(text)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_till_is_set_up_from_what_head_office_gave(
    qtbot, dialog: FirstRunDialog, head_office: tuple[str, str]
) -> None:
    url, secret = head_office
    # Given the details head office gave, with a wrong secret typed at first
    fill(qtbot, dialog, headoffice_url=url, secret="not-the-secret")
    # When the manager sets the store up
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)
    # Then head office refuses, the dialog says so and stays, and no store is left behind
    qtbot.waitUntil(lambda: "Not set up" in dialog.status.text(), timeout=WAIT)
    assert dialog.isVisible() and dialog.choice is None
    assert dialog.set_up_button.isEnabled()
    assert leftovers(dialog.path.parent) == []
    # When the right secret is typed and the store set up again
    fill(qtbot, dialog, headoffice_url=url, secret=secret)
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)
    # Then the dialog closes with a store set up, synced with head office
    qtbot.waitUntil(lambda: dialog.choice == "store", timeout=WAIT)
    assert not dialog.isVisible()
    # (its secret, PIN key and chain key in the vault file beside it — the tests have no
    # OS keyring — and its anchor: docs/tamper-evidence.md)
    assert leftovers(dialog.path.parent) == ["store.db", "store.db.anchor", "store.db.vault"]
    app = StoreServices.open(dialog.path)
    try:
        assert app.ctx.store_id == "SH001"
        assert app.ctx.setting("store_name_zh") == "上海南京东路店"
        assert app.db.scalar("SELECT COUNT(*) FROM members") == 12
        assert app.db.scalar("SELECT COUNT(*) FROM gifts") > 0
        c = app.sync.connection()
        assert c is not None and c.url == url
        assert app.sync.status().last_success_at is not None
        # and its first manager logs in with the PIN chosen
        assert app.login("M01", "24680", manager=True).name == "李经理"
        assert app.setup.check() == []
    finally:
        app.close()


def test_head_office_unreachable_leaves_nothing(qtbot, dialog: FirstRunDialog) -> None:
    # Given an address where no head office answers
    fill(qtbot, dialog, headoffice_url="http://127.0.0.1:9", secret="abcdefgh")
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)
    # Then the dialog says why, and nothing is created
    qtbot.waitUntil(lambda: "Not set up" in dialog.status.text(), timeout=WAIT)
    assert "unreachable" in dialog.status.text() or "connect" in dialog.status.text().lower()
    assert leftovers(dialog.path.parent) == []


def test_two_different_pins_are_asked_again(qtbot, dialog: FirstRunDialog) -> None:
    fill(
        qtbot,
        dialog,
        headoffice_url="http://127.0.0.1:9",
        secret="abcdefgh",
        manager_pin_again="13579",
    )
    qtbot.mouseClick(dialog.set_up_button, Qt.MouseButton.LeftButton)
    assert "PINs differ" in dialog.status.text()
    assert dialog.fields["manager_pin_again"].text() == ""
    assert dialog.set_up_button.isEnabled() and dialog.choice is None


def test_the_demo_is_offered(qtbot, dialog: FirstRunDialog) -> None:
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == "demo" and not dialog.isVisible()


def test_lantern_app_asks_when_no_store_is_set_up(tmp_path: Path) -> None:
    # Given a machine where no store is set up (a fresh home, no $LANTERN_DB)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env |= {
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env |= {"LANG": "zh_CN.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
    # When the till starts (and closes the window it shows at once)
    r = subprocess.run(
        [sys.executable, "-m", "desktop", "app", "--smoke-test"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    # Then it showed the first-run dialog, in Chinese, and set nothing up
    assert "first-run dialog shown: 灯笼 — 设置本收银台 [zh_CN]" in r.stdout, r.stdout + r.stderr
    assert r.returncode == 1 and "这台电脑尚未设置门店" in r.stderr  # no store is set up
    assert not (tmp_path / "data" / "lantern" / "store.db").exists()
