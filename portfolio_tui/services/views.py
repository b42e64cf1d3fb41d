"""Ready-made views of a portfolio for one OS account: what the screens and the commands render.

Each is computed here, once, from the domain objects and the roster, so the TUI and the CLI show
the same thing and neither decides anything: who may do what (:class:`Access`), the timeline
(:func:`timeline_document`), the evidence log's rows (:class:`EvidenceRow`, :class:`LiveEvidence`)
and a caseload's rows (``services.caseload``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from portfolio_tui.domain import employer_decisions, roles
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.gateway import EMPLOYER_CONFIRMATION, ChecklistResult, ReadinessReport
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio, unconfirmed_where_changed
from portfolio_tui.domain.progress import Review
from portfolio_tui.domain.reviews import confirmation_words, unconfirmed
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.text import clean_text

RAG_RANK = {"red": 0, "amber": 1, "green": 2}


@dataclass(frozen=True)
class Access:
    """Who is looking at which portfolio file, and what the cohort's roster lets them do to it.

    Screens ask :meth:`decide` before offering a change, so a line manager or an apprentice opening
    someone else's portfolio gets a read-only view and a refusal that says who may. The service
    decides again, inside the locked transaction, when the change is made.
    """

    path: Path
    account: str
    roster: roles.Roster | None = None
    file_owner: str | None = None
    roster_problem: str = ""
    """Why the folder's roster was refused; when set, nothing may be changed."""
    read_only: str = ""
    """Why the file is read-only (it breaks the schema); when set, it may be seen and nothing changed."""

    def decide(self, action: str) -> roles.Decision:
        if self.roster_problem:
            return roles.Decision(False, f"the cohort's roster cannot be trusted, so nothing can be changed: "
                                         f"{self.roster_problem}")
        if self.read_only and action != "view":
            return roles.Decision(False, self.read_only)
        return roles.may(self.roster, self.account, action, self.path.name, file_owner=self.file_owner)

    @property
    def role(self) -> str | None:
        """The account's role on the roster (``None`` without a roster or when not on it)."""
        return self.roster.role_of(self.account) if self.roster else None

    @property
    def evidence_enter(self) -> str:
        """What enter on a piece of evidence does for this account: ``assess`` for a tutor (who may not
        edit an apprentice's evidence), ``read`` for an account that may do neither (a line manager: the piece
        whole, its feedback included, which the log's panel cuts to a row a line), else ``edit``."""
        if self.decide("evidence.edit").allowed:
            return "edit"
        return "assess" if self.decide("evidence.assess").allowed else "read"

    def not_yours(self, action: str) -> str:
        """One line for a key that is hidden from this account and pressed anyway ("Adding evidence is for
        the apprentice (ava); you are the line manager."), so the key is not silently dead; ``""`` when the
        account may do it. Without a usable roster, the refusal's reason (whose file it is, or why nothing
        may change)."""
        decision = self.decide(action)
        if decision.allowed:
            return ""
        if self.roster is None or self.roster_problem or self.read_only:
            return decision.reason
        return roles.not_yours(action, self.role, decision.who_may)

    @property
    def review_parties(self) -> tuple[str, ...]:
        """The review parties this account confirms for here: its own role's (``domain.roles.review_parties``)."""
        if not self.decide("review.confirm").allowed:
            return ()
        return roles.review_parties(self.roster, self.account, self.path.name, file_owner=self.file_owner)

    @property
    def allowed_actions(self) -> frozenset[str]:
        """Every ``domain.roles`` action this account may do to this portfolio (footers and the palette)."""
        return frozenset(a for a in roles.ACTIONS if a != "roster.edit" and self.decide(a).allowed)


RECORDED_WITH = {"prerequisite": "progress.record", "checklist": "progress.record",
                 "employer": "employer.confirm", "otj": "otj.record", "review": "review.record"}
"""The ``domain.roles`` action each gateway form needs."""


@dataclass(frozen=True)
class GatewayRow:
    """One gateway checklist item, with the form that records it and whether this account may now."""

    item: ChecklistResult
    records: str
    """The form that records it: ``prerequisite``, ``checklist``, ``employer`` (the employer's
    confirmation), ``otj`` (hours) or ``review``; ``""`` for an item that follows from the rest."""
    may_record: bool


