"""A duplicate of an event head office stored at that seq carries the outcome it was
answered the first time (docs/sync-protocol.md, rule 1), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from ho_helpers import add_member, store

from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice


def test_a_resent_push_is_answered_duplicate_with_each_stored_outcome(ho: HeadOffice) -> None:
    # Given a store's push with an applied earn, an overdraft and an event head office parks
    m = add_member(ho, 1, 100)
    a = store(ho, "SH001")
    a.earn(m, 30)
    a.redemption(m, 500)  # more than the member has: applied with a conflict
    a.redemption("M09999999", 100)  # unknown member at head office: parked
    first = ho.push("SH001", a.body())["results"]
    assert [r["outcome"] for r in first] == ["applied", "applied_with_conflict", "rejected"]
    # When the answer is lost and the store sends the same events again
    again = ho.push("SH001", a.body())["results"]
    # Then each is a duplicate carrying the first answer: outcome, conflict, error
    assert [r["outcome"] for r in again] == ["duplicate"] * 3
    assert [r["stored_outcome"] for r in again] == [r["outcome"] for r in first]
    assert again[1]["conflict"] == "overdraft" == first[1]["conflict"]
    assert again[1]["conflicts"] == first[1]["conflicts"]
    assert again[2]["error"] == first[2]["error"] and "error" not in again[0]


def test_an_event_id_stored_at_another_seq_is_a_plain_duplicate(ho: HeadOffice) -> None:
    m = add_member(ho, 1, 1000)
    a = store(ho, "SH001")
    first = a.redemption(m, 100)
    a.add("redemption", first["payload"], event_id=first["event_id"])  # same id, next seq
    answer = ho.push("SH001", a.body())["results"]
    assert [r["outcome"] for r in answer] == ["applied", "duplicate"]
    again = ho.push("SH001", a.body())["results"]
    assert again[0]["stored_outcome"] == "applied"
    assert again[1]["outcome"] == "duplicate" and "stored_outcome" not in again[1]
