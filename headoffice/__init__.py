"""The head-office side: the sync service (engine.py: protocol v1 without HTTP; app.py and
serve.py: Starlette under uvicorn), its database on SQLite or PostgreSQL (db.py, migrations in
db/headoffice/), administration (admin.py, commands.py), issuing keys and member cards.
Reuses desktop.core (and desktop.resources); never imports the store, services or UI."""
