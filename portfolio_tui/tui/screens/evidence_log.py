"""The evidence log: every live piece of evidence in a table, filtered as you type, sortable, with
add, edit and remove (and undo, and a bin of everything removed) on single keys, A for an assessor
to accept or refer each criterion, c for the piece's comment thread, o to open a kept file and h
for the piece's history. The panel under the table shows the highlighted piece's files, every
judgement with its feedback, and its comments."""

from __future__ import annotations

from dataclasses import replace

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

from portfolio_tui.domain.evidence import EVIDENCE_KINDS, Evidence
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import attachments
from portfolio_tui.tui.render import plural
from portfolio_tui.tui.screens.base import PortfolioScreen
from portfolio_tui.tui.screens.evidence_form import judgement_lines
from portfolio_tui.tui.screens.forms import ConfirmDialog
from portfolio_tui.tui.state import LogEntry, PortfolioView
from portfolio_tui.tui.widgets.evidence_table import Column, EvidenceTable
from portfolio_tui.tui.widgets.file_line import file_line
from portfolio_tui.tui.widgets.fit_lines import FitLines

KIND_NARROW = 14
COLUMNS = [
    Column("date", "Date", 10),
    Column("title", "Title", 0),
    Column("kind", "Kind", KIND_NARROW),
    Column("criteria", "Criteria", 12),
    Column("status", "Status", 11),
]
KIND_WIDE = max(len(label.split(" (")[0]) for label in EVIDENCE_KINDS.values())
"""The Kind column from ``WIDE_FROM`` columns: every kind's short name whole ("Professional discussion"), where
14 cells gave "Reflective…" and "Professional…" at 120 columns beside a title with room to spare (QA Q11)."""
WIDE_FROM = 100
SORTS = ("date", "title", "kind", "criteria", "status")
_SORT_KEYS = {
    "date": lambda e: (e.evidence.date, e.evidence.id),
    "title": lambda e: (e.row.cells[1].casefold(), e.evidence.id),
    "kind": lambda e: (e.row.cells[2].casefold(), e.evidence.date),
    "criteria": lambda e: (e.evidence.criteria, e.evidence.date),
    "status": lambda e: (e.evidence.status, e.evidence.date),
}


