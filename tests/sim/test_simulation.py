"""The deterministic sync simulation (tests/sim/simulation.py) at CI level: every seed of
$LANTERN_SIM_SEEDS (default 1-300) × $LANTERN_SIM_OPS operations (default 200), in
chunks of ten seeds so pytest shows progress. A failing seed prints the command that
replays it, e.g. `LANTERN_SIM_SEEDS=1234 .venv/bin/pytest tests/sim -q -k seed`."""

from __future__ import annotations

import os
import shutil
from collections import Counter

import pytest

from .simulation import (
    OPERATIONS,
    Faults,
    SimulationFailure,
    check_seed,
    check_world,
    compare,
    ho_rows,
    operations,
    parse_seeds,
    quiet,
    replay_command,
    run,
)

pytestmark = pytest.mark.sim

SEEDS = parse_seeds(os.environ.get("LANTERN_SIM_SEEDS", "1-300"))
OPS = int(os.environ.get("LANTERN_SIM_OPS", str(OPERATIONS)))
CHUNK = 10
CHUNKS = [SEEDS[i : i + CHUNK] for i in range(0, len(SEEDS), CHUNK)]
# what a chunk of ten seeds must have gone through, or the simulation tests too little
EXERCISED = (
    "dropped",
    "held_delivered",
    "duplicated",
    "answer_lost",
    "ho_crash_mid_batch",
    "store_killed",
    "store_restarts",
    "ho_restarts",
)


def _chunk_id(seeds: list[int]) -> str:
    return f"seed{seeds[0]}" if len(seeds) == 1 else f"seeds{seeds[0]}-{seeds[-1]}"


@pytest.mark.parametrize("seeds", CHUNKS, ids=[_chunk_id(c) for c in CHUNKS])
def test_seed(seeds: list[int]) -> None:
    """Each seed: the faulty run and the perfect-link run both end with every event
    stored once and every ledger sound, each store seeing head office's figures, and
    the two runs agree on everything."""
    failures: list[str] = []
    seen: Counter[str] = Counter()
    for seed in seeds:
        try:
            report = check_seed(seed, ops=OPS)
        except SimulationFailure as e:
            failures.append(str(e))
            continue
        seen.update(report.stats)
        seen.update(overdrafts=report.overdrafts, offline=report.offline_redemptions)
    if failures:
        pytest.fail(
            f"{len(failures)} of {len(seeds)} seeds failed:\n\n" + "\n\n".join(failures),
            pytrace=False,
        )
    if len(seeds) == CHUNK and OPS >= OPERATIONS:
        missing = [k for k in (*EXERCISED, "overdrafts", "offline") if not seen[k]]
        assert not missing, f"seeds {seeds} never exercised {missing}: {dict(seen)}"


def test_the_operations_depend_on_the_seed_alone() -> None:
    assert operations(7) == operations(7)
    assert operations(7) != operations(8)
    assert len(operations(7, 50)) == 50


def test_a_failure_names_the_command_that_replays_it() -> None:
    text = str(SimulationFailure(1234, "something broke", "details"))
    assert replay_command(1234) in text
    assert "LANTERN_SIM_SEEDS=1234 .venv/bin/pytest tests/sim -q -k seed" in text
    assert "python -m tests.sim.simulation --seed 1234 -v" in text
    assert parse_seeds("3,9,20-22,9") == [3, 9, 20, 21, 22]


def test_the_checks_see_a_world_that_went_wrong() -> None:
    """Not vacuous: a head-office balance off its ledger, a store that missed a change,
    and a run that differs from the perfect link are all reported."""
    with quiet():
        result, world = run(3, Faults(), ops=60, keep=True)
        assert world is not None
        try:
            assert check_world(world) == []
            member = ho_rows(world, "SELECT member_id FROM members ORDER BY member_id")[0]
            with world.db.transaction() as tx:
                tx.execute(
                    "UPDATE members SET balance = balance + 7 WHERE member_id = ?",
                    (member["member_id"],),
                )
            problems = check_world(world)
            assert any(p.startswith(f"head office: member {member['member_id']}") for p in problems)
            assert any("in the store" in p and member["member_id"] in p for p in problems)
        finally:
            world.close()
            shutil.rmtree(world.folder, ignore_errors=True)
    other = type(result)(list(result.results), {k: list(v) for k, v in result.state.items()})
    other.results[10] = "different: " + other.results[10]
    other.state["head office members"] = other.state["head office members"][1:]
    problems = compare(result, other)
    assert problems[0].startswith("operation 11:")
    assert any(p.startswith("head office members:") for p in problems)
