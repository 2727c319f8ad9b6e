"""Widgets the screens are built from: the member panel, the gift catalogue grid, the basket,
and the till's theme."""
