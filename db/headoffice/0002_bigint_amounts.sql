-- Points and cash fen as 64-bit integers on PostgreSQL, as they always were on SQLite
-- (whose INTEGER is 64-bit): the bounds allow values up to 10^12 (desktop/core/limits.py),
-- and a balance beyond 2,147,483,647 must be stored, not parked for a column's width.
-- [postgresql]
ALTER TABLE members ALTER COLUMN balance TYPE BIGINT, ALTER COLUMN debt TYPE BIGINT;
ALTER TABLE lots ALTER COLUMN original TYPE BIGINT, ALTER COLUMN remaining TYPE BIGINT;
ALTER TABLE ledger ALTER COLUMN delta TYPE BIGINT;
ALTER TABLE redemptions ALTER COLUMN points TYPE BIGINT, ALTER COLUMN cash_fen TYPE BIGINT,
    ALTER COLUMN overdraft TYPE BIGINT;
ALTER TABLE deliveries ALTER COLUMN quantity TYPE BIGINT;
