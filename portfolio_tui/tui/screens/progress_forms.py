"""The forms that record progress beside evidence: off-the-job hours, a progress review and a party's
confirmation of it, a break, a prerequisite, a gateway checklist item (the employer's confirmation
among them), the employer's confirmation of its decisions on the learner's record, a grade, and a
comment on a piece of evidence.

Each is a :class:`RecordDialog` declared as a list of fields; what is typed goes, as typed, to one
function of ``services.records``, which checks it (the only check) and says which field is wrong; the
refusal names the field's label here. The screens only choose which form to open and what to fill in
first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.gateway import EMPLOYER_CONFIRMATION
from portfolio_tui.domain.progress import OTJ_CATEGORIES, OTJ_EXCLUDED_CATEGORIES
from portfolio_tui.domain.reviews import confirmation_words
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import grade_entry, records
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.services.views import employer_decision_rows
from portfolio_tui.tui.screens.forms import Named, RecordDialog, row
from portfolio_tui.tui.state import PortfolioView


@dataclass(frozen=True)
class Field:
    """One field of a record form: ``kind`` is text, date, area (several lines), select or check."""

    name: str
    label: str
    kind: str = "text"
    value: Any = ""
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()
    """``(label, value)`` for a select."""
    also: tuple[str, ...] = ()
    """The service's names for what this field holds, where they are not ``name``."""


@dataclass(frozen=True)
class FormSpec:
    heading: str
    fields: tuple[Field, ...]
    write: Callable[[PortfolioSession, dict[str, Any]], object]
    """The change, through the services (called in a worker thread with the values as typed)."""
    save_label: str = "Save"
    side: Content | None = None
    """Shown beside the fields (recent entries, the target): context for what is typed."""
    intro: Content | None = field(default=None)
    thread: Content | None = None
    """A thread read before typing (a piece's comments, oldest first), whole, in a box that opens on its
    newest lines and scrolls back (shift+tab, then up) to the first: a box cut at its height hid the newest."""


LABEL_WIDTH = 13
"""The label column of most forms (the stylesheet's ``.form-label``)."""
WIDEST_LABEL = 37
"""The widest a form's label column grows, so the field keeps as much at 80 columns (a 74-cell dialog)."""
WIDEST_LABEL_BESIDE = 20
"""The same with a side panel (30 cells) beside the fields."""


def label_width(spec: FormSpec) -> int | None:
    """The label column a form needs so each label reads on one line ("Professional Discussion:
    distinction" on the grade form, not three lines of it): its longest label and a space, within
    :data:`WIDEST_LABEL`; ``None`` (the stylesheet's 13) when every label fits that."""
    longest = max((cell_len(f.label) for f in spec.fields), default=0) + 1
    if longest <= LABEL_WIDTH:
        return None
    return min(longest, WIDEST_LABEL_BESIDE if spec.side is not None else WIDEST_LABEL)


class ProgressForm(RecordDialog):
    """A record form built from a :class:`FormSpec`."""

    def __init__(self, spec: FormSpec) -> None:
        super().__init__()
        self.spec = spec

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Vertical(id="decision-dialog", classes="progress-form"):
            yield Static(Content.styled(spec.heading, "bold"), id="form-heading")
            if spec.intro is not None:
                yield Static(spec.intro, classes="form-intro")
            if spec.thread is not None:
                with VerticalScroll(id="form-thread"):
                    yield Static(spec.thread)
            with Horizontal(id="progress-body"):
                with VerticalScroll(id="progress-fields"):
                    width = label_width(spec)
                    for f in spec.fields:
                        yield from row(f.label, self._widget(f), width)
                if spec.side is not None:
                    yield Static(spec.side, id="progress-side")
            yield from self.buttons(spec.save_label)

    @staticmethod
    def _widget(f: Field) -> Widget:
        if f.kind == "area":
            return TextArea(str(f.value), id=f.name, compact=True, soft_wrap=True, tab_behavior="focus",
                            placeholder=f.placeholder)
        if f.kind == "select":
            return Select([(Content(label), value) for label, value in f.options], value=f.value or Select.NULL,
                          allow_blank=not f.value, id=f.name, compact=True, prompt=f.placeholder or "choose")
        if f.kind == "check":
            return Checkbox(Content(f.placeholder), bool(f.value), id=f.name, compact=True)
        return Input(str(f.value), id=f.name, placeholder=f.placeholder, compact=True)

    def on_mount(self) -> None:
        if self.spec.thread is not None:
            box = self.query_one("#form-thread", VerticalScroll)
            self.call_after_refresh(box.scroll_end, animate=False, immediate=True)
        if self.spec.fields:
            self.query_one(f"#{self.spec.fields[0].name}").focus()
        else:  # (a confirmation: nothing to type, enter confirms)
            self.query_one("#save").focus()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in self.spec.fields:
            widget = self.query_one(f"#{f.name}")
            if isinstance(widget, TextArea):
                value: Any = widget.text
            elif isinstance(widget, Select):
                value = "" if widget.is_blank() else widget.value
            elif isinstance(widget, Checkbox):
                value = widget.value
            else:
                value = widget.value if isinstance(widget, Input) else ""
            values[f.name] = value
        return values

    def named_fields(self) -> tuple[Named, ...]:
        return tuple(Named(f.name, f.label.strip(), f.also) for f in self.spec.fields)

    def write(self, values: dict[str, Any]) -> None:
        self.spec.write(self.papp.service, values)


