"""Applying one page of head-office changes to the store, inside the caller's transaction
(the same one that moves the pull cursor, so a page is applied whole or not at all).

Members — why no snapshot table. The design says: shown balance = head office's balance +
the effect of this store's events head office has not acknowledged. A member snapshot is
applied at once:

1. start from head office's lots and overdraft debt for the member;
2. re-apply, in outbox order, this store's events for that member with seq > the
   acknowledged seq: a redemption spends earliest-expiry first with overdraft allowed
   (the gift has left the store), a void gives back what its redemption took, an earn adds
   its lot (lot id = earn id, as head office names it), a local expiry run writes off what
   had expired on its day;
3. write the difference from the store's current lots as `sync` rows through
   `members.apply_account`, so the cached balance still equals the ledger sum. Lots the
   store knew that head office does not are emptied (ledger rows are append-only, so the
   lot rows stay, with nothing left).

That is enough without keeping snapshots because pulling happens only after a push round
completed: every event head office has applied is acknowledged by then, and everything
unacknowledged is re-applied on top. Between snapshots the store's own ledger carries on
from the last one. A void whose redemption head office already acknowledged gives back
what the redemption took *in this store's ledger*, to the same lots where they still exist
(capped at each lot's original) and as a new lot otherwise; the next snapshot after the
void is acknowledged replaces that estimate with head office's exact figures. The one
case it misses: an event head office parks leaves its effect in the store's view until
head office next sends that member (it is listed as parked for the manager meanwhile).
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from desktop.core import programme, wire
from desktop.core.errors import InvalidInput, LanternError
from desktop.core.limits import Bounds
from desktop.core.lots import ExpiryPolicy, LotId, LotTake, PointsAccount
from desktop.core.offline import OfflineLimits
from desktop.core.risk import parse_rules
from desktop.printing.designs import DesignError, parse_design
from desktop.store import catalogue as gifts_repo
from desktop.store import codes as codes_repo
from desktop.store import journeys as journeys_repo
from desktop.store import members as members_repo
from desktop.store import outbox, settings, stock_stats
from desktop.store import sync_state as sync_repo
from desktop.store.database import Tx
from desktop.sync.protocol import ChangesPage, MemberSnapshot

log = logging.getLogger(__name__)

_MEMBER_EVENTS = frozenset({"redemption", "void", "earn", "expiry", "journey"})


@dataclass
class PageResult:
    """What applying one page did; `problems` are changes skipped with the reason."""

    members: int = 0
    deliveries_received: int = 0
    deliveries_repeated: int = 0
    problems: list[str] = field(default_factory=list)


def unacknowledged_by_member(conn: Tx) -> dict[str, list[outbox.Event]]:
    """This store's events head office has not acknowledged, per member, in seq order."""
    out: dict[str, list[outbox.Event]] = defaultdict(list)
    for ev in outbox.events(conn, sync_repo.acked_seq(conn), limit=-1):
        member_id = ev.payload.get("member_id")
        if ev.kind in _MEMBER_EVENTS and isinstance(member_id, str):
            out[member_id].append(ev)
    return out


def _give_back(
    account: PointsAccount,
    takes: tuple[LotTake, ...],
    overdraft: int,
    points: int,
    *,
    day: Any,
    policy: ExpiryPolicy,
    lot_id: str,
) -> PointsAccount:
    """Give back what a redemption took (core `restore`: to the lots it came from as far as
    they have room, the rest as a new lot); `points` tops up takes this store never knew."""
    lots = {lot.lot_id for lot in account.lots}
    rest = overdraft + max(0, points - sum(t.points for t in takes) - overdraft)
    excess = LotId(lot_id)
    n = 1
    while excess in lots:
        n += 1
        excess = LotId(f"{lot_id}{n}")
    after, _ = account.restore(
        takes,
        rest,
        day=day,
        policy=policy,
        excess_lot_id=excess,
    )
    return after


