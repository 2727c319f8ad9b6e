-- Sync with head office (docs/sync-protocol.md): the state of the link, the outcome of
-- every event head office answered, deliveries already counted in, and 'sync' ledger rows.
--
-- Where each piece of sync state lives:
--   settings 'outbox_acked_seq'   highest outbox seq head office has stored (applied,
--                                 duplicate or rejected); the reconciliation reads it too.
--                                 Moved in the same transaction as the outcomes.
--   settings 'headoffice_url'     where head office answers (`lantern store connect`)
--   settings 'headoffice_store_id', 'headoffice_secret'
--                                 this store's credentials. The secret has to be sent as
--                                 it is (`Authorization: Lantern-Store id:secret`), so it
--                                 cannot be hashed here; it is kept only in this file
--                                 (protect the file like the till itself), never logged,
--                                 never printed by any command, never put in an error text.
--   sync_state                    pull cursor, last successful sync, last attempt.
--   sync_outcomes                 per event: applied / duplicate / conflict / parked.
--
-- Member snapshots are not kept: a snapshot from head office is applied at once as the
-- member's lots, then this store's unacknowledged events are re-applied on top
-- (desktop/services/sync_apply.py explains why that is enough).

CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    pull_cursor     INTEGER NOT NULL DEFAULT 0 CHECK (pull_cursor >= 0),
    last_success_at TEXT,                    -- the last round that pushed and pulled it all
    last_attempt_at TEXT,
    last_attempt_ok INTEGER NOT NULL DEFAULT 0 CHECK (last_attempt_ok IN (0, 1)),
    last_error      TEXT                     -- why the last round failed; NULL after a success
);
INSERT INTO sync_state (id) VALUES (1);

-- Head office's answer for each event it stored. 'rejected' is a parked event: head office
-- keeps it aside with its error for a manager; the queue moved on without it.
CREATE TABLE sync_outcomes (
    seq         INTEGER PRIMARY KEY REFERENCES outbox (seq),
    event_id    TEXT NOT NULL,
    outcome     TEXT NOT NULL
                CHECK (outcome IN ('applied', 'applied_with_conflict', 'duplicate', 'rejected')),
    conflict    TEXT,                        -- 'overdraft', 'code_replayed', …
    error       TEXT,                        -- why head office parked it
    answered_at TEXT NOT NULL
);
CREATE INDEX sync_outcomes_outcome ON sync_outcomes (outcome);

-- Stock deliveries head office announced, each counted into stock once (the delivery id is
-- the idempotency key: a page applied twice adds the stock once).
CREATE TABLE received_deliveries (
    delivery_id TEXT PRIMARY KEY,
    gift_id     TEXT NOT NULL REFERENCES gifts (gift_id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    note        TEXT,
    received_at TEXT NOT NULL
);

-- points_ledger gains the kind 'sync': the difference between the store's view of a member
-- and head office's snapshot (plus this store's unacknowledged events). SQLite cannot alter
-- a CHECK, so the table is rebuilt with the same rows, indexes and append-only triggers.
-- (DROP TABLE's implicit delete fires no trigger; nothing references points_ledger.)
CREATE TABLE points_ledger_new (
    entry_id  INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (member_id),
    lot_id    TEXT REFERENCES point_lots (lot_id),
    delta     INTEGER NOT NULL CHECK (delta <> 0),
    kind      TEXT NOT NULL
              CHECK (kind IN ('opening', 'earn', 'redeem', 'void', 'expire', 'sync')),
    ref       TEXT NOT NULL,                  -- redemption, void, earn, expiry run or sync id
    at        TEXT NOT NULL
);
INSERT INTO points_ledger_new (entry_id, member_id, lot_id, delta, kind, ref, at)
    SELECT entry_id, member_id, lot_id, delta, kind, ref, at FROM points_ledger ORDER BY entry_id;
DROP TABLE points_ledger;
ALTER TABLE points_ledger_new RENAME TO points_ledger;
CREATE INDEX points_ledger_member ON points_ledger (member_id);
CREATE INDEX points_ledger_ref ON points_ledger (ref);
CREATE TRIGGER points_ledger_append_only_u BEFORE UPDATE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
CREATE TRIGGER points_ledger_append_only_d BEFORE DELETE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
