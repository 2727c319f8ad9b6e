-- Replenishment requests stores sent (event `replenishment`): a store's manager asks for
-- more of a gift. Head office answers with a delivery that names the request, which marks
-- it fulfilled (delivery_id, fulfilled_at); the delivery carries the request id down so the
-- store marks its own record too.
CREATE TABLE replenishment_requests (
    request_id   TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES stores (store_id),
    seq          BIGINT NOT NULL,
    gift_id      TEXT NOT NULL,
    quantity     BIGINT NOT NULL CHECK (quantity > 0),
    stock        BIGINT NOT NULL CHECK (stock >= 0),
    threshold    BIGINT NOT NULL CHECK (threshold >= 0),
    staff_id     TEXT NOT NULL,
    note         TEXT,
    requested_at TEXT NOT NULL,
    delivery_id  TEXT,
    fulfilled_at TEXT
);
CREATE INDEX replenishment_requests_open ON replenishment_requests (delivery_id, requested_at);

ALTER TABLE deliveries ADD COLUMN request_id TEXT;