def gateway_rows(standard: Standard, report: ReadinessReport, access: Access) -> tuple[GatewayRow, ...]:
    """The gateway screen's rows, each offering Record only to an account that may record that item."""
    plan_keys = {c.key for c in standard.plan.gateway_checklist}
    may = access.allowed_actions
    rows = []
    for item in report.checklist:
        if item.key.startswith("prerequisite:"):
            records = "prerequisite"
        elif item.key == EMPLOYER_CONFIRMATION:
            records = "employer"
        elif item.key in plan_keys:
            records = "checklist"
        else:
            records = {"otj-target": "otj", "reviews": "review"}.get(item.key, "")
        rows.append(GatewayRow(item, records, bool(records) and RECORDED_WITH[records] in may))
    return tuple(rows)


@dataclass(frozen=True)
class SignOffChoice:
    """What this account may do about the gateway sign-offs now."""

    sign_as: str = ""
    """The sign-off it would make next (its role's, else the next in order); ``""`` when it may make none,
    its role's is in, one before its role's is still to come, or all three are in (``refusal`` says which)."""
    refusal: str = ""
    withdraw_as: str = ""
    """Its own standing sign-off it may take back (``""`` for none)."""


def signoff_choice(portfolio: Portfolio, access: Access, actor: str) -> SignOffChoice:
    """``actor`` is the name this account's changes are recorded under (sign-offs are by it)."""
    following = roles.next_signoff(portfolio.signoffs)
    mine = [s for s in roles.standing_signoffs(portfolio.signoffs) if s.by == actor]
    withdraw_as = mine[-1].role if mine and access.decide(roles.SIGNOFF_ACTIONS[mine[-1].role]).allowed else ""
    if following is None:
        return SignOffChoice(refusal="All three gateway sign-offs are in.", withdraw_as=withdraw_as)
    role = roles.SIGNOFF_OF_ROLE.get(access.role or "", following)
    if not any(access.decide(action).allowed for action in roles.SIGNOFF_ACTIONS.values()):
        return SignOffChoice(refusal=access.decide(roles.SIGNOFF_ACTIONS[role]).reason, withdraw_as=withdraw_as)
    turn = roles.check_signoff(portfolio.signoffs, role)
    if not turn.allowed:  # signed already, or one before it is still to come: not offered, and S says why
        return SignOffChoice(refusal=f"Not now: {turn.reason}.", withdraw_as=withdraw_as)
    return SignOffChoice(role, withdraw_as=withdraw_as)


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of evidence as a log lists it (the TUI's evidence log, ``portfolio evidence list``): each
    cell as text safe to show, its status (``removed`` once removed), and the words a filter matches."""

    evidence: Evidence
    date: str
    title: str
    kind: str
    """The kind's short name (``Product``); :attr:`kind_label` is the whole label."""
    kind_label: str
    criteria: str
    """Its criteria, comma-separated ("" for none)."""
    status: str
    haystack: str
    """Date, title, kind, criteria, status ("to assess" too for a piece awaiting assessment, a resubmission
    included) and description in lower case: what a typed filter searches."""


RESUBMITTED = "resubmitted"
"""The status shown for a piece awaiting assessment again after a change to what a tutor judged
(``Evidence.resubmitted``): to assess, and not for the first time."""

CHANGED_OUTSIDE = "changed outside"
"""The status shown for a piece changed outside the app since the audit recorded it (``Portfolio.changed_outside``):
whatever it says of its judgements is not believed (review F6)."""


def evidence_row(evidence: Evidence, changed_outside: Collection[str] = ()) -> EvidenceRow:
    """``changed_outside``: the file's records changed outside the app (``Portfolio.changed_outside``)."""
    title = clean_text(evidence.title)
    kind_label = clean_text(evidence.kind_label)
    kind = kind_label.split(" (")[0]
    criteria = ", ".join(clean_text(c) for c in evidence.criteria)
    status = "removed" if evidence.deleted else RESUBMITTED if evidence.resubmitted else evidence.status
    if changed_outside and f"evidence {evidence.id}" in changed_outside:
        status = CHANGED_OUTSIDE
    waiting = "to assess" if status in ("submitted", RESUBMITTED) else ""
    haystack = " ".join(
        (evidence.date.isoformat(), title, kind, evidence.kind, " ".join(evidence.criteria), status, waiting,
         clean_text(evidence.description))
    ).lower()
    return EvidenceRow(evidence, evidence.date.isoformat(), title, kind, kind_label, criteria, status, haystack)


def evidence_rows(pieces: Iterable[Evidence], changed_outside: Collection[str] = ()) -> tuple[EvidenceRow, ...]:
    return tuple(evidence_row(e, changed_outside) for e in pieces)


@dataclass(frozen=True)
class LiveEvidence:
    """A portfolio's live evidence as the screens look it up: newest first, by id, and by criterion."""

    newest_first: tuple[Evidence, ...]
    by_id: dict[int, Evidence]
    by_criterion: dict[str, tuple[Evidence, ...]]
    """Live evidence tagged to each criterion, newest first (simulated pieces included, as tagged)."""
    removed: int = 0
    """How many pieces are in the bin (the log offers the Bin only when there is something to restore)."""


def live_evidence(portfolio: Portfolio) -> LiveEvidence:
    live = sorted(portfolio.live_evidence, key=lambda e: (e.date, e.id), reverse=True)
    by_criterion: dict[str, list[Evidence]] = {}
    for evidence in live:
        for criterion_id in evidence.criteria:
            by_criterion.setdefault(criterion_id, []).append(evidence)
    return LiveEvidence(tuple(live), {e.id: e for e in live}, {k: tuple(v) for k, v in by_criterion.items()},
                        len(portfolio.evidence) - len(live))


@dataclass(frozen=True)
class TimelineRow:
    """One dated line of the timeline screen: a milestone, a review held, missed, overdue or due, a break."""

    key: str
    day: date
    kind: str
    title: str
    status: str
    detail: str = ""
    milestone_key: str = ""
    actions: frozenset[str] = frozenset()
    """What this account may do to this row now: ``mark`` (a milestone done, or undo the mark),
    ``confirm`` (its part of a review held that not every party has confirmed yet)."""
    confirm_as: tuple[str, ...] = ()
    """The parties a ``confirm`` may confirm as: this account's own party, while it has not confirmed (without
    a roster, the file owner's choice of those still to confirm). The account, never a typed name, is recorded."""


def timeline_rows(portfolio: Portfolio, report: ReadinessReport, as_of: date,
                  access: Access | None = None) -> list[TimelineRow]:
    """Everything dated on the programme, in date order: what the timeline screen lists (it only renders),
    each row with what ``access`` may do to it now (nothing without one). A review changed outside the app shows no
    confirmation (none is believed, as readiness counts none)."""
    portfolio = unconfirmed_where_changed(portfolio, frozenset(portfolio.changed_outside))
    may = access.allowed_actions if access is not None else frozenset()
    mark = frozenset({"mark"}) if "progress.record" in may else frozenset()
    items = [
        TimelineRow(f"m:{m.key}", m.date, "milestone", m.title, m.status,
                     m.detail + (f" Done {m.done_on.isoformat()} by {m.done_by}." if m.done_on else "")
                     + (" Done out of order: a milestone due before it was not yet done." if m.out_of_order else ""),
                     m.key, mark)
        for m in report.milestones
    ]
    parties = access.review_parties if access is not None else ()
    for review in portfolio.reviews:
        if review.date <= as_of:
            who = ", ".join(review.attendees)
            mine = tuple(p for p in parties if review.confirmation(p) is None)
            actions = review.actions.rstrip()
            said = (f"With {who}. " if who else "") + (f"{actions}{'' if actions.endswith(('.', '!', '?')) else '.'} "
                                                        if actions else "")
            items.append(TimelineRow(f"r:{review.id}", review.date, "review", "Progress review", "held",
                                      said + confirmation_words(review),
                                      actions=frozenset({"confirm"}) if mine else frozenset(), confirm_as=mine))
    status = report.reviews
    rule = f" (rule {status.rule.id})" if status.rule else ""
    for gap in status.gaps:
        if gap.held is None:  # the next review, overdue: one row, not a "missed" and a "due" on one date
            items.append(TimelineRow(f"rm:{gap.due}", gap.due, "review", "Progress review overdue", "overdue",
                                      "No review was held by this date, nor since. "
                                      f"Reviews are due {status.cadence_label}{rule}."))
            continue
        items.append(TimelineRow(f"rm:{gap.due}", gap.due, "review", "Progress review due", "missed",
                                  f"No review was held by this date; the next was held on {gap.held.isoformat()}."))
    if status.next_due and status.next_due not in status.overdue:
        items.append(TimelineRow(f"rn:{status.next_due}", status.next_due, "review", "Next progress review due",
                                  "due", f"Reviews are due {status.cadence_label}{rule}."))
    for brk in portfolio.breaks:
        ongoing = brk.end is None or brk.end > as_of
        # "going on", not "2026-12-02 to open.", which read as a date still to come (QA Q13)
        span = f"{brk.start.isoformat()} to {brk.end.isoformat()}" if brk.end else \
            f"From {brk.start.isoformat()}, still going on"
        items.append(TimelineRow(f"b:{brk.id}", brk.start, "break", "Break in learning",
                                  "on break" if ongoing and brk.start <= as_of else "ended",
                                  f"{span}. {brk.reason}".strip()))
    return sorted(items, key=lambda i: (i.day, i.kind, i.key))


def timeline_document(path: Path, portfolio: Portfolio, report: ReadinessReport, as_of: date) -> dict[str, Any]:
    """``portfolio timeline --json``: the dates, milestones, reviews and breaks of one portfolio (as readers believe
    them: a review changed outside the app holds no confirmation)."""
    portfolio = unconfirmed_where_changed(portfolio, frozenset(portfolio.changed_outside))
    whole = report.to_dict()
    return {
        "path": str(path),
        "learner": report.learner,
        "as_of": as_of.isoformat(),
        "start": portfolio.learner.start.isoformat(),
        "planned_end": portfolio.learner.planned_end.isoformat(),
        "effective_end": report.effective_end.isoformat(),
        "gateway_date": report.gateway_date.isoformat(),
        "milestones": whole["milestones"],
        "reviews": {**whole["reviews"], "held": [held_review(r) for r in portfolio.reviews if r.date <= as_of]},
        "breaks": [
            {"id": b.id, "start": b.start.isoformat(), "end": b.end.isoformat() if b.end else None, "reason": b.reason}
            for b in portfolio.breaks
        ],
    }


@dataclass(frozen=True)
class EmployerDecisionRow:
    """One of the employer's decisions as the learner's record holds it (``domain.employer_decisions``): what
    ``portfolio learner decisions`` lists and the line manager's confirm dialog offers."""

    decision: str
    title: str
    terms: str
    """The decision as recorded, the words a confirmation keeps ('' when none is recorded)."""
    shown: str
    """The same in words ("not required", "every 4 calendar months")."""
    noted_by_recorder: str
    """The name the tutor typed for who at the employer made it: noted, never counted."""
    confirmed_by: str = ""
    confirmed_at: str = ""

    @property
    def awaiting(self) -> bool:
        return bool(self.terms) and not self.confirmed_by

    @property
    def words(self) -> str:
        if not self.terms:
            return "none recorded"
        noted = f"; noted by the recorder as {self.noted_by_recorder}" if self.noted_by_recorder else ""
        if self.confirmed_by:
            return f"{self.shown}: confirmed by the employer ({self.confirmed_by}, {self.confirmed_at[:10]}){noted}"
        return f"{self.shown}: awaiting the employer's confirmation{noted} (a typed name does not count)"

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision, "title": self.title, "terms": self.terms, "awaiting": self.awaiting,
                "confirmed_by": self.confirmed_by or None, "confirmed_at": self.confirmed_at or None,
                "noted_by_recorder": self.noted_by_recorder}


