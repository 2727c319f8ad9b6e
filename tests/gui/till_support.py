"""Shared by the till tests: a demo store on a fixed day with a head-office issuing key (so real
signed member codes verify), a settable head-office link, the real window logged in, and a
keyboard-wedge scanner typing into it."""

from __future__ import annotations

import select
import socket
import sqlite3
import struct
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.services.context import LinkState
from desktop.services.demo import build_demo
from desktop.services.till import MemberView
from desktop.store.database import open_store
from desktop.ui.main_window import MainWindow
from headoffice.issuing import KeyFile, Phone, enrol_phone, issue_card

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 6, 15, 10, 30, tzinfo=SH)  # a Monday in June: no festival gift is active


@dataclass
class Link:
    """Head office reachable or not; `delay` makes the next look-up slow (a network timeout)."""

    online: bool = True
    last_sync: datetime | None = T0
    delay: float = 0.0
    calls: int = 0

    def __call__(self) -> LinkState:
        self.calls += 1
        if self.delay:
            wait, self.delay = self.delay, 0.0
            time.sleep(wait)
        return LinkState(self.online, self.last_sync)


@dataclass
class Store:
    app: StoreServices
    link: Link
    keys: KeyFile
    path: Path
    serials: dict[str, int] = field(default_factory=dict)

    def card(self, member_id: str, serial: int = 1) -> str:
        """A signed static card code for the member's card number `serial`."""
        if self.serials.get(member_id) != serial:
            self.app.setup.set_card_serial(member_id, serial)
            self.serials[member_id] = serial
        return issue_card(self.keys, member_id, serial, T0.date())

    def phone(self, member_id: str) -> Phone:
        return enrol_phone(self.keys, member_id, T0.date())

    def rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Read what was committed, through a connection of our own."""
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, args).fetchall()

    def member(self, predicate: Any) -> MemberView:
        """The first demo member whose view satisfies `predicate`."""
        for n in range(1, 41):
            view = self.app.till.member_view(f"M{n:08d}")
            if predicate(view):
                return view
        raise LookupError("no demo member fits")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "demo.db"
    build_demo(path, members=40, clock=lambda: T0).close()
    link = Link()
    app = StoreServices(open_store(path), clock=lambda: T0, link=link)
    keys = KeyFile(tmp_path / "issuing-keys.json")
    key = keys.new_key(T0.date())
    app.setup.add_issuer_key(key.issuer_key())
    yield Store(app, link, keys, path)
    app.close()


class SlowClock:
    """The wedge's clock for everything but a scan: each key looks 200 ms after the last, so
    keys typed by the test are a person typing."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 0.2
        return self.now


@pytest.fixture
def window(qtbot, store: Store) -> Iterator[MainWindow]:
    w = MainWindow(store.app, language="en")
    qtbot.addWidget(w)
    w.wedge.clock = SlowClock()
    w.show()
    qtbot.waitExposed(w, timeout=WAIT_MS)
    w.activateWindow()
    w.session.logged_in(store.app.login("C01", "1111"))
    qtbot.waitUntil(lambda: len(w.till.catalogue.tiles) == 31, timeout=WAIT_MS)
    yield w
    w.close()


def scan(qtbot, window: MainWindow, code: str) -> None:
    """A keyboard-wedge scanner: the code's characters 2 ms apart and Enter, sent to the window
    the way a USB keyboard's keys are (Qt hands them to whatever has focus)."""
    target = window.windowHandle()
    now = [5000.0]
    slow = window.wedge.clock
    window.wedge.clock = lambda: now[0]

    def send(kind: QEvent.Type, key: int, mods: Qt.KeyboardModifier, text: str) -> None:
        QApplication.sendEvent(target, QKeyEvent(kind, key, mods, text))

    try:
        for char in code:
            now[0] += 0.002
            shift = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier(0)
            send(QEvent.Type.KeyPress, ord(char.upper()), shift, char)
            send(QEvent.Type.KeyRelease, ord(char.upper()), shift, char)
        now[0] += 0.002
        send(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier(0), "\r")
        send(QEvent.Type.KeyRelease, Qt.Key.Key_Return, Qt.KeyboardModifier(0), "\r")
    finally:
        window.wedge.clock = slow


def shown(qtbot, window: MainWindow, view: MemberView) -> None:
    """Wait until the till shows the member, ready to pick gifts."""
    till = window.till
    qtbot.waitUntil(lambda: till.member_name.text() == view.member.masked_name, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: till.state == "serving", timeout=WAIT_MS)


def type_keys(qtbot, widget: Any, text: str) -> None:
    """A person typing into `widget` (held keys reach it once the wedge lets them go)."""
    before = widget.text()
    qtbot.keyClicks(widget, text)
    qtbot.waitUntil(lambda: widget.text() == before + text, timeout=WAIT_MS)


def press(qtbot, widget: Any, key: Qt.Key = Qt.Key.Key_Return) -> None:
    qtbot.keyClick(widget, key)


def settled(qtbot, window: MainWindow) -> None:
    """Wait until every store job asked for so far has run and its answer reached the window:
    the database lane runs its jobs in order, so a marker queued now answers after them."""
    answered: list[object] = []
    window.session.run_db(lambda: None, answered.append, answered.append)
    qtbot.waitUntil(lambda: answered != [], timeout=WAIT_MS)


class Blackhole:
    """A TCP port that takes connections and never answers (the kernel completes the
    handshake; nothing reads or writes): a printer or head office gone silent, so the client
    waits its whole timeout. `release()` resets whatever connected and closes the port, so
    the client's wait ends at once, with an error."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self.sock.getsockname()[1]

    def waiting(self) -> bool:
        """True once a client has connected and is waiting for an answer."""
        if self.sock.fileno() < 0:
            return False
        readable, _, _ = select.select([self.sock], [], [], 0)
        return bool(readable)

    def release(self) -> None:
        if self.sock.fileno() < 0:
            return
        self.sock.setblocking(False)
        try:
            while True:
                conn, _ = self.sock.accept()
                # linger 0: close with a reset, so a client blocked reading fails now
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
        except BlockingIOError:
            pass
        self.sock.close()