def _date_field(name: str, label: str, today: date, *, required: bool = True, also: tuple[str, ...] = ()) -> Field:
    return Field(name, label, "date", today.isoformat() if required else "", "2026-11-21 or 21/11/2026", also=also)


def otj_form(view: PortfolioView) -> FormSpec:
    """Off-the-job hours, with the target, the pace and the latest entries beside the fields."""
    otj = view.report.otj
    lines = [Content.styled("Target and pace", "bold $secondary")]
    if otj.target is None:
        lines.append(Content(f"{otj.logged:g} h logged; no target known"))
    else:
        lines.append(Content(f"{otj.logged:g} of {otj.target:.0f} h logged"))
        if otj.expected_to_date is not None:
            lines.append(Content(f"{otj.expected_to_date:.0f} h expected by now"))
        lines.append(Content.styled(otj.state, "bold"))
    lines += [Content(""), Content.styled("Latest entries", "bold $secondary")]
    latest = sorted(view.portfolio.otj, key=lambda e: (e.date, e.id), reverse=True)[:5]
    for entry in latest:
        counted = "" if entry.counts else " (not counted)"
        lines.append(Content(clean_text(f"{entry.date.isoformat()} {entry.hours:g} h {entry.category}{counted}")))
    if not latest:
        lines.append(Content.styled("none yet", "$text-muted"))
    categories = tuple(
        (f"{label}{' (does not count)' if key in OTJ_EXCLUDED_CATEGORIES else ''}", key)
        for key, label in OTJ_CATEGORIES.items()
    )
    as_of = view.as_of

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.log_otj(service, on=v["date"], hours=v["hours"], category=v["category"],
                        criteria=v["criteria"], description=v["note"], as_of=as_of)

    return FormSpec("Log off-the-job hours", (
        _date_field("date", "Date", as_of),
        Field("hours", "Hours", placeholder="e.g. 3.5"),
        Field("category", "Category", "select", "teaching", options=categories),
        Field("criteria", "Criteria", placeholder="optional, e.g. K1, S2"),
        Field("note", "Note", "area", placeholder="what you learnt (optional)", also=("description",)),
    ), write, "Log hours", Content("\n").join(lines))


def review_form(view: PortfolioView, account: str) -> FormSpec:
    """A three-way progress review: who came, the recorder's own confirmation, actions, hours discussed.

    Only the recorder's own party is offered (a tutor confirms as the provider): the others confirm with
    their own accounts (``c`` on the timeline). Without a roster the file's owner may confirm as each."""
    learner = view.portfolio.learner
    people = [clean_text(p) for p in (learner.name, learner.line_manager, learner.tutor) if p]
    parties = view.access.review_parties
    as_of = view.as_of

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.record_review(service, on=v["date"], attendees=v["attendees"], otj_hours=v["otj_hours"] or None,
                              actions=v["actions"], notes=v["notes"],
                              confirm_as=[p for p in parties if v[f"confirm_{p}"]], as_of=as_of)

    fields: list[Field] = [
        _date_field("date", "Date", as_of),
        Field("attendees", "Attendees", value=", ".join(people), placeholder="names, separated by commas"),
    ]
    for party in parties:
        fields.append(Field(f"confirm_{party}", "Confirm", "check", False, f"I confirm as the {party}",
                            also=("confirm_as",) if party == parties[0] else ()))
    fields += [
        Field("otj_hours", "OTJ hours", placeholder="hours discussed, e.g. 40", also=("otj_hours_discussed",)),
        Field("actions", "Actions", "area", placeholder="agreed actions, who and by when"),
        Field("notes", "Notes", placeholder="optional"),
    ]
    others = "the other parties confirm with their own accounts" if len(parties) < 3 else \
        "no roster: each confirmation you tick is recorded as yours"
    return FormSpec("Record a progress review", tuple(fields), write, "Record review",
                    intro=Content.styled(f"Recording as {clean_text(account)}; {others}", "$text-muted"))


