"""Add or edit one piece of evidence in a modal form that saves through the service.

The form saves itself (off the UI thread) and closes only when the save succeeded, returning the
evidence id through ``dismiss``. What is typed goes to the service as typed; the field it refuses is
shown under that field, named by its label; a conflict or a refused file is shown at the top; in
every case the form stays open with what was typed.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from portfolio_tui.domain.evidence import ACCEPT, DEFAULT_KIND, EVIDENCE_KINDS, REOPEN, Evidence, kind_for_title
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.suggest import Suggester
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import attachments
from portfolio_tui.services.errors import ConflictError, InputError, StoreError
from portfolio_tui.services.suggestions import criteria_suggester
from portfolio_tui.tui.screens.forms import (
    REFUSED,
    Named,
    SaveDialog,
    clear_errors,
    field_row,
    input_refused,
    save_buttons,
    show_error,
)
from portfolio_tui.tui.widgets.criteria_picker import CriteriaPicker
from portfolio_tui.tui.widgets.file_line import file_line

TITLE, DATE, KIND, HOURS, FILES, DESCRIPTION, CRITERIA = FIELDS = (
    Named("title", "Title"), Named("date", "Date"), Named("kind", "Kind"), Named("hours", "Hours"),
    Named("files", "Files/links", ("file",)), Named("description", "Description"),
    Named("criteria", "Criteria", ("simulated",)),
)
_UNSET = object()


class EvidenceForm(SaveDialog[int | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, standard: Standard, evidence: Evidence | None = None, *, as_of_text: str = "") -> None:
        super().__init__()
        self.standard = standard
        self.evidence = evidence
        self.expected_rev = evidence.rev if evidence else None
        self.as_of_text = as_of_text
        self.opened_with: dict[str, Any] = {}
        """The form's values as it opened (editing), to tell what this user changed."""
        self.kind_follows_title = evidence is None
        """A new piece's Kind follows its title's words until the user chooses one (editing, it was chosen)."""
        self.kind_shown = DEFAULT_KIND
        """The Kind the form last showed of its own accord."""

    def compose(self) -> ComposeResult:
        e = self.evidence
        heading = "Edit evidence" if e else "Add evidence"
        with Vertical(id="form-dialog"):
            yield Static(Content.styled(heading, "bold"), id="form-heading")
            if e and e.judgements:
                with VerticalScroll(id="form-feedback"):  # opens on the newest judgement (on_mount)
                    yield Static(judgement_lines(e))
            yield Static("", id="form-error", classes="field-error")
            with VerticalScroll(id="form-fields"):
                yield from field_row(TITLE.field, TITLE.label, Input(
                    clean_text(e.title) if e else "", id="title", placeholder="what you did", compact=True))
                yield from field_row(DATE.field, DATE.label, Input(
                    e.date.isoformat() if e else self.as_of_text, id="date", placeholder="2026-11-21 or 21/11/2026",
                    compact=True))
                kinds = [(Content(label), key) for key, label in EVIDENCE_KINDS.items()]
                kind = e.kind if e and e.kind in EVIDENCE_KINDS else DEFAULT_KIND
                yield from field_row(KIND.field, KIND.label, Select(kinds, value=kind, allow_blank=False, id="kind",
                                                                    compact=True))
                hours = f"{e.hours:g}" if e and e.hours is not None else ""
                yield from field_row(HOURS.field, HOURS.label, Input(hours, id="hours", compact=True,
                                                                     placeholder="optional, e.g. 1.5"))
                if e and e.files:
                    kept = SelectionList[int](*(Selection(file_line(shown), i, True) for i, shown in
                                                enumerate(attachments.shown(self.papp.path, e.files))),
                                              id="kept-files", compact=True)
                    kept.tooltip = "Ticked files stay with the piece; space unticks one to take it off"
                    yield from field_row("kept-files", "Kept files", kept)
                more = "more " if e and e.files else ""
                yield from field_row(FILES.field, FILES.label, Input(
                    "", id="files", compact=True, placeholder=f"{more}paths or links, separated by ;"))
                yield from field_row(DESCRIPTION.field, DESCRIPTION.label, TextArea(
                    clean_text(e.description, multiline=True) if e else "", id="description", compact=True,
                    soft_wrap=True, tab_behavior="focus", placeholder="what you did and what it shows (optional)"))
                yield Label(CRITERIA.label, classes="form-label")
                yield CriteriaPicker(list(self.standard.all_criteria()), e.criteria if e else (), id="criteria",
                                     suggester=self._suggester())
                yield Static("", id="criteria-error", classes="field-error")
            yield from save_buttons("Save")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        for feedback in self.query("#form-feedback").results(VerticalScroll):
            self.call_after_refresh(feedback.scroll_end, animate=False, immediate=True)
        if self.evidence is not None:
            self.opened_with = self.values()

    def changed_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """Only what this user changed since the form opened: a save after a conflict must not write back
        the other person's fields as they were when this form opened."""
        if self.evidence is None:
            return values
        return {k: v for k, v in values.items() if self.opened_with.get(k, _UNSET) != v}

    def _suggester(self) -> Suggester:
        """The ranking learns from the portfolio's pieces as the app last read them (not this piece's own tags)."""
        view = self.papp.view
        evidence = view.portfolio.evidence if view is not None else ()
        return criteria_suggester(self.standard, evidence, editing=self.evidence.id if self.evidence else None)

    @on(Input.Changed, "#title")
    @on(TextArea.Changed, "#description")
    def _suggest(self) -> None:
        """As the piece is described, the criteria that match it move to the top of the picker."""
        self.query_one(CriteriaPicker).suggest(self.query_one("#title", Input).value,
                                               self.query_one("#description", TextArea).text)

    @on(Input.Changed, "#title")
    def _kind_from_title(self, event: Input.Changed) -> None:
        """"Reflective account on ..." is a reflective account: the Kind follows the title's words
        (``domain.evidence.kind_for_title``) until the user chooses one, which is never overridden."""
        if self.kind_follows_title:
            kind = self.query_one("#kind", Select)
            self.kind_shown = kind_for_title(event.value)
            with kind.prevent(Select.Changed):  # only a change the user makes is a choice
                kind.value = self.kind_shown

    @on(Select.Changed, "#kind")
    def _kind_chosen(self, event: Select.Changed) -> None:
        """The user chose a kind (the Select also says so of the value it opened with: not a choice)."""
        if event.value != self.kind_shown:
            self.kind_follows_title = False

    @on(Input.Submitted, "#title")
    def _title_done(self) -> None:
        """Enter after the title goes straight to the suggested criteria (the other fields keep their defaults)."""
        self.query_one(CriteriaPicker).focus_list()

    def values(self) -> dict[str, Any]:
        """What is typed, as typed: the service checks it, once, and names the field it refuses."""
        return {
            "title": self.query_one("#title", Input).value,
            "date": self.query_one("#date", Input).value,
            "kind": self.query_one("#kind", Select).value,
            "description": self.query_one("#description", TextArea).text,
            "hours": self.query_one("#hours", Input).value,
            "files": [*self._kept_files(), *(f for f in self.query_one("#files", Input).value.split(";") if f.strip())],
            "criteria": list(self.query_one(CriteriaPicker).selected),
        }

    def _kept_files(self) -> list[str]:
        """The piece's files still ticked, as its record holds them (shown by name, size and type, never as
        ``sha256:<hex>/name``, and written back untouched)."""
        if self.evidence is None or not self.evidence.files:
            return []
        ticked = set(self.query_one("#kept-files", SelectionList).selected)
        return [entry for i, entry in enumerate(self.evidence.files) if i in ticked]

    def action_save(self) -> None:
        if self.saving:
            return
        clear_errors(self)
        self.set_saving(True)
        self._save(self.changed_fields(self.values()))

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, values: dict[str, Any]) -> None:
        service = self.papp.service
        try:
            if self.evidence is None:
                saved = service.add_evidence(**values, as_of=self.papp.as_of)
            elif not values:
                saved = self.evidence
            else:
                saved = service.edit_evidence(self.evidence.id, self.expected_rev, as_of=self.papp.as_of, **values)
        except InputError as exc:
            self.app.call_from_thread(self._input_refused, exc)
            return
        except ConflictError as exc:
            current = self._current_rev()
            self.app.call_from_thread(self._conflict, exc, current)
            return
        except REFUSED as exc:
            self.app.call_from_thread(self._refused, f"Not saved: {exc}")
            return
        self.saved(saved.id)

    def _current_rev(self) -> int | None:
        if self.evidence is None:
            return None
        try:
            return self.papp.service.evidence(self.evidence.id).rev
        except StoreError:
            return None

    def _input_refused(self, error: InputError) -> None:
        self.set_saving(False)
        input_refused(self, error, FIELDS)

    def _refused(self, message: str) -> None:
        """A refusal that is not about one field (a conflict, a refused file): the form's top line."""
        self.set_saving(False)
        show_error(self, "form-error", message)

    def _conflict(self, exc: ConflictError, current_rev: int | None) -> None:
        """Someone else saved this evidence since the form opened: keep what was typed, say which fields
        they changed, and let a second ctrl+s deliberately save the fields this user changed over theirs
        (the fields only they changed are kept)."""
        if current_rev is not None:
            self.expected_rev = current_rev
        who = f" by {exc.by}" if exc.by else ""
        theirs = ", ".join(exc.fields) or "some fields"
        mine = set(self.changed_fields(self.values()))
        both = [f for f in exc.fields if f in mine]
        overlap = f" You both changed {', '.join(both)}: ctrl+s keeps yours." if both else ""
        self._refused(
            f"Not saved: this evidence was changed{who} at {exc.at or 'an unknown time'} after you opened it; "
            f"they changed {theirs}.{overlap} ctrl+s saves only the fields you changed and keeps the rest of "
            "theirs; esc discards yours.",
        )
        self.notify("This evidence was changed elsewhere; nothing you typed was lost.", title="Conflict",
                    severity="warning", markup=False)


def judgement_lines(evidence: Evidence) -> Content:
    """Every judgement of the piece with its feedback, newest last, as the apprentice reads it while editing."""
    lines = []
    for judgement in evidence.judgements:
        mark = (("✔ accepted", "bold $text-success") if judgement.outcome == ACCEPT
                else ("↻ resubmitted", "bold $text-warning") if judgement.outcome == REOPEN
                else ("✗ referred", "bold $text-error"))
        about = f" {judgement.criterion}" if judgement.criterion else ""
        lines.append(Content.assemble(mark, (clean_text(f"{about} by {judgement.by} {judgement.at[:10]}: "),
                                             "$text-muted"), clean_text(judgement.feedback)))
    return Content("\n").join(lines)