def replay(
    conn: Tx,
    account: PointsAccount,
    events: Iterable[outbox.Event],
    policy: ExpiryPolicy,
    tz: tzinfo | None = None,
) -> PointsAccount:
    """Head office's account with this store's unacknowledged events applied on top, each
    on its business day (the store's date in `tz`; None: the zone it was written in)."""
    took: dict[str, tuple[tuple[LotTake, ...], int]] = {}
    for ev in events:
        p = ev.payload
        when = datetime.fromisoformat(ev.created_at)
        day = (when if tz is None else when.astimezone(tz)).date()
        points = p.get("points")
        points = points if isinstance(points, int) and not isinstance(points, bool) else 0
        if ev.kind == "redemption" and points > 0:
            spend = account.spend(points, day, allow_overdraft=True)
            account = spend.account
            took[str(p["redemption_id"])] = (spend.takes, spend.overdraft)
        elif ev.kind == "void" and points > 0:
            rid = str(p["redemption_id"])
            takes, overdraft = took.get(rid) or members_repo.redeem_takes(conn, rid)
            account = _give_back(
                account,
                takes,
                overdraft,
                points,
                day=day,
                policy=policy,
                lot_id=f"{p['void_id']}-x",
            )
        elif ev.kind == "earn" and points > 0:
            lot_id = LotId(str(p["earn_id"]))
            if all(lot.lot_id != lot_id for lot in account.lots):  # not already head office's
                account = account.earn(lot_id, points, day, policy).account
        elif ev.kind == "journey":  # bonus points: a lot named by the use id, as an earn's
            bonus = p.get("bonus_points")
            lot_id = LotId(str(p["use_id"]))
            if (
                isinstance(bonus, int)
                and not isinstance(bonus, bool)
                and bonus > 0
                and all(lot.lot_id != lot_id for lot in account.lots)
            ):
                account = account.earn(lot_id, bonus, day, policy).account
        elif ev.kind == "expiry":
            account, _ = account.expire(day)
    return account


def apply_member(
    conn: Tx,
    snap: MemberSnapshot,
    pending: list[outbox.Event],
    policy: ExpiryPolicy,
    ref: str,
    at: str,
    tz: tzinfo | None = None,
) -> None:
    """One member snapshot: details, card serial, and lots = head office's + pending."""
    member_id = snap.member.member_id
    new = members_repo.upsert_member(conn, snap.member)
    if snap.card_serial is not None:
        codes_repo.set_card_serial(conn, member_id, snap.card_serial)
    before = PointsAccount() if new else members_repo.load_account(conn, member_id)
    target = replay(conn, snap.account, pending, policy, tz)
    known = {lot.lot_id for lot in before.lots}
    for lot in target.lots:
        if lot.lot_id not in known:
            owner = sync_repo.lot_owner(conn, lot.lot_id)
            if owner is not None:
                raise LanternError(
                    f"head office sent lot {lot.lot_id} for member {member_id}, but this "
                    f"store has that lot for member {owner}; tell head office"
                )
    wanted = {lot.lot_id for lot in target.lots}
    emptied = tuple(replace(lot, remaining=0) for lot in before.lots if lot.lot_id not in wanted)
    after = PointsAccount((*target.lots, *emptied), target.debt)
    for lot in target.lots:
        if lot.lot_id in known:
            sync_repo.widen_lot_terms(conn, lot)
    members_repo.apply_account(conn, member_id, before, after, "sync", ref, at)
    journeys_repo.from_headoffice(
        conn, member_id, snap.last_active_on, snap.redeemed, snap.journeys, at
    )
    for lot in target.lots:
        if lot.lot_id in known:
            sync_repo.settle_lot_original(conn, lot)


