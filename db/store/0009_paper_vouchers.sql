-- Paper fallback vouchers (docs/paper-vouchers.md): when a till itself is down, staff write
-- redemptions on pre-numbered paper vouchers (PV + 6 digits + check digit); a manager keys
-- them in later. Each becomes a normal redemption (code_kind 'paper_voucher'), and this row
-- says which paper it came from, who wrote it and when, who keyed it in, and whether the
-- member's points no longer covered it (an overdraft exception: the member's debt).
CREATE TABLE paper_vouchers (
    voucher_no    TEXT PRIMARY KEY,          -- a voucher number is keyed in once per store
    redemption_id TEXT NOT NULL UNIQUE REFERENCES redemptions (redemption_id),
    written_at    TEXT NOT NULL,             -- the date and time written on the paper
    written_by    TEXT NOT NULL REFERENCES staff (staff_id),
    keyed_in_by   TEXT NOT NULL REFERENCES staff (staff_id),
    keyed_in_at   TEXT NOT NULL,
    overdraft     INTEGER NOT NULL DEFAULT 0 CHECK (overdraft >= 0)
);
