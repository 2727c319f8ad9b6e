-- Gifts beyond physical goods (docs/programme-coupons.md): a coupon (its terms: threshold,
-- amount off, valid days) or an experience (its session: time and place; its places are its
-- stock). `terms` is JSON, NULL for goods.
ALTER TABLE gifts ADD COLUMN kind TEXT NOT NULL DEFAULT 'goods'
    CHECK (kind IN ('goods', 'coupon', 'experience'));
ALTER TABLE gifts ADD COLUMN terms TEXT;

-- One row per coupon unit redeemed, written in the redemption's own transaction: a code
-- exists only with the redemption that issued it. Voiding the redemption voids its coupons.
CREATE TABLE coupons (
    code          TEXT PRIMARY KEY,              -- canonical, with its check character
    redemption_id TEXT NOT NULL REFERENCES redemptions (redemption_id),
    gift_id       TEXT NOT NULL REFERENCES gifts (gift_id),
    valid_until   TEXT NOT NULL,                 -- ISO date, the last day it can be used
    voided_at     TEXT
);
CREATE INDEX coupons_redemption ON coupons (redemption_id);

-- Hot marks count units redeemed per gift over recent days.
CREATE INDEX redemptions_created ON redemptions (created_at);
