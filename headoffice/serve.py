"""`lantern headoffice serve`: the HTTP service under uvicorn, with a ready line.

The ready line (`lantern head office listening on http://HOST:PORT`) is printed and flushed
once the socket is listening, with the real port when port 0 asked for a free one, so a
script or a test can start the service and wait for that line.

`workers > 1` runs that many worker processes on one listening socket (uvicorn's
supervisor restarts a worker that dies); each opens the database itself through
`headoffice.app:app_from_env`, so it is for PostgreSQL (docs/deploy-headoffice.md)."""

from __future__ import annotations

import inspect
import logging
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

from headoffice.app import DB_ENV, create_app
from headoffice.db import is_postgres_url, open_db

log = logging.getLogger(__name__)


def url_for(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def print_ready(url: str) -> None:
    print(f"lantern head office listening on {url}", flush=True)


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            bound = self.servers[0].sockets[0].getsockname()
            self._on_ready(url_for(str(bound[0]), int(bound[1])))


def serve(
    db: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    on_ready: Callable[[str], None] = print_ready,
    workers: int = 1,
) -> int:
    """Run until interrupted (SIGINT/SIGTERM); returns the exit status."""
    logging.getLogger("headoffice").setLevel(logging.INFO)
    if workers > 1:
        return _serve_workers(db, host, port, on_ready, workers)
    app = create_app(db)  # opens and migrates now: a bad --db fails before listening
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # Lantern's own logging (stderr), set up by the command line
        access_log=False,  # the app logs each request with its store and duration
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    server = _Server(config, on_ready)
    server.run()
    sys.stdout.flush()
    return 0 if server.started else 1


def _serve_workers(
    db: str, host: str, port: int, on_ready: Callable[[str], None], workers: int
) -> int:
    from uvicorn.supervisors import Multiprocess

    if not is_postgres_url(db):
        log.warning(
            "%d workers over the SQLite file %s take turns at every write; use PostgreSQL "
            "for several workers (docs/deploy-headoffice.md)",
            workers,
            db,
        )
    open_db(db).close()  # migrate once, now: a bad --db fails before listening
    os.environ[DB_ENV] = db  # the workers are new processes: they find the database here
    config = uvicorn.Config(
        "headoffice.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    sock = config.bind_socket()
    sock.listen(config.backlog)  # listening now: connections wait until a worker accepts
    bound = sock.getsockname()
    on_ready(url_for(str(bound[0]), int(bound[1])))
    if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn
        supervisor: Any = Multiprocess
        supervisor(config, target=uvicorn.Server(config).run, sockets=[sock]).run()
    else:
        Multiprocess(config, sockets=[sock]).run()
    sys.stdout.flush()
    return 0
