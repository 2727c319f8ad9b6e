"""Settings (managers only): offline limits, the idle lock, printers, the camera, the head-
office address and the default language. Every field is checked here before anything is
saved, a bad value named with what is expected (in the till's language); the settings
service checks them again and saves them (desktop/services/store_settings.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from desktop.core.errors import InvalidInput
from desktop.services.printing import configured_printers
from desktop.services.staff import PIN_MAX, PIN_MIN
from desktop.services.store_settings import (
    CAMERA_RANGE,
    IDLE_RANGE,
    LIMIT_FIELDS,
    LIMIT_RANGE,
    StoreSettings,
    check_headoffice_url,
)
from desktop.ui.i18n import LANGUAGES, current_language, message
from desktop.ui.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.tabs.base import ManagerTab, Notice
from desktop.ui.widgets.number_box import select_on_focus

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen

NUMBER_WIDTH = 160


def printer_lines(entries: list[Any]) -> str:
    return "\n".join(
        e if isinstance(e, str) else json.dumps(e, ensure_ascii=False) for e in entries
    )


class SettingsTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.loaded: StoreSettings | None = None
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll, 1)
        body = QWidget()
        scroll.setWidget(body)
        columns = QHBoxLayout(body)
        columns.setSpacing(16)

        self.limits_box = QGroupBox()
        form = QFormLayout(self.limits_box)
        form.setVerticalSpacing(10)
        self.limits_note = QLabel()
        self.limits_note.setWordWrap(True)
        form.addRow(self.limits_note)
        self.limit_fields: dict[str, QLineEdit] = {}
        self.limit_labels: dict[str, QLabel] = {}
        for name in LIMIT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"limit_{name}")
            edit.setMinimumHeight(36)
            edit.setMaximumWidth(NUMBER_WIDTH)
            select_on_focus(edit)
            label = QLabel()
            label.setWordWrap(True)
            self.limit_fields[name], self.limit_labels[name] = edit, label
            form.addRow(label, edit)
        columns.addWidget(self.limits_box, 1, Qt.AlignmentFlag.AlignTop)

        self.till_box = QGroupBox()
        form = QFormLayout(self.till_box)
        form.setVerticalSpacing(10)
        self.idle = QLineEdit()
        self.idle.setObjectName("idle_lock_seconds")
        self.idle.setMaximumWidth(NUMBER_WIDTH)
        self.camera = QLineEdit()
        self.camera.setObjectName("camera_index")
        self.min_pin = QLineEdit()
        self.min_pin.setObjectName("min_pin_length")
        self.min_pin.setMaximumWidth(NUMBER_WIDTH)
        select_on_focus(self.idle)
        select_on_focus(self.camera)
        select_on_focus(self.min_pin)
        self.language = QComboBox()
        self.language.setObjectName("default_language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.headoffice = QLineEdit()
        self.headoffice.setObjectName("headoffice_url")
        self.printers = QPlainTextEdit()
        self.printers.setObjectName("printers_setting")
        self.printers.setMinimumHeight(96)
        self.printers.setMaximumHeight(140)
        self.printers_help = QLabel()
        self.printers_help.setWordWrap(True)
        self.printers_help.setStyleSheet("color: palette(mid);")
        self.till_labels = [QLabel() for _ in range(6)]
        for label, w in zip(
            self.till_labels,
            [self.idle, self.camera, self.language, self.headoffice, self.printers, self.min_pin],
            strict=True,
        ):
            w.setMinimumHeight(max(w.minimumHeight(), 36))
            form.addRow(label, w)
        form.addRow(self.printers_help)
        columns.addWidget(self.till_box, 1, Qt.AlignmentFlag.AlignTop)

        row = QHBoxLayout()
        self.save_button = QPushButton()
        self.save_button.setObjectName("save_settings")
        self.save_button.setMinimumHeight(48)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton()
        self.revert_button.setMinimumHeight(48)
        self.revert_button.clicked.connect(self.refresh)
        row.addWidget(self.save_button)
        row.addWidget(self.revert_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.notice = Notice("settings_message")
        outer.addWidget(self.notice)
        self.retranslate()

    def retranslate(self) -> None:
        self.limits_box.setTitle(self.tr("Offline limits"))
        self.limits_note.setText(
            self.tr(
                "While head office cannot be reached, redemptions stay within these limits; "
                "beyond them a manager must approve. Head office may send new limits at the next sync."
            )
        )
        names = {
            "per_redemption_points": self.tr("Points per redemption"),
            "per_member_day_static_points": self.tr("Points per member per day (printed card)"),
            "per_member_day_rotating_points": self.tr("Points per member per day (phone code)"),
            "members_served_offline": self.tr("Members served while offline"),
            "store_exposure_points": self.tr("Store total while offline (points)"),
            "max_hours_since_sync": self.tr(
                "Hours without a sync before redemptions need a manager"
            ),
        }
        for name in LIMIT_FIELDS:
            self.limit_labels[name].setText(names.get(name, name))
        self.till_box.setTitle(self.tr("This till"))
        for label, text in zip(
            self.till_labels,
            [
                self.tr("Lock after idle (seconds)"),
                self.tr("Camera number"),
                self.tr("Default language"),
                self.tr("Head-office address"),
                self.tr("Printers"),
                self.tr("Shortest PIN (digits)"),
            ],
            strict=True,
        ):
            label.setText(text)
        self.camera.setPlaceholderText(self.tr("empty: no camera; 0 for the first camera"))
        self.printers_help.setText(
            self.tr(
                "One printer per line: system (the default printer), system:NAME, "
                "network:HOST[:PORT], usb:VID:PID, serial:DEVICE[:BAUD]; for a cash drawer "
                "on a receipt printer add ,drawer=pin2 (or pin5) and, if needed, "
                ",pulse=50/500 (ms). New printers and the camera are used from the next start."
            )
        )
        self.save_button.setText(self.tr("Save settings"))
        self.revert_button.setText(self.tr("Undo changes"))

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        app, idle = self.app, self.session.idle_lock_seconds
        self.run(lambda: app.settings.read(idle), self._loaded, self._load_failed)

    def _loaded(self, values: object) -> None:
        assert isinstance(values, StoreSettings)
        self.loaded = values
        for name in LIMIT_FIELDS:
            self.limit_fields[name].setText(str(values.offline_limits.get(name, "")))
        self.idle.setText(str(values.idle_lock_seconds))
        self.min_pin.setText(str(values.min_pin_length))
        self.camera.setText("" if values.camera_index is None else str(values.camera_index))
        self.language.setCurrentIndex(max(self.language.findData(values.language), 0))
        self.headoffice.setText(values.headoffice_url or "")
        self.headoffice.setEnabled(values.headoffice_url is not None)
        if values.headoffice_url is None:
            self.headoffice.setPlaceholderText(
                self.tr("not connected: use `lantern store connect` first")
            )
        self.printers.setPlainText(printer_lines(values.printers))
        self.notice.clear()

    def _load_failed(self, error: Exception) -> None:
        self.notice.error(
            self.tr("The settings could not be read: {error}").format(error=message(error))
        )

    # --- checking and saving -----------------------------------------------------------------
    def _whole(self, edit: QLineEdit, label: str, low: int, high: int, errors: list[str]) -> int:
        text = edit.text().strip()
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            errors.append(
                self.tr("{field}: enter a whole number from {low} to {high}.").format(
                    field=label, low=f"{low:,}", high=f"{high:,}"
                )
            )
            return 0
        return int(text)

    def collect(self) -> tuple[StoreSettings | None, list[str]]:
        """The settings as typed, or what is wrong with them."""
        errors: list[str] = []
        limits = {
            name: self._whole(
                self.limit_fields[name], self.limit_labels[name].text(), *LIMIT_RANGE, errors
            )
            for name in LIMIT_FIELDS
        }
        if (
            not errors
            and limits["per_member_day_static_points"] > limits["per_member_day_rotating_points"]
        ):
            errors.append(
                self.tr(
                    "A printed card can be photocopied: its daily limit must not be above the phone code's."
                )
            )
        idle = self._whole(self.idle, self.till_labels[0].text(), *IDLE_RANGE, errors)
        min_pin = self._whole(self.min_pin, self.till_labels[5].text(), PIN_MIN, PIN_MAX, errors)
        camera_text = self.camera.text().strip()
        camera = None
        if camera_text:
            camera = self._whole(self.camera, self.till_labels[1].text(), *CAMERA_RANGE, errors)
        url = self.headoffice.text().strip() if self.headoffice.isEnabled() else None
        if url is not None:
            try:
                check_headoffice_url(url)
            except InvalidInput:
                errors.append(
                    self.tr(
                        "Head-office address: {address} is not a valid address. Write it as "
                        "http://HOST:PORT, e.g. http://10.0.0.5:8765."
                    ).format(address=url)
                )
        entries: list[Any] = []
        for typed in self.printers.toPlainText().splitlines():
            line = typed.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    errors.append(self.tr("Printers: {line} is not valid.").format(line=line))
            else:
                entries.append(line)
        _, problems = configured_printers(entries)
        errors.extend(self.tr("Printers: {problem}").format(problem=message(p)) for p in problems)
        if errors:
            return None, errors
        return StoreSettings(
            limits, idle, entries, camera, str(self.language.currentData()), url, min_pin
        ), []

    def save(self) -> None:
        if self.loaded is None:
            return
        values, errors = self.collect()
        if values is None:
            self.notice.error(self.tr("Not saved. {problems}").format(problems=" ".join(errors)))
            return
        app, old = self.app, self.loaded
        self.run(
            lambda: app.settings.save(values, old),
            self._saved,
            self._save_failed,
            hold=[self.save_button],
        )

    def _saved(self, values: object) -> None:
        assert isinstance(values, StoreSettings)
        chose = self.loaded is not None and self.loaded.language != values.language
        self.loaded = values
        self.session.idle_lock_seconds = values.idle_lock_seconds
        if chose and values.language != current_language():  # the manager chose another
            self.session.language_saved.emit(values.language)  # language: the till follows
        self.notice.ok(self.tr("Settings saved."))  # in the language now shown
        self.session.store_changed.emit()

    def _save_failed(self, error: Exception) -> None:
        self.notice.error(self.tr("Not saved: {error}").format(error=message(error)))
