-- When the store's link to head office went down or came back, for the reconciliation's
-- offline periods. Written by the sync loop whenever the state changes.
CREATE TABLE link_log (
    at     TEXT NOT NULL,
    online INTEGER NOT NULL CHECK (online IN (0, 1)),
    detail TEXT
);
CREATE INDEX link_log_at ON link_log (at);
