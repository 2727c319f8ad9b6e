"""Sync: whether head office is reachable, the events waiting, the last successful sync, the
last error, and events head office parked with their errors; "Sync now".

The tab polls nothing: it reads the status when shown and again whenever a sync round ends
(the session's `sync_changed`, from the window's sync loop). "Sync now" wakes that loop
(or, with none running, has the session run one round on the I/O lane) and reports the
first round that starts after the press."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from desktop.services.recovery import RecoveryReport
from desktop.services.sync import SyncStatus
from desktop.services.sync_loop import LoopStatus
from desktop.ui.i18n import message
from desktop.ui.qt import (
    QCheckBox,
    QFont,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)
from desktop.ui.tabs.base import ManagerTab, Notice, cell, table

if TYPE_CHECKING:
    from desktop.ui.screens.manager import ManagerScreen


class SyncTab(ManagerTab):
    def __init__(self, screen: ManagerScreen) -> None:
        super().__init__(screen)
        self.status: SyncStatus | None = None
        # "Sync now" pressed: "start" until a round starts after the press, then "end"
        self.awaiting: str | None = None
        layout = QVBoxLayout(self)
        self.state = QLabel()
        self.state.setObjectName("sync_state")
        font = QFont(self.state.font())
        font.setPointSize(max(font.pointSize(), 11) + 4)
        font.setWeight(QFont.Weight.Bold)
        self.state.setFont(font)
        layout.addWidget(self.state)
        form = QFormLayout()
        self.labels = [QLabel() for _ in range(5)]
        self.head_office, self.waiting, self.last_success, self.last_attempt, self.last_error = (
            QLabel() for _ in range(5)
        )
        self.waiting.setObjectName("sync_waiting")
        self.last_error.setObjectName("sync_error")
        self.last_error.setWordWrap(True)
        for label, value in zip(
            self.labels,
            [self.head_office, self.waiting, self.last_success, self.last_attempt, self.last_error],
            strict=True,
        ):
            form.addRow(label, value)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("sync_now")
        self.sync_button.setMinimumHeight(48)
        self.sync_button.clicked.connect(self.sync_now)
        row.addWidget(self.sync_button)
        # the way out when head office refuses the store (restored from an old backup)
        self.recover_button = QPushButton()
        self.recover_button.setObjectName("recover")
        self.recover_button.setMinimumHeight(48)
        self.recover_button.clicked.connect(self.recover)
        row.addWidget(self.recover_button)
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("backup_now")
        self.backup_button.setMinimumHeight(48)
        self.backup_button.clicked.connect(self.backup_now)
        row.addWidget(self.backup_button)
        self.stop_box = QCheckBox()
        self.stop_box.setObjectName("stop_while_refused")
        self.stop_box.clicked.connect(self.choose_policy)
        row.addWidget(self.stop_box)
        row.addStretch(1)
        layout.addLayout(row)
        self.notice = Notice("sync_message")
        layout.addWidget(self.notice)
        self.parked_title = QLabel()
        layout.addWidget(self.parked_title)
        self.parked = table("parked_events", 4, 3)
        layout.addWidget(self.parked, 1)
        self.session.sync_changed.connect(self._sync_changed)
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in zip(
            self.labels,
            [
                self.tr("Head office"),
                self.tr("Events waiting"),
                self.tr("Last successful sync"),
                self.tr("Last attempt"),
                self.tr("Last error"),
            ],
            strict=True,
        ):
            label.setText(text)
        self.sync_button.setText(self.tr("Sync now"))
        self.recover_button.setText(self.tr("Recover from head office"))
        self.backup_button.setText(self.tr("Back up now"))
        self.stop_box.setText(self.tr("Stop redemptions while sync is refused"))
        self.parked_title.setText(
            self.tr(
                "Events head office parked (they do not block the others; head office reviews them)"
            )
        )
        self.parked.setHorizontalHeaderLabels(
            [self.tr("No."), self.tr("Event"), self.tr("Time"), self.tr("Error")]
        )
        self._show()

    @property
    def syncing(self) -> bool:
        return self.awaiting is not None

    # --- status ------------------------------------------------------------------------------
    def refresh(self) -> None:
        sync = self.app.sync
        self.run(sync.status, self._loaded, self._failed)

    def _loaded(self, status: object) -> None:
        assert isinstance(status, SyncStatus)
        self.status = status
        self._show()

    def _when(self, at: datetime | None) -> str:
        if at is None:
            return self.tr("never")
        return f"{at.astimezone(self.app.ctx.tz):%Y-%m-%d %H:%M}"

    def _show(self) -> None:
        s = self.status
        if s is None:
            return
        if s.connection is None:
            self.state.setText(
                self.tr("Not connected to a head office (the store runs on its own)")
            )
            self.state.setStyleSheet("")
            self.head_office.setText(
                self.tr("none: connect with `lantern store connect --url URL --store-id ID`")
            )
        else:
            self.state.setText(self.tr("Head office online") if s.online else self.tr("OFFLINE"))
            self.state.setStyleSheet("color: #1b5e20;" if s.online else "color: #b3261e;")
            if s.refused is not None:
                self.state.setText(
                    self.tr(
                        "SYNC REFUSED: head office does not accept this store's events (restored "
                        "from an old backup?). Press “Recover from head office”."
                    )
                )
            self.head_office.setText(f"{s.connection.url} ({s.connection.store_id})")
        self.waiting.setText(str(s.waiting))
        self.last_success.setText(self._when(s.last_success_at))
        self.last_attempt.setText(self._when(s.last_attempt_at))
        self.last_error.setText(message(s.last_error) if s.last_error else "—")
        self.sync_button.setEnabled(s.connection is not None and not self.syncing)
        self.recover_button.setEnabled(s.connection is not None and not self.syncing)
        self.stop_box.setChecked(s.refused_policy == "stop")
        self.parked.setRowCount(len(s.parked))
        for i, p in enumerate(s.parked):
            for col, item in enumerate(
                [
                    cell(str(p.seq), align_right=True),
                    cell(p.kind),
                    cell(p.created_at[:16]),
                    cell(message(p.error)),
                ]
            ):
                self.parked.setItem(i, col, item)

    def _failed(self, error: Exception) -> None:
        self.notice.error(
            self.tr("The sync status could not be read: {error}").format(error=message(error))
        )

    # --- recovery ----------------------------------------------------------------------------
    def recover(self) -> None:
        """Take back this store's events from head office, new epoch, sync (I/O lane)."""
        self.notice.info(self.tr("Recovering from head office…"))
        recovery = self.app.recovery
        self.run_io(
            recovery.recover,
            self._recovered,
            lambda e: self.notice.error(
                self.tr("Recovery failed: {error}").format(error=message(e))
            ),
            hold=[self.recover_button, self.sync_button],
        )

    def _recovered(self, report: object) -> None:
        assert isinstance(report, RecoveryReport)
        text = "\n".join(message(line) for line in report.lines())
        if report.sync_error is not None:
            self.notice.error(text + "\n" + message(report.sync_error))
        else:
            self.notice.ok(text)
        self.session.refresh_link()
        self.refresh()

    def backup_now(self) -> None:
        recovery = self.app.recovery
        self.run(
            lambda: recovery.backup_now("manual"),
            lambda path: self.notice.ok(self.tr("Backed up to {path}").format(path=path)),
            lambda e: self.notice.error(self.tr("Backup failed: {error}").format(error=message(e))),
            hold=[self.backup_button],
        )

    def choose_policy(self) -> None:
        recovery, manager = self.app.recovery, self.manager
        policy = "stop" if self.stop_box.isChecked() else "caps"
        self.run(
            lambda: recovery.set_refused_policy(manager, policy),
            lambda _: self.refresh(),
            self._failed,
        )

    # --- sync now ----------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.awaiting is not None:
            return
        self.awaiting = "start"
        self.sync_button.setEnabled(False)
        self.notice.info(self.tr("Syncing…"))
        self.session.sync_now()

    def _sync_changed(self, status: object) -> None:
        assert isinstance(status, LoopStatus)
        if status.syncing:
            if self.awaiting == "start":
                self.awaiting = "end"
            return
        if self.awaiting == "end":  # the round asked for has ended
            self.awaiting = None
            self._report(status)
        if self.isVisible():
            self.refresh()

    def _report(self, status: LoopStatus) -> None:
        report = status.report
        if status.last_error is not None or report is None:
            self.notice.error(
                self.tr("Sync failed: {error}").format(error=message(status.last_error or "?"))
            )
            return
        self.notice.ok(
            self.tr(
                "Synced: {pushed} events sent, {parked} parked; {pulled} changes received; "
                "{waiting} still waiting."
            ).format(
                pushed=report.pushed,
                parked=report.parked,
                pulled=report.pulled,
                waiting=report.waiting,
            )
        )
