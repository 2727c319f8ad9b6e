"""The pure domain: points and fen, members and tiers, lots and expiry, the catalogue,
redemption decisions, earning and offline limits.

No Qt, no SQL, no I/O, and no clock: every function that needs "now" takes it as an argument.
"""
