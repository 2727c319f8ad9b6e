"""Members, tiers and status."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import NewType

from desktop.core.errors import InvalidInput

MemberId = NewType("MemberId", str)


class Tier(enum.Enum):
    """Membership tiers, ordered: a gift for gold members is open to platinum too."""

    REGULAR = "regular"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"

    @property
    def rank(self) -> int:
        return _TIER_ORDER.index(self)

    def at_least(self, other: Tier) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, text: str) -> Tier:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(t.value for t in cls)
            raise InvalidInput(f"unknown tier {text!r}; use one of: {names}") from None


_TIER_ORDER = [Tier.REGULAR, Tier.SILVER, Tier.GOLD, Tier.PLATINUM]


class MemberStatus(enum.Enum):
    ACTIVE = "active"
    BLOCKED = "blocked"  # e.g. suspected fraud: no redemptions until head office clears it
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Member:
    member_id: MemberId
    name: str
    tier: Tier
    status: MemberStatus = MemberStatus.ACTIVE
    card_number: str | None = None
    birthday: date | None = None

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


def mask_name(name: str) -> str:
    """Privacy at the counter: 张伟 → 张*, 欧阳娜娜 → 欧**娜, Alice Chen → A**** C***."""
    name = name.strip()
    if not name:
        return ""
    if not any(unicodedata.category(c) == "Lo" for c in name):
        # Latin (also with accents: José, Zoë) and other cased scripts: mask word by word.
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    # Chinese and other uncased scripts: a space inside ("张 伟") must not count as a
    # character, or a two-character name would be shown in full.
    name = "".join(name.split())
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]
