"""Number fields that behave as a new cashier expects: focus (a click or Tab) selects what is
in the field, so typing `10` gives 10 and not 110; Ctrl+A selects it too.

`select_on_focus(line_edit)` gives any QLineEdit that behaviour (the Settings tab's limits);
`NumberBox` is a QSpinBox with it (stock quantities)."""

from __future__ import annotations

from desktop.ui.qt import QEvent, QKeyEvent, QKeySequence, QLineEdit, QObject, QSpinBox, QTimer


class _SelectOnFocus(QObject):
    """An event filter on a line edit: select everything when focus comes in, and again when
    the click that brought it in is released (a click would otherwise place the cursor)."""

    def __init__(self, edit: QLineEdit, owner: QObject) -> None:
        super().__init__(owner)
        self.edit = edit
        self.after_click = False
        self.typed = False  # a key came since focus came in: a late select must not undo it

    def select(self) -> None:
        self.edit.selectAll()

    def select_later(self) -> None:
        QTimer.singleShot(0, lambda: None if self.typed else self.select())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            self.after_click, self.typed = True, False
            self.select_later()
        elif kind == QEvent.Type.FocusOut:
            self.after_click = False
        elif kind == QEvent.Type.MouseButtonRelease and self.after_click:
            self.after_click = False
            self.select_later()
        elif kind == QEvent.Type.KeyPress:
            self.after_click, self.typed = False, True  # typing: a later click places the cursor
        if (
            kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.SelectAll)
        ):
            event.accept()  # no window shortcut takes Ctrl+A from a number field
            if kind == QEvent.Type.KeyPress:
                self.select()
            return kind == QEvent.Type.KeyPress
        return False


def select_on_focus(edit: QLineEdit) -> None:
    edit.installEventFilter(_SelectOnFocus(edit, edit))


class NumberBox(QSpinBox):
    """A whole-number spin box that selects its contents on focus (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        edit = self.lineEdit()
        assert edit is not None
        self._select = _SelectOnFocus(edit, self)
        self.installEventFilter(self._select)  # focus and keys come to the spin box
        edit.installEventFilter(self._select)  # clicks come to its line edit
