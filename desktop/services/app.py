"""The services of one store, bundled: what the till window and the CLI hold on to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from desktop.services.catalogue import CatalogueService
from desktop.services.context import LinkState, ServiceContext
from desktop.services.day import DayService
from desktop.services.journeys import JourneyService
from desktop.services.printing import store_printing
from desktop.services.recovery import RecoveryService
from desktop.services.reports import ReportService
from desktop.services.setup import SetupService
from desktop.services.staff import Staff, StaffService
from desktop.services.stock import StockService
from desktop.services.store_settings import SettingsService
from desktop.services.sync import SyncService
from desktop.services.till import TillService
from desktop.services.vouchers import VoucherService
from desktop.store.database import StoreDB, open_store


class StoreServices:
    def __init__(
        self,
        db: StoreDB,
        clock: Callable[[], datetime] | None = None,
        link: Callable[[], LinkState] | None = None,
    ) -> None:
        """`link` says whether head office is reachable; by default the sync service's
        record of its last round decides (standalone, i.e. online, until connected)."""
        self.ctx = ServiceContext(db, clock)
        self.db = db
        self.sync = SyncService(self.ctx)
        self.ctx.link = link if link is not None else self.sync.link_state
        self.till = TillService(self.ctx)
        self.vouchers = VoucherService(self.ctx)
        self.journeys = JourneyService(self.ctx)
        self.stock = StockService(self.ctx)
        self.catalogue = CatalogueService(self.ctx)
        self.day = DayService(self.ctx)
        self.setup = SetupService(self.ctx)
        self.reports = ReportService(self.ctx)
        self.printing = store_printing(self.ctx)
        self.staff = StaffService(self.ctx)
        self.settings = SettingsService(self.ctx, self.printing, self.sync)
        self.recovery = RecoveryService(self.ctx, self.sync)

    @classmethod
    def open(cls, path: Path | str, clock: Callable[[], datetime] | None = None) -> StoreServices:
        return cls(open_store(path), clock)

    def login(self, staff_id: str, pin: str, *, manager: bool = False) -> Staff:
        return self.ctx.authenticate(staff_id, pin, manager=manager)

    def close(self) -> None:
        self.db.close()
