"""Reading a duplicate answer that carries the outcome head office stored the first time."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.core.wire import Outcome
from desktop.sync.protocol import Malformed, parse_push

pytestmark = pytest.mark.headoffice


def answer(*results: dict[str, Any]) -> dict[str, Any]:
    return {"results": list(results), "acked_seq": len(results), "chain": "ok"}


def test_a_duplicate_counts_as_the_outcome_head_office_stored() -> None:
    parsed = parse_push(
        answer(
            {"seq": 1, "event_id": "e1", "outcome": "duplicate", "stored_outcome": "applied"},
            {
                "seq": 2,
                "event_id": "e2",
                "outcome": "duplicate",
                "stored_outcome": "applied_with_conflict",
                "conflict": "overdraft",
                "conflicts": ["overdraft"],
            },
            {"seq": 3, "event_id": "e3", "outcome": "duplicate"},  # an older head office
        )
    )
    r1, r2, r3 = parsed.results
    assert (r1.outcome, r1.effective) == (Outcome.DUPLICATE, Outcome.APPLIED)
    assert (r2.effective, r2.conflict) == (Outcome.APPLIED_WITH_CONFLICT, "overdraft")
    assert r3.stored_outcome is None and r3.effective is Outcome.DUPLICATE


@pytest.mark.parametrize(
    ("outcome", "stored"),
    [("applied", "applied"), ("duplicate", "duplicate"), ("duplicate", "out_of_order"),
     ("duplicate", "maybe")],
)  # fmt: skip
def test_a_stored_outcome_that_makes_no_sense_is_malformed(outcome: str, stored: str) -> None:
    with pytest.raises(Malformed, match="stored_outcome"):
        parse_push(
            answer({"seq": 1, "event_id": "e", "outcome": outcome, "stored_outcome": stored})
        )
