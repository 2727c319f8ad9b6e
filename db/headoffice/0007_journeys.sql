-- Member journeys (desktop/core/journeys.py): every `journey` event a store pushed. The
-- first use of (member, journey, period) is the one that counts: its bonus points are a
-- lot whose id is the use id (ledger kind 'earn', ref = use id). A later use of the same
-- key from another store (both offline) is kept with `repeated_of` naming the first, and
-- credits nothing (the event is applied with the conflict journey_repeated).
CREATE TABLE journey_uses (
    use_id        TEXT PRIMARY KEY,
    store_id      TEXT NOT NULL REFERENCES stores (store_id),
    seq           BIGINT NOT NULL,
    member_id     TEXT NOT NULL REFERENCES members (member_id),
    journey       TEXT NOT NULL CHECK (journey IN ('welcome_back', 'starter', 'birthday')),
    period        TEXT NOT NULL,
    bonus_points  BIGINT NOT NULL CHECK (bonus_points >= 0),  -- as credited here
    gift_id       TEXT,
    redemption_id TEXT,
    dormant_days  INTEGER,
    repeated_of   TEXT,
    at            TEXT NOT NULL
);
CREATE INDEX journey_uses_member ON journey_uses (member_id, journey, period);
-- the member snapshot says whether the member ever redeemed (the starter journey)
CREATE INDEX redemptions_member ON redemptions (member_id);