def _apply_settings(conn: Tx, values: Mapping[str, Any], problems: list[str]) -> None:
    if "offline_limits" in values:
        limits = values["offline_limits"]
        names = {f.name for f in fields(OfflineLimits)}
        if not isinstance(limits, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in limits.values()
        ):
            problems.append(f"offline limits ignored (not whole numbers): {limits!r}")
        else:
            unknown = sorted(set(limits) - names)
            if unknown:
                log.warning("head office sent offline limits this store does not know: %s", unknown)
            clean = {k: v for k, v in limits.items() if k in names}
            settings.put(conn, "offline_limits", clean)
    if "expiry_years_kept" in values:
        years = values["expiry_years_kept"]
        if isinstance(years, int) and not isinstance(years, bool) and years >= 0:
            settings.put(conn, "expiry_years_kept", years)
        else:
            problems.append(f"expiry_years_kept ignored (not a whole number of years): {years!r}")
    if "bounds" in values:
        try:
            bounds = Bounds.from_mapping(values["bounds"])
        except (InvalidInput, TypeError, AttributeError) as e:
            problems.append(f"bounds ignored ({e}): {values['bounds']!r}")
        else:
            settings.put(conn, "bounds", bounds.as_dict())
    for key, parse in programme.PARSERS.items():
        if key in values:
            try:
                clean = parse(values[key])
            except InvalidInput as e:
                problems.append(f"{key} ignored ({e}): {values[key]!r}")
            else:
                settings.put(conn, key, clean)
    if "risk_rules" in values:
        risk_rules, bad = parse_rules(values["risk_rules"])
        problems.extend(bad)
        if isinstance(values["risk_rules"], Mapping):  # not an object: keep the rules in force
            settings.put(conn, "risk_rules", risk_rules.as_dict())
    for key in sorted(set(values) - set(wire.SETTING_KEYS)):
        log.info("head-office setting %r is not used by this store", key)


def _write_design(folder: Path, occasion: str, design: Mapping[str, Any]) -> None:
    """Validate a card design and write it atomically as `<occasion>.json`."""
    parsed = parse_design(design, f"from head office ({occasion})")
    if parsed.occasion.value != occasion:
        raise DesignError(
            f"card design from head office: sent as {occasion} but its occasion is "
            f"{parsed.occasion.value}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{occasion}.json"
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(design, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def apply_page(
    conn: Tx,
    page: ChangesPage,
    *,
    at: str,
    designs_folder: Path,
    tz: tzinfo | None = None,
) -> PageResult:
    """Apply every change of `page` (not its cursor: the caller does that in the same
    transaction). Raises, leaving the transaction to roll back, when a change cannot be
    applied without losing something (a delivery of an unknown gift, a lot that belongs to
    another member); settings and card designs that are unusable are skipped and reported."""
    result = PageResult()
    _apply_settings(conn, page.settings, result.problems)
    policy = ExpiryPolicy(int(settings.get(conn, "expiry_years_kept", 1)))
    for gift in page.gifts:
        gifts_repo.upsert_gift(conn, gift)
    for campaign in page.campaigns:
        gifts_repo.put_campaign(conn, campaign)
    for key in page.keys:
        codes_repo.put_issuer_key(conn, key, at)
    if page.members:
        pending = unacknowledged_by_member(conn)
        ref = f"sync:{page.cursor}"
        for snap in page.members:
            pending_here = pending.get(snap.member.member_id, [])
            apply_member(conn, snap, pending_here, policy, ref, at, tz)
            result.members += 1
    for r in page.revocations:
        codes_repo.revoke(conn, r.member_no, r.serial, at)
    for d in page.deliveries:
        if d.quantity <= 0:
            result.problems.append(f"delivery {d.delivery_id} ignored: quantity {d.quantity}")
            continue
        if sync_repo.receive_delivery(conn, d.delivery_id, d.gift_id, d.quantity, d.note, at):
            result.deliveries_received += 1
        else:
            result.deliveries_repeated += 1
        if d.request_id is not None:
            stock_stats.fulfil_request(conn, d.request_id, d.delivery_id, at)
    for t in page.totals:
        settings.put(
            conn,
            f"headoffice_totals:{t.day.isoformat()}",
            {"redemptions": t.redemptions, "points": t.points, "cash_fen": t.cash_fen},
        )
    for design in page.designs:
        try:
            _write_design(designs_folder, design.occasion, design.design)
        except DesignError as e:
            result.problems.append(str(e))
    for problem in result.problems:
        log.warning("sync: %s", problem)
    return result
