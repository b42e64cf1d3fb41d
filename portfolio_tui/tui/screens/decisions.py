"""Dialogs that record a decision about a portfolio: an assessor accepting or referring a piece of
evidence, and a gateway sign-off.

Like the evidence form, each saves off the UI thread and closes only when the save succeeded; a
refusal (bad input, a sign-off out of order, a role that may not) is shown in the dialog, which
stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from portfolio_tui.domain import roles
from portfolio_tui.domain.evidence import ACCEPT, REFER, REOPEN, Evidence
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.errors import ConflictError, InputError
from portfolio_tui.tui.screens.forms import Named, RecordDialog
from portfolio_tui.tui.widgets.fit_lines import FitLines

OUTCOME_MARKS = {ACCEPT: ("✔ accept", "bold $text-success"), REFER: ("✗ refer ", "bold $text-error"),
                 None: ("· not yet", "$text-muted")}
NEXT_OUTCOME = {None: ACCEPT, ACCEPT: REFER, REFER: None}


OUTCOME_SAID = {ACCEPT: "accepted", REFER: "referred", REOPEN: "resubmitted"}
"""A judgement's outcome as the log and the panel word it: the dialog said "Last: reopen by ava at
2026-12-02T00:29:47Z" and "(was reopen)" over a piece the log calls resubmitted (QA Q18)."""


