-- Gifts beyond physical goods (docs/programme-coupons.md): `kind` and its `terms` (JSON,
-- NULL for goods), sent to stores with the gift.
ALTER TABLE gifts ADD COLUMN kind TEXT NOT NULL DEFAULT 'goods';
ALTER TABLE gifts ADD COLUMN terms TEXT;

-- The coupon codes stores issued, recorded only with the redemption event that issued them
-- (so a code cannot exist without its redemption on record). A void of the redemption voids
-- them; `lantern headoffice coupon use` marks one used.
CREATE TABLE coupons (
    code          TEXT PRIMARY KEY,
    redemption_id TEXT NOT NULL REFERENCES redemptions (redemption_id),
    store_id      TEXT NOT NULL REFERENCES stores (store_id),
    gift_id       TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    used_at       TEXT,
    used_by       TEXT,
    voided_at     TEXT
);
CREATE INDEX coupons_redemption ON coupons (redemption_id);