def confirm_review_form(view: PortfolioView, review_id: int, parties: tuple[str, ...]) -> FormSpec:
    """This account confirms a recorded review as its own party (``TimelineRow.confirm_as``); nothing to type.

    Without a roster the file's owner picks which of the parties still to confirm."""
    review = next(r for r in view.portfolio.reviews if r.id == review_id)
    account = clean_text(view.access.account)
    # What is confirmed, as recorded: who came and what was discussed, not the actions alone (QA Q12: the
    # apprentice confirmed a review that named nobody, shown only "Actions: -").
    recorded = f", recorded by {review.recorded_by}" if review.recorded_by else ""
    said = [f"With: {', '.join(review.attendees) or 'nobody recorded'}"]
    if review.otj_hours_discussed is not None:
        said.append(f"Off-the-job hours discussed: {review.otj_hours_discussed:g}")
    said.append(f"Actions: {review.actions or '-'}")
    if review.notes:
        said.append(f"Notes: {review.notes}")
    intro = Content("\n").join([
        Content.assemble(("Review of ", "bold"), (review.date.isoformat(), "bold"), clean_text(recorded)),
        *(Content(clean_text(line)) for line in said),
        Content(clean_text(confirmation_words(review))),
        Content.styled(f"Confirming as {account}, " + (parties[0] if len(parties) == 1 else "the party chosen"),
                       "bold"),
    ])

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.confirm_review(service, review_id, v.get("party") or None)

    fields: tuple[Field, ...] = ()
    if len(parties) > 1:
        fields = (Field("party", "Party", "select", parties[0], options=tuple((p, p) for p in parties)),)
    return FormSpec("Confirm a progress review", fields, write, "Confirm", intro=intro)


DECISION_LABELS = {"english-maths": "English/maths", "prior-learning": "Prior learning", "review-cadence": "Reviews"}
"""The label beside each decision's box (the dialog's intro names each in full)."""


def employer_decisions_form(view: PortfolioView) -> FormSpec:
    """The line manager confirms, for the employer, decisions the tutor recorded on the learner's record
    (``services.views.employer_decision_rows``): each awaiting one as the record holds it, with a box to tick.
    What is confirmed is what was shown: a decision changed since is refused (``as_shown``). The account,
    never a typed name, is recorded."""
    rows = [r for r in employer_decision_rows(view.portfolio.learner) if r.awaiting]
    shown = {r.decision: r.terms for r in rows}

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.confirm_employer_decisions(service, [r.decision for r in rows if v[f"decide-{r.decision}"]],
                                           as_shown=shown)

    # A refusal of the decisions as a whole ("choose at least one to confirm") is the form's top line, "Decisions:
    # ...", not put under the first box as "Prior learning: ..." (QA Q6).
    fields = tuple(Field(f"decide-{r.decision}", DECISION_LABELS[r.decision], "check", False, clean_text(r.shown))
                   for r in rows)
    noted = [f"{DECISION_LABELS[r.decision]}: {r.noted_by_recorder}" for r in rows if r.noted_by_recorder]
    lines = [Content("The tutor recorded these as the employer's decisions; each counts only once you confirm it.")]
    if noted:
        lines.append(Content.styled(clean_text("Names typed by the recorder (noted, not counted): " + "; ".join(noted)),
                                    "$text-muted"))
    lines.append(Content.styled(f"Confirming as {clean_text(view.access.account)}, the employer", "bold"))
    return FormSpec("Confirm the employer's decisions", fields, write, "Confirm", intro=Content("\n").join(lines))


def employer_confirmation_form(view: PortfolioView) -> FormSpec:
    return checklist_form(view, EMPLOYER_CONFIRMATION, "Employer confirms the apprentice is competent and ready",
                          heading="Employer's confirmation")


