"""The manager screen: voids, stock, the business day and its reconciliation, printing,
sync, settings and paper vouchers keyed in, one tab each (desktop/ui/tabs/). The shell shows
it after a manager's PIN (F9 or the Manager button); Esc or "Back to the till" returns to the
till."""

from __future__ import annotations

from desktop.services.staff import Staff
from desktop.ui.qt import (
    QEvent,
    QFont,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import TillSession
from desktop.ui.tabs.base import ManagerTab
from desktop.ui.tabs.day_tab import DayTab
from desktop.ui.tabs.printing_tab import PrintingTab
from desktop.ui.tabs.settings_tab import SettingsTab
from desktop.ui.tabs.stock_tab import StockTab
from desktop.ui.tabs.sync_tab import SyncTab
from desktop.ui.tabs.void_tab import VoidTab
from desktop.ui.tabs.voucher_tab import VoucherTab


class ManagerScreen(QWidget):
    back = Signal()  # Esc or "Back to the till"

    def __init__(self, session: TillSession) -> None:
        super().__init__()
        self.session = session
        self.manager: Staff | None = None
        self.setStyleSheet("QPushButton { padding: 6px 18px; }")
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("manager_title")
        font = QFont(self.title.font())
        font.setPointSize(max(font.pointSize(), 11) + 6)
        font.setWeight(QFont.Weight.Bold)
        self.title.setFont(font)
        header.addWidget(self.title, 1)
        self.back_button = QPushButton()
        self.back_button.setObjectName("back_to_till")
        self.back_button.setMinimumHeight(48)
        self.back_button.clicked.connect(self.back.emit)
        header.addWidget(self.back_button)
        layout.addLayout(header)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("manager_tabs")
        self.void_tab = VoidTab(self)
        self.stock_tab = StockTab(self)
        self.day_tab = DayTab(self)
        self.printing_tab = PrintingTab(self)
        self.sync_tab = SyncTab(self)
        self.settings_tab = SettingsTab(self)
        self.voucher_tab = VoucherTab(self)
        for tab in self.all_tabs():
            self.tabs.addTab(tab, "")
        self.tabs.currentChanged.connect(self._tab_shown)
        layout.addWidget(self.tabs, 1)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back.emit)
        self.retranslate()

    def all_tabs(self) -> list[ManagerTab]:
        return [
            self.void_tab,
            self.stock_tab,
            self.day_tab,
            self.printing_tab,
            self.sync_tab,
            self.settings_tab,
            self.voucher_tab,
        ]

    def retranslate(self) -> None:
        m = self.manager
        self.title.setText(
            self.tr("Manager: {name} ({id})").format(name=m.name, id=m.staff_id)
            if m
            else self.tr("Manager")
        )
        self.back_button.setText(self.tr("Back to the till (Esc)"))
        for i, text in enumerate(
            [
                self.tr("Void"),
                self.tr("Stock"),
                self.tr("Business day"),
                self.tr("Printing"),
                self.tr("Sync"),
                self.tr("Settings"),
                self.tr("Paper vouchers"),
            ]
        ):
            self.tabs.setTabText(i, text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- in and out --------------------------------------------------------------------------
    def enter(self, manager: Staff) -> None:
        """Show the screen for a manager whose PIN was just checked."""
        self.manager = manager
        self.retranslate()
        for tab in self.all_tabs():
            tab.refresh()

    def leave(self) -> None:
        self.manager = None
        self.retranslate()

    def scanned(self, text: str) -> None:
        """A scan while this screen is up: a receipt number, for the void or the reprint."""
        tab = self.tabs.currentWidget()
        if tab is self.void_tab:
            self.void_tab.select_receipt(text.strip())
        elif tab is self.printing_tab:
            self.printing_tab.receipt_no.setText(text.strip())

    def show_tab(self, tab: ManagerTab) -> None:
        self.tabs.setCurrentWidget(tab)

    def _tab_shown(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if self.manager is not None and isinstance(tab, ManagerTab):
            tab.refresh()
