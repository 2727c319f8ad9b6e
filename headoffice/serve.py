"""`lantern headoffice serve`: the HTTP service under uvicorn, with a ready line.

The ready line (`lantern head office listening on http://HOST:PORT`) is printed and flushed
once the socket is listening, with the real port when port 0 asked for a free one, so a
script or a test can start the service and wait for that line."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Callable

import uvicorn

from headoffice.app import create_app

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
) -> int:
    """Run until interrupted (SIGINT/SIGTERM); returns the exit status."""
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
    logging.getLogger("headoffice").setLevel(logging.INFO)
    server = _Server(config, on_ready)
    server.run()
    sys.stdout.flush()
    return 0 if server.started else 1
