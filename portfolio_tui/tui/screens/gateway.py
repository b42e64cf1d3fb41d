"""The gateway: each checklist item with its state, due date and detail, the sign-offs so far, and the
grade prediction; S records a sign-off (assessor, then apprentice, then employer), and D (the line manager's,
while one awaits them) confirms the employer's decisions the tutor recorded."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Static

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.grade_entry import grade_fields
from portfolio_tui.services.views import RECORDED_WITH, GatewayRow, SignOffChoice, gateway_rows, signoff_choice
from portfolio_tui.tui.render import days_phrase, fit, last_column_width, literal, share_widths, wrap_id
from portfolio_tui.tui.screens.base import PortfolioScreen
from portfolio_tui.tui.screens.decisions import SignOffDialog, signoff_summary
from portfolio_tui.tui.screens.progress_forms import (
    FormSpec,
    ProgressForm,
    checklist_form,
    employer_confirmation_form,
    employer_decisions_form,
    grade_form,
    otj_form,
    prerequisite_form,
    review_form,
)
from portfolio_tui.tui.state import PortfolioView
from portfolio_tui.tui.widgets.rag_badge import RagBadge

RULE_WIDTH = 18
"""The rule column's least width: an id longer takes a second line, broken after a hyphen, unless the item
keeps ``ITEM_WIDTH`` (the detail under the table names the rule in full)."""
ITEM_WIDTH = 38
"""The item column's least width: what an 80-column terminal leaves it beside the rule's least."""


class GatewayScreen(PortfolioScreen):
    MODE = "gateway"
    BINDINGS = [
        # A priority binding, or the table's own enter (hidden) shadows it and the footer never offers it.
        Binding("enter", "record_item", "Record", id="gateway.record", priority=True,
                tooltip="Record the highlighted item: a prerequisite, checklist item, hours or review"),
        Binding("E", "employer_confirms", "Employer OK", id="gateway.employer_confirms",
                tooltip="Record the employer's confirmation that the apprentice is ready"),
        Binding("D", "employer_decides", "Decisions", id="gateway.employer_decides",
                tooltip="Confirm, as the employer, decisions the tutor recorded (English and maths, prior learning, "
                        "review frequency)"),
        Binding("S", "sign_off", "Sign off", id="gateway.sign_off",
                tooltip="Record a gateway sign-off (assessor, then apprentice, then employer)"),
        Binding("G", "grade", "Grade", id="gateway.grade", tooltip="Record an EPA or project result"),
        Binding("o", "next_open", "Next open", id="gateway.next_open",
                tooltip="Move to the next checklist item still open"),
        Binding("W", "withdraw_signoff", "Withdraw my sign-off", id="gateway.withdraw", show=False,
                tooltip="Take back your own sign-off, with a reason (kept on record)"),
    ]
    NEEDS = {"employer_confirms": "employer.confirm", "employer_decides": "employer.decide", "grade": "grade.record"}

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, GatewayRow] = {}
        self.signoffs = SignOffChoice()

    def body(self) -> ComposeResult:
        with Horizontal(id="gateway-top"):
            yield RagBadge(id="gateway-rag")
            yield Static("", id="gateway-summary")
        table: DataTable[Text] = DataTable(id="checklist", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="checklist-detail")
        yield Static("", id="signoffs")
        yield Static("", id="prediction")

    @property
    def table(self) -> DataTable:
        return self.query_one("#checklist", DataTable)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("State", key="state", width=6)
        table.add_column("Due", key="due", width=10)
        self.rule_column = table.add_column("Rule", key="rule", width=RULE_WIDTH)
        table.add_column("Item", key="item")
        super().on_mount()
        table.focus()

    def on_resize(self) -> None:
        if self.papp.view is not None and self.is_mounted:
            self.show(self.papp.view)

    def show(self, view: PortfolioView) -> None:
        report, as_of = view.report, view.as_of
        room = last_column_width(self.table, 6 + 10, 3)
        longest_rule = max((cell_len(item.rule.id) for item in report.checklist if item.rule), default=0)
        rows = gateway_rows(view.standard, report, view.access)
        self.signoffs = signoff_choice(view.portfolio, view.access, self.papp.service.actor)
        rule_width, width = share_widths(room, [(RULE_WIDTH, longest_rule), (ITEM_WIDTH, 0)])
        self.table.columns[self.rule_column].width = rule_width
        self.query_one("#gateway-rag", RagBadge).rag = report.rag
        open_count = len(report.open_items)
        verdict = "ready for gateway" if report.ready else f"{open_count} of {len(report.checklist)} items open"
        self.query_one("#gateway-summary", Static).update(Content.assemble(
            (clean_text(view.portfolio.learner.name), "bold"), " · ",  # whose gateway, on a tutor's caseload
            "Gateway ", (report.gateway_date.isoformat(), "bold"),
            f" {days_phrase((report.gateway_date - as_of).days)}",
            " · ", (verdict, "bold"),
            *((f" · pace {report.otj.pace:.1f} h/wk", "$warning"),)
            if report.otj.pace is not None and not report.otj.met else (),
        ))
        table = self.table
        row = table.cursor_row
        table.clear()
        self.items = {row.item.key: row for row in rows}
        for item in report.checklist:
            state = Text("✔ done", style="green") if item.ok else Text("✗ open", style="bold red")
            rule_lines = wrap_id(item.rule.id, rule_width) if item.rule else ["-"]
            rule = Text("\n".join(rule_lines), style="dim")
            due = Text(item.due.isoformat() if item.due else "-")
            table.add_row(state, due, rule, literal(fit(clean_text(item.title), width)), key=item.key,
                          height=len(rule_lines))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self.query_one("#signoffs", Static).update(signoff_summary(view.portfolio.signoffs))
        prediction = report.prediction
        self.query_one("#prediction", Static).update(Content.assemble(
            ("Predicted grade: ", "bold $secondary"), (clean_text(prediction.grade), "bold"),
            (" (provisional)" if prediction.provisional else "", "$text-muted"), "\n", clean_text(prediction.reason),
        ))

    def highlighted(self) -> GatewayRow | None:
        if not self.is_mounted or not self.table.row_count:
            return None
        return self.items.get(self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value or "")

    @on(DataTable.RowHighlighted, "#checklist")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        row = self.items.get(event.row_key.value or "")
        detail = self.query_one("#checklist-detail", Static)
        if row is None:
            detail.update("")
            return
        item = row.item
        state = ("done", "$text-success") if item.ok else ("open", "bold $text-error")
        text = Content.assemble((clean_text(item.title), "bold"), " · ", state, "\n", clean_text(item.detail))
        otj = self.papp.view.report.otj if self.papp.view is not None else None
        if item.key == "otj-target" and otj is not None and otj.pace is not None and not item.ok:
            text = Content.assemble(text, f"\nPace: {otj.pace:.1f} hours a week to {otj.practical_end}")
        if item.rule is not None:
            source = item.rule.source
            rule = f"Rule {item.rule.id}: {item.rule.title}. Source: {source.document}, {source.paragraph}"
            text = Content.assemble(text, "\n", (clean_text(rule), "$text-muted"))
        detail.update(text)

    def action_next_open(self) -> None:
        view = self.papp.view
        if view is None:
            return
        count = len(view.report.checklist)
        start = self.table.cursor_row + 1
        for index in list(range(start, count)) + list(range(0, start)):
            if not view.report.checklist[index].ok:
                self.table.move_cursor(row=index)
                return
        self.notify("Every gateway item is done.", markup=False)

    def may(self, action: str) -> bool:
        """Keys offered from the service's view: Record on an item this account may record, Sign off while
        it may sign and one is still to come, Withdraw when it has a sign-off standing."""
        if action == "sign_off":
            return bool(self.signoffs.sign_as)
        if action == "withdraw_signoff":
            return bool(self.signoffs.withdraw_as)
        if action == "grade":  # a standard whose rules record no results (judged criterion by criterion)
            view = self.papp.view
            return super().may(action) and view is not None and bool(grade_fields(view.standard))
        if action == "employer_decides":  # only while a decision the tutor recorded awaits the employer
            view = self.papp.view
            return super().may(action) and view is not None and bool(view.report.awaiting_employer)
        if action == "record_item":
            row = self.highlighted()
            return row is not None and row.may_record
        return super().may(action)

    def on_key(self, event: events.Key) -> None:
        """S while no sign-off is offered (this account's is in, or one before it is still to come) says
        why, where the key would otherwise do nothing."""
        if event.key == "S" and not self.signoffs.sign_as and self.signoffs.refusal:
            event.stop()
            event.prevent_default()
            self.notify(self.signoffs.refusal, markup=False)

    def _open(self, spec: FormSpec, said: str) -> None:
        def done(saved: bool | None) -> None:
            if saved:
                self.notify(said, markup=False)

        self.app.push_screen(ProgressForm(spec), done)

    @on(DataTable.RowSelected, "#checklist")
    def _selected(self) -> None:
        row = self.highlighted()
        if row is not None and not row.records:
            self.notify(f"'{clean_text(row.item.title)}' follows from the rest of the portfolio; "
                        "it is not recorded on its own.", markup=False)
        elif row is not None and row.may_record:
            self.action_record_item()

    def action_record_item(self) -> None:
        """Enter on an item opens the form that records it (the dashboard's and timeline's forms for hours
        and reviews); an item worked out from other records says where it comes from."""
        view, row = self.papp.view, self.highlighted()
        if view is None or row is None or not row.records:
            return
        item, records = row.item, row.records
        if records == "employer":
            self.action_employer_confirms()
        elif not self.papp.permit(RECORDED_WITH[records]):
            return
        elif records == "prerequisite":
            self._open(prerequisite_form(view, item.key.removeprefix("prerequisite:"), item.title),
                       "Prerequisite recorded.")
        elif records == "checklist":
            self._open(checklist_form(view, item.key, item.title), "Checklist item recorded.")
        elif records == "otj":
            self._open(otj_form(view), "Off-the-job hours logged.")
        elif records == "review":
            self._open(review_form(view, self.papp.account), "Review recorded.")

    def action_employer_confirms(self) -> None:
        view = self.papp.view
        if view is not None and self.papp.permit("employer.confirm"):
            self._open(employer_confirmation_form(view), "Employer's confirmation recorded.")

    def action_employer_decides(self) -> None:
        view = self.papp.view
        if view is not None and self.papp.permit("employer.decide") and view.report.awaiting_employer:
            self._open(employer_decisions_form(view), "Confirmed for the employer.")

    def action_grade(self) -> None:
        view = self.papp.view
        if view is not None and self.papp.permit("grade.record"):
            self._open(grade_form(view), "Result recorded.")

    def action_sign_off(self) -> None:
        view, choice = self.papp.view, self.signoffs
        if view is None:
            return
        if not choice.sign_as:
            self.notify(choice.refusal, markup=False)
            return
        role = choice.sign_as

        def done(saved: bool | None) -> None:
            if saved:
                self.notify("Sign-off recorded.", markup=False)

        report = view.report
        warning = "" if report.ready else f"Not ready for gateway: {len(report.open_items)} of " \
                                           f"{len(report.checklist)} items are still open."
        self.app.push_screen(SignOffDialog(report.learner, view.portfolio.signoffs, role, view.as_of, warning), done)

    def action_withdraw_signoff(self) -> None:
        """Take back this account's own standing sign-off, with a reason (an appended, sealed record)."""
        view, role = self.papp.view, self.signoffs.withdraw_as
        if view is None or not role:
            self.notify("You have no sign-off standing on this portfolio that you may withdraw.", markup=False)
            return
        from portfolio_tui.services.signoffs import withdraw_signoff
        from portfolio_tui.tui.screens.decisions import ReasonDialog

        as_of = view.as_of

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(f"Your {role} sign-off is withdrawn; it and your reason stay on record.", markup=False)

        self.app.push_screen(ReasonDialog(
            f"Withdraw your {role} sign-off",
            "Sign-offs are sealed: a withdrawal is added after yours, with your reason; nothing is deleted.",
            lambda service, reason: withdraw_signoff(service, role, reason=reason, as_of=as_of),
        ), done)
