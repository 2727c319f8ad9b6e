"""The till bundle (installer/lantern.spec) built with PyInstaller and started as a till
starts it: offscreen, from another folder, with a home of its own and nothing of the
source tree or the dev venv in reach.

The bundled `lantern` answers --version, opens the demo window in Chinese (the shipped .qm)
and closes it cleanly, shows the first-run dialog on a machine with no store, creates a
store (migrations), and decodes QR codes from photographs and from the demo's cards. The
build time, the bundle's size and its start-up times are printed (docs/deploy-till.md)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.bundle, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]
QR_DEV = ROOT.parent / "shared" / "data" / "qr-dev"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("PyInstaller", reason="pip install 'lantern[bundle]' (make install)")
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
            str(ROOT / "installer" / "lantern.spec"),
        ],
        capture_output=True, text=True, cwd=ROOT, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    folder = work / "dist" / "lantern"
    print(
        f"\nbundle: built in {time.monotonic() - started:.0f} s, "
        f"{folder_size(folder) / 2**20:.0f} MiB in {folder}"
    )
    return folder


@pytest.fixture
def till(tmp_path: Path) -> dict[str, str]:
    """A till's environment: a fresh home, offscreen Qt, a Chinese locale, no Python paths."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LANTERN_", "PYTHON", "VIRTUAL_ENV", "XDG_", "LC_", "LANG"))
    }
    env["PATH"] = "/usr/bin:/bin"
    env |= {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "LANG": "zh_CN.UTF-8"}
    return env


def lantern(
    bundle: Path, env: dict[str, str], cwd: Path, *args: str | Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "lantern"), *map(str, args)],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
    )  # fmt: skip


def test_the_bundle_starts_opens_the_demo_in_chinese_and_closes(
    bundle: Path, till: dict[str, str], tmp_path: Path
) -> None:
    from desktop import __version__

    # When the bundled lantern is asked its version
    started = time.monotonic()
    version = lantern(bundle, till, tmp_path, "--version")
    version_s = time.monotonic() - started
    # Then it answers
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"lantern {__version__}"
    # When it opens the demo (built on first use) and is told to close once it is shown
    db = tmp_path / "demo.db"
    started = time.monotonic()
    demo = lantern(bundle, till, tmp_path, "demo", "--db", db, "--members", "40", "--smoke-test")
    first_s = time.monotonic() - started
    # Then the window was shown in Chinese and closed cleanly
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "window shown: 灯笼 — 上海南京东路店 [zh_CN]" in demo.stdout, demo.stdout + demo.stderr
    assert "Traceback" not in demo.stderr
    # and its embedded head office answered (the demo is online)
    assert "演示总部 http://127.0.0.1:" in demo.stderr  # demo head office at …, in Chinese
    # When it starts again on the demo store that now exists
    started = time.monotonic()
    again = lantern(bundle, till, tmp_path, "demo", "--db", db, "--smoke-test")
    window_s = time.monotonic() - started
    assert again.returncode == 0 and "window shown:" in again.stdout, again.stderr
    # And the bundle reads the demo's member cards (QR images) back to their codes
    card = tmp_path / "demo-cards" / "M00000001.png"
    read = lantern(bundle, till, tmp_path, "decode-qr", card)
    assert read.returncode == 0, read.stderr
    assert read.stdout == f"{card}\t{card.with_suffix('.txt').read_text().strip()}\n"
    # And the till wrote its log file in the OS log folder
    log = Path(till["HOME"]) / ".local" / "state" / "lantern" / "log" / "till.log"
    assert "demo ended with status 0" in log.read_text(encoding="utf-8")
    print(
        f"\nbundle: --version {version_s:.2f} s; demo window shown and closed {window_s:.2f} s "
        f"(first run, building a 40-member demo store: {first_s:.2f} s)"
    )


def test_the_bundle_sets_up_a_store_and_asks_on_first_run(
    bundle: Path, till: dict[str, str], tmp_path: Path
) -> None:
    # Given a till with no store yet: the first-run dialog is shown (and closed unanswered)
    first = lantern(bundle, till, tmp_path, "app", "--smoke-test")
    assert "first-run dialog shown: 灯笼 — 设置本收银台 [zh_CN]" in first.stdout, (
        first.stdout + first.stderr
    )
    assert first.returncode == 1 and "这台电脑尚未设置门店" in first.stderr  # no store is set up
    # When a store is created from the command line (the migrations are in the bundle)
    db = tmp_path / "store.db"
    made = lantern(
        bundle,
        till,
        tmp_path,
        "store",
        "init",
        "--store-id",
        "SH009",
        "--name-zh",
        "测试店",
        "--db",
        db,
    )
    assert made.returncode == 0, made.stderr
    # Then it is a consistent store of the latest schema
    check = lantern(bundle, till, tmp_path, "store", "check", "--db", db)
    assert check.returncode == 0 and "门店数据一致" in check.stdout, check.stderr  # consistent


def test_decode_qr_works_from_the_bundle(
    bundle: Path, till: dict[str, str], tmp_path: Path
) -> None:
    from desktop.scanning.decode import decode_file

    # Given photographed member codes that the decoder of this tree reads
    manifest = QR_DEV / "manifest.csv"
    if not manifest.exists():
        pytest.skip(f"the QR development set is not at {QR_DEV}")
    with open(manifest, encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["difficulty"] == "easy"][:12]
    readable = {
        r["filename"]: r["expected_payload"]
        for r in rows
        if decode_file(QR_DEV / r["filename"]) == r["expected_payload"]
    }
    assert len(readable) >= 3, "too few qr-dev photographs read in-process to compare"
    # When the bundled lantern decodes them
    done = lantern(bundle, till, tmp_path, "decode-qr", *(QR_DEV / name for name in readable))
    # Then it reads each one as the source tree does
    assert done.returncode == 0, done.stderr
    got = dict(line.split("\t", 1) for line in done.stdout.splitlines())
    assert {Path(k).name: v for k, v in got.items()} == readable
