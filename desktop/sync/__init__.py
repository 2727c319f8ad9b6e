"""The head-office client: HTTP + JSON as docs/sync-protocol.md specifies it. Answers are
parsed into domain values here, so nothing past this package sees raw JSON from the wire.
Imports the domain core and httpx only: no store, no services."""
