"""The PySide6 till. Every Qt import goes through desktop.ui.qt."""
