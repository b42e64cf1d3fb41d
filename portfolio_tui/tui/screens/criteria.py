"""The standard as a tree (groups, then criteria), each criterion with its coverage state and the
evidence tagged to it; tag and untag from here."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from portfolio_tui.domain import coverage
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.standard import Criterion, Group
from portfolio_tui.domain.text import clean_text
from portfolio_tui.tui.render import fit, literal, plural
from portfolio_tui.tui.screens.base import PaletteCommand, PortfolioScreen
from portfolio_tui.tui.state import PortfolioView
from portfolio_tui.tui.widgets.coverage_state import STATE_RICH, STATE_STYLE, STATE_WORDS, state_mark


class CriteriaTree(Tree[tuple[str, str]]):
    """The tree with each line cut at a word to the width, ended with "…": at 80 columns a criterion's text ran
    off the right edge mid-word ("...internal and external customer", "0/5 c") behind a horizontal scrollbar
    (QA Q16). The line under the tree gives the highlighted one whole."""

    def render_label(self, node: TreeNode[tuple[str, str]], base_style: Style, style: Style) -> Text:
        text = super().render_label(node, base_style, style)
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        room = self.scrollable_content_region.width - (depth - (0 if self.show_root else 1)) * self.guide_depth
        fitted = fit(text.plain, max(room, 1))
        if fitted != text.plain:
            text = text[: len(fitted) - 1]
            text.append("…")
        return text

    def on_resize(self) -> None:
        """The lines under the tree take the rows the highlighted one's text needs, after the tree scrolled it
        into view: it went out of view under them (QA Q17). Scrolled again to it whenever the tree's height changes."""
        if self.cursor_node is not None:
            self.scroll_to_node(self.cursor_node, animate=False)


