"""The till window: a stack of screens (log in, till, manager) under a status bar that always
shows head office online/offline and the events waiting to sync, who is logged in, and the
language. A keyboard-wedge scanner is read wherever focus is in the window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.services.app import StoreServices
from desktop.services.display import pole_display
from desktop.services.staff import Staff
from desktop.ui.collector import GuiThreadCollector
from desktop.ui.customer_display import CustomerDisplay
from desktop.ui.dialogs.manager_pin import ManagerPinDialog
from desktop.ui.i18n import LANGUAGES, Language
from desktop.ui.qt import (
    QEvent,
    QKeySequence,
    QLabel,
    QMainWindow,
    QPushButton,
    QShortcut,
    QStackedWidget,
    Qt,
    Signal,
    isValid,
)
from desktop.ui.scanner_input import KeyboardWedge
from desktop.ui.screens.login import LoginScreen
from desktop.ui.screens.manager import ManagerScreen
from desktop.ui.screens.till import TillScreen
from desktop.ui.session import LinkStatus, TillSession

if TYPE_CHECKING:
    from desktop.scanning.camera import FrameSource

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    closed = Signal()  # after the window has closed (its session, loop and devices stopped)

    def __init__(
        self,
        app: StoreServices,
        camera: FrameSource | None = None,
        language: str | None = None,
        session: TillSession | None = None,
        sync_interval: float | None = None,
    ) -> None:
        """`sync_interval`: the window's session runs the background sync loop (see
        TillSession); ignored when a `session` is given."""
        super().__init__()
        self.app = app
        self.session = session or TillSession(app, sync_interval=sync_interval)
        self.language = Language()
        self.resize(1180, 760)

        self.login = LoginScreen(self.session)
        self.till = TillScreen(self.session, camera)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.till)
        self.manager_screen = ManagerScreen(self.session)
        self.manager_screen.back.connect(self.back_to_till)
        self.stack.addWidget(self.manager_screen)
        self.pin_dialog: ManagerPinDialog | None = None  # the manager PIN being asked, if any
        self.setCentralWidget(self.stack)
        # The customer-facing display: full screen on a second screen, if the till has one.
        # and the pole display beside the till, if the store has one
        self.customer = CustomerDisplay(
            app.ctx.setting("store_name_zh", ""),
            app.ctx.setting("store_name_en", ""),
            self,
            pole_display(app.ctx),
        )
        self.till.customer_changed.connect(self.customer.show_view)
        self.till.override_needed.connect(self.request_override)
        self.till.verification_needed.connect(self.request_verification)
        self.customer.show_on_second_screen()
        # Python's cycle collector on the GUI thread only (a worker collecting Qt wrappers crashes).
        self.collector = GuiThreadCollector(self)

        bar = self.statusBar()
        self.link_label = QLabel()
        self.link_label.setObjectName("link_status")
        self.staff_label = QLabel()
        self.language_button = QPushButton()
        self.language_button.setObjectName("language")
        self.language_button.clicked.connect(self.toggle_language)
        bar.addWidget(self.link_label, 1)
        bar.addPermanentWidget(self.staff_label)
        self.manager_button = QPushButton()
        self.manager_button.setObjectName("open_manager")
        self.manager_button.clicked.connect(self.open_manager)
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("lock")
        self.lock_button.clicked.connect(self.lock)
        bar.addPermanentWidget(self.manager_button)
        bar.addPermanentWidget(self.lock_button)
        # F9 from anywhere in the application (a second screen that took focus included)
        manager_key = QShortcut(QKeySequence(Qt.Key.Key_F9), self)
        manager_key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        manager_key.activated.connect(self.open_manager)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock)
        bar.addPermanentWidget(self.language_button)

        self.wedge = KeyboardWedge(self)
        self.wedge.scanned.connect(self.on_scanned)
        self.session.staff_changed.connect(self.on_staff)
        self.session.link_changed.connect(self.show_link)
        self.session.sync_changed.connect(self._sync_changed)
        self.session.language_saved.connect(self.language.set)
        self.language.set(language or self._default_language())
        self._load_idle_lock()
        self.on_staff(self.session.staff)
        self.show_link(self.session.link)

    # --- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        name_zh = self.app.ctx.setting("store_name_zh", "")
        name_en = self.app.ctx.setting("store_name_en", "")
        store = name_zh if self.language.current == "zh_CN" else name_en
        self.setWindowTitle(self.tr("Lantern — {store}").format(store=store))
        other = "en" if self.language.current == "zh_CN" else "zh_CN"
        self.language_button.setText(LANGUAGES[other])
        staff = self.session.staff
        self.staff_label.setText(
            self.tr("Cashier: {name}").format(name=staff.name) if staff else self.tr("Locked")
        )
        self.manager_button.setText(self.tr("Manager (F9)"))
        self.lock_button.setText(self.tr("Lock (Ctrl+L)"))
        self.show_link(self.session.link)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        # A closed window's store may be closed too: it has nothing to show in a new language.
        if event.type() == QEvent.Type.LanguageChange and not self.session.closed:
            self.retranslate()
        super().changeEvent(event)

    def toggle_language(self) -> None:
        self.language.set("en" if self.language.current == "zh_CN" else "zh_CN")

    # --- state ----------------------------------------------------------------------------
    def on_staff(self, staff: object) -> None:
        if staff is None:  # locked: nothing of the last person's stays open
            self.manager_screen.leave()
            self._close_pin_dialog()
        self.stack.setCurrentWidget(self.till if staff is not None else self.login)
        self.manager_button.setVisible(staff is not None)
        self.lock_button.setVisible(staff is not None)
        self.retranslate()

    def show_link(self, status: object) -> None:
        assert isinstance(status, LinkStatus)
        state = self.tr("Head office online") if status.online else self.tr("OFFLINE")
        waiting = self.tr("{n} events waiting to sync").format(n=status.waiting)
        text = f"{state} · {waiting}"
        sync = self.session.sync_status
        if status.refused is not None:
            # plainly: the till is not syncing and will not until a manager recovers it
            state = self.tr(
                "SYNC REFUSED by head office: offline limits apply; a manager must recover "
                "the store (Manager → Sync)"
            )
            text = f"{state} · {waiting}"
            self.link_label.setStyleSheet("color: #b3261e; font-weight: 600;")
        elif sync is not None and sync.misconfigured and not sync.syncing:
            # a configuration error is not a network outage: say what to do about it
            state = self.tr("OFFLINE")
            text = f"{state} · {waiting} · " + self.tr(
                "head-office address not valid: a manager corrects it in Settings"
            )
            self.link_label.setStyleSheet("color: #b3261e; font-weight: 600;")
        else:
            self.link_label.setStyleSheet("")
        self.link_label.setText(text)

    def _sync_changed(self, _status: object) -> None:
        self.show_link(self.session.link)

    def on_scanned(self, text: str) -> None:
        if self.stack.currentWidget() is self.manager_screen:
            self.manager_screen.scanned(text)
            return
        if self.session.staff is not None:
            self.till.lookup(text)

    # --- managers ---------------------------------------------------------------------------
    def request_override(self, callback: Callable[[Staff], None], purpose: str = "") -> None:
        """Ask for a manager's PIN (the till's offline-limit overrides); `callback(manager)`
        once it is right. Cancelling calls nothing."""
        self._ask_manager(purpose or self.tr("Approve going beyond the offline limits."), callback)

    def request_verification(self, callback: Callable[[Staff], None], why: str) -> None:
        """A risk rule asks for a second verification: a manager's PIN (another manager than
        the cashier), with the rule's reason; `callback(manager)` once it is right."""
        self._ask_manager(why, callback)

    def open_manager(self) -> None:
        """F9 / Manager: the manager screen, after a manager's PIN."""
        if self.session.staff is None or self.stack.currentWidget() is self.manager_screen:
            return
        dialog = self.pin_dialog
        if dialog is not None and isValid(dialog) and dialog.isVisible():
            dialog.raise_()  # a PIN is being asked already: bring it forward, keep what is typed
            dialog.activateWindow()
            return
        self.till.hold()  # after a sale, the till must not clear itself and grab focus now

        def enter(manager: Staff) -> None:
            if self.session.staff is None:  # locked meanwhile
                return
            self.manager_screen.enter(manager)
            self.stack.setCurrentWidget(self.manager_screen)
            self.manager_screen.tabs.setFocus()  # so Esc (a shortcut of the screen) works

        self._ask_manager(self.tr("Open the manager screen."), enter, self.till.resume)

    def back_to_till(self) -> None:
        self.manager_screen.leave()
        if self.session.staff is not None:
            self.stack.setCurrentWidget(self.till)
            self.till.resume()

    def lock(self) -> None:
        """Ctrl+L / Lock: back to the log-in screen for the next cashier."""
        self.session.lock()

    def _ask_manager(
        self,
        purpose: str,
        callback: Callable[[Staff], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> None:
        self._close_pin_dialog()

        def done(manager: Staff) -> None:
            self.pin_dialog = None
            callback(manager)

        self.wedge.flush()  # keys held back before the dialog belong where they were typed
        self.pin_dialog = ManagerPinDialog.ask(self.session, self, done, purpose, on_cancel)
        self.pin_dialog.raise_()
        self.pin_dialog.activateWindow()

    def _close_pin_dialog(self) -> None:
        dialog, self.pin_dialog = self.pin_dialog, None
        if dialog is not None and isValid(dialog) and dialog.isVisible():
            dialog.reject()

    def _default_language(self) -> str:
        """The store's language setting (what Settings shows), whatever the system locale."""
        return self.app.settings.language()

    def _load_idle_lock(self) -> None:
        app = self.app

        def apply(seconds: object) -> None:
            if isinstance(seconds, int) and seconds > 0:
                self.session.idle_lock_seconds = seconds

        self.session.run_db(
            lambda: app.ctx.setting("idle_lock_seconds"),
            apply,
            lambda e: log.warning("idle lock setting unreadable: %s", e),
        )

    def closeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        self.customer.close()
        if self.customer.pole is not None:
            self.customer.pole.close()
        self.collector.stop()
        self.till.stop()
        self.session.close()
        super().closeEvent(event)  # type: ignore[arg-type]
        self.closed.emit()
