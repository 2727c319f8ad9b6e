-- Member journeys (desktop/core/journeys.py, docs/programme-journeys.md).
-- What head office last said about the member's activity at every store: the day of the
-- last earn or redemption, and whether they ever redeemed. The till combines it with this
-- store's own earns and redemptions.
ALTER TABLE members ADD COLUMN last_active_on TEXT;
ALTER TABLE members ADD COLUMN redeemed_anywhere INTEGER NOT NULL DEFAULT 0;

-- Journeys applied to a member: this store's uses (source 'store', written with their
-- `journey` outbox event) and the ones head office reports from any store ('headoffice').
-- (member, journey, period) is once per member: the till offers none already here.
CREATE TABLE journey_uses (
    use_id        TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (member_id),
    journey       TEXT NOT NULL CHECK (journey IN ('welcome_back', 'starter', 'birthday')),
    period        TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('store', 'headoffice')),
    cashier_id    TEXT,
    bonus_points  INTEGER NOT NULL DEFAULT 0 CHECK (bonus_points >= 0),
    gift_id       TEXT,
    dormant_days  INTEGER,
    at            TEXT NOT NULL,
    UNIQUE (member_id, journey, period)
);
-- the member's last earn here (welcome back), as redemptions_member serves redemptions
CREATE INDEX earns_member ON earns (member_id, created_at);
