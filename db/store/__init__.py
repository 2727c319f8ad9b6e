"""The store database's migrations, `NNNN_name.sql`, applied in order by
desktop/store/database.py. Installed as the package `desktop.store.migrations`."""
