"""The store's local SQLite database: opening and checking it, migrations, repositories,
the ledgers and the outbox. Callers get domain values from desktop.core, never rows."""
