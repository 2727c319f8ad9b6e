"""The demo's embedded head office: the real head-office service (headoffice.app under
uvicorn) on 127.0.0.1 with a free port, in a background thread of this process, over a
SQLite file beside the demo store. Like desktop/cli/, this module composes the store end
and head office; nothing in core, store, services, sync or ui imports it."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

from desktop.core.codes import IssuerKey
from desktop.core.errors import LanternError

log = logging.getLogger(__name__)


class EmbeddedHeadOfficeError(LanternError):
    """The embedded head office could not start; the demo runs offline."""


def headoffice_path(store_path: Path) -> Path:
    """`demo-headoffice.db` beside `demo.db`."""
    return store_path.with_name(store_path.stem + "-headoffice.db")


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def prepare(
    path: Path,
    store_id: str,
    store_name: str,
    members: int,
    keys: list[IssuerKey],
) -> str:
    """A new head-office database at `path` with the demo catalogue and `members` demo
    members, this store registered and the demo issuing keys published. Returns the
    store's secret (head office keeps only its hash)."""
    from headoffice.db import open_db
    from headoffice.demo import seed_demo
    from headoffice.engine import HeadOffice

    remove(path)
    db = open_db(str(path))
    try:
        office = HeadOffice(db)
        seeded = seed_demo(office.admin, members)
        for key in keys:
            office.admin.trust_key(key)
        secret = office.admin.create_store(store_id, store_name)
    finally:
        db.close()
    log.info("demo head office at %s: %d members, %d gifts", path, seeded.members, seeded.gifts)
    return secret


class EmbeddedHeadOffice:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.url = ""
        self._server: Any = None  # uvicorn.Server, imported only when started
        self._thread: threading.Thread | None = None

    def start(self, port: int = 0, timeout: float = 15.0) -> str:
        """Serve on loopback, on `port` or (0) a free one; returns the URL once it listens."""
        try:
            import uvicorn

            from headoffice.app import create_app
        except ImportError as e:
            raise EmbeddedHeadOfficeError(
                f"the head-office service is not installed ({e.name} is missing)"
            ) from None
        config = uvicorn.Config(
            create_app(str(self.db_path)),
            host="127.0.0.1",
            port=port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="lantern-demo-headoffice", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise EmbeddedHeadOfficeError(
                    f"the embedded head office did not start listening on port {port}"
                )
            time.sleep(0.02)
        sock: socket.socket = server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self._server, self._thread = server, thread
        log.info("embedded head office listening on %s", self.url)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = self._thread = None
