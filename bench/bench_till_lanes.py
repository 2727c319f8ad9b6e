"""Benchmark: scan → member painted while a network printer times out and a sync round runs
against a slow head office, with one shared background worker (the till before the lanes)
and with the two lanes, side by side in one run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_till_lanes.py [--cycles 8]

Everything is real: the till window (MainWindow) on a demo store on a SQLite file; an ESC/POS
network printer (python-escpos over TCP) at a port that takes the connection and never
answers, so each print waits the printer's whole timeout; `lantern headoffice serve` in its
own process, behind a TCP proxy in this process that holds each answer back (a slow link).

Each cycle, the same for every configuration: a redemption is committed (outside the timing),
its receipt is printed (Checkout.print_receipt) and "Sync now" is pressed (the session's
sync_now), both waiting on the network; once the printer has its connection, the next
member's card is scanned (the keyboard wedge's signal) and the time until the member's
masked name is painted is measured; then the cycle waits until the print and the round have
ended. "idle" is the same scan with nothing else running. Configurations:

- one shared lane: TillSession(lanes=Lanes.shared()), no sync loop: the print and the sync
  round run on the one worker, in front of the scan (the till before the lanes)
- two lanes, sync on the I/O lane: Lanes.split(), no loop: Sync now runs a round on the I/O lane
- two lanes + the window's sync loop: Lanes.split() and the session's SyncLoop, which Sync now
  wakes (the till as `lantern app` runs it)
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import queue
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
READY = "lantern head office listening on "
HOUR = 3600.0


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Silent:
    """A TCP port that takes connections and never answers (a printer gone quiet)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]

    def waiting(self) -> bool:
        return bool(select.select([self.sock], [], [], 0)[0])

    def drain(self) -> None:
        """Drop the connections the printer has given up on."""
        self.sock.setblocking(False)
        try:
            while True:
                self.sock.accept()[0].close()
        except BlockingIOError:
            pass


