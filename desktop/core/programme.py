"""The gift programme's settings (issue #12), one check for both ends: head office refuses a
bad value when it is set (`Admin.set_setting`), a store skips one it pulls
(`desktop/services/sync_apply.py`), and both keep the value as the parser normalises it.

Each parser takes the setting as JSON and returns it checked and complete, or raises
InvalidInput saying what is wrong. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from desktop.core.catalogue import CatalogueRules
from desktop.core.errors import InvalidInput
from desktop.core.journeys import parse_config as parse_journeys
from desktop.core.occasions import OccasionConfig
from desktop.core.stock_policy import StockPolicy


def _stock_policy(value: Any) -> dict[str, Any]:
    try:
        return StockPolicy.from_mapping(value).as_dict()
    except TypeError as e:  # a field of the wrong type
        raise InvalidInput(f"stock_policy: {e}") from None


PARSERS: MappingProxyType[str, Callable[[Any], dict[str, Any]]] = MappingProxyType(
    {
        "occasions": lambda v: OccasionConfig.from_setting(v).as_dict(),
        "catalogue": lambda v: CatalogueRules.from_mapping(v).as_dict(),
        "stock_policy": _stock_policy,
        "journeys": lambda v: parse_journeys(v).as_dict(),
    }
)
