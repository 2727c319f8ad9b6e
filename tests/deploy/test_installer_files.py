"""The installer's files agree with the program: the commands they run are commands
`lantern` takes, the files they name exist, versions match. (The bundle itself is built and
started by test_bundle.py; the Windows installer needs Windows and Inno Setup to compile.)"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__
from desktop.cli import build_parser

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def parses(argv: list[str]) -> None:
    """`lantern ARGV` is a valid command line (argparse exits 2 otherwise)."""
    build_parser().parse_args(argv)


def test_the_linux_desktop_entry_starts_the_till_with_its_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(INSTALLER / "linux" / "lantern.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Name[zh_CN]"] == "灯笼"
    program, *args = shlex.split(d["Exec"])
    assert program.endswith("/lantern") and args == ["app"]
    parses(args)
    assert (ROOT / "resources" / "icons" / f"{d['Icon']}.png").is_file()
    assert (ROOT / "resources" / "icons" / f"{d['Icon']}.svg").is_file()


def test_the_linux_install_script_installs_and_uninstalls_keeping_data(tmp_path: Path) -> None:
    # Given a stand-in bundle (the real one is built by test_bundle.py) and a user's data
    bundle = tmp_path / "bundle"
    icons = bundle / "_internal" / "desktop" / "assets" / "icons"
    icons.mkdir(parents=True)
    for f in ("lantern.png", "lantern.svg"):
        shutil.copy(ROOT / "resources" / "icons" / f, icons / f)
    (bundle / "lantern").write_text(f"#!/bin/sh\necho lantern {__version__}\n")
    (bundle / "lantern").chmod(0o755)
    dest = tmp_path / "root"
    env = {"PATH": "/usr/bin:/bin", "BUNDLE": str(bundle), "DESTDIR": str(dest)}
    script = INSTALLER / "linux" / "install.sh"
    # When it is installed
    done = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    # Then the program, the command, the desktop entry and the icon are in place
    assert (dest / "opt" / "lantern" / "lantern").is_file()
    assert (dest / "usr" / "local" / "bin" / "lantern").is_symlink()
    desktop = (dest / "usr" / "share" / "applications" / "lantern.desktop").read_text()
    assert "Exec=/opt/lantern/lantern app" in desktop
    assert (
        dest / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "lantern.png"
    ).is_file()
    # When it is uninstalled, the program goes and nothing else is touched
    done = subprocess.run(
        ["bash", str(script), "--uninstall"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert not (dest / "opt" / "lantern").exists()
    assert "data in each user's ~/.local/share/lantern is kept" in done.stderr


def test_the_windows_installer_script_matches_the_program() -> None:
    iss = (INSTALLER / "windows" / "lantern.iss").read_text(encoding="utf-8")
    # the version it installs is this version
    m = re.search(r'#define AppVersion "([^"]+)"', iss)
    assert m and m.group(1) == __version__
    # it installs the bundle the spec builds, and names files that exist
    spec = (INSTALLER / "lantern.spec").read_text(encoding="utf-8")
    assert 'name="lantern"' in spec and r'#define Bundle "..\..\dist\lantern"' in iss
    for relative in re.findall(r"^SetupIconFile=(.+)$", iss, re.M):
        assert (INSTALLER / "windows" / Path(relative.replace("\\", "/"))).resolve().is_file()
    # every shortcut starts a command lantern takes
    shortcuts = re.findall(r'Filename: "\{app\}\\lantern\.exe"; Parameters: "([^"]*)"', iss)
    assert set(shortcuts) == {"app", "demo"}
    for parameters in shortcuts:
        parses(shlex.split(parameters))
    # the uninstaller removes the program folder only: the data folder is not named
    uninstall = iss.split("[UninstallDelete]", 1)[1]
    assert "{localappdata}" not in uninstall and "{userappdata}" not in uninstall
    assert "{app}" in uninstall


def test_the_headoffice_unit_and_container_run_the_service() -> None:
    unit = (INSTALLER / "headoffice" / "lantern-headoffice.service").read_text(encoding="utf-8")
    (exec_start,) = re.findall(r"^ExecStart=(.+)$", unit, re.M)
    program, *args = shlex.split(exec_start)
    assert program.endswith("/lantern") and args[:2] == ["headoffice", "serve"]
    assert "--workers" in args and "--db" not in args  # the URL comes from the environment
    parses(args)
    container = (INSTALLER / "headoffice" / "Containerfile").read_text(encoding="utf-8")
    (cmd,) = re.findall(r"^CMD (\[.+\])$", container, re.M)
    program, *args = json.loads(cmd)
    assert program == "lantern" and args[:2] == ["headoffice", "serve"] and "--db" not in args
    parses(args)
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", container, re.M):
        for name in source.split():
            assert (ROOT / name).exists(), f"the Containerfile copies {name}, which is not here"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    unit = (INSTALLER / "headoffice" / "lantern-headoffice.service").read_text(encoding="utf-8")
    lantern = Path(sys.executable).parent / "lantern"
    local = tmp_path / "lantern-headoffice.service"
    local.write_text(unit.replace("/opt/lantern-headoffice/bin/lantern", str(lantern)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(local)], capture_output=True, text=True, timeout=60
    )
    problems = [
        line for line in (done.stdout + done.stderr).splitlines() if "lantern-headoffice" in line
    ]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr
