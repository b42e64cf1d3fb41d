"""The caseload: every learner in a cohort folder that the viewer may see, riskiest first.

A tutor sees their caseload, a line manager only their own apprentices (the folder's roster
decides; without a roster, every portfolio in the folder). Each file is checked off the UI thread
with the same readiness rules as ``portfolio gateway``; a file that cannot be read is a row of its
own, first, with the reason. Enter opens the learner's dashboard.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from portfolio_tui.domain import grading
from portfolio_tui.domain.portfolio import changed_outside_text
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.caseload import Caseload
from portfolio_tui.services.views import CaseloadRow, CaseloadView
from portfolio_tui.tui.render import days_phrase, plural
from portfolio_tui.tui.widgets.evidence_table import Column, EvidenceTable, TableRow
from portfolio_tui.tui.widgets.fit_lines import FitLines
from portfolio_tui.tui.widgets.footer import PortfolioFooter

if TYPE_CHECKING:
    from portfolio_tui.tui.app import CaseloadApp

NEXT_FAIR = 22
"""The next milestone's share before a long standard's title takes the rest: its days and the first words
of its name ("-107d Review progress…"), where leftover width alone often gave "-82d…"."""
NAME_FAIR = 20
"""A learner's name's share before the standard's title grows: one long name ("Maximilian Oyelaran-Bartholomew
Featherstonehaugh") cut at a word, where it took every row's standard to "Public Service…" and its next
milestone to "-164d…" at 120 columns (the line under the table gives the name whole)."""
COLUMNS = [
    Column("learner", "Learner", 10, grow=True, breaks=" -", fair=NAME_FAIR),
    Column("standard", "Standard", 14, grow=True, fair=24),
    Column("rag", "RAG", 5),
    Column("coverage", "Covered", 7),
    Column("assess", "Assess", 8),
    Column("overdue", "Late", 7),
    Column("next", "Next", 6, grow=True, fair=NEXT_FAIR, whole_words=True),
    Column("end", "Ends", 5),
    Column("grade", "Grade", 11),
]
NARROW = {"learner", "rag", "coverage", "assess", "overdue", "end", "grade"}
"""The columns kept below 100 columns: the detail line under the table gives the standard and what is next."""
WIDE_FROM = 100
FULL_TITLES_FROM = 120
"""From here every standard's title is shown whole, as a tutor with several standards on one caseload needs
("ILM Level 5 Certificate in Service Improvement", "OCR Customer Service NVQ and Diplomas, Levels 1 to 4"),
and the next milestone takes what is left (its days at least; the line under the table spells it out). Below,
the next milestone's fair share comes first and a long title is cut at a word."""
SORTS = ("risk", "learner", "assess", "coverage", "end")
WATCH_SECONDS = 1.0
"""How often an open caseload looks for portfolios added or changed elsewhere (seen within 2 s)."""
SORT_LABELS = {"risk": "risk", "learner": "name", "assess": "awaiting assessment", "coverage": "coverage",
               "end": "planned end"}
RAG_STYLE = {"red": "caseload--red", "amber": "caseload--amber", "green": "caseload--green"}
SHORT_GRADES = {grading.NOT_YET: "Not yet", grading.NO_RULE: "No rule"}
"""Grades too long for the column; the detail line under the table spells them out."""


def _days(days: int) -> str:
    return f"{days}d"


def table_row(row: CaseloadRow) -> TableRow:
    report = row.report
    if report is None:
        # The row names the file already: the cell keeps what comes after "<path>: ".
        why = row.error.split(f"{clean_text(str(row.path))}: ", 1)[-1]
        return TableRow(row.key, (row.file_name, "-", "ERROR", "", "", "", why, "", ""),
                        ("", "", "caseload--red", "", "", "", "caseload--red", "", ""))
    nxt = report.next_milestone
    upcoming = f"{_days((nxt.date - row.as_of).days)} {clean_text(nxt.title)}" if nxt else "none"
    if report.changed_outside:  # what the file says is not believed: that first (review F6)
        upcoming = "CHANGED OUTSIDE THE APP: run portfolio verify"
    grade = report.prediction.grade
    return TableRow(
        row.key,
        (
            row.name,
            clean_text(report.standard_title),
            report.rag.upper(),
            f"{report.coverage.full}/{report.coverage.total}",
            str(row.awaiting) if row.awaiting else "-",
            str(row.overdue) if row.overdue else "-",
            upcoming,
            _days(row.days_to_end),
            SHORT_GRADES.get(grade, clean_text(grade)),
        ),
        (
            "",
            "caseload--muted",
            RAG_STYLE.get(report.rag, ""),
            "",
            "caseload--amber" if row.awaiting else "caseload--muted",
            "caseload--red" if row.overdue else "caseload--muted",
            "caseload--red" if report.changed_outside or (nxt and nxt.status == "overdue") else "",
            "caseload--red" if row.days_to_end < 0 else "",
            "caseload--muted" if report.prediction.provisional else "",
        ),
    )


def detail(row: CaseloadRow) -> list[Content]:
    """Three lines about the highlighted learner, what the columns had to shorten, most important first
    on each (each line is cut at a word to the width): who and on what; what is next; what is overdue,
    open and predicted."""
    report = row.report
    if report is None:
        return [Content.assemble((row.file_name, "bold"), "  cannot be read"), Content.styled(row.error, "$text-error")]
    first = Content.assemble((row.name, "bold"), " · ", clean_text(report.standard_title), " · ",
                             (row.file_name, "$text-muted"))
    nxt = report.next_milestone
    if report.changed_outside:
        second = Content.styled(changed_outside_text(report.changed_outside), "$text-error")
    elif nxt:
        when = days_phrase((nxt.date - row.as_of).days)
        second = Content.assemble("Next: ", (f"{nxt.date.isoformat()} {when}", "bold"), " ", clean_text(nxt.title))
    else:
        second = Content("No milestones left")
    parts: list[str | Content | tuple[str, str]] = []
    if row.overdue:
        late = [plural(n, what) for n, what in ((row.overdue_milestones, "milestone"), (row.overdue_reviews, "review"))
                if n]
        parts += [(" and ".join(late) + " overdue", "$text-error"), " · "]
    open_items = len(report.open_items)
    parts += ["ready for gateway" if report.ready else f"{plural(open_items, 'gateway item')} open",
              " · ", (clean_text(report.prediction.grade), "bold"),
              (" (provisional)" if report.prediction.provisional else "", "$text-muted")]
    return [first, second, Content.assemble(*parts)]


def folder_label(folder: Path) -> str:
    """The folder as the heading names it: its own name, even when it was given as "." or "..", which
    say nothing once on screen (the root, which has no name, as "/")."""
    resolved = folder.resolve()
    return clean_text(resolved.name or str(resolved))


