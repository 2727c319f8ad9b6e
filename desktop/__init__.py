"""Lantern — the store end of a retail loyalty points programme."""

__version__ = "0.1.0"
