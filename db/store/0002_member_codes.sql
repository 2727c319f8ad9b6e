-- Member codes: head-office public keys, card serials, revocations and the replay cache.

-- Public halves of head-office issuing keys (Ed25519, 32 raw bytes as hex). Several may be
-- valid at once while keys rotate; a code names the key id that signed it.
CREATE TABLE issuer_keys (
    key_id    INTEGER PRIMARY KEY CHECK (key_id BETWEEN 0 AND 255),
    public    TEXT NOT NULL CHECK (length(public) = 64),
    not_after TEXT,                      -- codes issued after this day are refused
    added_at  TEXT NOT NULL
);

-- The serial of each member's newest card; an older serial is a replaced card.
ALTER TABLE members ADD COLUMN card_serial INTEGER;

CREATE TABLE revoked_cards (
    member_no  INTEGER NOT NULL,
    serial     INTEGER NOT NULL,
    revoked_at TEXT NOT NULL,
    PRIMARY KEY (member_no, serial)
);

-- Phone codes accepted at this store: each (member, device, time step) once.
CREATE TABLE code_uses (
    replay_key TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL,
    used_at    TEXT NOT NULL
);
CREATE INDEX code_uses_used_at ON code_uses (used_at);
