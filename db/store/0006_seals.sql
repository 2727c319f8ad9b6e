-- Tamper evidence (docs/tamper-evidence.md): every write transaction ends with one seal, a
-- record of the hash of each row it inserted, changed or deleted (before and after) in the
-- bound tables (all but seals, schema_migrations and print_jobs), chained by an HMAC under
-- the store's chain key, which is kept outside this file (desktop/store/vault.py).
-- `lantern store check` replays the seals and compares every row with its latest seal.
CREATE TABLE seals (
    n        INTEGER PRIMARY KEY,         -- 1, 2, 3, … without gaps
    at       TEXT NOT NULL,
    rows     TEXT NOT NULL,               -- JSON {"table": {"[key]": [hash before, after]}}
    prev_mac TEXT NOT NULL,               -- the mac of seal n - 1 (64 zeros for seal 1)
    mac      TEXT NOT NULL                -- HMAC-SHA256(chain key, prev_mac ␟ n ␟ at ␟ rows ␟)
);

CREATE TRIGGER seals_append_only_u BEFORE UPDATE ON seals
BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
CREATE TRIGGER seals_append_only_d BEFORE DELETE ON seals
BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
