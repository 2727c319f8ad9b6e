"""The head-office side: issuing keys and member cards (the HTTP service and its database
arrive with the sync work). Reuses desktop.core; never imports the store, services or UI."""
