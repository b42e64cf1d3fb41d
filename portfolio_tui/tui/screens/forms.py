"""What the forms share (the evidence form, the decision dialogs, the first-run screen): a labelled
field with its error line under it, Save and Cancel buttons, a refusal shown where it belongs, and a
dialog that closes only when its save succeeded.

Forms check nothing themselves. They collect what is typed, as typed, and the services check it once
(``services.validation``), raising one :class:`InputError` named the way the CLI names the field. A
form declares each field once (:class:`Named`: its widget, its label, the service's names for it),
so the refusal names the label the user sees ("Hours: must not be negative") and focuses that field;
a refusal outside any form (a notice) names the field by :data:`LABELS`.

A refusal can quote user text (a name in a conflict, a path in a refused file), so it is cleaned and
shown as ``Content``, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea
from textual.worker import Worker, WorkerState

from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.errors import InputError, StoreError

if TYPE_CHECKING:
    from portfolio_tui.tui.app import PortfolioApp

T = TypeVar("T")

REFUSED = (StoreError, NotAllowed)
"""What the service refuses for a reason other than what was typed: a file that is refused, busy or
changed elsewhere, or an account that may not make the change."""

LABELS = {
    "criteria": "Criteria", "evidence": "Evidence", "feedback": "Feedback", "outcome": "Outcome",
    "role": "Role", "reason": "Reason", "milestone": "Milestone", "review": "Review", "break": "Break",
    "date": "Date", "on": "Date", "key": "Item", "signed_by": "Name", "comment": "Comment",
    "otj_target_hours": "Off-the-job target", "contracted_hours_per_week": "Contracted hours a week",
    "learner": "Learner profile", "decision": "Decisions",
}
"""The service's names for fields, as the TUI words them where no form field shows them (a notice
after a key press, a refusal of something the form does not ask)."""


@dataclass(frozen=True)
class Named:
    """One field of a form: ``field`` is the widget's id (and the service's name for it), ``label`` what
    the form calls it, ``also`` any other names the service gives what it holds."""

    field: str
    label: str
    also: tuple[str, ...] = ()


def placed(error: InputError, fields: Iterable[Named]) -> tuple[str | None, str]:
    """Where a refusal belongs in a form (the field's widget id, or ``None`` for the form's top line) and
    its one line, naming the field by the form's label for it (the CLI names it by its option)."""
    for f in fields:
        if error.field == f.field or error.field in f.also:
            return f.field, error.named({error.field: f.label})
    return None, error.named(LABELS)


def input_refused(screen: Screen, error: InputError, fields: Iterable[Named], box_id: str = "form-error") -> None:
    """Show the service's refusal of what was typed: under its field when the field has an error line
    (else in ``box_id``), named by its label, and focus the field so it can be put right."""
    field, line = placed(error, fields)
    try:
        target = screen.query_one(f"#{field}-error", Static) if field else None
    except NoMatches:
        target = None
    show_error(screen, target.id if target is not None and target.id else box_id, line)
    if field:
        try:
            screen.query_one(f"#{field}").focus()
        except NoMatches:
            pass


def field_row(field: str, label: str, widget: Widget) -> ComposeResult:
    """A labelled field, and the line under it where a refusal of that field is shown."""
    with Horizontal(classes="form-row"):
        yield Label(label, classes="form-label")
        yield widget
    yield Static("", id=f"{field}-error", classes="field-error")


def save_buttons(save_label: str) -> ComposeResult:
    with Horizontal(id="form-buttons"):
        yield Button(f"{save_label} (ctrl+s)", id="save", variant="primary", compact=True)
        yield Button("Cancel (esc)", id="cancel", compact=True)


def show_error(screen: Screen, box_id: str, message: str) -> None:
    box = screen.query_one(f"#{box_id}", Static)
    box.update(Content(clean_text(message)))
    box.add_class("-shown")


def unexpected(screen: Screen, box_id: str, worker: Worker) -> None:
    """A save that failed for a reason nobody foresaw: shown in the form, which stays open as typed.

    Save workers run with ``exit_on_error=False``, so such a failure reaches here instead of closing
    the app (and everything typed in it).
    """
    error = worker.error
    screen.app.log.error(f"save failed: {error!r}")
    show_error(screen, box_id, f"Not saved: an unexpected error ({type(error).__name__}: {error}). "
                               "What you typed is still here; try again, or esc to leave it.")


def clear_errors(screen: Screen) -> None:
    for box in screen.query(".field-error").results(Static):
        box.remove_class("-shown")
        box.update("")


def field_of(screen: Screen, control: Widget) -> str | None:
    """The form field ``control`` belongs to (its own id, or the nearest container's, such as the criteria
    picker around its list) when the screen has an error line for it."""
    node: Any = control
    while node is not None and node is not screen:
        if node.id and screen.query(f"#{node.id}-error"):
            return str(node.id)
        node = node.parent
    return None


def clear_error_of(screen: Screen, control: Widget) -> str | None:
    """Take down the refusal under the field ``control`` belongs to, once the person edits it (it stayed until
    the next save, naming a value no longer there); returns that field's id."""
    field = field_of(screen, control)
    if field is not None:
        box = screen.query_one(f"#{field}-error", Static)
        box.remove_class("-shown")
        box.update("")
    return field