class CaseloadTable(EvidenceTable):
    """The evidence log's virtual table, with the caseload's colours."""

    MEASURED = True
    COMPONENT_CLASSES = EvidenceTable.COMPONENT_CLASSES | {
        "caseload--red", "caseload--amber", "caseload--green", "caseload--muted",
    }
    BINDINGS = [Binding("enter", "select", "Open learner", id="caseload.open")]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter is offered only on a learner: a filter that leaves none offered "Open learner", which did nothing."""
        return bool(self.rows) if action == "select" else True

    def fit_to(self, width: int) -> None:
        """The columns for a terminal ``width`` cells wide: fewer below ``WIDE_FROM``, and from
        ``FULL_TITLES_FROM`` the standard's whole title before the next milestone's fair share."""
        self.show_columns(None if width >= WIDE_FROM else NARROW)
        if width >= FULL_TITLES_FROM:
            self.columns = [replace(c, fair=0) if c.key == "standard" else c for c in self.columns]


class CaseloadScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="caseload.filter", key_display="/"),
        Binding("s", "sort", "Sort", id="caseload.sort"),
        Binding("r", "reload", "Reload", id="caseload.reload"),
        Binding("escape", "clear_filter", "Clear filter", id="caseload.clear_filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, CaseloadRow] = {}
        self.caseload: CaseloadView | None = None
        self.sort_by = "risk"

    @property
    def capp(self) -> CaseloadApp:
        return cast("CaseloadApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Checking the portfolios…", "$text-muted"), id="caseload-head")
        yield Input(placeholder="/ filter: name, file, standard or RAG", id="caseload-filter", compact=True)
        yield CaseloadTable(COLUMNS, id="caseload")
        yield FitLines(id="caseload-detail")
        yield PortfolioFooter(compact=True)

    @property
    def table(self) -> CaseloadTable:
        return self.query_one("#caseload", CaseloadTable)

    stamp: tuple[object, ...] | None = None
    """The folder as it stood when the rows shown were read (``Caseload.stamp``)."""
    noticed = False
    """A change by another process set off the reload under way: say so when it is shown."""

    def on_mount(self) -> None:
        self.table.focus()
        self.action_reload()
        self.set_interval(WATCH_SECONDS, self.watch_folder, name="watch-caseload")

    def watch_folder(self) -> None:
        """Every second, while the caseload is on screen: has another process added, removed or changed a
        portfolio of the folder (or its roster)? Then check them again, and say so. Only the folder's list
        and each file's status are looked at, off the UI thread; no file is read unless one changed."""
        if self.app.screen is not self or self.stamp is None or self._busy():
            return
        folder, account, seen = self.capp.folder, self.capp.account, self.stamp

        def look() -> None:
            if Caseload(folder, account).stamp() != seen:
                self.app.call_from_thread(self._changed_elsewhere, seen)

        self.run_worker(look, thread=True, group="caseload-watch", exclusive=True)

    def _changed_elsewhere(self, seen: tuple[object, ...]) -> None:
        if self.stamp == seen and not self._busy():
            self.noticed = True
            self.action_reload()

    def _busy(self) -> bool:
        return any(w.group == "caseload" and not w.is_finished for w in self.workers)

    def on_resize(self, event: events.Resize) -> None:
        self.table.fit_to(event.size.width)

    def action_reload(self) -> None:
        """Check every file again (off the UI thread); the app calls it on the way back from a learner,
        so the caseload shows what changed (but not after every dialog or palette closed over it)."""
        app = self.capp
        folder, account, as_of = app.folder, app.account, app.as_of

        def work() -> None:
            stamp = Caseload(folder, account).stamp()  # before reading: a change made meanwhile is seen next time
            caseload = Caseload(folder, account).view(as_of)
            app.call_from_thread(self.show, caseload, stamp)

        self.run_worker(work, thread=True, group="caseload", exclusive=True)

    def show(self, caseload: CaseloadView, stamp: tuple[object, ...] | None = None) -> None:
        self.caseload = caseload
        self.stamp = stamp
        if self.noticed:
            self.noticed = False
            self.notify("A portfolio in the folder was added or changed elsewhere; this is the latest.",
                        title="Reloaded", timeout=6, markup=False)
        self.rows = {row.key: row for row in caseload.rows}
        self.apply()
        if not caseload.rows:
            self.query_one("#caseload-detail", FitLines).show(
                [Content.styled("No portfolios here that you may see.", "$text-muted")])

    def apply(self) -> None:
        """Sort and filter the rows: every word typed must appear in the learner's name, file, standard or RAG."""
        words = self.query_one("#caseload-filter", Input).value.casefold().split()
        shown = [row for row in self.rows.values() if all(w in row.haystack for w in words)]
        shown.sort(key=lambda row: row.sort_key(self.sort_by))
        self._head(len(shown) if words else None)
        table = self.table
        table.sort_marker = (self.sort_by, False) if self.sort_by != "risk" else None
        table.set_rows([table_row(row) for row in shown], keep=table.current_key)
        self._describe(table.current_key)

    def _head(self, shown: int | None) -> None:
        """The folder, how many learners (and how many of them a filter shows, as the evidence log counts
        "1 of 3"), how many pieces await assessment, and who is looking."""
        caseload = self.caseload
        if caseload is None:
            return
        folder = folder_label(self.capp.folder)
        as_of = self.capp.as_of.isoformat()
        waiting = sum(row.awaiting for row in caseload.rows)
        total = len(caseload.rows)
        learners = plural(total, "learner") if shown is None else f"{shown} of {plural(total, 'learner')} shown"
        waits = "to assess" if caseload.assesses else "awaiting assessment"
        head = [Content.assemble(("Caseload ", "bold $secondary"), (folder, "bold"),
                                 f" · {learners} · {waiting} {waits} · as of {as_of}")]
        if caseload.problem:
            head.append(Content.styled(f"Not listed: {caseload.problem}", "$text-error"))
        else:
            head.append(Content.assemble(("You: ", "$text-muted"), caseload.viewer,
                                         (" · enter opens a learner", "$text-muted")))
        self.query_one("#caseload-head", Static).update(Content("\n").join(head))

    @on(Input.Changed, "#caseload-filter")
    def _filter_changed(self) -> None:
        self.apply()

    @on(Input.Submitted, "#caseload-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    @on(EvidenceTable.HeaderClicked, "#caseload")
    def _header_clicked(self, event: EvidenceTable.HeaderClicked) -> None:
        if event.column in SORTS:
            self.sort_by = event.column
            self.apply()

    def action_sort(self) -> None:
        """Cycle the order: risk, name, awaiting assessment, coverage, planned end."""
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self.apply()
        self.notify(f"Sorted by {SORT_LABELS[self.sort_by]}.", markup=False, timeout=2)

    def action_filter(self) -> None:
        self.query_one("#caseload-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#caseload-filter", Input)
        if box.value:
            box.value = ""
        self.table.focus()

    @on(EvidenceTable.Highlighted, "#caseload")
    def _highlighted(self, event: EvidenceTable.Highlighted) -> None:
        self._describe(event.key)

    def _describe(self, key: int | None) -> None:
        """The lines under the table follow the cursor; when a filter leaves no learner they say so, where
        they went on describing the learner last highlighted (QA Q1: she looked chosen, enter did nothing)."""
        row = self.rows.get(key) if key is not None else None
        if row is not None:
            self.query_one("#caseload-detail", FitLines).show(detail(row))
        elif self.rows:
            typed = self.query_one("#caseload-filter", Input).value.strip()
            self.query_one("#caseload-detail", FitLines).show(
                [Content.assemble("No learner matches ", (clean_text(typed), "bold"), "."),
                 Content.styled("esc clears the filter.", "$text-muted")])
        self.table.refresh_bindings()

    @on(EvidenceTable.Selected, "#caseload")
    async def _selected(self, event: EvidenceTable.Selected) -> None:
        row = self.rows.get(event.key)
        if row is None:
            return
        if row.report is None:
            self.notify(f"{row.file_name} cannot be opened: {row.error}", severity="error", markup=False)
            return
        await self.capp.open_learner(row.path)
