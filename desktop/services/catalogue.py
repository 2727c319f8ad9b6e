"""What the till's gift list shows beyond stock: value bands and hot marks, by head office's
`catalogue` setting (desktop/core/catalogue.py, CatalogueRules)."""

from __future__ import annotations

import logging
from datetime import timedelta

from desktop.core.catalogue import CatalogueRules, hot_gifts
from desktop.core.errors import InvalidInput
from desktop.services.context import ServiceContext
from desktop.store import catalogue as gifts_repo

log = logging.getLogger(__name__)


class CatalogueService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def rules(self) -> CatalogueRules:
        """Head office's value bands and hot-mark rules (the defaults until it sends some;
        sync refuses a bad value before storing it, so a stored one is valid)."""
        value = self.ctx.setting("catalogue", None)
        if value is None:
            return CatalogueRules()
        try:
            return CatalogueRules.from_mapping(value)
        except InvalidInput as e:
            log.warning("catalogue setting unusable, defaults used: %s", e)
            return CatalogueRules()

    def hot(self, rules: CatalogueRules | None = None) -> frozenset[str]:
        """The gifts among the most redeemed at this store over the rules' recent days."""
        rules = rules or self.rules()
        since = self.ctx.now() - timedelta(days=rules.hot_days)
        with self.db.read() as conn:
            units = gifts_repo.units_redeemed_since(conn, since.isoformat())
        return hot_gifts(units, rules)
