"""The dashboard: where the apprentice stands today, in one screen, with each gap one key from its criterion."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from portfolio_tui.domain.text import clean_text
from portfolio_tui.tui.render import days_phrase, plural
from portfolio_tui.tui.screens.base import PortfolioScreen
from portfolio_tui.tui.state import PortfolioView
from portfolio_tui.tui.widgets.coverage_bars import BarItem, CoverageBars
from portfolio_tui.tui.widgets.coverage_state import STATE_STYLE, STATUS_STYLE, state_mark
from portfolio_tui.tui.widgets.fit_lines import FitLines
from portfolio_tui.tui.widgets.rag_badge import RagBadge

REASONS_SHOWN = 4
MILESTONES_SHOWN = 4
OTJ_STYLE = {"behind": "$text-error", "on-track": "$text-success", "ahead": "$text-success", "unknown": "$text-muted"}


def _title(text: str) -> Static:
    return Static(Content.styled(text, "bold $secondary"), classes="section-title")


class DashboardScreen(PortfolioScreen):
    MODE = "dashboard"
    BINDINGS = [
        Binding("a", "add_evidence", "Add evidence", id="dashboard.add", tooltip="Log a new piece of evidence"),
        Binding("h", "log_hours", "Log hours", id="dashboard.log_hours",
                tooltip="Log off-the-job training hours, beside the target and pace"),
        Binding("g", "gaps", "Gaps", id="dashboard.gaps", tooltip="Move to the list of criteria not yet covered"),
        Binding("p", "profile", "Profile", id="dashboard.profile",
                tooltip="The learner's profile: off-the-job target, prior learning, planned end, people"),
    ]
    NEEDS = {"add_evidence": "evidence.add", "log_hours": "otj.record"}

    def may(self, action: str) -> bool:
        """Gaps is offered only while a required criterion is not covered (the list then says there are none)."""
        if action == "gaps":
            view = self.papp.view
            return view is None or bool(view.report.missing)
        return super().may(action)

    def body(self) -> ComposeResult:
        with VerticalScroll(id="dash"):
            yield Static(Content.styled("Loading…", "$text-muted"), id="dash-head")
            with Horizontal(id="dash-columns"):
                with Vertical(id="dash-left"):
                    yield _title("Readiness")
                    with Horizontal(id="dash-rag-row"):
                        yield RagBadge(id="dash-rag")
                        yield Static("", id="dash-verdict")
                    yield FitLines(id="dash-rag-reasons")
                    yield _title("Coverage")
                    yield CoverageBars(id="dash-coverage")
                    yield Static("", id="dash-coverage-total")
                    yield _title("Off-the-job hours")
                    yield Static("", id="dash-otj")
                    yield _title("Reviews")
                    yield Static("", id="dash-reviews")
                with Vertical(id="dash-right"):
                    yield _title("Next milestones")
                    yield FitLines(id="dash-milestones")
                    yield _title("Predicted grade")
                    yield Static("", id="dash-grade")
                    yield _title("Gaps (enter opens the criterion)")
                    yield OptionList(id="gaps")

    def show(self, view: PortfolioView) -> None:
        report, learner, as_of = view.report, view.portfolio.learner, view.as_of
        standard = view.standard
        end = report.effective_end
        moved = " (moved by breaks)" if end != learner.planned_end else ""
        self.query_one("#dash-head", Static).update(Content("\n").join([
            Content.assemble((clean_text(learner.name), "bold"), " · ",
                             clean_text(f"{standard.title} (level {standard.level})")),
            Content.assemble(
                "Planned end ", (end.isoformat(), "bold"), f" {days_phrase((end - as_of).days)}{moved} · ",
                "Gateway ", (report.gateway_date.isoformat(), "bold"),
                f" {days_phrase((report.gateway_date - as_of).days)}",
            ),
        ]))

        self.query_one("#dash-rag", RagBadge).rag = report.rag
        open_items = report.open_items
        verdict = " Ready for gateway" if report.ready else f" Not ready: {len(open_items)} open"
        self.query_one("#dash-verdict", Static).update(Content(verdict))
        reasons = [Content.assemble(("✗ ", "$text-error"), clean_text(i.title)) for i in open_items[:REASONS_SHOWN]]
        if len(open_items) > REASONS_SHOWN:
            reasons.append(Content.styled(f"  and {len(open_items) - REASONS_SHOWN} more (5: gateway)",
                                          "$text-muted"))
        if report.awaiting_employer:  # the employer's decisions count only once confirmed: say whose move it is
            waiting = plural(len(report.awaiting_employer), "decision")
            said = (f"{waiting} to confirm (5, D)" if "employer.decide" in view.access.allowed_actions
                    else f"Employer to confirm: {waiting}")
            reasons.insert(0, Content.assemble(("! ", "$warning"), said))
        self.query_one("#dash-rag-reasons", FitLines).show(reasons)

        bars = [BarItem(g.title, g.summary.full, g.summary.total) for g in report.groups if g.summary.total]
        self.query_one("#dash-coverage", CoverageBars).show(bars)
        total = report.coverage
        counted = [Content.assemble((f"{total.full} of {total.total}", "bold"), " required covered")]
        if report.distinction is not None:
            d = report.distinction
            counted.append(Content.assemble(" · distinction ", (f"{d.full} of {d.total}", "bold magenta")))
        self.query_one("#dash-coverage-total", Static).update(Content.assemble(*counted))

        otj = report.otj
        if otj.target is None:
            line = Content.assemble(f"{otj.logged:g} h logged · ", ("no target known", "$text-muted"))
        else:
            expected = f" · {otj.expected_to_date:.0f} expected" if otj.expected_to_date is not None else ""
            line = Content.assemble(f"{otj.logged:g} of {otj.target:.0f} h{expected} · ",
                                    (otj.state, OTJ_STYLE.get(otj.state, "")))
        if otj.pace is not None and otj.practical_end is not None and not otj.met:
            line = Content.assemble(line, f"\n{otj.pace:.1f} h a week to {otj.practical_end.isoformat()}")
        if otj.rule is not None:
            line = Content.assemble(line, ("\nRule: " + otj.rule.id, "$text-muted"))
        self.query_one("#dash-otj", Static).update(line)

        reviews = report.reviews
        parts = [Content(f"Last held {reviews.last_review.isoformat()}" if reviews.last_review else "None held yet")]
        if reviews.overdue:
            # The next one is the overdue one: one statement, not "overdue" beside a "next due" in the past.
            due = reviews.overdue[0]
            parts.append(Content.styled(f"Overdue: due {due.isoformat()}, {days_phrase((due - as_of).days)}",
                                        "bold $text-error"))
        elif reviews.next_due:
            countdown = days_phrase((reviews.next_due - as_of).days)
            parts.append(Content(f"Next due {reviews.next_due.isoformat()} {countdown}"))
        held_late = len(reviews.missed) - len(reviews.overdue)
        if held_late:
            parts.append(Content.styled(f"{plural(held_late, 'review')} held late", "$warning"))
        if reviews.rule is not None:
            parts.append(Content.styled(f"Rule: {reviews.rule.id}", "$text-muted"))
        if report.quiet_months:
            months = ", ".join(m.strftime("%b %Y") for m in report.quiet_months)
            parts.append(Content.styled(f"No learning in {months}: record a break?", "$warning"))
        self.query_one("#dash-reviews", Static).update(Content("\n").join(parts))

        pending = [m for m in report.milestones if m.status != "done"][:MILESTONES_SHOWN]
        lines: list[Content] = []
        for m in pending:
            lines.append(Content.assemble(
                (m.date.isoformat(), "bold"), " ",
                (f"{m.status} · {days_phrase((m.date - as_of).days)}", STATUS_STYLE.get(m.status, "")),
            ))
            lines.append(Content.assemble("  ", clean_text(m.title)))
        self.query_one("#dash-milestones", FitLines).show(
            lines or [Content.styled("Every milestone is done.", "$text-success")])

        prediction = report.prediction
        self.query_one("#dash-grade", Static).update(Content.assemble(
            (clean_text(prediction.grade), "bold"), (" (provisional)" if prediction.provisional else "", "$text-muted"),
            "\n", clean_text(prediction.reason),
        ))

        gaps = self.query_one("#gaps", OptionList)
        highlighted = gaps.highlighted
        gaps.clear_options()
        criteria = standard.criteria
        for cid in report.missing:
            criterion = criteria.get(cid)
            state = report.criteria[cid].state if cid in report.criteria else "none"
            gaps.add_option(Option(
                Content.assemble((state_mark(state), STATE_STYLE.get(state, "")), " ", (clean_text(cid), "bold"), " ",
                                 clean_text(criterion.label if criterion else "")),
                id=cid,
            ))
        if not report.missing:
            gaps.add_option(Option(Content.styled("No gaps: every required criterion is covered.", "$text-success"),
                                   disabled=True))
        elif highlighted is not None:
            gaps.highlighted = min(highlighted, gaps.option_count - 1)

    @on(OptionList.OptionSelected, "#gaps")
    async def _gap_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            await self.papp.jump_to_criterion(event.option.id)

    def action_gaps(self) -> None:
        """To the gaps, on the first: the list's title says enter opens the criterion, and with none highlighted
        g then enter did nothing (QA Q10)."""
        gaps = self.query_one("#gaps", OptionList)
        gaps.focus()
        if gaps.highlighted is None and gaps.option_count:
            gaps.highlighted = 0
        gaps.scroll_visible()

    def action_add_evidence(self) -> None:
        from portfolio_tui.tui.screens.evidence_form import EvidenceForm

        view = self.papp.view
        if view is not None and self.papp.permit("evidence.add"):
            self.app.push_screen(EvidenceForm(view.standard, as_of_text=view.as_of.isoformat()), self._saved)

    def _saved(self, evidence_id: int | None) -> None:
        if evidence_id is not None:
            self.notify("Evidence saved. Tag more criteria from 3: criteria.", markup=False)

    def action_profile(self) -> None:
        """The tutor's form for the profile; to anyone else who may see the portfolio, the same fields to read."""
        from portfolio_tui.services.learner_profile import profile_fields
        from portfolio_tui.tui.screens.profile import ProfileDialog, profile_form
        from portfolio_tui.tui.screens.progress_forms import ProgressForm

        view = self.papp.view
        if view is None:
            return
        fields = profile_fields(view.portfolio.learner, view.access, view.as_of)
        if not any(f.settable for f in fields):
            self.app.push_screen(ProfileDialog(view, fields))
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.notify("Learner profile saved.", markup=False)

        self.app.push_screen(ProgressForm(profile_form(view, fields)), done)

    def action_log_hours(self) -> None:
        from portfolio_tui.tui.screens.progress_forms import ProgressForm, otj_form

        view = self.papp.view
        if view is None or not self.papp.permit("otj.record"):
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.notify("Off-the-job hours logged.", markup=False)

        self.app.push_screen(ProgressForm(otj_form(view)), done)
