"""Benchmark: what authenticating one sync request costs head office, before and after the
per-process memory of verified credentials (headoffice/auth.py `VerifiedCredentials`),
side by side, on one SQLite head office in a temporary folder:

- before: every request runs scrypt (n=2^14, r=8, p=1) on the presented secret;
- after: the first request of a store runs scrypt, the next ones one HMAC-SHA256 and a
  dictionary look-up (the stored hash is still read from the database every time, so a
  rotated or revoked secret misses at once);
- a wrong secret: still one scrypt run each, until the client backs off (429, no scrypt).

Each figure of the first table is the wall time of `HeadOffice.check_credentials`
(database read included). The second table is over HTTP: a head-office process on
127.0.0.1 (uvicorn, one process), a store's good requests (GET /v1/sync/changes) timed
while nobody guesses and while two clients on the same address send wrong secrets as fast
as they can, before (every request hashed, no back-off) and after.

    .venv/bin/python bench/bench_auth.py [--before N] [--after N] [--guess-seconds S]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from headoffice.auth import Verdict, VerifiedCredentials
from headoffice.db import open_db
from headoffice.engine import HeadOffice
from headoffice.throttle import Backoff


def measure(n: int, call: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def row(name: str, times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    mean = statistics.fmean(times)
    return (
        f"| {name:<38} | {len(times):>6} | {mean:>8.3f} | {statistics.median(times):>8.3f} | "
        f"{p95:>8.3f} | {1000 / mean:>10,.0f} |"
    )


SERVER = """
import sys, uvicorn
from headoffice.app import create_app
from headoffice.auth import VerifiedCredentials
from headoffice.serve import _Server
from headoffice.throttle import Backoff
target, mode = sys.argv[1], sys.argv[2]
app = create_app(target, throttle=Backoff(free=10**9) if mode == "before" else Backoff())
if mode == "before":
    app.state.office.verified = VerifiedCredentials(size=0)  # remembers nothing
config = uvicorn.Config(
    app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="on"
)
_Server(config, lambda url: print(url, flush=True)).run()
"""


def over_http(
    target: str, secret: str, mode: str, seconds: float, rate: float | None
) -> dict[str, float]:
    """Good requests' latency, quiet and while 2 guessers send wrong secrets (`rate` per
    second in all, or as fast as they can when None)."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, target, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=root,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        good_auth = {"Authorization": f"Lantern-Store SH001:{secret}"}
        with httpx.Client(base_url=url, timeout=60) as good:
            for _ in range(50):  # until it answers
                try:
                    good.get("/v1/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)

            def one() -> float:
                started = time.perf_counter()
                r = good.get("/v1/sync/changes", params={"limit": "1"}, headers=good_auth)
                assert r.status_code == 200, r.text
                return (time.perf_counter() - started) * 1000

            one()
            quiet = [one() for _ in range(20)]
            stop = threading.Event()
            answers: list[int] = []

            def guess() -> None:
                with httpx.Client(base_url=url, timeout=60) as http:
                    n = 0
                    started = time.monotonic()
                    while not stop.is_set():
                        n += 1
                        if rate is not None:  # each of the 2 guessers sends rate/2 a second
                            ahead = started + n / (rate / 2) - time.monotonic()
                            if ahead > 0:
                                time.sleep(ahead)
                        bad = {"Authorization": f"Lantern-Store SH001:guess-{n}"}
                        answers.append(http.get("/v1/sync/changes", headers=bad).status_code)

            guessers = [threading.Thread(target=guess) for _ in range(2)]
            for g in guessers:
                g.start()
            busy: list[float] = []
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                busy.append(one())
            stop.set()
            for g in guessers:
                g.join()
    finally:
        proc.terminate()
        proc.wait(10)
    return {
        "guesses": len(answers),
        "scrypt": answers.count(401),
        "429": answers.count(429),
        "quiet": statistics.median(quiet),
        "busy": statistics.median(busy),
        "good": len(busy),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=int, default=40, help="requests measured without")
    parser.add_argument("--after", type=int, default=5000, help="requests measured with")
    parser.add_argument(
        "--guess-seconds", type=float, default=5.0, help="how long the guessers run (HTTP)"
    )
    parser.add_argument(
        "--guess-rate",
        type=float,
        default=28.0,
        help="wrong secrets a second in the paced runs (28: 564 in 20 s, as issue #9 saw)",
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the back-off's warning is expected here
    with tempfile.TemporaryDirectory(prefix="lantern-bench-auth-") as tmp:
        db = open_db(Path(tmp) / "headoffice.db")
        try:
            office = HeadOffice(db)
            secret = office.admin.create_store("SH001", "store")
            office.check_credentials("SH001", secret)  # warm the database connection

            before = HeadOffice(db)
            before.verified = VerifiedCredentials(size=0)  # remembers nothing: scrypt always
            before_times = measure(args.before, lambda: before.check_credentials("SH001", secret))

            after = HeadOffice(db)
            assert after.check_credentials("SH001", secret) is Verdict.VERIFIED
            after_times = measure(args.after, lambda: after.check_credentials("SH001", secret))
            assert after.check_credentials("SH001", secret) is Verdict.REMEMBERED

            wrong = measure(args.before, lambda: after.check_credentials("SH001", "guess"))
            throttle = Backoff()
            for _ in range(throttle.free + 1):
                throttle.failed("203.0.113.9")

            def backed_off() -> None:
                wait = throttle.wait("203.0.113.9")
                assert after.check_credentials("SH001", "guess", may_hash=not wait) in (
                    Verdict.NOT_CHECKED,
                )

            limited = measure(args.after, backed_off)
        finally:
            db.close()
        target = str(Path(tmp) / "headoffice.db")
        runs = [("before", args.guess_rate), ("after", args.guess_rate), ("after", None)]
        http = {(m, r): over_http(target, secret, m, args.guess_seconds, r) for m, r in runs}
    print(
        f"| {'authenticating one request':<38} |  count |  mean ms |   p50 ms |   p95 ms | per second |"
    )
    print(f"|{'-' * 40}|--------|----------|----------|----------|------------|")
    print(row("before: scrypt every request", before_times))
    print(row("after: verified secret remembered", after_times))
    print(row("wrong secret (scrypt, counted)", wrong))
    print(row("wrong secret while backing off (429)", limited))
    ratio = statistics.median(before_times) / statistics.median(after_times)
    print(f"\nremembered credentials: {ratio:,.0f}x cheaper per request (medians)")
    print(
        f"\n| over HTTP, 2 guessers for {args.guess_seconds:g} s | guesses | scrypt runs | "
        "429 | good p50 quiet ms | good p50 guessed ms | slower | good requests |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for (mode, rate), f in http.items():
        pace = f"{rate:g}/s" if rate is not None else "flat out"
        print(
            f"| {mode}, guesses {pace} | {f['guesses']:,.0f} | {f['scrypt']:,.0f} | "
            f"{f['429']:,.0f} | "
            f"{f['quiet']:.2f} | {f['busy']:.2f} | {f['busy'] / f['quiet']:.1f}x | "
            f"{f['good']:,.0f} |"
        )


if __name__ == "__main__":
    main()
