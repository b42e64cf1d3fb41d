"""What the forms share (the evidence form, the decision dialogs, the first-run screen): a labelled
field with its error line under it, Save and Cancel buttons, a refusal shown where it belongs, and a
dialog that closes only when its save succeeded.

A refusal can quote user text (a name in a conflict, a path in a refused file), so it is cleaned and
shown as ``Content``, never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Label, Static
from textual.worker import Worker, WorkerState

from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.errors import StoreError

if TYPE_CHECKING:
    from portfolio_tui.tui.app import PortfolioApp

T = TypeVar("T")

REFUSED = (StoreError, NotAllowed)
"""What the service refuses for a reason other than what was typed: a file that is refused, busy or
changed elsewhere, or an account that may not make the change."""


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


def show_field_error(screen: Screen, fields: tuple[str, ...], field: str, message: str) -> None:
    """Show a refusal under its field and focus that field; one of no field in ``fields`` goes on
    the line at the top (``#form-error``)."""
    if field in fields:
        show_error(screen, f"{field}-error", message)
        screen.query_one(f"#{field}").focus()
    else:
        show_error(screen, "form-error", message)


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


class SaveDialog(ModalScreen[T]):
    """A modal that saves through the service in a worker thread and closes only when the save
    succeeded; until then a refusal is shown in it and what was typed stays."""

    saving = False
    ERROR_BOX = "form-error"
    """Where a refusal that belongs to no field is shown."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.set_saving(False)
            unexpected(self, self.ERROR_BOX, event.worker)

    @property
    def papp(self) -> PortfolioApp:
        return cast("PortfolioApp", self.app)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    def set_saving(self, saving: bool) -> None:
        """While a save runs, ctrl+s and the Save button do nothing."""
        self.saving = saving
        self.query_one("#save", Button).disabled = saving

    def saved(self, result: T) -> None:
        """In the save's worker thread: show the portfolio as saved, then close with ``result``."""
        self.papp.load_and_show()
        self.app.call_from_thread(self.dismiss, result)
