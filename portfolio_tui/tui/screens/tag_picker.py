"""Pick one piece of evidence to tag to a criterion: type to narrow, enter to choose."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.text import clean_text

SHOWN = 200
"""Options listed at once; typing narrows a bigger portfolio, so the list stays quick to build."""


class TagPicker(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "to_list", "List", id="picker.list", show=False),
    ]

    def __init__(self, criterion_id: str, choices: list[Evidence]) -> None:
        super().__init__()
        self.criterion_id = criterion_id
        self.choices = sorted(choices, key=lambda e: (e.date, e.id), reverse=True)
        self._search = {e.id: f"{e.date.isoformat()} {clean_text(e.title)} {e.kind}".lower() for e in self.choices}

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Static(Content.assemble("Tag evidence to ", (clean_text(self.criterion_id), "bold")))
            yield Input(placeholder="type to narrow; enter picks the first", id="picker-search", compact=True)
            yield OptionList(id="picker-list")
            yield Static("", id="picker-count", classes="muted")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-search", Input).focus()

    def _fill(self, query: str) -> None:
        words = query.lower().split()
        found = [e for e in self.choices if all(w in self._search[e.id] for w in words)]
        listing = self.query_one("#picker-list", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(Content.assemble((e.date.isoformat(), "$text-muted"), "  ", clean_text(e.title)), id=str(e.id))
            for e in found[:SHOWN]
        )
        if found:
            listing.highlighted = 0
        more = f" (first {SHOWN} shown; type to narrow)" if len(found) > SHOWN else ""
        if not self.choices:
            note = "Every piece of evidence is already tagged here."
        else:
            note = f"{len(found)} match{'es' if len(found) != 1 else ''}{more}"
        self.query_one("#picker-count", Static).update(Content(note))

    @on(Input.Changed, "#picker-search")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-search")
    def _submitted(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.option_count:
            self._pick(listing.get_option_at_index(listing.highlighted or 0).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        if option_id is not None:
            self.dismiss(int(option_id))

    def action_to_list(self) -> None:
        self.query_one("#picker-list", OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
