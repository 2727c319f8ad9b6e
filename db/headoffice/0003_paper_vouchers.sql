-- Paper fallback vouchers keyed in at a store (docs/paper-vouchers.md). A voucher number
-- is unique per store: the same number arriving again from that store (keyed in twice, on
-- a till restored from an older backup) is applied with the conflict `voucher_repeated`
-- and the member flagged, never double-deducted silently. The first redemption that used
-- the number stays here.
CREATE TABLE paper_vouchers (
    store_id      TEXT NOT NULL REFERENCES stores (store_id),
    voucher_no    TEXT NOT NULL,
    redemption_id TEXT NOT NULL,
    keyed_in_by   TEXT,
    written_at    TEXT,
    at            TEXT NOT NULL,
    PRIMARY KEY (store_id, voucher_no)
);
