"""The head-office database's migrations, `NNNN_name.sql` (SQL that SQLite and PostgreSQL
share, `-- [sqlite]` / `-- [postgresql]` blocks where they differ), applied by
headoffice/db.py. Installed as the package `headoffice.migrations`."""
