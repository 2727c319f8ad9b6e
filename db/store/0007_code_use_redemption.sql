-- A phone code's use names the redemption it paid for, so that redemption's event can carry
-- the code's replay key to head office (docs/sync-protocol.md): head office then catches
-- the same phone code used at two stores, which no single store's replay cache can see.
-- Only the first redemption after a scan carries the key; a second one in the same visit
-- does not, so it is not mistaken for a replay.
ALTER TABLE code_uses ADD COLUMN redemption_id TEXT;
CREATE INDEX code_uses_member ON code_uses (member_id, used_at);
