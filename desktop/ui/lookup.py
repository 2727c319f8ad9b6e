"""The till's reads, off the GUI thread: a member from what was scanned (with the shelf judged
for them), and the shelf again after stock changed. Each answer carries the generation it was
asked in; an answer overtaken by a newer question (another scan, the next customer) is dropped,
so a slow look-up never puts an old member back on the screen."""

from __future__ import annotations

import logging

from desktop.core.offline import CodeKind
from desktop.ui.qt import QObject, Signal
from desktop.ui.session import TillSession
from desktop.ui.till_model import Shelf, load_shelf

log = logging.getLogger(__name__)


class Lookup(QObject):
    found = Signal(object, object)  # CodeKind, Shelf (with the member's view)
    refused = Signal(object)  # Exception: CodeRefused, NotFound, …
    shelf_loaded = Signal(object)  # Shelf

    def __init__(self, session: TillSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.generation = 0

    def forget(self) -> None:
        """Drop every answer still on its way."""
        self.generation += 1

    def member(self, text: str) -> None:
        """Identify a member from a code or a typed number, and judge the shelf for them."""
        self.forget()
        generation, app = self.generation, self.session.app

        def find() -> tuple[CodeKind, Shelf]:
            member, kind = app.till.identify(text)
            return kind, load_shelf(app, member.member_id, kind)

        def done(found: tuple[CodeKind, Shelf]) -> None:
            if generation == self.generation:
                self.found.emit(*found)

        def failed(error: Exception) -> None:
            if generation == self.generation:
                self.refused.emit(error)

        self.session.run_db(find, done, failed)

    def shelf(self, member_id: str | None, kind: CodeKind) -> None:
        """The shelf again (stock, the member's balance and what they can take)."""
        generation, app = self.generation, self.session.app

        def done(shelf: Shelf) -> None:
            if generation == self.generation:
                self.shelf_loaded.emit(shelf)

        def failed(error: Exception) -> None:
            log.warning("catalogue not refreshed: %s", error)

        self.session.run_db(lambda: load_shelf(app, member_id, kind), done, failed)
