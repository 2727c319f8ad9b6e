"""The tabs of the manager screen (desktop/ui/screens/manager.py), one module each."""
