from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.demo import build_demo
from desktop.store.database import open_store
from desktop.store.staff import Staff
from desktop.store.vault import copy_vault

from ._helpers import T0, Clock, Link, staff


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store built once on T0 and closed (WAL checkpointed into the file)."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    app = build_demo(path, clock=Clock(T0))
    app.close()
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def db_path(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "store.db"
    shutil.copyfile(demo_template, path)
    copy_vault(demo_template, path)  # its PIN key: the file alone does not carry it
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def link() -> Link:
    return Link()


@pytest.fixture
def app(db_path: Path, clock: Clock, link: Link) -> Iterator[StoreServices]:
    services = StoreServices(open_store(db_path), clock, link)
    yield services
    services.close()


@pytest.fixture
def cashier(app: StoreServices) -> Staff:
    return staff(app, "C01")


@pytest.fixture
def manager(app: StoreServices) -> Staff:
    return staff(app, "M01")
