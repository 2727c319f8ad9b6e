"""The README's walkthroughs, run as written (in a folder of the test's instead of /tmp,
head office on a free port instead of 8765): an operator who copies them gets what the
README says."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(after: str) -> list[str]:
    """The ```sh blocks of the README section whose heading starts with `after`."""
    start = README.index(after)
    end = README.find("\n## ", start)
    return re.findall(r"```sh\n(.*?)```", README[start:end], re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bash(script: str, tmp: Path, port: int = 8765) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["XDG_STATE_HOME"] = str(tmp / "state")
    script = script.replace("/tmp/", f"{tmp}/").replace("8765", str(port))
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        capture_output=True, text=True, env=env, cwd=tmp, timeout=300,
    )  # fmt: skip


def test_the_example_runs_as_written(tmp_path: Path) -> None:
    (example,) = re.findall(r"^Example:\n\n```sh\n(.*?)```", README, re.S | re.M)
    done = bash(example, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"SH001-\d{8}-\d{5}", done.stdout.strip().splitlines()[-1])


def test_head_office_and_a_store_of_its_own_as_written(tmp_path: Path) -> None:
    office, store = blocks("### Running head office")
    port = free_port()
    # Given head office set up as the README says
    done = bash(office, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # and served as it says
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_HEADOFFICE_DB"] = str(tmp_path / "ho.db")
    serve = subprocess.Popen(
        [sys.executable, "-m", "desktop", "headoffice", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        assert serve.stdout is not None
        ready = serve.stdout.readline()
        assert ready.strip() == f"lantern head office listening on http://127.0.0.1:{port}", ready
        # When the store is set up and redeems as the README says
        done = bash(store, tmp_path, port)
    finally:
        serve.terminate()
        serve.wait(30)
    # Then every step worked: the delivery arrived, the redemption went through and synced
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^G101\t.*\t0: 100 pts\tstock 50$", done.stdout, re.M), done.stdout
    assert re.search(r"^SH001-\d{8}-00001$", done.stdout, re.M), done.stdout
    last = done.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"(\d+) events pushed, \1 applied, 0 duplicates, 0 parked; .*", last)
    assert m and int(m.group(1)) >= 1, last
