"""Power loss: what reaches the disk only at an fsync survives a power cut. Twelve real
redemptions are replayed over a VFS that drops every write not yet synced
(tests/store/_power.py), with the power cut after each COMMIT returned and, torn, at every
write of the run with a random half of the unsynced writes kept. With the store's settings
(WAL, synchronous=FULL) no committed redemption is lost and every file is sound; with
synchronous=OFF, the negative control, the harness does catch committed redemptions lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.store.vault import copy_vault
from tests.reliability import record

from ._power import power_cuts
from ._power import record as record_statements

pytestmark = [pytest.mark.store, pytest.mark.reliability]

REDEMPTIONS = 12
TORN = 160  # statements replayed with a cut at every write (about the first 5 redemptions)
SECTION = "Power-loss harness (12 redemptions, unsynced writes dropped)"


@pytest.fixture(scope="module")
def statements(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> list[str]:
    path = tmp_path_factory.mktemp("recorded") / "store.db"
    shutil.copyfile(demo_template, path)
    copy_vault(demo_template, path)
    recorded = record_statements(path, REDEMPTIONS)
    assert recorded.count("COMMIT") >= REDEMPTIONS
    return recorded


def test_wal_with_synchronous_full_loses_no_committed_redemption(
    statements: list[str], demo_template: Path, tmp_path: Path
) -> None:
    # Given the store's settings, When the power goes after each redemption committed
    result = power_cuts(demo_template, tmp_path, statements, "FULL")
    # Then every committed redemption is on the disk, and the file is sound
    assert result.committed == REDEMPTIONS and result.cuts == REDEMPTIONS
    assert (result.lost, result.unsound) == (0, [])
    record(SECTION, "WAL, synchronous=FULL (the store)", cuts=result.cuts, committed_lost=0)


def test_a_torn_write_anywhere_in_a_commit_leaves_a_sound_file(
    statements: list[str], demo_template: Path, tmp_path: Path
) -> None:
    # When the power goes at any write of the first redemptions, with a random half of
    # what was not yet synced on the disk (WAL frames, checkpointed pages)
    result = power_cuts(demo_template, tmp_path, statements[:TORN], "FULL", at_writes="torn")
    # Then the file is sound and holds every redemption whose COMMIT returned
    assert result.cuts > 3 * result.committed > 0
    assert (result.lost, result.unsound) == (0, [])
    record(SECTION, "WAL, synchronous=FULL, torn writes", cuts=result.cuts, committed_lost=0)


def test_a_kill_between_the_writes_of_a_commit_loses_and_doubles_nothing(
    statements: list[str], demo_template: Path, tmp_path: Path
) -> None:
    # When the till is killed between any two writes of the run (its writes so far in the
    # OS's cache: what a SIGKILL inside COMMIT leaves, which the statement sweep cannot)
    result = power_cuts(demo_template, tmp_path, statements[:TORN], "FULL", at_writes="kill")
    # Then the file is sound, with each redemption entirely there or not at all
    assert result.cuts > 3 * result.committed > 0
    assert (result.lost, result.unsound) == (0, [])
    record(
        "Crash-consistency sweep",
        f"redeem: SIGKILL between the writes of COMMIT ({result.committed} redemptions)",
        kill_points=result.cuts,
        lost_or_doubled=0,
    )


def test_synchronous_normal_may_lose_the_last_commit_but_stays_sound(
    statements: list[str], demo_template: Path, tmp_path: Path
) -> None:
    # For comparison: WAL with NORMAL syncs only at checkpoints
    result = power_cuts(demo_template, tmp_path, statements, "NORMAL")
    assert result.unsound == [] and result.worst <= 1
    record(SECTION, "WAL, synchronous=NORMAL", cuts=result.cuts, committed_lost=result.worst)


def test_the_harness_catches_loss_with_synchronous_off(
    statements: list[str], demo_template: Path, tmp_path: Path
) -> None:
    # Given the negative control: nothing is ever synced
    result = power_cuts(demo_template, tmp_path, statements, "OFF")
    # Then a power cut loses redemptions that were committed: the harness sees it
    assert result.committed == REDEMPTIONS
    assert result.worst == REDEMPTIONS  # the last cut finds none of the twelve
    # And torn writes without a sync damage the file itself
    torn = power_cuts(demo_template, tmp_path, statements[:TORN], "OFF", at_writes="torn")
    assert torn.damaged > 0 and torn.worst == torn.committed > 0
    record(
        SECTION,
        "WAL, synchronous=OFF (negative control)",
        cuts=result.cuts,
        committed_lost=result.worst,
    )
    record(
        SECTION,
        "WAL, synchronous=OFF, torn writes (negative control)",
        cuts=torn.cuts,
        damaged=torn.damaged,
        committed_lost=torn.worst,
    )
