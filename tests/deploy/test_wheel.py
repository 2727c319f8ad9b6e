"""Lantern installed as a store or a head office installs it: the wheel built from this tree,
installed with pip into a clean venv (no editable install, no source tree on sys.path, run
from another folder), with only the part that machine needs.

- A till (`lantern[till]`) creates a store, runs the README's example as written (demo
  store, then a redemption with a demo card's code) and has no head-office server installed.
- A head office (`lantern[headoffice]`) runs the service and its administration and has
  neither Qt nor OpenCV installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.wheel, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str | Path, env: dict[str, str], cwd: Path, timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )
    if check:
        assert done.returncode == 0, (
            f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        out,
        ROOT,
        env=dict(os.environ),
        cwd=out,
    )
    (found,) = out.glob("lantern-*.whl")
    return found


def clean_env(home: Path, venv: Path) -> dict[str, str]:
    """A machine's environment: the venv's bin first, a home of its own, nothing of ours."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LANTERN_", "PYTHON", "VIRTUAL_ENV", "XDG_"))
    }
    env |= {"HOME": str(home), "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def install(tmp: Path, wheel: Path, extra: str) -> tuple[Path, dict[str, str]]:
    venv, home = tmp / "venv", tmp / "home"
    home.mkdir()
    run(sys.executable, "-m", "venv", venv, env=dict(os.environ), cwd=tmp)
    env = clean_env(home, venv)
    run(
        venv / "bin" / "pip", "install", "-q", "--disable-pip-version-check",
        "-c", ROOT / "constraints.txt", f"{wheel}[{extra}]",
        env=env, cwd=tmp, timeout=600,
    )  # fmt: skip
    # Lantern comes from the venv's site-packages, not from this source tree
    where = run(
        venv / "bin" / "python", "-c",
        "import desktop, headoffice, sys; print(desktop.__file__); print(sys.path)",
        env=env, cwd=tmp,
    ).stdout  # fmt: skip
    assert str(venv) in where.splitlines()[0]
    assert str(ROOT) not in where
    return venv, env


def importable(venv: Path, env: dict[str, str], cwd: Path, module: str) -> bool:
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return run(venv / "bin" / "python", "-c", code, env=env, cwd=cwd, check=False).returncode == 0


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^Example:\n\n```sh\n(.*?)```", readme, re.S | re.M)
    assert m, "the README's example block (after `Example:`) is gone"
    return m.group(1)


def test_a_till_installs_the_wheel_and_runs_the_readme(wheel: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    # Given the wheel installed as a till installs it
    venv, env = install(tmp_path, wheel, "till")
    work = tmp_path / "elsewhere"
    work.mkdir()
    lantern = venv / "bin" / "lantern"
    # Then it knows its version
    from desktop import __version__

    assert run(lantern, "--version", env=env, cwd=work).stdout.strip() == f"lantern {__version__}"
    # And a new store is created (its migrations come from the package) and is consistent
    new = work / "new.db"
    made = run(
        lantern,
        "store",
        "init",
        "--store-id",
        "SH009",
        "--name-zh",
        "测试店",
        "--db",
        new,
        env=env,
        cwd=work,
    )
    assert "store SH009 ready" in made.stdout
    assert "consistent" in run(lantern, "store", "check", "--db", new, env=env, cwd=work).stdout
    # in Chinese too (the message catalogue is package data)
    zh = run(lantern, "--lang", "zh_CN", "store", "check", "--db", new, env=env, cwd=work)
    assert zh.stdout.startswith("门店数据一致"), zh.stdout
    # And the README's example runs as written (in this test's folder instead of /tmp)
    script = readme_example().replace("/tmp/", f"{work}/")
    done = run("bash", "-euo", "pipefail", "-c", script, env=env, cwd=work, timeout=300)
    receipt = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"SH001-\d{8}-\d{5}", receipt), done.stdout + done.stderr
    assert (work / "shop-printouts" / f"receipt-{receipt}.pdf").is_file()
    # (the demo built its catalogue and card designs from the package's data)
    gifts = run(lantern, "gift", "list", "--db", work / "shop.db", env=env, cwd=work).stdout
    assert "G101" in gifts and "0: 100 pts" in gifts
    # And the head-office server is not installed on a till, and says what to install
    assert not importable(venv, env, work, "starlette")
    assert not importable(venv, env, work, "uvicorn")
    serve = run(
        lantern, "headoffice", "serve", "--db", work / "ho.db", env=env, cwd=work, check=False
    )
    assert serve.returncode == 1
    assert "pip install 'lantern[headoffice]'" in serve.stderr
    assert "Traceback" not in serve.stderr
    print(f"\nwheel test (till): {time.monotonic() - started:.1f} s")


def test_a_head_office_installs_the_wheel_without_qt_or_opencv(wheel: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    # Given the wheel installed as a head office installs it
    venv, env = install(tmp_path, wheel, "headoffice")
    work = tmp_path / "elsewhere"
    work.mkdir()
    lantern = venv / "bin" / "lantern"
    # Then neither Qt nor OpenCV came with it
    for module in ("PySide6", "cv2", "zxingcpp"):
        assert not importable(venv, env, work, module), module
    # And head office's administration works (migrations and demo data from the package)
    ho = work / "ho.db"
    run(lantern, "headoffice", "seed-demo", "--db", ho, "--members", "5", env=env, cwd=work)
    secret = run(
        lantern,
        "headoffice",
        "store",
        "add",
        "--db",
        ho,
        "--id",
        "SH001",
        "--name",
        "上海店",
        env=env,
        cwd=work,
    )
    assert secret.stdout.strip()
    keys = work / "keys.json"
    run(lantern, "headoffice", "key", "new", "--keys", keys, env=env, cwd=work)
    run(lantern, "headoffice", "key", "publish", "--keys", keys, "--db", ho, env=env, cwd=work)
    card = work / "card.png"
    run(
        lantern,
        "headoffice",
        "card",
        "--keys",
        keys,
        "--member",
        "M00000001",
        "--out",
        card,
        env=env,
        cwd=work,
    )
    assert card.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # And the service answers its health check
    serve = subprocess.Popen(
        [str(lantern), "headoffice", "serve", "--db", str(ho), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=work,
    )  # fmt: skip
    try:
        assert serve.stdout is not None
        line = serve.stdout.readline()
        assert line.startswith("lantern head office listening on "), line + serve.stderr.read()
        url = line.rsplit(" ", 1)[1].strip()
        with urllib.request.urlopen(f"{url}/v1/health", timeout=30) as answer:
            assert answer.status == 200
    finally:
        serve.terminate()
        serve.wait(30)
    # And a store database can be made and checked there (the store commands need no Qt)
    store = work / "store.db"
    run(
        lantern,
        "store",
        "init",
        "--store-id",
        "SH001",
        "--name-zh",
        "店",
        "--db",
        store,
        env=env,
        cwd=work,
    )
    # but the till's window is not there, with a clear word on what to install
    app = run(lantern, "app", "--db", store, env=env, cwd=work, check=False)
    assert app.returncode == 1
    assert "pip install 'lantern[till]'" in app.stderr and "Traceback" not in app.stderr
    print(f"\nwheel test (head office): {time.monotonic() - started:.1f} s")


def test_the_wheel_carries_every_package_and_data_file(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    # every Python package of the source tree (pyproject.toml lists them by hand)
    for init in [*ROOT.glob("desktop/**/__init__.py"), *ROOT.glob("headoffice/**/__init__.py")]:
        assert init.relative_to(ROOT).as_posix() in names, f"{init.parent} is not packaged"
    # every shipped file, at the place the code looks for it
    mapped = {
        "resources": "desktop/assets",
        "db/store": "desktop/store/migrations",
        "db/headoffice": "headoffice/migrations",
    }
    for source, package in mapped.items():
        for f in (ROOT / source).rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                inside = f"{package}/{f.relative_to(ROOT / source).as_posix()}"
                assert inside in names, f"{f.relative_to(ROOT)} is not in the wheel as {inside}"
    assert shutil.which("bash")
