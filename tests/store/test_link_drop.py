"""The offline caps apply from the first failed request to head office, not once the last
success has grown old or the client has given up retrying: a store that synced a minute ago
and then loses its link must not let a static card past its daily offline cap while the
sync round is still trying again."""

from __future__ import annotations

import functools
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.core.offline import CodeKind, OfflineCheck
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services import sync as sync_service
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store import sync_state
from desktop.store.database import open_store
from desktop.sync.client import HeadOfficeUnreachable

from ._helpers import T0, Clock, rows, snapshot, staff

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points
# 2,400 points: within the per-redemption cap (5,000), beyond a static card's 2,000 a day
CARD_2400 = (LineRequest("G1005"), LineRequest("G104", 3))


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_static_card_beyond_its_offline_cap_is_refused_as_soon_as_a_request_fails(
    db_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = StoreServices(open_store(db_path), clock)
    try:
        # Given a store connected to head office, whose last sync succeeded a minute ago
        app.sync.connect(f"http://127.0.0.1:{closed_port()}", "SH001", "s3cret")
        with app.db.write() as tx:
            sync_state.record_attempt(tx, (T0 - timedelta(minutes=1)).isoformat(), None)
        assert app.ctx.link().online
        cashier = staff(app, "C01")
        before = snapshot(db_path)
        # When head office goes away (nothing listens on its port) and a sync round runs
        # with the real client, the till redeems while the client waits to try again
        seen: list[tuple[bool, Receipt | Refusal]] = []

        def till_meanwhile(_seconds: float) -> None:
            result = app.till.redeem(cashier, f"r{len(seen)}", RICH, CARD_2400)
            seen.append((app.ctx.link().online, result))

        real_client = sync_service.HeadOfficeClient
        monkeypatch.setattr(
            sync_service,
            "HeadOfficeClient",
            functools.partial(real_client, sleep=till_meanwhile, backoff=0.0),
        )
        with pytest.raises(HeadOfficeUnreachable, match="cannot connect"):
            app.sync.sync_once()
        # Then from the first refused connection on the store was offline, and the
        # 2,400-point static card redemption was refused at its 2,000-point daily cap
        assert len(seen) == 2  # three attempts, a wait before each retry
        for online, result in seen:
            assert not online
            assert isinstance(result, Refusal), result
            assert result.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
            assert result.offline_check is OfflineCheck.PER_MEMBER_DAY
        assert snapshot(db_path) | {"sync_state": [], "link_log": []} == before | {
            "sync_state": [],
            "link_log": [],
        }
        # And the offline period starts at the failed request, for the reconciliation
        assert [r[0] for r in rows(db_path, "SELECT online FROM link_log ORDER BY rowid")] == [0]
        # And within the cap, the till keeps serving offline
        ok = app.till.redeem(cashier, "small", RICH, (LineRequest("G1005"),), CodeKind.STATIC_CARD)
        assert isinstance(ok, Receipt) and ok.offline
    finally:
        app.close()
