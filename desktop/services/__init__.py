"""Application services: what the till window and the `lantern` command both call."""