class EvidenceLogScreen(PortfolioScreen):
    MODE = "evidence"
    BINDINGS = [
        Binding("a", "add", "Add", id="evidence.add", tooltip="Log a new piece of evidence"),
        Binding("e", "edit", "Edit", id="evidence.edit", show=False,
                tooltip="Edit the highlighted evidence (or enter)"),
        Binding("A", "assess", "Assess", id="evidence.assess",
                tooltip="Accept or refer each criterion of the highlighted evidence"),
        Binding("c", "comment", "Comment", id="evidence.comment", tooltip="Read and add to the piece's comments"),
        Binding("d", "remove", "Remove", id="evidence.remove", tooltip="Remove the highlighted evidence (to the bin)"),
        Binding("slash", "filter", "Filter", id="evidence.filter", key_display="/", tooltip="Type to filter the log"),
        Binding("b", "bin", "Bin", id="evidence.bin", tooltip="Removed evidence: restore any of it"),
        Binding("o", "open_file", "Open file", id="evidence.open", show=False,
                tooltip="Open a file of the highlighted piece (choose which, when it has several) with the system "
                        "viewer, or say where it is"),
        Binding("h", "record_history", "Piece history", id="evidence.history", show=False,
                tooltip="Who changed the highlighted evidence, and when"),
        Binding("s", "sort", "Sort", id="evidence.sort", show=False, tooltip="Sort on the next column"),
        Binding("u", "undo", "Undo", id="evidence.undo", show=False, tooltip="Restore the evidence removed last"),
        Binding("escape", "clear_filter", "Clear filter", id="evidence.clear_filter", show=False),
    ]
    NEEDS = {
        "add": "evidence.add", "edit": "evidence.edit", "remove": "evidence.edit", "undo": "evidence.edit",
        "bin": "evidence.edit", "assess": "evidence.assess", "comment": "comment",
    }
    ON_A_PIECE = frozenset({"edit", "assess", "comment", "remove", "open_file", "record_history"})
    """Keys that act on the highlighted piece: not offered while none is (an empty log, a filter showing none)."""

    def __init__(self) -> None:
        super().__init__()
        self.sort_by = "date"
        self.descending = True
        self.ordered: list[LogEntry] = []
        self.removed: list[tuple[int, str]] = []

    def body(self) -> ComposeResult:
        with Horizontal(id="log-bar"):
            yield Input(placeholder="/ filter: words in title, kind, criteria, status, date", id="log-filter",
                        compact=True)
            yield Static("", id="log-count")
        yield EvidenceTable(COLUMNS, id="log")
        with VerticalScroll(id="log-detail-box"):
            yield FitLines(id="log-detail")

    def may(self, action: str) -> bool:
        """Offered only where it can do something: a piece's keys on a piece (``o`` on one with files), Undo
        after a removal, Filter and Sort on a log with pieces (QA: "A Assess" was offered on an empty log). The Bin
        is always offered to whoever may restore: hidden while empty, nobody could find where removed evidence goes;
        opened empty, it says so."""
        if not super().may(action):
            return False
        if not self.is_mounted:
            return True
        if action in self.ON_A_PIECE:
            piece = self.highlighted()
            return piece is not None and (action != "open_file" or bool(piece.files))
        if action == "undo":
            return bool(self.removed)
        if action in ("filter", "sort"):
            return bool(self.ordered)
        return True

    @property
    def table(self) -> EvidenceTable:
        return self.query_one("#log", EvidenceTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()

    def on_resize(self, event: events.Resize) -> None:
        kind = KIND_WIDE if event.size.width >= WIDE_FROM else KIND_NARROW
        table = self.table
        table.columns = [replace(c, width=kind) if c.key == "kind" else c for c in table.columns]
        table.refresh()

    def show(self, view: PortfolioView) -> None:
        self._sort(view.log)
        self.apply_filter()

    def _sort(self, log: tuple[LogEntry, ...] | list[LogEntry]) -> None:
        self.ordered = sorted(log, key=_SORT_KEYS[self.sort_by], reverse=self.descending)
        self.table.sort_marker = (self.sort_by, self.descending)

    def apply_filter(self) -> None:
        """Every word typed must appear somewhere in the row (or its description); case is ignored."""
        words = self.query_one("#log-filter", Input).value.lower().split()
        if words:
            shown = [e for e in self.ordered if all(w in e.haystack for w in words)]
        else:
            shown = self.ordered
        table = self.table
        table.set_rows([e.row for e in shown], keep=table.current_key)
        total = len(self.ordered)
        count = plural(total, "piece") if len(shown) == total else f"{len(shown)} of {total}"
        self.query_one("#log-count", Static).update(Content(count))

    @on(Input.Changed, "#log-filter")
    def _filter_changed(self) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#log-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    @on(EvidenceTable.Highlighted, "#log")
    def _row_highlighted(self, event: EvidenceTable.Highlighted) -> None:
        self.show_detail(event.key)
        self.refresh_bindings()

    def show_detail(self, key: int | None) -> None:
        view = self.papp.view
        evidence = view.evidence_by_id.get(key) if view and key is not None else None
        detail = self.query_one("#log-detail", FitLines)
        if evidence is None or view is None:
            detail.show([])
            return
        detail.show(evidence_detail(view, evidence).split("\n", allow_blank=True))

    @on(EvidenceTable.Selected, "#log")
    def _row_selected(self) -> None:
        """Enter edits; for an assessor, who may not edit an apprentice's evidence, it assesses; for an account
        that may do neither (a line manager), it shows the piece whole."""
        view = self.papp.view
        enter = view.access.evidence_enter if view is not None else "edit"
        if enter == "assess":
            self.action_assess()
        elif enter == "read":
            self.read_piece()
        else:
            self.action_edit()

    def read_piece(self) -> None:
        """The highlighted piece whole, every line wrapped, for an account that may not change or judge it."""
        from portfolio_tui.tui.screens.piece import PieceDialog

        view, piece = self.papp.view, self.highlighted()
        if view is not None and piece is not None:
            self.app.push_screen(PieceDialog(evidence_detail(view, piece, every_comment=True),
                                             view.access.not_yours("evidence.edit")))

    @on(EvidenceTable.HeaderClicked, "#log")
    def _header_clicked(self, event: EvidenceTable.HeaderClicked) -> None:
        self.sort_on(event.column)

    def sort_on(self, column: str) -> None:
        if column == self.sort_by:
            self.descending = not self.descending
        else:
            self.sort_by, self.descending = column, column == "date"
        self._sort(self.ordered)
        self.apply_filter()

    def action_sort(self) -> None:
        """Cycle the sort column; clicking a header sorts on it and a second click reverses."""
        self.sort_on(SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)])

    def action_filter(self) -> None:
        self.query_one("#log-filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        if box.value:
            box.value = ""
        self.table.focus()

    def action_add(self) -> None:
        from portfolio_tui.tui.screens.evidence_form import EvidenceForm

        view = self.papp.view
        if view is None or not self.papp.permit("evidence.add"):
            return
        self.app.push_screen(EvidenceForm(view.standard, as_of_text=view.as_of.isoformat()), self._saved)

    def action_edit(self) -> None:
        from portfolio_tui.tui.screens.evidence_form import EvidenceForm

        view = self.papp.view
        key = self.table.current_key
        if view is None or key is None or not self.papp.permit("evidence.edit"):
            return
        evidence = view.evidence_by_id.get(key)
        if evidence is not None:
            self.app.push_screen(EvidenceForm(view.standard, evidence), self._saved)

    def action_assess(self) -> None:
        from portfolio_tui.tui.screens.decisions import AssessDialog

        view = self.papp.view
        key = self.table.current_key
        if view is None or key is None or not self.papp.permit("evidence.assess"):
            return
        evidence = view.evidence_by_id.get(key)
        if evidence is None:
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.table.move_to(evidence.id)
                self.notify(f"Assessed '{clean_text(evidence.title)}'.", markup=False)

        criteria = view.standard.criteria
        labels = {cid: criteria[cid].label for cid in evidence.criteria if cid in criteria}
        self.app.push_screen(AssessDialog(evidence, labels), done)

    def _saved(self, evidence_id: int | None) -> None:
        if evidence_id is not None:
            self.table.move_to(evidence_id)
            self.notify("Evidence saved.", markup=False)

    def highlighted(self) -> Evidence | None:
        view = self.papp.view
        key = self.table.current_key
        return view.evidence_by_id.get(key) if view is not None and key is not None else None

    def action_remove(self) -> None:
        evidence = self.highlighted()
        if evidence is None or not self.papp.permit("evidence.edit"):
            return
        key, title = evidence.id, clean_text(evidence.title)

        def done(_: object) -> None:
            self.removed.append((key, title))
            self.refresh_bindings()
            self.notify(f"Removed '{title}'. u undoes; b opens the bin.", markup=False)

        def answered(remove: bool | None) -> None:
            if remove:
                self.papp.change(lambda service: service.remove_evidence(key), done=done)

        question = f"Remove '{title}'? It goes to the bin (b), where it can be restored."
        accepted = sorted(evidence.accepted_criteria)
        if accepted:  # QA Q9: the apprentice was not told that what a tutor accepted stops counting
            question += f" It is accepted for {clean_text(', '.join(accepted))}: in the bin it counts for none of them."
        self.app.push_screen(ConfirmDialog(question, "Remove", "Keep"), answered)

    def action_undo(self) -> None:
        if not self.removed:
            self.notify("Nothing to undo.", markup=False)
            return
        if not self.papp.permit("evidence.edit"):
            return
        key, title = self.removed.pop()
        self.refresh_bindings()
        self.restore(key, title)

    def restore(self, key: int, title: str) -> None:
        def done(_: object) -> None:
            self.table.move_to(key)
            self.notify(f"Restored '{title}'.", markup=False)

        self.papp.change(lambda service: service.restore_evidence(key), done=done)

    def action_bin(self) -> None:
        from portfolio_tui.tui.screens.bin import BinScreen

        view = self.papp.view
        if view is None:
            return
        removed = [e for e in view.portfolio.evidence if e.deleted]

        def chosen(evidence_id: int | None) -> None:
            if evidence_id is not None:
                piece = next(e for e in removed if e.id == evidence_id)
                self.restore(evidence_id, clean_text(piece.title))

        self.app.push_screen(BinScreen(removed), chosen)

    def action_comment(self) -> None:
        from portfolio_tui.tui.screens.progress_forms import ProgressForm, comment_form

        view, evidence = self.papp.view, self.highlighted()
        if view is None or evidence is None or not self.papp.permit("comment"):
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.notify("Comment added.", markup=False)

        self.app.push_screen(ProgressForm(comment_form(view, evidence)), done)

    def action_record_history(self) -> None:
        from portfolio_tui.tui.screens.history import HistoryScreen

        evidence = self.highlighted()
        if evidence is None:
            return
        about = f"evidence {evidence.id} '{clean_text(evidence.title)}'"
        self.app.push_screen(HistoryScreen(self.papp.service, "evidence", evidence.id, about))

    def action_open_file(self) -> None:
        evidence = self.highlighted()
        if evidence is None:
            return
        files = attachments.shown(self.papp.path, evidence.files)
        if not files:
            self.notify("This piece has no files. e edits it to add one.", markup=False)
            return
        if len(files) == 1:
            self.papp.open_attachment(files[0])
            return
        from portfolio_tui.tui.screens.file_picker import FilePicker

        def chosen(index: int | None) -> None:
            if index is not None:
                self.papp.open_attachment(files[index])

        self.app.push_screen(FilePicker(evidence.title, files), chosen)


def evidence_detail(view: PortfolioView, evidence: Evidence, *, every_comment: bool = False) -> Content:
    """The highlighted piece: what it is, its files, every judgement with its feedback, its latest comments,
    newest first (the panel is a few rows at 80x24: cut at its height, it showed the oldest of them); with
    ``every_comment``, all of them (the piece read whole, ``PieceDialog``)."""
    files = f" · {plural(len(evidence.files), 'file')}" if evidence.files else ""
    hours = f" · {evidence.hours:g} h" if evidence.hours is not None else ""
    lines = [Content.assemble((clean_text(evidence.title), "bold"),
                              (clean_text(f"  {evidence.kind_label}{hours}{files}"), "$text-muted")),
             Content(clean_text(evidence.description, multiline=True).strip() or "(no description)")]
    lines += [file_line(shown) for shown in attachments.shown(view.access.path, evidence.files)]
    if evidence.judgements:
        lines.append(judgement_lines(evidence))
    comments = view.portfolio.comments_on(evidence.id)
    for comment in reversed(comments if every_comment else comments[-3:]):
        lines.append(Content.assemble((clean_text(f"💬 {comment.recorded_by} {comment.recorded_at[:10]}: "),
                                       "$secondary"), clean_text(comment.text)))
    if len(comments) > 3 and not every_comment:
        lines.append(Content.styled(f"  and {len(comments) - 3} earlier (c shows the thread)", "$text-muted"))
    return Content("\n").join(lines)
