-- Risk controls (desktop/core/risk.py): a staff member may be linked to a member card (a
-- cashier redeeming for their own card is the self-redemption rule); every redemption that
-- triggered a rule keeps the rule, its action and the manager who verified it; refused
-- attempts are kept for the daily reconciliation's exceptions list.
ALTER TABLE staff ADD COLUMN member_id TEXT REFERENCES members (member_id);
CREATE INDEX staff_member ON staff (member_id);
CREATE INDEX redemptions_cashier ON redemptions (cashier_id, business_day);

CREATE TABLE redemption_risks (
    redemption_id TEXT NOT NULL REFERENCES redemptions (redemption_id),
    rule          TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('verify', 'refuse')),
    verified_by   TEXT REFERENCES staff (staff_id),
    PRIMARY KEY (redemption_id, rule)
);

CREATE TABLE risk_refusals (
    request_id   TEXT PRIMARY KEY,             -- a retry of the same attempt is one row
    business_day TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    cashier_id   TEXT NOT NULL,
    rules        TEXT NOT NULL,                -- JSON list of the refusing rules
    points       INTEGER NOT NULL,
    cash_fen     INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX risk_refusals_day ON risk_refusals (business_day);
