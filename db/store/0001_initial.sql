-- Lantern store database, schema version 1.
-- Ledgers (points_ledger, stock_ledger, outbox) are append-only: triggers refuse UPDATE
-- and DELETE, so every balance can be re-derived from the rows that produced it.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE staff (
    staff_id        TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash        TEXT NOT NULL,            -- scrypt; never the PIN itself
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
);

CREATE TABLE members (
    member_id   TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    tier        TEXT NOT NULL CHECK (tier IN ('regular', 'silver', 'gold', 'platinum')),
    status      TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'closed')),
    card_number TEXT UNIQUE,
    birthday    TEXT,
    -- cached from the ledger; `lantern store check` proves both equal the ledger sums
    balance     INTEGER NOT NULL DEFAULT 0,
    debt        INTEGER NOT NULL DEFAULT 0 CHECK (debt >= 0)
);

CREATE TABLE point_lots (
    lot_id    TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (member_id),
    earned_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    original  INTEGER NOT NULL CHECK (original > 0),
    remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= original)
);
CREATE INDEX point_lots_member ON point_lots (member_id, expires_on);

-- One row per movement of points. lot_id NULL rows move the member's overdraft debt.
CREATE TABLE points_ledger (
    entry_id  INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (member_id),
    lot_id    TEXT REFERENCES point_lots (lot_id),
    delta     INTEGER NOT NULL CHECK (delta <> 0),
    kind      TEXT NOT NULL CHECK (kind IN ('opening', 'earn', 'redeem', 'void', 'expire')),
    ref       TEXT NOT NULL,                  -- redemption, void, earn or expiry run id
    at        TEXT NOT NULL
);
CREATE INDEX points_ledger_member ON points_ledger (member_id);
CREATE INDEX points_ledger_ref ON points_ledger (ref);

CREATE TABLE gifts (
    gift_id             TEXT PRIMARY KEY,
    name_zh             TEXT NOT NULL,
    name_en             TEXT NOT NULL,
    category            TEXT NOT NULL,
    prices              TEXT NOT NULL,        -- JSON [[points, cash_fen], ...]; first is default
    min_tier            TEXT NOT NULL DEFAULT 'regular',
    active_from         TEXT,
    active_until        TEXT,
    low_stock_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
    stock               INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0)  -- cached from stock_ledger
);

CREATE TABLE stock_ledger (
    entry_id   INTEGER PRIMARY KEY,
    gift_id    TEXT NOT NULL REFERENCES gifts (gift_id),
    delta      INTEGER NOT NULL CHECK (delta <> 0),
    kind       TEXT NOT NULL CHECK (kind IN ('receive', 'redeem', 'void', 'adjust')),
    ref        TEXT NOT NULL,
    staff_id   TEXT,
    reason     TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX stock_ledger_gift ON stock_ledger (gift_id);

CREATE TABLE business_days (
    day       TEXT PRIMARY KEY,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL REFERENCES staff (staff_id),
    closed_at TEXT,
    closed_by TEXT REFERENCES staff (staff_id)
);

-- Every operation a retry can repeat carries a request id; the hash of its content tells a
-- genuine retry (answered with the original result) from a reused id (refused).
CREATE TABLE requests (
    request_id   TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    result_ref   TEXT NOT NULL,
    at           TEXT NOT NULL
);

CREATE TABLE redemptions (
    redemption_id  TEXT PRIMARY KEY,
    receipt_no     TEXT NOT NULL UNIQUE,
    business_day   TEXT NOT NULL REFERENCES business_days (day),
    member_id      TEXT NOT NULL REFERENCES members (member_id),
    cashier_id     TEXT NOT NULL REFERENCES staff (staff_id),
    points         INTEGER NOT NULL CHECK (points >= 0),
    cash_fen       INTEGER NOT NULL CHECK (cash_fen >= 0),
    balance_before INTEGER NOT NULL,
    balance_after  INTEGER NOT NULL,
    code_kind      TEXT NOT NULL,
    offline        INTEGER NOT NULL,
    override_by    TEXT REFERENCES staff (staff_id),
    created_at     TEXT NOT NULL
);
CREATE INDEX redemptions_day ON redemptions (business_day);
CREATE INDEX redemptions_member ON redemptions (member_id, business_day);

CREATE TABLE redemption_lines (
    redemption_id TEXT NOT NULL REFERENCES redemptions (redemption_id),
    line_no       INTEGER NOT NULL,
    gift_id       TEXT NOT NULL REFERENCES gifts (gift_id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    points_each   INTEGER NOT NULL,
    cash_fen_each INTEGER NOT NULL,
    PRIMARY KEY (redemption_id, line_no)
);

CREATE TABLE voids (
    void_id       TEXT PRIMARY KEY,
    redemption_id TEXT NOT NULL UNIQUE REFERENCES redemptions (redemption_id),
    manager_id    TEXT NOT NULL REFERENCES staff (staff_id),
    cashier_id    TEXT NOT NULL REFERENCES staff (staff_id),
    reason        TEXT NOT NULL,
    balance_after INTEGER NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE earns (
    earn_id     TEXT PRIMARY KEY,
    member_id   TEXT NOT NULL REFERENCES members (member_id),
    cashier_id  TEXT NOT NULL REFERENCES staff (staff_id),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    points      INTEGER NOT NULL CHECK (points >= 0),
    campaign_id TEXT,
    balance_after INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE campaigns (
    campaign_id         TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    starts              TEXT NOT NULL,
    ends                TEXT NOT NULL,
    multiplier_permille INTEGER NOT NULL CHECK (multiplier_permille > 0),
    tiers               TEXT NOT NULL DEFAULT ''   -- comma-separated; empty = every tier
);

-- The transactional outbox: each event is written in the same transaction as its effect,
-- with a UUID, a per-store sequence number and a hash chaining it to the event before.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TRIGGER points_ledger_append_only_u BEFORE UPDATE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
CREATE TRIGGER points_ledger_append_only_d BEFORE DELETE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
CREATE TRIGGER stock_ledger_append_only_u BEFORE UPDATE ON stock_ledger
BEGIN SELECT RAISE(ABORT, 'stock_ledger is append-only'); END;
CREATE TRIGGER stock_ledger_append_only_d BEFORE DELETE ON stock_ledger
BEGIN SELECT RAISE(ABORT, 'stock_ledger is append-only'); END;
CREATE TRIGGER outbox_append_only_u BEFORE UPDATE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END;
CREATE TRIGGER outbox_append_only_d BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END;
