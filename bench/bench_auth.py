"""Benchmark: what authenticating one sync request costs head office, before and after the
per-process memory of verified credentials (headoffice/auth.py `VerifiedCredentials`),
side by side, on one SQLite head office in a temporary folder:

- before: every request runs scrypt (n=2^14, r=8, p=1) on the presented secret;
- after: the first request of a store runs scrypt, the next ones one HMAC-SHA256 and a
  dictionary look-up (the stored hash is still read from the database every time, so a
  rotated or revoked secret misses at once);
- a wrong secret: still one scrypt run each, until the client backs off (429, no scrypt).

    .venv/bin/python bench/bench_auth.py [--before N] [--after N]

Each figure is the wall time of `HeadOffice.check_credentials` (database read included)."""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=int, default=40, help="requests measured without")
    parser.add_argument("--after", type=int, default=5000, help="requests measured with")
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


if __name__ == "__main__":
    main()
