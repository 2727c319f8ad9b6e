"""Openers racing on new store files, for test_opening's race test: the code a spawned
process runs (importable by name, so multiprocessing's spawn start method can find it)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from desktop.store.database import open_store


def open_all(
    folder: str, rounds: int, threads: int, barrier: Any, who: str
) -> list[tuple[int, str, str]]:
    """For each round, `threads` threads of this process (and, through `barrier`, every
    other racing process) open the same new file `<folder>/<round>.db` at the same moment.
    Returns (round, opener, error) for each opener that failed ("" for none)."""
    failures: list[tuple[int, str, str]] = []
    lock = threading.Lock()

    def opener(n: int, name: str) -> None:
        path = Path(folder) / f"{n}.db"
        try:
            barrier.wait(timeout=60)
            open_store(path, create=True).close()
        except Exception as e:
            with lock:
                failures.append((n, name, f"{type(e).__name__}: {e}"))

    for n in range(rounds):
        pool = [
            threading.Thread(target=opener, args=(n, f"{who}/thread {t}")) for t in range(threads)
        ]
        for t in pool:
            t.start()
        for t in pool:
            t.join(timeout=120)
    return failures


def open_all_into(queue: Any, *args: Any) -> None:
    """open_all in a process of its own: the failures go back through `queue`."""
    try:
        queue.put(open_all(*args))
    except BaseException as e:
        queue.put([(-1, "process", f"{type(e).__name__}: {e}")])
        raise