def employer_decision_rows(learner: Learner) -> list[EmployerDecisionRow]:
    """Each of the employer's decisions on ``learner``'s record, with who confirmed it or that it awaits them."""
    rows = []
    for decision, title in employer_decisions.EMPLOYER_DECISIONS.items():
        terms = employer_decisions.terms(learner, decision)
        made = employer_decisions.confirmation(learner, decision)
        rows.append(EmployerDecisionRow(
            decision, title, terms, employer_decisions.describe(learner, decision) if terms else "",
            employer_decisions.noted_name(learner, decision) if terms else "",
            made.by if made else "", made.at if made else ""))
    return rows


def believed_decision_rows(portfolio: Portfolio) -> list[EmployerDecisionRow]:
    """:func:`employer_decision_rows` as readers believe them: on a learner's record changed outside the app, no
    confirmation counts (``domain.portfolio.unconfirmed_where_changed``), as the gateway does not count it."""
    changed = frozenset(portfolio.changed_outside)
    return employer_decision_rows(unconfirmed_where_changed(portfolio, changed).learner)


def held_review(review: Review) -> dict[str, Any]:
    """One review as ``timeline --json`` lists it: who confirmed it (each party by its own account, when), who is
    still to, and the names its recorder only wrote down (``noted_by_recorder``: older files; never counted)."""
    return {
        "id": review.id,
        "date": review.date.isoformat(),
        "attendees": list(review.attendees),
        "confirmations": [{"party": c.party, "by": c.by, "at": c.at} for c in review.confirmations],
        "awaiting": list(unconfirmed(review)),
        "noted_by_recorder": list(review.signed_by),
        "words": confirmation_words(review),
    }


