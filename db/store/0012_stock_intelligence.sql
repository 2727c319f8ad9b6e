-- Replenishment requests this store sent to head office (event `replenishment`), so the
-- stock tab can say "requested N on DATE, pending/fulfilled" and not ask twice. A request is
-- fulfilled when a head-office delivery naming it is received (delivery_id, fulfilled_at).
CREATE TABLE replenishment_requests (
    request_id   TEXT PRIMARY KEY,
    gift_id      TEXT NOT NULL REFERENCES gifts (gift_id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    stock        INTEGER NOT NULL CHECK (stock >= 0),
    threshold    INTEGER NOT NULL CHECK (threshold >= 0),
    staff_id     TEXT NOT NULL REFERENCES staff (staff_id),
    note         TEXT,
    requested_at TEXT NOT NULL,
    delivery_id  TEXT,
    fulfilled_at TEXT
);
CREATE INDEX replenishment_requests_gift ON replenishment_requests (gift_id, requested_at);
-- the last redemption of each gift is found from its stock movements
CREATE INDEX stock_ledger_kind_at ON stock_ledger (gift_id, kind, at);
