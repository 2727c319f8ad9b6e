"""Back-off for clients that present wrong store credentials.

Each wrong secret costs head office an scrypt run (about 50 ms of CPU, on purpose), so a
client guessing secrets would slow every store down. After `free` failures a client (its
address) must wait before its credentials are checked again: 1 s, then 2 s, 4 s … up to
`cap`; while it waits, requests that would need an scrypt run are answered 429 with
`Retry-After`, at the cost of a dictionary look-up. A failure is forgotten `forget`
seconds after the last one, and a freshly verified good secret clears the client.

Credentials this process has already verified (`auth.VerifiedCredentials`) need no scrypt
run and pass even while their address waits: a store behind the same address as a guesser
keeps syncing. The memory is per process (several workers each keep their own), which
bounds a guesser to `free` + a few guesses per worker per back-off period.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    blocked_until: float = 0.0


class Backoff:
    def __init__(
        self,
        *,
        free: int = 5,
        base: float = 1.0,
        cap: float = 300.0,
        forget: float = 900.0,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.base = base
        self.cap = cap
        self.forget = forget
        self.max_clients = max_clients
        self._clock = clock
        self._clients: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds `client` must still wait before its credentials are checked (0: now)."""
        now = self._clock()
        with self._lock:
            rec = self._clients.get(client)
            if rec is None:
                return 0.0
            if now - rec.last > self.forget:
                del self._clients[client]
                return 0.0
            return max(0.0, rec.blocked_until - now)

    def failed(self, client: str) -> float:
        """Count a wrong credential; returns the wait it earned (0 while still free)."""
        now = self._clock()
        with self._lock:
            rec = self._clients.pop(client, None) or _Record()
            if now - rec.last > self.forget:
                rec = _Record()
            rec.failures += 1
            rec.last = now
            wait = 0.0
            if rec.failures > self.free:
                wait = min(self.cap, self.base * 2.0 ** min(rec.failures - self.free - 1, 30))
                rec.blocked_until = now + wait
            self._clients[client] = rec
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)
        if wait and rec.failures == self.free + 1:
            log.warning("client %s: %d wrong credentials; backing off", client, rec.failures)
        return wait

    def succeeded(self, client: str) -> None:
        """A secret was verified for `client`: its failures are forgotten."""
        with self._lock:
            self._clients.pop(client, None)


def retry_after(wait: float) -> str:
    """The Retry-After header value for a wait: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))
