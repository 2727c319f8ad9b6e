-- A campaign may be tied to an occasion (desktop/core/occasions.py: member_day, qixi,
-- valentines, mid_autumn, ...): within starts..ends it then applies only on that
-- occasion's days, every month or year. NULL: a plain campaign, as before.
-- [both]
ALTER TABLE campaigns ADD COLUMN occasion TEXT;
