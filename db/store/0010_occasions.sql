-- Occasions (docs/programme-occasions.md).
-- A campaign may be tied to an occasion (desktop/core/occasions.py: member_day, qixi,
-- valentines, mid_autumn, ...): within starts..ends it then applies only on that
-- occasion's days, every month or year. NULL: a plain campaign, as before.
ALTER TABLE campaigns ADD COLUMN occasion TEXT;
-- The blessing line printed on the redemption's greeting card (desktop/core/blessing.py).
-- Personal text: it stays at the store and is never sent to head office. NULL: none.
ALTER TABLE redemptions ADD COLUMN blessing TEXT;
