"""Identifying members at the till by signed card codes, phone codes and typed numbers,
against a real store file: keys, serials, revocations and the phone-code replay cache."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from desktop.core import codes
from desktop.core.codes import CodeRefused, Verdict
from desktop.core.errors import InvalidInput, NotFound
from desktop.core.offline import CodeKind, OfflineCheck
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.demo import card_number
from desktop.services.till import LineRequest, Receipt
from desktop.store import codes as codes_repo
from desktop.store.database import open_store
from desktop.store.staff import Staff
from headoffice.issuing import KeyFile, Phone, enrol_phone, issue_card

from ._helpers import T0, Clock, Link, counts, rows, snapshot

pytestmark = pytest.mark.store

ALICE = "M00000001"
BOB = "M00000002"
RICH = "M00000044"  # platinum, 16740 points
TODAY = T0.date()
CARD_1800 = LineRequest("G1005")  # 1800 points
WATER_200 = LineRequest("G104")  # 200 points
BAG_100 = LineRequest("G101")  # 100 points


@pytest.fixture
def keys(tmp_path: Path, app: StoreServices) -> KeyFile:
    """Head office's key file (beside the store, never in it); the store trusts its public
    half and has heard that Alice, Bob and Rich hold card 1."""
    keys = KeyFile(tmp_path / "headoffice-keys.json")
    key = keys.new_key(date(2026, 1, 1))
    keys.save()
    app.setup.add_issuer_key(key.issuer_key())
    for member in (ALICE, BOB, RICH):
        app.setup.set_card_serial(member, 1)
    return keys


@pytest.fixture
def second_till(db_path: Path, clock: Clock, link: Link) -> Iterator[StoreServices]:
    """Another till of the same store: its own connection to the same file."""
    services = StoreServices(open_store(db_path), clock, link)
    yield services
    services.close()


@pytest.fixture
def offline(link: Link) -> Link:
    link.online = False
    link.last_sync = T0 - timedelta(hours=1)
    return link


def refused(app: StoreServices, text: str) -> Verdict:
    with pytest.raises(CodeRefused) as e:
        app.till.identify(text)
    return e.value.result.verdict


def code_uses(db_path: Path) -> list[tuple[str, str]]:
    return [
        (r["member_id"], r["used_at"])
        for r in rows(db_path, "SELECT * FROM code_uses ORDER BY used_at")
    ]


# --- static cards ----------------------------------------------------------------------------
def test_a_card_identifies_its_member_and_can_be_shown_again(
    app: StoreServices, keys: KeyFile, db_path: Path
) -> None:
    card = issue_card(keys, ALICE, 1, TODAY)

    for _ in range(3):
        member, kind = app.till.identify(card)
        assert member.member_id == ALICE
        assert kind is CodeKind.STATIC_CARD
    assert code_uses(db_path) == []  # static cards are not in the replay cache


def test_a_card_is_accepted_with_scanner_line_endings(app: StoreServices, keys: KeyFile) -> None:
    member, kind = app.till.identify(issue_card(keys, ALICE, 1, TODAY) + "\r\n")
    assert (member.member_id, kind) == (ALICE, CodeKind.STATIC_CARD)


def test_a_revoked_serial_is_refused(app: StoreServices, keys: KeyFile) -> None:
    alice, bob = issue_card(keys, ALICE, 1, TODAY), issue_card(keys, BOB, 1, TODAY)

    app.setup.revoke_card(ALICE, 1)

    assert refused(app, alice) is Verdict.REVOKED
    assert app.till.identify(bob)[0].member_id == BOB  # only that member's card


def test_reissuing_a_card_refuses_the_old_one(app: StoreServices, keys: KeyFile) -> None:
    old = issue_card(keys, ALICE, 1, TODAY - timedelta(days=400))
    new = issue_card(keys, ALICE, 2, TODAY)
    assert app.till.identify(old)[0].member_id == ALICE

    app.setup.set_card_serial(ALICE, 2)

    assert refused(app, old) is Verdict.REVOKED
    assert app.till.identify(new)[1] is CodeKind.STATIC_CARD


def test_a_key_the_store_was_not_given_is_unknown(
    app: StoreServices, keys: KeyFile, tmp_path: Path
) -> None:
    other = KeyFile(tmp_path / "other.json")
    other.new_key(TODAY, key_id=7)

    assert refused(app, issue_card(other, ALICE, 1, TODAY)) is Verdict.UNKNOWN_KEY


def test_forged_cards_are_refused(app: StoreServices, keys: KeyFile, tmp_path: Path) -> None:
    stranger = KeyFile(tmp_path / "stranger.json")
    stranger.new_key(TODAY, key_id=1)  # claims head office's key id
    card = issue_card(keys, ALICE, 1, TODAY)
    member_changed = card[:10] + ("B" if card[10] == "A" else "A") + card[11:]

    assert refused(app, issue_card(stranger, ALICE, 1, TODAY)) is Verdict.FORGED
    assert refused(app, member_changed) is Verdict.FORGED


def test_a_retired_key_cannot_issue_after_its_last_day(app: StoreServices, keys: KeyFile) -> None:
    keys.new_key(TODAY - timedelta(days=10))
    keys.retire(1, TODAY - timedelta(days=1))
    for k in keys.public_keys():
        app.setup.add_issuer_key(k)
    old_key = keys.keys[1]
    before = codes.issue_static(old_key.private, 1, 1, 1, TODAY - timedelta(days=1))
    after = codes.issue_static(old_key.private, 1, 1, 1, TODAY)

    assert app.till.identify(before)[0].member_id == ALICE
    assert refused(app, after) is Verdict.FORGED
    assert codes.parse(issue_card(keys, ALICE, 1, TODAY)).static.key_id == 2  # type: ignore[union-attr]
    assert app.till.identify(issue_card(keys, ALICE, 1, TODAY))[0].member_id == ALICE


def test_a_code_for_a_member_the_store_does_not_have_is_not_found(
    app: StoreServices, keys: KeyFile, db_path: Path
) -> None:
    before = snapshot(db_path)

    with pytest.raises(NotFound):
        app.till.identify(issue_card(keys, "M09999999", 1, TODAY))
    with pytest.raises(NotFound):
        app.till.identify(enrol_phone(keys, "M09999999", TODAY).code(T0))

    assert snapshot(db_path) == before  # not even a replay-cache entry


# --- phone codes -----------------------------------------------------------------------------
@pytest.fixture
def bobs_phone(keys: KeyFile) -> Phone:
    return enrol_phone(keys, BOB, TODAY)


def test_a_phone_code_is_accepted_once(
    app: StoreServices, bobs_phone: Phone, clock: Clock, db_path: Path
) -> None:
    code = bobs_phone.code(clock.now)

    member, kind = app.till.identify(code)

    assert (member.member_id, kind) == (BOB, CodeKind.ROTATING_PHONE)
    assert code_uses(db_path) == [(BOB, T0.isoformat())]
    after_first = snapshot(db_path)
    assert refused(app, code) is Verdict.REPLAYED
    assert refused(app, f" {code}\n") is Verdict.REPLAYED
    assert snapshot(db_path) == after_first


def test_a_phone_code_used_at_one_till_is_refused_at_another(
    app: StoreServices, second_till: StoreServices, bobs_phone: Phone, clock: Clock
) -> None:
    code = bobs_phone.code(clock.now)
    assert app.till.identify(code)[1] is CodeKind.ROTATING_PHONE

    assert refused(second_till, code) is Verdict.REPLAYED

    # the next 30-second code is new: accepted once, at whichever till sees it first
    clock.advance(seconds=30)
    fresh = bobs_phone.code(clock.now)
    assert second_till.till.identify(fresh)[0].member_id == BOB
    assert refused(app, fresh) is Verdict.REPLAYED


def test_a_phone_code_within_the_window_then_expired(
    app: StoreServices, bobs_phone: Phone, clock: Clock
) -> None:
    code = bobs_phone.code(clock.now)
    clock.advance(seconds=60)
    assert app.till.identify(code)[0].member_id == BOB
    clock.advance(seconds=30)
    assert refused(app, bobs_phone.code(clock.now - timedelta(seconds=90))) is Verdict.PHONE_EXPIRED
    assert refused(app, bobs_phone.code(clock.now + timedelta(minutes=2))) is (
        Verdict.PHONE_CLOCK_AHEAD
    )


def test_a_refused_code_writes_nothing(
    app: StoreServices,
    keys: KeyFile,
    bobs_phone: Phone,
    clock: Clock,
    db_path: Path,
    tmp_path: Path,
) -> None:
    app.setup.revoke_card(ALICE, 1)
    other = KeyFile(tmp_path / "other.json")
    other.new_key(TODAY, key_id=9)
    stranger = KeyFile(tmp_path / "stranger.json")
    stranger.new_key(TODAY, key_id=1)
    used = bobs_phone.code(clock.now)
    app.till.identify(used)
    before = snapshot(db_path)
    cases = {
        issue_card(keys, ALICE, 1, TODAY): Verdict.REVOKED,
        issue_card(other, BOB, 1, TODAY): Verdict.UNKNOWN_KEY,
        issue_card(stranger, BOB, 1, TODAY): Verdict.FORGED,
        issue_card(keys, BOB, 1, TODAY)[:-20]: Verdict.MALFORMED,
        bobs_phone.code(clock.now - timedelta(minutes=5)): Verdict.PHONE_EXPIRED,
        bobs_phone.code(clock.now + timedelta(minutes=5)): Verdict.PHONE_CLOCK_AHEAD,
        enrol_phone(other, BOB, TODAY).code(clock.now): Verdict.UNKNOWN_KEY,
        used: Verdict.REPLAYED,
        "https://example.com/member/2": Verdict.NOT_LANTERN,
    }

    for text, expected in cases.items():
        assert refused(app, text) is expected, text

    assert snapshot(db_path) == before


# --- typed numbers and the offline limits ----------------------------------------------------
@pytest.mark.parametrize("typed", [RICH, card_number(44), "8800 0000 0044 3", "8800-0000-0044-3"])
def test_a_typed_card_number_or_member_id_identifies_as_typed(
    app: StoreServices, typed: str
) -> None:
    member, kind = app.till.identify(typed)
    assert (member.member_id, kind) == (RICH, CodeKind.TYPED_NUMBER)


def test_a_typed_number_redeems_online(app: StoreServices, cashier: Staff) -> None:
    _, kind = app.till.identify(card_number(44))
    assert isinstance(app.till.redeem(cashier, "r", RICH, (BAG_100,), kind), Receipt)


def test_offline_a_typed_number_needs_a_manager_but_a_card_does_not(
    app: StoreServices,
    keys: KeyFile,
    offline: Link,
    cashier: Staff,
    manager: Staff,
    db_path: Path,
) -> None:
    _, typed = app.till.identify(card_number(44))
    before = snapshot(db_path)

    result = app.till.redeem(cashier, "r1", RICH, (BAG_100,), typed)

    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
    assert result.offline_check is OfflineCheck.TYPED_NUMBER_OFFLINE
    assert snapshot(db_path) == before

    _, card = app.till.identify(issue_card(keys, RICH, 1, TODAY))
    assert card is CodeKind.STATIC_CARD
    receipt = app.till.redeem(cashier, "r2", RICH, (BAG_100,), card)
    assert isinstance(receipt, Receipt) and receipt.offline

    overridden = app.till.redeem(cashier, "r3", RICH, (BAG_100,), typed, override_by=manager)
    assert isinstance(overridden, Receipt) and overridden.offline
    got = rows(
        db_path, "SELECT receipt_no, code_kind, offline, override_by FROM redemptions ORDER BY 1"
    )
    assert [tuple(r)[1:] for r in got] == [("static", 1, None), ("typed", 1, "M01")]


def test_offline_a_phone_code_gets_the_higher_cap(
    app: StoreServices, keys: KeyFile, offline: Link, cashier: Staff, clock: Clock
) -> None:
    basket = (CARD_1800, WATER_200, BAG_100)  # 2100: over the static cap of 2000
    _, card = app.till.identify(issue_card(keys, RICH, 1, TODAY))
    refusal = app.till.redeem(cashier, "r1", RICH, basket, card)
    assert isinstance(refusal, Refusal)
    assert refusal.offline_check is OfflineCheck.PER_MEMBER_DAY

    _, phone = app.till.identify(enrol_phone(keys, RICH, TODAY).code(clock.now))

    assert phone is CodeKind.ROTATING_PHONE
    assert isinstance(app.till.redeem(cashier, "r2", RICH, basket, phone), Receipt)


# --- pruning the replay cache ----------------------------------------------------------------
def test_prune_code_uses_removes_only_older_entries(
    app: StoreServices, bobs_phone: Phone, clock: Clock, db_path: Path
) -> None:
    first = bobs_phone.code(clock.now)
    app.till.identify(first)
    clock.advance(minutes=10)
    app.till.identify(bobs_phone.code(clock.now))
    clock.advance(minutes=10)
    app.till.identify(bobs_phone.code(clock.now))
    assert counts(db_path)["code_uses"] == 3
    second_at = (T0 + timedelta(minutes=10)).astimezone(UTC)  # the same instant, in UTC

    with app.db.write() as conn:
        # 02:10+00:00 sorts before 10:00+08:00 as text; as instants it is after
        assert codes_repo.prune_code_uses(conn, second_at.isoformat()) == 1
    with app.db.write() as conn:
        assert codes_repo.prune_code_uses(conn, second_at.isoformat()) == 0
        assert codes_repo.prune_code_uses(conn, second_at.strftime("%Y-%m-%dT%H:%M:%SZ")) == 0

    assert [at for _, at in code_uses(db_path)] == [
        (T0 + timedelta(minutes=10)).isoformat(),
        (T0 + timedelta(minutes=20)).isoformat(),
    ]
    # a pruned code is past its window: it cannot be replayed anyway
    assert refused(app, first) is Verdict.PHONE_EXPIRED
    with app.db.write() as conn:
        later = (clock.now + timedelta(seconds=1)).astimezone(UTC).isoformat()
        assert codes_repo.prune_code_uses(conn, later) == 2
    assert counts(db_path)["code_uses"] == 0


@pytest.mark.parametrize("serial", [0, -1, 65536, 70000])
def test_impossible_serials_are_refused(app: StoreServices, serial: int) -> None:
    with pytest.raises(InvalidInput, match=r"1\.\.65535"):
        app.setup.set_card_serial("M00000001", serial)
    with pytest.raises(InvalidInput, match=r"1\.\.65535"):
        app.setup.revoke_card("M00000001", serial)