class CriteriaScreen(PortfolioScreen):
    MODE = "criteria"
    BINDINGS = [
        Binding("t", "tag", "Tag", id="criteria.tag"),
        Binding("x", "untag", "Untag", id="criteria.untag"),
        Binding("e", "edit", "Edit", id="criteria.edit"),
        Binding("g", "next_gap", "Next gap", id="criteria.next_gap"),
        Binding("c", "collapse", "Collapse all", id="criteria.collapse", show=False),
    ]

    NEEDS = {"tag": "evidence.edit", "untag": "evidence.edit", "edit": "evidence.edit"}

    def may(self, action: str) -> bool:
        """Offered only where it can do something: Tag on a criterion some live piece is not yet tagged to,
        Untag and Edit on a piece under a criterion, Next gap while one is left (a line manager, who may not
        change evidence, is offered none of the first three)."""
        if not super().may(action):
            return False
        view = self.papp.view
        if not self.is_mounted or view is None:
            return True
        if action == "tag":
            current = self._current("criterion")
            return current is not None and len(view.by_criterion.get(current[1], ())) < len(view.live)
        if action in ("untag", "edit"):
            node = self.criteria_tree.cursor_node
            return node is not None and node.data is not None and node.data[0] == "evidence"
        if action == "next_gap":
            return any(state != "full" for state in view.coverage_states.values())
        return True

    def __init__(self) -> None:
        super().__init__()
        self.pending: str | None = None
        self.nodes: dict[str, TreeNode[tuple[str, str]]] = {}

    def body(self) -> ComposeResult:
        tree: Tree[tuple[str, str]] = CriteriaTree("standard", id="criteria-tree")
        tree.show_root = False
        yield tree
        yield Static("", id="criteria-detail")

    @property
    def criteria_tree(self) -> Tree[tuple[str, str]]:
        return self.query_one("#criteria-tree", Tree)

    def on_mount(self) -> None:
        super().on_mount()
        self.criteria_tree.focus()

    def show(self, view: PortfolioView) -> None:
        tree = self.criteria_tree
        cursor = tree.cursor_node.data if tree.cursor_node else None
        expanded = {n.data for n in self.nodes.values() if n.is_expanded}
        tree.clear()
        self.nodes = {}
        states = view.coverage_states

        def add_group(parent, group: Group) -> None:
            label = Text.assemble((clean_text(group.title), "bold"), (group_counts(group, states), "dim"))
            node = parent.add(label, data=("group", group.id), expand=("group", group.id) in expanded or not expanded)
            self.nodes[f"group:{group.id}"] = node
            for criterion in group.criteria:
                add_criterion(node, criterion)
            for child in group.groups:
                add_group(node, child)

        def add_criterion(parent, criterion: Criterion) -> None:
            tagged = view.by_criterion.get(criterion.id, ())
            state = states.get(criterion.id, "none")
            label = Text.assemble(
                (state_mark(state), STATE_RICH.get(state, "")), " ", (clean_text(criterion.id), "bold"), " ",
                clean_text(criterion.label), (band_mark(criterion), "bold magenta"),
                (f"  ({len(tagged)})" if tagged else "", "dim"),
            )
            node = parent.add(label, data=("criterion", criterion.id), allow_expand=bool(tagged),
                              expand=("criterion", criterion.id) in expanded)
            self.nodes[f"criterion:{criterion.id}"] = node
            if node.is_expanded:
                self._add_evidence(node, tagged)

        for group in view.standard.groups:
            add_group(tree.root, group)
        if view.report.duties:
            self._add_duties(tree.root, view, expanded)
        target = f"criterion:{self.pending}" if self.pending else f"{cursor[0]}:{cursor[1]}" if cursor else None
        if target is None:  # opened: on the first criterion, where t tags, not on the heading above it
            target = next((key for key in self.nodes if key.startswith("criterion:")), None)
        self.pending = None
        if target in self.nodes:
            # The tree lays out its new lines on the next refresh; the cursor can only move after that.
            self.call_after_refresh(self._move_to, self.nodes[target])

    def _add_duties(self, root, view: PortfolioView, expanded: set) -> None:
        """Coverage by duty: each duty of the occupation, and the criteria gaps that block it."""
        duties = view.report.duties
        blocked = sum(1 for d in duties if d.missing)
        label = Text.assemble(("Duties", "bold"), (f"  {len(duties) - blocked}/{len(duties)} clear", "dim"))
        node = root.add(label, data=("group", "duties"), expand=("group", "duties") in expanded)
        self.nodes["group:duties"] = node
        for duty in duties:
            state = "full" if not duty.missing else "none"
            where = "core" if duty.core else "option " + ", ".join(duty.options)
            gap = f"  blocked by {', '.join(duty.missing)}" if duty.missing else "  clear"
            node.add_leaf(
                Text.assemble(
                    (state_mark(state), STATE_RICH.get(state, "")), " ", (clean_text(duty.duty_id), "bold"), " ",
                    clean_text(duty.text), (f"  ({where})", "dim"), (gap, "dim" if not duty.missing else ""),
                ),
                data=("duty", duty.duty_id),
            )

    def _add_evidence(self, node, tagged: tuple[Evidence, ...]) -> None:
        for evidence in tagged:
            label = literal(f"{evidence.date.isoformat()}  ", "dim")
            label.append_text(literal(evidence.title))
            label.append(f"  {evidence.status}", style="dim")
            node.add_leaf(label, data=("evidence", str(evidence.id)))

    @on(Tree.NodeExpanded, "#criteria-tree")
    def _expanded(self, event: Tree.NodeExpanded) -> None:
        """Evidence leaves are added when a criterion opens, so a 5,000-piece portfolio builds fast."""
        node = event.node
        view = self.papp.view
        if view is None or not node.data or node.data[0] != "criterion" or node.children:
            return
        self._add_evidence(node, view.by_criterion.get(node.data[1], ()))

    @on(Tree.NodeHighlighted, "#criteria-tree")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._describe(event.node)
        self.refresh_bindings()

    def _describe(self, node) -> None:
        view = self.papp.view
        detail = self.query_one("#criteria-detail", Static)
        if view is None or not node.data:
            detail.update("")
            return
        kind, key = node.data
        if kind == "criterion":
            criterion = view.standard.criterion(key)
            tagged = view.by_criterion.get(key, ())
            state = view.coverage_states.get(key, "none")
            parts = [
                Content.assemble((clean_text(key), "bold"), " ",
                                 (STATE_WORDS.get(state, state), STATE_STYLE.get(state, "")), " · ",
                                 plural(len(tagged), "piece") + " of evidence", ("  (t tags)", "$text-muted")),
                Content(clean_text(criterion.text if criterion else "")),
            ]
            detail.update(Content("\n").join(parts))
        elif kind == "evidence":
            evidence = view.evidence_by_id.get(int(key))
            if evidence:
                detail.update(Content.assemble(
                    (clean_text(evidence.title), "bold"), f"  {evidence.date.isoformat()} · {evidence.status}",
                    ("  x untags · e edits", "$text-muted"),
                ))
        elif kind == "duty":
            duty = next((d for d in view.report.duties if d.duty_id == key), None)
            if duty:
                gaps = ", ".join(duty.missing) or "none"
                detail.update(Content.assemble(
                    (clean_text(key), "bold"), f"  maps to {', '.join(duty.criteria) or 'no criteria'}",
                    f"; gaps: {gaps}\n", Content(clean_text(duty.text)),
                ))
        else:
            detail.update(Content.styled("Enter opens or closes the group.", "$text-muted"))

    def _move_to(self, node) -> None:
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.criteria_tree.move_cursor(node)
        self.criteria_tree.scroll_to_node(node, animate=False)
        self._describe(node)

    def select_criterion(self, criterion_id: str) -> None:
        """Put the cursor on a criterion now, or once the tree is built."""
        node = self.nodes.get(f"criterion:{criterion_id}")
        self.criteria_tree.focus()
        if node is None:
            self.pending = criterion_id
            return
        self.call_after_refresh(self._move_to, node)

    def _current(self, kind: str) -> tuple[str, str] | None:
        node = self.criteria_tree.cursor_node
        while node is not None and node.data and node.data[0] != kind:
            node = node.parent
        return node.data if node is not None and node.data else None

    def action_tag(self) -> None:
        from portfolio_tui.tui.screens.tag_picker import TagPicker

        view = self.papp.view
        current = self._current("criterion")
        if view is None or current is None:
            self.notify("Highlight a criterion first, then press t.", markup=False)
            return
        if not self.papp.permit("evidence.edit"):
            return
        criterion_id = current[1]
        already = {e.id for e in view.by_criterion.get(criterion_id, ())}
        choices = [e for e in view.portfolio.live_evidence if e.id not in already]

        def picked(evidence_id: int | None) -> None:
            if evidence_id is None:
                return
            self.papp.change(lambda service: service.tag(evidence_id, [criterion_id]),
                             done=lambda _: self.notify(f"Tagged to {clean_text(criterion_id)}.", markup=False))

        self.app.push_screen(TagPicker(criterion_id, choices), picked)

    def action_untag(self) -> None:
        node = self.criteria_tree.cursor_node
        if node is None or not node.data or node.data[0] != "evidence" or node.parent is None \
                or node.parent.data is None:
            self.notify("Highlight a piece of evidence under a criterion, then press x.", markup=False)
            return
        if not self.papp.permit("evidence.edit"):
            return
        evidence_id = int(node.data[1])
        criterion_id = node.parent.data[1]
        self.papp.change(lambda service: service.untag(evidence_id, [criterion_id]),
                         done=lambda _: self.notify(f"Untagged from {clean_text(criterion_id)}.", markup=False))

    def action_edit(self) -> None:
        from portfolio_tui.tui.screens.evidence_form import EvidenceForm

        node = self.criteria_tree.cursor_node
        view = self.papp.view
        if view is None or node is None or not node.data or node.data[0] != "evidence":
            return
        if not self.papp.permit("evidence.edit"):
            return
        evidence = view.evidence_by_id.get(int(node.data[1]))
        if evidence:
            self.app.push_screen(EvidenceForm(view.standard, evidence))

    def action_next_gap(self) -> None:
        view = self.papp.view
        if view is None:
            return
        ids = [c.id for c in view.standard.all_criteria()]
        current = self._current("criterion")
        start = ids.index(current[1]) + 1 if current and current[1] in ids else 0
        for criterion_id in ids[start:] + ids[:start]:
            if view.coverage_states.get(criterion_id, "none") != "full":
                self.select_criterion(criterion_id)
                return
        self.notify("Every criterion is covered.", markup=False)

    def action_collapse(self) -> None:
        for node in self.criteria_tree.root.children:
            node.collapse_all()

    def palette_commands(self) -> list[PaletteCommand]:
        """The screen's commands this account may use here and now (as the footer offers its keys)."""
        commands = [
            ("tag", "criteria: tag evidence", "Tag a piece of evidence to the highlighted criterion", self.action_tag),
            ("untag", "criteria: untag", "Untag the highlighted evidence from its criterion", self.action_untag),
            ("next_gap", "criteria: next gap", "Jump to the next criterion not yet covered", self.action_next_gap),
            ("collapse", "criteria: collapse all", "Close every group", self.action_collapse),
        ]
        return [(name, help_text, run) for action, name, help_text, run in commands if self.may(action)]


def band_mark(criterion: Criterion) -> str:
    """Distinction and optional criteria are marked: they are counted apart from the ones that gate the EPA."""
    if criterion.band == "distinction":
        return " [distinction]"
    return " [optional]" if not criterion.required_for_gateway else ""


def group_counts(group: Group, states: dict[str, str]) -> str:
    """``  7/8 covered · distinction 1/3``: ``domain.coverage``'s counts, in words."""
    counts = coverage.group_counts(group, states)
    parts = []
    if counts.required:
        parts.append(f"{counts.covered}/{counts.required} covered")
    if counts.distinction:
        parts.append(f"distinction {counts.distinction_covered}/{counts.distinction}")
    return "  " + " · ".join(parts) if parts else ""
