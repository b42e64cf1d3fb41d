"""First run: create the portfolio (name, standard, start date, planned end) before anything else.

What is typed goes to ``PortfolioSession.create`` as typed; its refusal is shown under the field,
named by the field's label here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static
from textual.worker import Worker, WorkerState

from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import standards as catalog
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.tui.screens.forms import (
    REFUSED,
    Named,
    clear_error_of,
    clear_errors,
    field_row,
    input_refused,
    show_error,
    unexpected,
)
from portfolio_tui.tui.widgets.footer import PortfolioFooter

if TYPE_CHECKING:
    from portfolio_tui.tui.app import PortfolioApp

LEARNER, STANDARD, START, END = FIELDS = (
    Named("learner", "Your name"), Named("standard", "Standard"), Named("start", "Start date"),
    Named("end", "Planned end"),
)


def choice_label(standard: Standard) -> str:
    """Title, reference, version and status, and what is missing, so a provider picks the right version."""
    reference = standard.reference or standard.id
    version = standard.version if len(standard.version) <= 12 else standard.version[:11] + "…"
    # A version that is the reference again (a qualification's number) or a phrase says nothing more.
    shown = f"{reference} v{version}" if version and version not in reference and " " not in version else reference
    status = f", {standard.publication.status}" if standard.publication else ""
    label = f"{standard.title} ({shown}{status}, level {standard.level})"
    return label + (f" [partial: {standard.missing_parts}]" if standard.missing_parts else "")


class FirstRunScreen(Screen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "create", "Create", id="first_run.create"),
        Binding("escape", "quit", "Quit", id="first_run.quit"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__(id="first-run")
        self.path = path
        self.saving = False

    @property
    def papp(self) -> PortfolioApp:
        return cast("PortfolioApp", self.app)

    def compose(self) -> ComposeResult:
        standards, broken = catalog.installed()
        options = [(Content(clean_text(choice_label(i.standard))), i.standard.id) for i in standards]
        with Vertical(id="first-run-dialog"):
            yield Static(Content.styled("Create your portfolio", "bold"))
            yield Static(Content.assemble("It will be saved as ", (clean_text(str(self.path)), "italic"), "."),
                         classes="muted")
            yield Static("", id="form-error", classes="field-error")
            yield from field_row(LEARNER.field, LEARNER.label, Input(
                id="learner", compact=True, placeholder="your full name, as your training provider has it (ILR)"))
            yield from field_row(STANDARD.field, STANDARD.label,
                                 Select(options, id="standard", compact=True, prompt="pick your standard"))
            today = self.papp.as_of.isoformat()
            yield from field_row(START.field, START.label, Input(today, id="start", compact=True,
                                                                 placeholder="2026-09-01 or 01/09/2026"))
            yield from field_row(END.field, END.label, Input(id="end", compact=True,
                                                             placeholder="2027-09-01 or 01/09/2027"))
            if broken:
                yield Static(Content(f"{len(broken)} standard file(s) could not be read; see "
                                     "`portfolio standards list`."), classes="muted")
            with Horizontal(id="form-buttons"):
                yield Button("Create (ctrl+s)", id="create", variant="primary", compact=True)
                yield Button("Quit (esc)", id="quit", compact=True)
        yield PortfolioFooter()

    @on(Input.Changed)
    @on(Select.Changed)
    def _field_edited(self, event: Input.Changed | Select.Changed) -> None:
        """The refusal under a field goes when the field is edited."""
        clear_error_of(self, event.control)

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#quit")
    def _quit_pressed(self) -> None:
        self.action_quit()

    def action_quit(self) -> None:
        self.dismiss(False)

    def action_create(self) -> None:
        if self.saving:
            return
        clear_errors(self)
        standard = self.query_one("#standard", Select).value
        values: dict[str, Any] = {
            "learner": self.query_one("#learner", Input).value,
            "standard": "" if standard is Select.NULL else standard,
            "start": self.query_one("#start", Input).value,
            "end": self.query_one("#end", Input).value,
        }
        self.saving = True
        self._create(values)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.saving = False
            unexpected(self, "form-error", event.worker)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _create(self, values: dict[str, Any]) -> None:
        try:
            service = PortfolioSession.create(self.path, actor=self.papp.actor, as_of=self.papp.as_of, **values)
        except InputError as exc:
            self.app.call_from_thread(self._input_refused, exc)
        except REFUSED as exc:
            self.app.call_from_thread(self._refused, f"Not created: {exc}")
        else:
            self.papp.service = service
            self.app.call_from_thread(self.dismiss, True)

    def _input_refused(self, error: InputError) -> None:
        self.saving = False
        input_refused(self, error, FIELDS)

    def _refused(self, message: str) -> None:
        self.saving = False
        show_error(self, "form-error", message)