def checklist_form(view: PortfolioView, key: str, title: str, *, heading: str = "Gateway checklist item") -> FormSpec:
    as_of = view.as_of

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.record_checklist(service, key, on=v["date"], detail=v["detail"], as_of=as_of)

    return FormSpec(heading, (_date_field("date", "Done on", as_of, also=("done_on",)),
                              Field("detail", "Detail", placeholder="optional")),
                    write, "Record", intro=Content.styled(clean_text(title), "bold"))


def prerequisite_form(view: PortfolioView, key: str, title: str) -> FormSpec:
    as_of = view.as_of

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.record_prerequisite(service, key, achieved_on=v["date"], note=v["note"], as_of=as_of)

    return FormSpec("Prerequisite achieved", (_date_field("date", "Achieved on", as_of, also=("achieved_on",)),
                                              Field("note", "Note", placeholder="certificate, result (optional)")),
                    write, "Record", intro=Content.styled(clean_text(title), "bold"))


def break_form(view: PortfolioView) -> FormSpec:
    """A break to record; while one is going on, its end (``portfolio break end``), since another would overlap
    it: B on a break recorded without an end said only "Starts: overlaps break 1 (... to ongoing)", and the TUI
    had no way to end it (QA Q8)."""
    as_of = view.as_of
    ongoing = next((b for b in view.portfolio.breaks if b.end is None), None)
    if ongoing is not None:
        reason = f" ({clean_text(ongoing.reason)})" if ongoing.reason else ""

        def end(service: PortfolioSession, v: dict[str, Any]) -> None:
            records.end_break(service, ongoing.id, v["end"], as_of=as_of)

        return FormSpec("End the break in learning", (_date_field("end", "Ended on", as_of),), end, "End break",
                        intro=Content.styled(f"On a break since {ongoing.start.isoformat()}{reason}.", "$text-muted"))

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.record_break(service, start=v["start"], end=v["end"] or None, reason=v["reason"], as_of=as_of)

    return FormSpec("Break in learning", (
        _date_field("start", "Starts", as_of),
        _date_field("end", "Ends", as_of, required=False),
        Field("reason", "Reason", placeholder="e.g. maternity leave"),
    ), write, "Record break", intro=Content.styled("Leave the end empty while the break lasts.", "$text-muted"))


def grade_form(view: PortfolioView) -> FormSpec:
    """One field per thing a result is recorded for (the services' ``grade_fields``): the grade to choose
    for each EPA component or method, or the criteria met, or each section's mark; left empty, not recorded."""
    graded = grade_entry.grade_fields(view.standard)
    names = {f"grade-{i}": f.name for i, f in enumerate(graded)}
    as_of = view.as_of

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        grade_entry.record_grades(service, {name: v[key] for key, name in names.items()}, on=v["date"] or as_of,
                                  note=v["note"], as_of=as_of)

    fields = tuple(
        Field(key, clean_text(f.label), "select" if f.choices else "text",
              options=tuple((c, c) for c in f.choices), placeholder=f.hint or "not recorded", also=(f.name,))
        for key, f in zip(names, graded, strict=True)
    )
    intro = Content.styled(grade_entry.grade_intro(view.standard), "$text-muted")
    return FormSpec("Record grades", (*fields, _date_field("date", "Date", as_of, also=("on",)),
                                      Field("note", "Note", placeholder="optional")), write, "Record", intro=intro)


def comment_form(view: PortfolioView, evidence: Evidence) -> FormSpec:
    """The piece's thread so far, and a box for the next comment."""
    thread = view.portfolio.comments_on(evidence.id)
    intro = Content.assemble(("On ", "$text-muted"), (clean_text(evidence.title), "bold"))
    lines = [Content.assemble((clean_text(f"{comment.recorded_by} {comment.recorded_at[:10]}: "), "$secondary"),
                              clean_text(comment.text)) for comment in thread]
    evidence_id = evidence.id

    def write(service: PortfolioSession, v: dict[str, Any]) -> None:
        records.add_comment(service, evidence_id, v["comment"])

    return FormSpec("Comment", (Field("comment", "Comment", "area", placeholder="your comment", also=("text",)),),
                    write, "Comment", intro=intro,
                    thread=Content("\n").join(lines) if lines else Content.styled("No comments yet.", "$text-muted"))
