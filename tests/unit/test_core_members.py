"""Members, tiers and masking names for privacy at the counter."""

from __future__ import annotations

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.members import Member, MemberId, Tier, mask_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张伟", "张*"),  # two characters: surname only
        ("李小龙", "李*龙"),  # three: first and last
        ("欧阳娜娜", "欧**娜"),  # compound surname, four characters
        ("司马相如", "司**如"),
        ("王", "王"),
        ("Alice Chen", "A**** C***"),  # Latin: initial of each word
        ("Bob", "B**"),
        ("  Alice   Chen  ", "A**** C***"),
        ("José García", "J*** G*****"),  # accents are still Latin: word by word
        ("Zoë", "Z**"),
        ("张 伟", "张*"),  # a stray space must not reveal a two-character name in full
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    "name", ["张伟", "李小龙", "欧阳娜娜", "Alice Chen", "José García", "张 伟"]
)
def test_a_masked_name_never_shows_the_full_name(name: str) -> None:
    masked = mask_name(name)
    assert masked != name.strip()
    assert "*" in masked
    # Same number of visible positions: one star per hidden character.
    assert len(masked.replace(" ", "")) == len(name.replace(" ", ""))


def test_member_masked_name_uses_mask_name() -> None:
    m = Member(MemberId("M1"), "欧阳娜娜", Tier.GOLD)
    assert m.masked_name == "欧**娜"


def test_tiers_are_ordered() -> None:
    order = [Tier.REGULAR, Tier.SILVER, Tier.GOLD, Tier.PLATINUM]
    assert [t.rank for t in order] == [0, 1, 2, 3]
    for i, lower in enumerate(order):
        for j, higher in enumerate(order):
            assert higher.at_least(lower) is (j >= i)


def test_platinum_is_at_least_gold_but_not_the_reverse() -> None:
    assert Tier.PLATINUM.at_least(Tier.GOLD)
    assert not Tier.GOLD.at_least(Tier.PLATINUM)
    assert Tier.GOLD.at_least(Tier.GOLD)
    assert Tier.SILVER.at_least(Tier.REGULAR)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("regular", Tier.REGULAR),
        ("silver", Tier.SILVER),
        ("GOLD", Tier.GOLD),
        (" Platinum ", Tier.PLATINUM),
    ],
)
def test_tier_parse(text: str, tier: Tier) -> None:
    assert Tier.parse(text) is tier


@pytest.mark.parametrize("text", ["diamond", "", "gold!", "plat", "0"])
def test_tier_parse_refuses_unknown_tiers_and_lists_the_valid_ones(text: str) -> None:
    with pytest.raises(InvalidInput, match="regular, silver, gold, platinum"):
        Tier.parse(text)