class SlowLink:
    """A TCP proxy to head office that holds each answer back `delay` seconds."""

    def __init__(self, upstream: tuple[str, int], delay: float) -> None:
        self.upstream, self.delay = upstream, delay
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            asked = threading.Event()
            threading.Thread(target=self._pump, args=(client, server, asked, False)).start()
            threading.Thread(target=self._pump, args=(server, client, asked, True)).start()

    def _pump(self, src: socket.socket, dst: socket.socket, asked: Any, answer: bool) -> None:
        try:
            while data := src.recv(65536):
                if not answer:
                    asked.set()
                elif asked.is_set():  # the first bytes of an answer: the slow link
                    time.sleep(self.delay)
                    asked.clear()
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def start_head_office(db: Path, err: Path) -> tuple[subprocess.Popen[str], tuple[str, int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "headoffice", "serve", "--db", str(db),
         "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=err.open("w"), text=True, cwd=ROOT,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    out = proc.stdout
    threading.Thread(target=lambda: [lines.put(x) for x in out], daemon=True).start()
    line = lines.get(timeout=60)
    assert line.startswith(READY), line
    host, port = line[len(READY) :].strip().removeprefix("http://").rsplit(":", 1)
    return proc, (host, int(port))


def until(qapp: Any, done: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        qapp.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.0005)


def measure(
    qapp: Any, app: Any, sample: list[Any], mode: str, a: Any, silent: Silent
) -> dict[str, list[float]]:
    """One configuration: idle scans, then `a.cycles` scans with a print and a round running."""
    from desktop.services.till import LineRequest, Receipt
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import TillSession
    from desktop.ui.worker import Lanes

    lanes = Lanes.shared() if mode == "shared" else Lanes.split()
    session = TillSession(app, lanes=lanes, sync_interval=HOUR if mode == "loop" else None)
    rounds: list[tuple[float, Any]] = []  # (when it arrived, LoopStatus)
    session.sync_changed.connect(lambda status: rounds.append((time.perf_counter(), status)))
    w = MainWindow(app, language="zh_CN", session=session)
    w.show()
    cashier = app.login("C01", "1111")
    session.logged_in(cashier)
    until(qapp, lambda: len(w.till.catalogue.tiles) > 0, "the catalogue")
    if mode == "loop":
        until(qapp, lambda: any(not s.syncing for _, s in rounds), "the loop's first round")
    printed: list[float] = []
    w.till.checkout.printed.connect(lambda *_: printed.append(time.perf_counter()))
    w.till.checkout.print_failed.connect(lambda *_: printed.append(time.perf_counter()))
    out: dict[str, list[float]] = {"idle": [], "busy": [], "print": [], "round": []}
    members = iter(sample * 4)

    def scan() -> float:
        member_id, code = next(members)
        masked = app.till.member_view(member_id).member.masked_name
        if w.till.member_name.text() == masked:  # the same member again: show another first
            member_id, code = next(members)
            masked = app.till.member_view(member_id).member.masked_name
        t = time.perf_counter()
        w.on_scanned(code)  # what the keyboard wedge emits when a scan completes
        until(qapp, lambda: w.till.member_name.text() == masked, f"{member_id} shown")
        return time.perf_counter() - t

    for _ in range(a.idle):
        out["idle"].append(scan())
    for i in range(a.cycles):
        payer = next(
            m for m, _ in sample if app.till.member_view(m).available >= 100
        )  # outside the timing
        receipt = app.till.redeem(cashier, str(uuid.uuid4()), payer, (LineRequest("G101"),))
        assert isinstance(receipt, Receipt), receipt
        n_printed, n_rounds = len(printed), len(rounds)
        t_io = time.perf_counter()
        w.till.checkout.print_receipt(receipt.receipt_no)
        session.sync_now()
        until(qapp, silent.waiting, "the printer's connection")
        out["busy"].append(scan())
        until(qapp, lambda n=n_printed: len(printed) > n, "the print to end")
        out["print"].append(printed[-1] - t_io)
        until(qapp, lambda n=n_rounds: round_end(rounds, n) > 0, "the sync round to end")
        out["round"].append(round_end(rounds, n_rounds) - t_io)
        silent.drain()
        log(f"  {mode}: cycle {i + 1}/{a.cycles}: scan {out['busy'][-1] * 1000:.0f} ms")
    w.close()
    return out


def round_end(rounds: list[tuple[float, Any]], since: int) -> float:
    """When the first round to end after `since` ended (0: none has yet)."""
    return next((t for t, status in rounds[since:] if not status.syncing), 0.0)


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cycles", type=int, default=8, help="scans with a print and a round running")
    p.add_argument("--idle", type=int, default=20, help="scans with nothing else running")
    p.add_argument("--members", type=int, default=200, help="demo members in the store")
    p.add_argument("--printer-timeout", type=float, default=5.0, help="the printer's (s)")
    p.add_argument("--ho-delay", type=float, default=1.5, help="each head-office answer (s)")
    p.add_argument("--tmpdir", default=None)
    a = p.parse_args(argv)

    from bench_till import build

    from desktop.embedded_headoffice import prepare
    from desktop.printing.backends import EscPosPrinter, EscPosSpec, open_escpos
    from desktop.services.app import StoreServices
    from desktop.ui.main import application
    from headoffice.issuing import KeyFile

    qapp = application()
    with tempfile.TemporaryDirectory(prefix="lantern-bench-lanes-", dir=a.tmpdir) as tmp:
        store = Path(tmp) / "store.db"
        log(f"building a {a.members}-member demo store and its head office …")
        sample = [(m, code) for m, code, _ in build(store, a.members)]
        app = StoreServices.open(store)
        keys = KeyFile(store.with_suffix(".keys.json")).public_keys()
        secret = prepare(Path(tmp) / "ho.db", app.ctx.store_id, "Bench", a.members, keys)
        office, upstream = start_head_office(Path(tmp) / "ho.db", Path(tmp) / "ho.log")
        try:
            link = SlowLink(upstream, a.ho_delay)
            app.sync.connect(link.url, app.ctx.store_id, secret)
            app.sync.sync_once()  # the first pull, outside the timing
            silent = Silent()
            spec = f"network:127.0.0.1:{silent.port}"
            app.printing.add_backend(
                EscPosPrinter(
                    spec, opener=lambda: open_escpos(EscPosSpec.parse(spec), a.printer_timeout)
                )
            )
            results = {}
            for mode in ("shared", "io", "loop"):
                log(f"measuring: {mode}")
                results[mode] = measure(qapp, app, sample, mode, a, silent)
            report(a, results)
            app.close()
        finally:
            office.terminate()
            office.wait(30)
    return 0


LABELS = {
    "shared": "one shared lane (before)",
    "io": "two lanes, sync on the I/O lane",
    "loop": "two lanes + window's sync loop",
}


def report(a: Any, results: dict[str, dict[str, list[float]]]) -> None:
    print("Lantern till: scan → member painted while the till prints and syncs (ms)")
    print(
        f"  python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
        f"{os.getloadavg()[0]:.2f}; printer timeout {a.printer_timeout:g} s, head office "
        f"answers after {a.ho_delay:g} s; {a.idle} idle scans, {a.cycles} busy scans each"
    )
    print(
        f"\n  {'':<34}{'idle p50':>9}{'p95':>8}  {'busy p50':>9}{'p95':>8}"
        f"  {'print s':>8}{'round s':>8}"
    )
    for mode, r in results.items():
        idle, busy = r["idle"], r["busy"]
        print(
            f"  {LABELS[mode]:<34}{pct(idle, 0.5) * 1000:9.1f}{pct(idle, 0.95) * 1000:8.1f}"
            f"  {pct(busy, 0.5) * 1000:9.1f}{pct(busy, 0.95) * 1000:8.1f}"
            f"  {statistics.median(r['print']):8.2f}{statistics.median(r['round']):8.2f}"
        )
    print(
        "\n  busy: the scan is made once the printer has its connection, with the print and the\n"
        "  sync round asked for just before it; print s / round s: median seconds from asking\n"
        "  for them to their end (with one lane the round starts after the print)."
    )


if __name__ == "__main__":
    sys.exit(main())