class AssessDialog(RecordDialog):
    """Accept or refer a piece criterion by criterion, with one feedback for the apprentice.

    Space cycles the highlighted criterion through accept, refer and not judged; ``a`` accepts every
    criterion and ``r`` refers every one. A piece tagged to no criteria is judged as a whole."""

    ERROR_BOX = "dialog-error"

    BINDINGS = [
        *RecordDialog.BINDINGS,
        Binding("space", "cycle", "Accept/refer", id="assess.cycle"),
        Binding("a", "all('accept')", "Accept all", id="assess.accept_all"),
        Binding("r", "all('refer')", "Refer all", id="assess.refer_all"),
    ]

    def __init__(self, evidence: Evidence, labels: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.evidence = evidence
        self.labels = dict(labels or {})
        """Each criterion's short label, beside its id, so each can be judged without looking it up."""
        self.targets: tuple[str, ...] = evidence.criteria or ("",)
        self.outcomes: dict[str, str | None] = dict.fromkeys(self.targets)

    def compose(self) -> ComposeResult:
        e = self.evidence
        with Vertical(id="decision-dialog"):
            yield Static(Content.styled("Assess evidence", "bold"), id="form-heading")
            piece = FitLines(id="assess-piece")  # each line cut at a word ("… and on…", not "[bol…")
            status = "resubmitted" if e.resubmitted else e.status
            piece.lines = [Content.assemble((clean_text(e.title), "bold"),
                                            (f"  {e.date.isoformat()} · {status}", "$text-muted"))]
            if e.judgements:
                last = e.judgements[-1]
                about = f" on {last.criterion}" if last.criterion else ""
                piece.lines.append(Content.styled(clean_text(
                    f"Last: {OUTCOME_SAID.get(last.outcome, last.outcome)}{about} by {last.by} {last.at[:10]}: "
                    f"{last.feedback}"), "$text-muted"))
            yield piece
            yield Label("space: accept, refer, not yet · a: accept all · r: refer all", classes="muted")
            yield OptionList(*self._options(), id="judge-list")
            with Horizontal(classes="form-row"):
                yield Label("Feedback", classes="form-label")
                yield TextArea(id="feedback", compact=True, soft_wrap=True, tab_behavior="focus",
                               placeholder="what it shows, or what it still needs (required)")
            yield from self.buttons("Save")

    def _options(self) -> list[Option]:
        criteria = self.evidence.criteria
        options = []
        for cid in self.targets:
            mark, style = OUTCOME_MARKS[self.outcomes[cid]]
            label = clean_text(cid) if cid else "The whole piece"
            before = self.evidence.outcome_for(cid) if criteria else None
            was = f"  (was {OUTCOME_SAID.get(before, before)})" if before else ""
            text = f" {clean_text(self.labels[cid])}" if cid in self.labels else ""
            options.append(Option(Content.assemble((mark, style), "  ", (label, "bold"), text, (was, "$text-muted")),
                                  id=cid or "-whole-"))
        return options

    def on_mount(self) -> None:
        self.query_one("#judge-list", OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle", "all") and isinstance(self.focused, TextArea):
            return False  # typing feedback: space and letters are text
        return True

    def _redraw(self) -> None:
        listing = self.query_one("#judge-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(self._options())
        listing.highlighted = highlighted

    def action_cycle(self) -> None:
        listing = self.query_one("#judge-list", OptionList)
        if listing.highlighted is None:
            listing.highlighted = 0
        cid = self.targets[listing.highlighted]
        self.outcomes[cid] = NEXT_OUTCOME[self.outcomes[cid]]
        self._redraw()

    def action_all(self, outcome: str) -> None:
        self.outcomes = dict.fromkeys(self.targets, outcome)
        self._redraw()

    @on(OptionList.OptionSelected, "#judge-list")
    def _selected(self) -> None:
        self.query_one("#feedback", TextArea).focus()

    def values(self) -> dict[str, Any]:
        judged = {cid: outcome for cid, outcome in self.outcomes.items() if outcome is not None}
        return {"outcomes": judged, "feedback": self.query_one("#feedback", TextArea).text}

    def named_fields(self) -> tuple[Named, ...]:
        return (Named("judge-list", "Criteria", ("outcome", "criteria")), Named("feedback", "Feedback"))

    def write(self, values: dict[str, Any]) -> None:
        try:
            self.papp.service.assess_criteria(self.evidence.id, values["outcomes"], values["feedback"],
                                              self.evidence.rev)
        except ConflictError as exc:
            who = f" by {exc.by}" if exc.by else ""
            raise InputError("evidence", f"this evidence was changed{who} after you opened it; "
                                         "close this (esc) and look again") from None


class SignOffDialog(RecordDialog):
    """Sign off the gateway in one of the three roles, in order."""

    def __init__(self, learner: str, signoffs: tuple[SignOff, ...], role: str, today: date, warning: str = "") -> None:
        super().__init__()
        self.learner = learner
        self.signoffs = signoffs
        self.role = role
        self.today = today
        self.warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-dialog"):
            yield Static(Content.assemble(("Gateway sign-off for ", "bold"), (clean_text(self.learner), "bold")),
                         id="form-heading")
            yield Static(signoff_summary(self.signoffs))
            if self.warning:
                yield Static(Content.styled(self.warning, "$text-warning"))
            with Horizontal(classes="form-row"):
                yield Label("Role", classes="form-label")
                yield Select([(Content(r), r) for r in roles.SIGNOFF_ORDER], value=self.role, allow_blank=False,
                             id="role", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Date", classes="form-label")
                yield Input(self.today.isoformat(), id="date", compact=True, placeholder="2026-11-21 or 21/11/2026")
            with Horizontal(classes="form-row"):
                yield Label("Reason", classes="form-label")
                yield Input(id="reason", compact=True,
                            placeholder="needed while items are open; kept and shown")
            yield from self.buttons("Sign off")

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    def values(self) -> dict[str, Any]:
        return {"role": str(self.query_one("#role", Select).value), "on": self.query_one("#date", Input).value,
                "reason": self.query_one("#reason", Input).value}

    def named_fields(self) -> tuple[Named, ...]:
        return (Named("role", "Role"), Named("date", "Date"), Named("reason", "Reason"))

    def write(self, values: dict[str, Any]) -> None:
        from portfolio_tui.services.signoffs import sign_off

        sign_off(self.papp.service, values["role"], values["on"], reason=values["reason"], as_of=self.papp.as_of)


def signoff_summary(signoffs: tuple[SignOff, ...]) -> Content:
    """``✔ assessor tess 2026-05-01 · next: apprentice, then employer``, with each reason given and each
    withdrawal (the sign-offs are the ones that stand; the withdrawals stay in the record)."""
    standing = roles.standing_signoffs(signoffs)
    made = sorted(standing, key=lambda s: roles.SIGNOFF_ORDER.index(s.role) if s.role in roles.SIGNOFF_ORDER else 9)
    parts: list[str | Content | tuple[str, str]] = []
    for s in made:
        parts += [("✔ ", "$text-success"), (clean_text(s.role), "bold"), f" {clean_text(s.by)} {s.on.isoformat()}"]
        if s.reason:
            parts += [(f" (items open: {clean_text(s.reason)})", "$text-warning")]
        parts.append(" · ")
    for w in (s for s in signoffs if s.withdrawal):
        parts += [(f"withdrawn: {clean_text(w.role)} by {clean_text(w.by)} {w.on.isoformat()} "
                   f"({clean_text(w.reason)})", "$text-warning"), " · "]
    following = roles.next_signoff(signoffs)
    if following is None:
        parts.append(("all three are in", "$text-success"))
    else:
        after = roles.SIGNOFF_ORDER[roles.SIGNOFF_ORDER.index(following) + 1:]
        parts += ["next: ", (following, "bold $accent"), f", then {' and '.join(after)}" if after else ""]
    return Content.assemble(("Sign-offs: ", "bold $secondary"), *parts)


class ReasonDialog(RecordDialog):
    """Take something back with a reason (a milestone's done mark, one's own sign-off): the change is an
    appended record, so the dialog says what will be kept, and asks only why."""

    def __init__(self, heading: str, explanation: str, write: Callable[[Any, str], object]) -> None:
        super().__init__()
        self.heading = heading
        self.explanation = explanation
        self.change = write

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-dialog"):
            yield Static(Content.styled(clean_text(self.heading), "bold"), id="form-heading")
            yield Static(Content(clean_text(self.explanation)), classes="muted")
            with Horizontal(classes="form-row"):
                yield Label("Reason", classes="form-label")
                yield Input(id="reason", compact=True, placeholder="why (kept in the record)")
            yield from self.buttons("Take back")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"reason": self.query_one("#reason", Input).value}

    def named_fields(self) -> tuple[Named, ...]:
        return (Named("reason", "Reason"),)

    def write(self, values: dict[str, Any]) -> None:
        self.change(self.papp.service, values["reason"])
