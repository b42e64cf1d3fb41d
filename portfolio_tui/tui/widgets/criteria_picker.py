"""Pick criteria from a standard: type to narrow the list, space to tick. The ticked set survives
filtering, because SelectionList forgets the selection of options it no longer holds.

The form tells the picker what the apprentice is writing (:meth:`CriteriaPicker.suggest`); the
criteria that match it best (``services.suggestions``: BM25 over the criteria's texts and contexts, a
little for the rest of the best match's group, the apprentice's earlier pieces with a close title, and
the criteria not evidenced yet) come first, so tagging a piece is usually enter, space, down, space.
Those the text itself points to (a word of the criterion, or of what the standard's source says about
it, its context) are marked ★; those that lead only because they are not evidenced yet (or sit beside
a match) are marked ○, so the apprentice can tell a reading of their words from a reminder of what is
missing."""

from __future__ import annotations

from typing import Self

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from portfolio_tui.domain.standard import Criterion
from portfolio_tui.domain.suggest import Suggester
from portfolio_tui.domain.text import clean_text

SUGGESTED = 5
"""How many suggestions lead the list."""


def criterion_prompt(criterion: Criterion, ticked: bool, suggested: bool = False, matched: bool = True) -> Content:
    """The tick is spelt out as well as coloured, so it reads with NO_COLOR too; a suggestion the text
    matches is starred, one that leads only because it is not evidenced yet gets a hollow mark."""
    mark = (("✔ ", "bold $text-success") if ticked else ("★ ", "$text-accent") if suggested and matched
            else ("○ ", "$text-muted") if suggested else ("  ", ""))
    return Content.assemble(mark, (clean_text(criterion.id), "bold"), " ", clean_text(criterion.label))


class SearchBox(Input):
    """The picker's search box. Space in it while it is empty ticks the list's first entry (the best
    suggestion) and moves to the list: a space starts no search, and the hint in the box says space ticks,
    so tabbing in from the description and pressing space must tick. After a word, space searches on."""

    class SpaceOnEmpty(Message):
        pass

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "space" and not self.value.strip():
            event.stop()
            event.prevent_default()
            self.post_message(self.SpaceOnEmpty())
            return
        await super()._on_key(event)


class CriteriaPicker(Vertical):
    DEFAULT_CSS = """
    CriteriaPicker { height: auto; }
    CriteriaPicker > SelectionList { height: 8; border: none; padding: 0; background: $boost; }
    CriteriaPicker > SelectionList:focus { border: none; background-tint: $foreground 5%; }
    CriteriaPicker > .picker-summary { color: $text-muted; height: auto; }
    """

    def __init__(self, criteria: list[Criterion], selected: tuple[str, ...] = (), *, suggester: Suggester,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.criteria = criteria
        self._by_id = {c.id: c for c in criteria}
        self.selected: list[str] = [c for c in selected]
        self._search = {c.id: f"{c.id} {c.title} {c.text}".lower() for c in criteria}
        self.suggester = suggester
        self.suggested: list[str] = []
        self.matched: frozenset[str] = frozenset()
        """The suggestions the text itself points to (starred); the others lead as not evidenced yet."""

    def compose(self) -> ComposeResult:
        yield SearchBox(
            placeholder="★ matches, ○ not evidenced; type to search, space: tick",
            id="criteria-search", compact=True
        )
        yield SelectionList[str](*self._options(""), id="criteria-list")
        yield Static(self._summary(), classes="picker-summary")

    def focus(self, scroll_visible: bool = True) -> Self:
        """The search box takes the focus, so a form that refuses the criteria puts the cursor there."""
        self.query_one("#criteria-search", Input).focus(scroll_visible)
        return self

    def _options(self, query: str) -> list[Selection[str]]:
        words = query.lower().split()
        shown = [c for c in self.criteria if all(w in self._search[c.id] for w in words)]
        first = {cid: i for i, cid in enumerate(self.suggested)}
        shown.sort(key=lambda c: first.get(c.id, len(first)))
        return [
            Selection(criterion_prompt(c, c.id in self.selected, c.id in first, c.id in self.matched), c.id,
                      c.id in self.selected, id=c.id)
            for c in shown
        ]

    def suggest(self, title: str, description: str) -> None:
        """Put the criteria that best match what the piece says about itself first."""
        suggested = self.suggester.rank(title, description, SUGGESTED)
        matched = self.suggester.matching(title, description) & set(suggested)
        if suggested == self.suggested and matched == self.matched:
            return
        self.suggested, self.matched = suggested, matched
        self._refill(self.query_one("#criteria-search", Input).value)

    def focus_list(self) -> None:
        """To the list, on its first entry (the best suggestion)."""
        listing = self.query_one("#criteria-list", SelectionList)
        if listing.option_count:
            listing.highlighted = 0
        listing.focus()

    def _refill(self, query: str) -> None:
        listing = self.query_one("#criteria-list", SelectionList)
        listing.clear_options()
        listing.add_options(self._options(query))
        if listing.option_count:
            listing.highlighted = 0

    def _summary(self) -> Content:
        if not self.selected:
            return Content("No criteria ticked (space ticks the highlighted one).")
        return Content(f"Ticked {len(self.selected)}: " + ", ".join(clean_text(c) for c in self.selected))

    @on(Input.Changed, "#criteria-search")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._refill(event.value)

    @on(SearchBox.SpaceOnEmpty)
    def _tick_first(self, event: SearchBox.SpaceOnEmpty) -> None:
        event.stop()
        listing = self.query_one("#criteria-list", SelectionList)
        if listing.option_count:
            listing.highlighted = 0
            listing.focus()
            listing.action_select()

    @on(Input.Submitted, "#criteria-search")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#criteria-list", SelectionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Down from the search box goes to the list, as it does in every search-then-pick control; in the
        list, typing (or backspace) goes on searching and up from the top goes back to the search box, so
        no keystroke is lost and a space meant for a new search never unticks the last pick."""
        search = self.query_one("#criteria-search", Input)
        listing = self.query_one("#criteria-list", SelectionList)
        focused = self.screen.focused
        if focused is search and event.key == "down":
            listing.focus()
        elif focused is listing and event.key == "up" and not listing.highlighted:
            search.focus()
        elif focused is listing and event.key == "backspace":
            self._search_again(search.value[:-1])
        elif focused is listing and event.is_printable and event.character not in (None, " "):
            self._search_again(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def _search_again(self, query: str) -> None:
        """Back to the search box holding ``query``, the cursor after it: a new word starts a new search
        (the last one's picks are made), backspace edits the last one. The box's select-all on focus
        is held off for this focus, or the next key typed would replace what this one put there."""
        search = self.query_one("#criteria-search", Input)
        search.select_on_focus = False
        search.value = query
        search.cursor_position = len(query)
        search.focus()
        self.call_after_refresh(setattr, search, "select_on_focus", True)

    @on(SelectionList.SelectionToggled, "#criteria-list")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        value = event.selection.value
        if value in self.selected:
            self.selected.remove(value)
        else:
            self.selected.append(value)
        listing = self.query_one("#criteria-list", SelectionList)
        listing.replace_option_prompt(value, criterion_prompt(self._by_id[value], value in self.selected,
                                                              value in self.suggested, value in self.matched))
        self.query_one(".picker-summary", Static).update(self._summary())
