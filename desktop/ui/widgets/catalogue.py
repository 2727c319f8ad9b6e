"""The gift catalogue as a grid of large tiles: search (Chinese or English name, or code), a points
band (100/500/1000/5000), a value band (low / mid / high) and a category. A tile shows the name
in Chinese and English (a coupon's terms or an experience's session instead of the English),
the price(s), its marks (kind, value band, tier-exclusive, hot), the stock or places left with a
low-stock mark, and — when the member at the till cannot take it — the reason, on the tile
itself (never only on hover)."""

from __future__ import annotations

from desktop.core.catalogue import VALUE_BANDS, Band, GiftKind
from desktop.core.members import Tier
from desktop.ui.qt import (
    QButtonGroup,
    QComboBox,
    QEvent,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPushButton,
    QResizeEvent,
    QScrollArea,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.till_model import Offer
from desktop.ui.widgets.theme import TILE_HEIGHT, TILE_WIDTH, TOUCH
from desktop.ui.wording import (
    band_name,
    category_name,
    gift_terms_text,
    hot_text,
    kind_name,
    places_text,
    points_text,
    price_text,
    tier_only_text,
    tile_reason,
)

SPACING = 10


class GiftTile(QPushButton):
    def __init__(self, offer: Offer, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setMinimumSize(TILE_WIDTH, TILE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.name_zh = QLabel()
        bold = self.name_zh.font()
        bold.setPointSize(13)
        bold.setWeight(QFont.Weight.DemiBold)
        self.name_zh.setFont(bold)
        self.hot = QLabel()
        self.hot.setObjectName("hot")
        self.name_en = QLabel()
        self.name_en.setObjectName("caption")
        self.price = QLabel()
        self.price.setObjectName("price")
        self.stock = QLabel()
        self.stock.setObjectName("caption")
        self.low = QLabel()
        self.low.setObjectName("low")
        self.marks = QLabel()
        self.marks.setObjectName("marks")
        self.reason = QLabel()
        self.reason.setObjectName("reason")
        bottom = QHBoxLayout()
        bottom.addWidget(self.stock)
        bottom.addWidget(self.low)
        bottom.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.name_zh, 1)
        top.addWidget(self.hot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        for w in (self.name_en, self.price):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.marks)
        layout.addLayout(bottom)
        layout.addWidget(self.reason)
        for label in self.findChildren(QLabel):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.set_offer(offer)

    def set_offer(self, offer: Offer) -> None:
        self.offer = offer
        gift = offer.gift
        width = TILE_WIDTH - 24
        self.hot.setText(hot_text() if offer.hot else "")
        self.hot.setVisible(offer.hot)
        second = gift_terms_text(gift) or gift.name_en
        for label, text in ((self.name_zh, gift.name_zh), (self.name_en, second)):
            shown = label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
            label.setText(shown)
        self.name_en.setToolTip(second if second == gift.name_en else f"{second}\n{gift.name_en}")
        self.price.setText("\n".join(price_text(p) for p in gift.prices))
        marks = [kind_name(gift.kind), band_name(offer.band)]
        if gift.min_tier is not Tier.REGULAR:
            marks.append(tier_only_text(gift.min_tier))
        self.marks.setText(" · ".join(m for m in marks if m))
        if gift.kind is GiftKind.EXPERIENCE:
            self.stock.setText(places_text(offer.stock))
        else:
            self.stock.setText(self.tr("Stock {n}").format(n=points_text(offer.stock)))
        low = offer.low and offer.stock > 0
        self.low.setText(self.tr("▲ Low stock") if low else "")
        self.low.setVisible(low)
        self.reason.setText(tile_reason(offer.refusal, gift) if offer.refusal else "")
        self.reason.setVisible(offer.refusal is not None)
        self.setEnabled(offer.available)
        self.setAccessibleName(f"{gift.gift_id} {gift.name_zh} {gift.name_en}")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


class CatalogueGrid(QWidget):
    chosen = Signal(object)  # Offer

    def __init__(self) -> None:
        super().__init__()
        self.offers: list[Offer] = []
        self.tiles: dict[str, GiftTile] = {}
        self._columns = 0

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.search.installEventFilter(self)

        self.band_caption = QLabel()
        self.band_caption.setObjectName("caption")
        self.bands = QButtonGroup(self)
        self.bands.setExclusive(True)
        filters = QHBoxLayout()
        filters.addWidget(self.band_caption)
        for band in (0, *VALUE_BANDS):
            button = QPushButton(f"{band:,}" if band else "")
            button.setCheckable(True)
            button.setChecked(band == 0)
            button.setMinimumWidth(64 if band else TOUCH)
            self.bands.addButton(button, band)
            filters.addWidget(button)
        self.bands.idClicked.connect(lambda _: self.apply_filter())
        filters.addSpacing(12)
        self.value = QComboBox()
        self.value.setObjectName("value")
        self.value.setMinimumSize(120, TOUCH)
        self.value.currentIndexChanged.connect(lambda _: self.apply_filter())
        filters.addWidget(self.value)
        self.category = QComboBox()
        self.category.setObjectName("category")
        self.category.setMinimumSize(170, TOUCH)
        self.category.currentIndexChanged.connect(lambda _: self.apply_filter())
        filters.addWidget(self.category, 1)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(SPACING)
        self.grid.setContentsMargins(0, 0, 4, 0)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.grid_host)
        self.empty = QLabel()
        self.empty.setObjectName("caption")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.empty)
        layout.addWidget(self.scroller, 1)
        self.retranslate()

    # --- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.search.setPlaceholderText(
            self.tr("Search gifts: Chinese or English name, or code (Enter adds the first)")
        )
        self.band_caption.setText(self.tr("Points"))
        all_band = self.bands.button(0)
        if all_band is not None:
            all_band.setText(self.tr("All"))
        self._fill_categories()
        self._fill_values()
        for tile in self.tiles.values():
            tile.set_offer(tile.offer)
        self._show_empty()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _fill_categories(self) -> None:
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr("All categories"), "")
        names = sorted({o.gift.category for o in self.offers}, key=category_name)
        for name in names:
            self.category.addItem(category_name(name), name)
        index = self.category.findData(current) if current else 0
        self.category.setCurrentIndex(max(index, 0))
        self.category.blockSignals(False)

    def _fill_values(self) -> None:
        current = self.value.currentData()
        self.value.blockSignals(True)
        self.value.clear()
        self.value.addItem(self.tr("All values"), "")
        for band in Band:
            self.value.addItem(band_name(band), band.value)
        self.value.setCurrentIndex(max(self.value.findData(current) if current else 0, 0))
        self.value.blockSignals(False)

    # --- contents -------------------------------------------------------------------------
    def set_offers(self, offers: tuple[Offer, ...] | list[Offer]) -> None:
        categories = {o.gift.category for o in self.offers}
        self.offers = list(offers)
        keep = {o.gift.gift_id for o in self.offers}
        for gift_id in [g for g in self.tiles if g not in keep]:
            gone = self.tiles.pop(gift_id)
            gone.hide()
            gone.deleteLater()
        for offer in self.offers:
            tile = self.tiles.get(offer.gift.gift_id)
            if tile is None:
                tile = GiftTile(offer, self.grid_host)
                tile.clicked.connect(lambda _=False, t=tile: self.chosen.emit(t.offer))
                self.tiles[offer.gift.gift_id] = tile
            else:
                tile.set_offer(offer)
        if {o.gift.category for o in self.offers} != categories:
            self._fill_categories()
        self.apply_filter()

    def matches(self, offer: Offer) -> bool:
        gift = offer.gift
        band = self.bands.checkedId()
        if band > 0 and gift.value_band != band:
            return False
        value = self.value.currentData()
        if value and offer.band.value != value:
            return False
        category = self.category.currentData()
        if category and gift.category != category:
            return False
        words = self.search.text().strip().casefold().split()
        haystack = f"{gift.gift_id} {gift.name_zh} {gift.name_en}".casefold()
        return all(w in haystack for w in words)

    def visible_offers(self) -> list[Offer]:
        return [o for o in self.offers if self.matches(o)]

    def first_match(self) -> Offer | None:
        """The first gift shown that the member can take (what Enter in the search adds)."""
        return next((o for o in self.visible_offers() if o.available), None)

    def apply_filter(self) -> None:
        self._relayout(force=True)
        self._show_empty()

    def _show_empty(self) -> None:
        none = bool(self.offers) and not self.visible_offers()
        self.empty.setText(self.tr("No gift matches the search or filter.") if none else "")
        self.empty.setVisible(none)

    def _relayout(self, force: bool = False) -> None:
        width = self.scroller.viewport().width()
        columns = max(1, (width + SPACING) // (TILE_WIDTH + SPACING))
        if not force and columns == self._columns:
            return
        self._columns = columns
        while self.grid.count():
            self.grid.takeAt(0)
        shown = {o.gift.gift_id for o in self.visible_offers()}
        n = 0
        for offer in self.offers:
            tile = self.tiles[offer.gift.gift_id]
            if offer.gift.gift_id in shown:
                self.grid.addWidget(tile, n // columns, n % columns)
                tile.show()
                n += 1
            else:
                tile.hide()
        for col in range(self.grid.columnCount()):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._relayout()

    # --- keys -----------------------------------------------------------------------------
    def eventFilter(self, watched: object, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # Down from the search box goes to the first tile shown (then Tab / Shift+Tab).
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            first = self.first_match()
            if first is not None:
                self.tiles[first.gift.gift_id].setFocus()
                return True
        return False
