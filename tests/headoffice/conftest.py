"""Head-office fixtures: a real PostgreSQL server started once per session on a free
loopback port in a temporary folder, and each test's database on SQLite or PostgreSQL."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ho_helpers import Clock

from headoffice.db import Database, open_db
from headoffice.engine import HeadOffice

PG_TOOLS = ("initdb", "pg_ctl", "postgres")
NO_PG = (
    "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine: install the "
    "Debian package `postgresql` (scripts/system-deps.sh), or set LANTERN_PG_BINDIR"
)


def pg_bindir() -> Path | None:
    """Where initdb, pg_ctl and postgres are: $LANTERN_PG_BINDIR, Debian's
    /usr/lib/postgresql/<newest>/bin, or the PATH."""
    candidates: list[Path] = []
    if os.environ.get("LANTERN_PG_BINDIR"):
        candidates.append(Path(os.environ["LANTERN_PG_BINDIR"]))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name)
        )
        candidates += [v / "bin" for v in versions]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for c in candidates:
        if all((c / tool).exists() for tool in PG_TOOLS):
            return c
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    root: Path
    port: int
    user: str | None  # the OS user the server runs as (postgres refuses to run as root)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            user=self.user,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.root,
        )


def start_postgres() -> PgServer:
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip(NO_PG)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install 'psycopg[binary]'")
    user = None
    root = Path(tempfile.mkdtemp(prefix="lantern-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run PostgreSQL as")
        shutil.chown(root, user)
    server = PgServer(bindir, root, 0, user)
    init = server.run(
        "initdb", "-D", str(root / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--no-sync", "--locale=C",
    )  # fmt: skip
    if init.returncode:
        raise RuntimeError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    for _ in range(5):  # another process may take the free port between finding and binding it
        server.port = free_port()
        options = (
            f"-h 127.0.0.1 -p {server.port} -k {root} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        started = server.run(
            "pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-o", options,
            "-w", "-t", "30", "start",
        )  # fmt: skip
        if started.returncode == 0:
            return server
    log = (root / "log").read_text() if (root / "log").exists() else ""
    raise RuntimeError(f"PostgreSQL did not start:\n{started.stderr}\n{log[-3000:]}")


TEMPLATE = "lantern_template"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgServer]:
    """One throwaway PostgreSQL server for the session (skips when none is installed),
    with a template database the head-office migrations were applied to."""
    import psycopg

    server = start_postgres()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        open_db(server.url(TEMPLATE)).close()  # migrates it, from empty
        yield server
    finally:
        server.run("pg_ctl", "-D", str(server.root / "data"), "-m", "immediate", "stop")
        shutil.rmtree(server.root, ignore_errors=True)


_counter = itertools.count(1)


def fresh_pg_database(server: PgServer) -> str:
    """A new database, copied from the migrated template (faster than migrating each)."""
    import psycopg

    name = f"lantern_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty head-office database: a SQLite file, or a database on the session's
    PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "headoffice.db")
    server: PgServer = request.getfixturevalue("postgres")
    return fresh_pg_database(server)


@pytest.fixture
def pg_target(postgres: PgServer) -> str:
    return fresh_pg_database(postgres)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(target: str) -> Iterator[Database]:
    database = open_db(target)
    yield database
    database.close()


@pytest.fixture
def ho(db: Database, clock: Clock) -> HeadOffice:
    return HeadOffice(db, clock)
