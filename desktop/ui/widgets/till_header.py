"""The till's top line: the store, the business day, a pill while head office is offline, and
the scan field (for a typed card number; a scanner is read wherever focus is)."""

from __future__ import annotations

from desktop.services.day import DayState
from desktop.ui.qt import QEvent, QFont, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from desktop.ui.scanner_input import ascii_input
from desktop.ui.widgets.theme import message_style


class TillHeader(QWidget):
    def __init__(self, store_zh: str, store_en: str) -> None:
        super().__init__()
        self.day: DayState | None = None
        self.store = QLabel(f"{store_zh} · {store_en}")
        self.store.setFont(QFont(self.store.font().family(), 14, QFont.Weight.DemiBold))
        self.day_label = QLabel()
        self.day_label.setObjectName("caption")
        self.offline = QLabel()
        self.offline.setObjectName("offline")
        self.offline.setStyleSheet(message_style("warn"))
        self.offline.hide()
        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        self.scan.setMinimumWidth(300)
        ascii_input(self.scan)

        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.store)
        names.addWidget(self.day_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(names)
        layout.addSpacing(12)
        layout.addWidget(self.offline)
        layout.addStretch(1)
        layout.addWidget(self.scan, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.scan.setPlaceholderText(
            self.tr("Scan the member code, or type the card number + Enter")
        )
        self.offline.setText(self.tr("Head office offline: redemptions within offline limits"))
        self.show_day(self.day)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_day(self, day: DayState | None) -> None:
        self.day = day
        if day is None:
            self.day_label.setText("")
        elif day.is_open:
            self.day_label.setText(self.tr("Business day {day}: open").format(day=day.day))
            self.day_label.setStyleSheet("")
        elif day.closed_at is not None:
            self.day_label.setText(
                self.tr("Business day {day}: closed — no more redemptions today").format(
                    day=day.day
                )
            )
            self.day_label.setStyleSheet("color: #8f1d1d; font-weight: 600;")
        else:
            self.day_label.setText(
                self.tr("Business day {day}: not open — a manager must open it").format(day=day.day)
            )
            self.day_label.setStyleSheet("color: #8f1d1d; font-weight: 600;")

    def show_online(self, online: bool) -> None:
        self.offline.setVisible(not online)