def typed_state(screen: Screen) -> tuple[Any, ...]:
    """Everything typed, chosen or ticked in a form, to tell a filled form from an untouched one."""
    state: list[Any] = []
    for widget in screen.query("Input, TextArea, Select, Checkbox, SelectionList"):
        if isinstance(widget, Input):
            state.append(widget.value)
        elif isinstance(widget, TextArea):
            state.append(widget.text)
        elif isinstance(widget, Select):
            state.append(widget.value)
        elif isinstance(widget, Checkbox):
            state.append(widget.value)
        elif isinstance(widget, SelectionList):
            state.append(tuple(widget.selected))
    return tuple(state)


class ConfirmDialog(ModalScreen[bool]):
    """One question, y or n: before discarding a filled form or removing a piece of evidence."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "No", id="confirm.escape", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Content(clean_text(self.question)))
            with Horizontal(id="form-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error", compact=True)
                yield Button(f"{self.no} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class SaveDialog(ModalScreen[T]):
    """A modal that saves through the service in a worker thread and closes only when the save
    succeeded; until then a refusal is shown in it and what was typed stays. Esc on a form with
    anything typed asks before throwing it away."""

    saving = False
    ERROR_BOX = "form-error"
    """Where a refusal that belongs to no field is shown."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.set_saving(False)
            unexpected(self, self.ERROR_BOX, event.worker)

    untouched: tuple[Any, ...] | None = None

    @property
    def papp(self) -> PortfolioApp:
        return cast("PortfolioApp", self.app)

    def on_mount(self) -> None:
        self.call_after_refresh(self._remember_untouched)

    def _remember_untouched(self) -> None:
        self.untouched = typed_state(self)

    @property
    def filled(self) -> bool:
        return self.untouched is not None and typed_state(self) != self.untouched

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def _field_edited(self, event: Input.Changed | TextArea.Changed | Select.Changed | Checkbox.Changed
                      | SelectionList.SelectedChanged) -> None:
        self.field_edited(event.control)

    def field_edited(self, control: Widget) -> None:
        """A field was edited: its refusal goes (the form's top line stays until the next save)."""
        clear_error_of(self, control)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.filled:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard what you typed in this form?", "Discard", "Keep editing"),
                             answered)

    def set_saving(self, saving: bool) -> None:
        """While a save runs, ctrl+s and the Save button do nothing."""
        self.saving = saving
        self.query_one("#save", Button).disabled = saving

    def saved(self, result: T) -> None:
        """In the save's worker thread: show the portfolio as saved, then close with ``result``."""
        self.papp.load_and_show()
        self.app.call_from_thread(self.dismiss, result)


class RecordDialog(SaveDialog[bool]):
    """A dialog that records one thing through the service: one error line above its buttons for
    every refusal. Subclasses say what is typed (:meth:`values`) and what the change is (:meth:`write`)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]
    ERROR_BOX = "dialog-error"

    def buttons(self, save_label: str) -> ComposeResult:
        yield Static("", id="dialog-error", classes="field-error")
        yield from save_buttons(save_label)

    def refuse(self, message: str) -> None:
        self.set_saving(False)
        show_error(self, "dialog-error", message)

    def action_save(self) -> None:
        if self.saving:
            return
        self.set_saving(True)
        self.query_one("#dialog-error", Static).remove_class("-shown")
        self._save(self.values())

    def values(self) -> dict[str, Any]:
        """What is typed, as typed: :meth:`write`'s service checks it and names what is wrong."""
        raise NotImplementedError

    def named_fields(self) -> tuple[Named, ...]:
        """The dialog's fields, so a refusal names the label shown and focuses the field."""
        return ()

    refused_field: str | None = None
    """The field the dialog's one error line is about, when it is about one."""

    def input_refused(self, error: InputError) -> None:
        self.set_saving(False)
        self.refused_field = placed(error, self.named_fields())[0]
        input_refused(self, error, self.named_fields(), "dialog-error")

    def field_edited(self, control: Widget) -> None:
        """The dialog's one error line goes when the field it names is edited."""
        node: Any = control
        while node is not None and node is not self:
            if self.refused_field is not None and node.id == self.refused_field:
                self.refused_field = None
                box = self.query_one("#dialog-error", Static)
                box.remove_class("-shown")
                box.update("")
                return
            node = node.parent

    def write(self, values: dict[str, Any]) -> None:
        """The change, through the service (runs in a worker thread)."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="dialog-save", exit_on_error=False)
    def _save(self, values: dict[str, Any]) -> None:
        try:
            self.write(values)
        except InputError as exc:
            self.app.call_from_thread(self.input_refused, exc)
            return
        except REFUSED as exc:
            self.app.call_from_thread(self.refuse, f"Not saved: {exc}")
            return
        self.saved(True)


def row(label: str, widget: Widget, label_width: int | None = None) -> ComposeResult:
    """A labelled field in a record dialog (its refusals go on the dialog's one error line); its label
    column ``label_width`` cells wide where the form's labels need more than the usual 13."""
    with Horizontal(classes="form-row"):
        shown = Label(label, classes="form-label")
        if label_width is not None:
            shown.styles.width = label_width
        yield shown
        yield widget

