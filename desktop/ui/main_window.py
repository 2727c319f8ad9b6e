"""A minimal till window: the store, the business day, a scan field, the member panel and
the catalogue with stock. The full till (basket, confirm, printing, manager functions)
grows from here; every store call runs off the GUI thread through Background."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.catalogue import Gift
from desktop.core.members import Tier
from desktop.core.money import yuan_text
from desktop.services.app import StoreServices
from desktop.services.day import DayState
from desktop.services.till import MemberView
from desktop.ui.qt import (
    QFont,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.scanner_input import KeyboardWedge, ascii_input
from desktop.ui.worker import Background

if TYPE_CHECKING:
    from desktop.scanning.camera import FrameSource
    from desktop.ui.camera_view import CameraView

TIER_LABEL = {
    Tier.REGULAR: "普通 Regular",
    Tier.SILVER: "银卡 Silver",
    Tier.GOLD: "金卡 Gold",
    Tier.PLATINUM: "白金 Platinum",
}


class MainWindow(QMainWindow):
    """`camera`: the till's camera, read on worker threads with a preview; None for none."""

    def __init__(self, app: StoreServices, camera: FrameSource | None = None) -> None:
        super().__init__()
        self.app = app
        self.background = Background()
        name_zh = app.ctx.setting("store_name_zh", "")
        name_en = app.ctx.setting("store_name_en", "")
        self.setWindowTitle(f"Lantern 灯笼 — {name_zh} {name_en}")
        self.resize(1100, 720)

        root = QWidget()
        layout = QVBoxLayout(root)
        self.header = QLabel(f"{name_zh} · {name_en}")
        self.header.setFont(QFont(self.header.font().family(), 16, QFont.Weight.Bold))
        self.day_label = QLabel()
        layout.addWidget(self.header)
        layout.addWidget(self.day_label)

        self.scan = QLineEdit()
        self.scan.setObjectName("scan")
        self.scan.setPlaceholderText(
            "扫描会员码或输入卡号 · Scan the member code or type the card number"
        )
        self.scan.setMinimumHeight(48)
        self.scan.returnPressed.connect(self.on_scan)
        ascii_input(self.scan)
        layout.addWidget(self.scan)
        # A keyboard-wedge scanner is read wherever focus is in this window.
        self.wedge = KeyboardWedge(self)
        self.wedge.scanned.connect(self.lookup)

        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(panel)
        self.member_name = QLabel("—")
        self.member_name.setObjectName("member_name")
        self.member_tier = QLabel("")
        self.member_balance = QLabel("")
        self.member_balance.setObjectName("member_balance")
        self.member_expiring = QLabel("")
        self.status = QLabel("")
        self.status.setObjectName("status")
        for row, (label, widget) in enumerate(
            [
                ("会员 Member", self.member_name),
                ("等级 Tier", self.member_tier),
                ("积分 Points", self.member_balance),
                ("即将过期 Expiring soon", self.member_expiring),
            ]
        ):
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(widget, row, 1)
        self.camera_view: CameraView | None = None
        if camera is None:
            layout.addWidget(panel)
        else:
            # Imported here: a till without a camera needs neither OpenCV nor zxing-cpp.
            from desktop.ui.camera_view import CameraView

            self.camera_view = CameraView(camera)
            self.camera_view.setFixedSize(320, 240)
            self.camera_view.code_read.connect(self.lookup)
            side_by_side = QHBoxLayout()
            side_by_side.addWidget(panel, 1)
            side_by_side.addWidget(self.camera_view)
            layout.addLayout(side_by_side)
            self.camera_view.start()
        layout.addWidget(self.status)

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("catalogue")
        self.table.setHorizontalHeaderLabels(
            ["编号 Code", "礼品 Gift", "积分 Points", "库存 Stock", "限制 Restriction"]
        )
        header = self.table.horizontalHeader()
        for col in (0, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(root)

        self.refresh()
        self.scan.setFocus()

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.background.run(
            lambda: (self.app.day.state(), self.app.stock.catalogue()),
            self._show_store,
            self._show_error,
        )

    def _show_store(self, result: object) -> None:
        state: DayState
        catalogue: list[tuple[Gift, int]]
        state, catalogue = result  # type: ignore[misc]
        status = "营业中 open" if state.is_open else "未营业 not open"
        self.day_label.setText(f"营业日 Business day {state.day}: {status}")
        self.table.setRowCount(len(catalogue))
        for row, (gift, stock) in enumerate(catalogue):
            prices = " / ".join(
                f"{p.points}" + (f" + ¥{yuan_text(p.cash_fen)}" if p.cash_fen else "")
                for p in gift.prices
            )
            low = " ⚠" if gift.is_low(stock) else ""
            restriction = "" if gift.min_tier is Tier.REGULAR else TIER_LABEL[gift.min_tier]
            for col, text in enumerate(
                [
                    gift.gift_id,
                    f"{gift.name_zh}  {gift.name_en}",
                    prices,
                    f"{stock}{low}",
                    restriction,
                ]
            ):
                item = QTableWidgetItem(text)
                if col in (2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)

    # --- scanning ----------------------------------------------------------------------------
    def on_scan(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        self.lookup(text)

    def lookup(self, text: str) -> None:
        """A member from a code or number: typed, from the wedge scanner or from the camera."""
        self.status.setText("查找中… Looking up…")

        def find() -> MemberView:
            member, _ = self.app.till.identify(text)
            return self.app.till.member_view(member.member_id)

        self.background.run(find, self._show_member, self._show_error)

    def _show_member(self, view: object) -> None:
        assert isinstance(view, MemberView)
        m = view.member
        self.member_name.setText(m.masked_name)
        self.member_tier.setText(TIER_LABEL[m.tier])
        self.member_balance.setText(f"{view.balance:,}")
        self.member_expiring.setText(
            ", ".join(f"{points:,} @ {day}" for day, points in view.expiring) or "—"
        )
        self.status.setText("")

    def _show_error(self, error: object) -> None:
        self.status.setText(f"⚠ {error}")

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        if self.camera_view is not None:
            self.camera_view.stop()
        self.background.wait()
        super().closeEvent(event)  # type: ignore[arg-type]