@dataclass(frozen=True)
class CaseloadRow:
    """One learner's file in a caseload: its readiness report, or why it could not be read."""

    key: int
    path: Path
    as_of: date
    report: ReadinessReport | None = None
    error: str = ""

    @property
    def overdue_milestones(self) -> int:
        return sum(1 for m in self.report.milestones if m.status == "overdue") if self.report else 0

    @property
    def overdue_reviews(self) -> int:
        """A progress review whose due date has passed with none held since (a late one, once held, no
        longer is: the gateway's reviews item still counts it as missed)."""
        return len(self.report.reviews.overdue) if self.report else 0

    @property
    def overdue(self) -> int:
        """What is overdue today and can still be done: milestones and the progress review."""
        return self.overdue_milestones + self.overdue_reviews

    @property
    def days_to_end(self) -> int:
        return (self.report.effective_end - self.as_of).days if self.report else 0

    @property
    def file_name(self) -> str:
        return clean_text(self.path.name)

    @property
    def name(self) -> str:
        return clean_text(self.report.learner) if self.report else self.file_name

    @property
    def awaiting(self) -> int:
        """Live evidence no tutor has judged in full yet."""
        return self.report.awaiting_assessment if self.report else 0

    @property
    def haystack(self) -> str:
        """What the caseload's filter looks in: name, file, standard, RAG."""
        report = self.report
        extra = f" {report.standard_id} {report.standard_title} {report.rag}" if report else " error"
        return f"{self.name} {self.file_name}{extra}".casefold()

    def sort_key(self, by: str) -> tuple[object, ...]:
        """The caseload's orders, each most urgent first: ``risk``, ``learner`` (by name), ``assess``
        (most awaiting assessment), ``coverage`` (least covered) and ``end`` (nearest planned end)."""
        if by == "learner":
            return (self.name.casefold(),)
        if by == "assess":
            return (-self.awaiting, *self.risk())
        if by == "coverage":
            total = self.report.coverage.total if self.report else 0
            share = self.report.coverage.full / total if self.report and total else 0.0
            return (self.report is not None, share, *self.risk())
        if by == "end":
            return (self.report is not None, self.days_to_end, self.name.casefold())
        return self.risk()

    def risk(self) -> tuple[int, int, int, int, str]:
        """Unreadable files first, then red, amber, green; then most overdue (milestones and reviews), then
        nearest end."""
        if self.report is None:
            return (0, 0, 0, 0, self.path.name)
        return (1, RAG_RANK.get(self.report.rag, 0), -self.overdue, self.days_to_end, self.name.casefold())


@dataclass(frozen=True)
class CaseloadView:
    """The learners one account may see in a cohort folder, riskiest first."""

    rows: tuple[CaseloadRow, ...] = ()
    viewer: str = ""
    """Who is looking and in what role, as the heading says it."""
    problem: str = ""
    """Why nothing is listed (a roster that failed its checks), or ``""``."""
    assesses: bool = True
    """Whether the viewer judges the pieces awaiting assessment (a tutor; without a roster, anyone): the heading
    says "7 to assess" to them, "7 awaiting assessment" to an apprentice or a line manager (QA Q14)."""
