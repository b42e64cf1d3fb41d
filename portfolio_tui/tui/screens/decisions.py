"""Dialogs that record a decision about a portfolio: an assessor accepting or referring a piece of
evidence, and a gateway sign-off.

Like the evidence form, each saves off the UI thread and closes only when the save succeeded; a
refusal (bad input, a sign-off out of order, a role that may not) is shown in the dialog, which
stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, Select, Static, TextArea

from portfolio_tui.domain import roles
from portfolio_tui.domain.dates import parse_date
from portfolio_tui.domain.evidence import ACCEPT, REFER, Evidence
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.errors import ConflictError, InputError
from portfolio_tui.tui.screens.forms import REFUSED, SaveDialog, save_buttons, show_error

ROLE_SIGNOFF = {roles.TUTOR: "assessor", roles.APPRENTICE: "apprentice", roles.LINE_MANAGER: "employer"}
"""The sign-off each roster role makes."""


class _Dialog(SaveDialog[bool]):
    """A decision dialog: one error line above its buttons for every refusal."""

    ERROR_BOX = "dialog-error"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="dialog.save"),
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def buttons(self, save_label: str) -> ComposeResult:
        yield Static("", id="dialog-error", classes="field-error")
        yield from save_buttons(save_label)

    def refuse(self, message: str) -> None:
        self.set_saving(False)
        show_error(self, "dialog-error", message)

    def action_save(self) -> None:
        if self.saving:
            return
        try:
            values = self.values()
        except ValueError as exc:
            self.refuse(str(exc))
            return
        self.set_saving(True)
        self.query_one("#dialog-error", Static).remove_class("-shown")
        self._save(values)

    def values(self) -> dict[str, Any]:
        """What is typed, checked; ``ValueError`` says what is wrong."""
        raise NotImplementedError

    def write(self, values: dict[str, Any]) -> None:
        """The change, through the service (runs in a worker thread)."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="dialog-save", exit_on_error=False)
    def _save(self, values: dict[str, Any]) -> None:
        try:
            self.write(values)
        except InputError as exc:
            self.app.call_from_thread(self.refuse, exc.message)
            return
        except REFUSED as exc:
            self.app.call_from_thread(self.refuse, f"Not saved: {exc}")
            return
        self.saved(True)


class AssessDialog(_Dialog):
    """Accept or refer one piece of evidence, with feedback for the apprentice."""

    def __init__(self, evidence: Evidence) -> None:
        super().__init__()
        self.evidence = evidence

    def compose(self) -> ComposeResult:
        e = self.evidence
        with Vertical(id="decision-dialog"):
            yield Static(Content.styled("Assess evidence", "bold"), id="form-heading")
            yield Static(Content.assemble((clean_text(e.title), "bold"), (f"  {e.date.isoformat()} · {e.status}",
                                                                          "$text-muted")), classes="one-line")
            yield Static(Content.assemble(("Criteria: ", "$text-muted"),
                                          ", ".join(clean_text(c) for c in e.criteria) or "none"))
            if e.judgements:
                last = e.judgements[-1]
                yield Static(Content.styled(clean_text(f"Last: {last.outcome} by {last.by} at {last.at}: "
                                                       f"{last.feedback}"), "$text-muted"), classes="one-line")
            with Horizontal(classes="form-row"):
                yield Label("Outcome", classes="form-label")
                yield Select([(Content("Accept: it meets the criteria"), ACCEPT),
                              (Content("Refer: it needs more before it counts"), REFER)],
                             prompt="choose accept or refer", id="outcome", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Feedback", classes="form-label")
                yield TextArea(id="feedback", compact=True, soft_wrap=True, tab_behavior="focus",
                               placeholder="what it shows, or what it still needs (required)")
            yield from self.buttons("Save")

    def on_mount(self) -> None:
        self.query_one("#outcome", Select).focus()

    def values(self) -> dict[str, Any]:
        outcome = self.query_one("#outcome", Select).value
        if outcome is Select.BLANK:
            raise ValueError("outcome: choose accept or refer")
        feedback = self.query_one("#feedback", TextArea).text.strip()
        if not feedback:
            raise ValueError("feedback: say what it shows, or what it still needs")
        return {"outcome": outcome, "feedback": feedback}

    def write(self, values: dict[str, Any]) -> None:
        try:
            self.papp.service.assess(self.evidence.id, values["outcome"], values["feedback"], self.evidence.rev)
        except ConflictError as exc:
            who = f" by {exc.by}" if exc.by else ""
            raise InputError("evidence", f"this evidence was changed{who} after you opened it; "
                                         "close this (esc) and look again") from None


class SignOffDialog(_Dialog):
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
                            placeholder="why sign off with items open (needed then; kept with the sign-off)")
            yield from self.buttons("Sign off")

    def on_mount(self) -> None:
        self.query_one("#role", Select).focus()

    def values(self) -> dict[str, Any]:
        role = str(self.query_one("#role", Select).value)
        try:
            on = parse_date(self.query_one("#date", Input).value)
        except ValueError as exc:
            raise ValueError(f"date: {exc}") from None
        decision = self.papp.view.access.decide(roles.SIGNOFF_ACTIONS[role]) if self.papp.view else None
        if decision is not None and not decision.allowed:
            raise ValueError(decision.reason)
        return {"role": role, "on": on, "reason": self.query_one("#reason", Input).value}

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


class ReasonDialog(_Dialog):
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
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            raise ValueError("reason: say why (it is kept with the record)")
        return {"reason": reason}

    def write(self, values: dict[str, Any]) -> None:
        self.change(self.papp.service, values["reason"])
