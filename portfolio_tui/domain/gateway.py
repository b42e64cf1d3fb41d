"""Gateway readiness: one report answering "is this apprentice ready, and if not, what is missing and by when?".

The checklist, built from the standard's plan (each item's key, and the date it falls due):

* ``criteria``: every criterion required for gateway fully covered (due at the gateway date). A standard
  file that lists no criteria cannot show readiness, so the item stays open and says why.
* ``prerequisite:<key>``: each plan prerequisite recorded as achieved on or before ``as_of`` (gateway date).
* ``minimum-duration``: the planned learning time, start to planned end without breaks, is at least the
  minimum: England's funding rule by start date (12 months and 372 days before 1 Aug 2025, extended by
  12 x 30 / weekly hours months under 30 hours a week; 8 months from then) and the standard's own
  ``minimum_months`` where its source states one; the later end counts. It is a property of the plan, not
  of the day it is checked, so a plan that is too short is open now (no due date).
* ``otj-target``: countable off-the-job hours, up to the end of the practical period, at or above the
  target (gateway date); an unknown target is open. The item carries the pace (hours a week still owed).
* ``reviews``: no progress review missed anywhere in the history (a late review does not undo a gap).
* ``english-maths``: by age at start: required for 16 to 18 (and for everyone before 11 Feb 2025);
  from 11 Feb 2025 optional for 19 and over by the employer's decision, once the employer has confirmed it by
  the line manager's account (``domain.employer_decisions``: one recorded with only a typed name awaits that
  confirmation, and English and maths stay required until it is given). Met when every English
  and maths prerequisite of the plan is achieved. A level-2 standard's entry requirement (CSP's Level 1) is
  not a gateway item: it is listed as an entry requirement.
* ``last-day-of-learning``: the final day of the practical period is recorded, is not after ``as_of``, and
  has evidence of learning (evidence or off-the-job hours) dated on it.
* For a qualification taken on its own: ``maximum-duration`` (ILM's 3 years), ``guided-learning`` hours and
  each support minimum (induction, tutorial support) logged, instead of the funding-rule items.

Every funding-rule item names the rule of :mod:`funding_rules` it followed (``rule``) and its ``source``.
* ``timeline``: no milestone overdue.
* each of the plan's own ``gateway_checklist`` keys (CSP: ``epa-organisation-chosen``, ``epa-month-decided``,
  ``epa-booked``) and ``employer-confirmation``: a ``ChecklistRecord`` dated on or before ``as_of``
  (gateway date).

Minimum duration, off-the-job hours, reviews, English and maths and employer confirmation are
apprenticeship funding rules: they are checked for apprenticeship standards, not for qualifications taken
on their own (ILM, OCR), which get no off-the-job target and no review cadence.

The gateway date is the recorded last day of learning; without one, the plan's ``gateway_before_epa``
before the end-point assessment (the booked presentation, else the effective planned end); a plan that
does not state it gets one month, which is when ODO's plan has the portfolio submitted. Off-the-job hours
are counted up to it, not to the EPA.

Months with no learning activity (evidence, off-the-job hours or a review) and no break recorded are
listed in ``quiet_months`` with a prompt to record a break in learning.

Coverage by duty: for a standard with duties, each duty lists its criteria still missing, so a gap reads as
the duties it blocks (``duties`` in the JSON).

RAG: green when every item holds; amber when every open item has a due date after ``as_of``; red otherwise
(something is overdue, or open with no date to wait for). ``ready`` means green.
"""

from __future__ import annotations

from datetime import date, timedelta
from math import ceil

from portfolio_tui.domain import coverage as cov_rules
from portfolio_tui.domain import employer_decisions, funding_rules
from portfolio_tui.domain.evidence import awaiting_assessment
from portfolio_tui.domain.frozen import frozen, replace
from portfolio_tui.domain.grading import FAIL, REFER_GRADE, REFERRAL, Prediction, aggregate_mark, listed, predict
from portfolio_tui.domain.learner import REVIEW_CADENCES, Learner
from portfolio_tui.domain.learning_months import activity_months, quiet_in
from portfolio_tui.domain.months import add_months
from portfolio_tui.domain.otj import OtjStatus, held_hours, otj_status
from portfolio_tui.domain.portfolio import (
    Portfolio,
    changed_outside_text,
    counted_changes,
    unconfirmed_where_changed,
    unjudged,
)
from portfolio_tui.domain.progress import PrerequisiteRecord, SignOff
from portfolio_tui.domain.reviews import ReviewStatus, review_status
from portfolio_tui.domain.standard import Prerequisite, Standard
from portfolio_tui.domain.timeline import Milestone, effective_end, epa_date, milestones, next_milestone

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

EMPLOYER_CONFIRMATION = "employer-confirmation"
FUNDING_RULE_CHANGE = funding_rules.REFORM_2025
DURATION_RULES = ("duration-12-months", "duration-8-months")


@frozen
class ChecklistResult:
    key: str
    title: str
    ok: bool
    detail: str
    due: date | None = None
    rule: funding_rules.Rule | None = None


@frozen
class ReadinessReport:
    learner: str
    standard_id: str
    standard_title: str
    as_of: date
    effective_end: date
    gateway_date: date
    ready: bool
    rag: str
    coverage: cov_rules.CoverageSummary
    groups: tuple[cov_rules.GroupCoverage, ...]
    criteria: dict[str, cov_rules.CriterionCoverage]
    missing: tuple[str, ...]
    milestones: tuple[Milestone, ...]
    checklist: tuple[ChecklistResult, ...]
    otj: OtjStatus
    reviews: ReviewStatus
    prediction: Prediction
    quiet_months: tuple[date, ...] = ()
    """First days of calendar months with no learning activity and no break recorded."""
    entry_requirements: tuple[str, ...] = ()
    duties: tuple[cov_rules.DutyCoverage, ...] = ()
    signoffs: tuple[SignOff, ...] = ()
    """Every sign-off and withdrawal, in the order made, each with its reason."""
    awaiting_assessment: int = 0
    """Live evidence no tutor has judged in full yet."""
    distinction: cov_rules.CoverageSummary | None = None
    """Coverage of the EPA's distinction criteria, counted apart (``None`` when the standard has none)."""
    awaiting_employer: tuple[str, ...] = ()
    """The employer's decisions recorded on the learner's record and not yet confirmed by the employer's account
    (``domain.employer_decisions``): until they are, none of them changes a target, a cadence or an item."""
    changed_outside: tuple[str, ...] = ()
    """Records changed outside the app since the audit last recorded them (``Portfolio.changed_outside``):
    what they say is not to be believed, so the report is not green and no sign-off is taken while any is."""

    @property
    def next_milestone(self) -> Milestone | None:
        return next_milestone(self.milestones)

    @property
    def open_items(self) -> tuple[ChecklistResult, ...]:
        return tuple(item for item in self.checklist if not item.ok)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able document; ``services.readiness`` adds the portfolio's ``path``."""
        iso = _iso
        return {
            "learner": self.learner,
            "standard": self.standard_id,
            "ready": self.ready,
            "rag": self.rag,
            "as_of": iso(self.as_of),
            "effective_end": iso(self.effective_end),
            "gateway_date": iso(self.gateway_date),
            "coverage": _summary_dict(self.coverage),
            "distinction": _summary_dict(self.distinction) if self.distinction else None,
            "awaiting_assessment": self.awaiting_assessment,
            "awaiting_employer": list(self.awaiting_employer),
            "changed_outside": list(self.changed_outside),
            "groups": [{"id": g.group_id, "title": g.title, **_summary_dict(g.summary)} for g in self.groups],
            "missing": list(self.missing),
            "signoffs": [
                {"role": s.role, "by": s.by, "on": iso(s.on), "withdrawal": s.withdrawal, "reason": s.reason}
                for s in self.signoffs
            ],
            "duties": [
                {
                    "id": d.duty_id,
                    "text": d.text,
                    "core": d.core,
                    "options": list(d.options),
                    "criteria": list(d.criteria),
                    "missing": list(d.missing),
                    "blocked": bool(d.missing),
                }
                for d in self.duties
            ],
            "milestones": [
                {
                    "key": m.key,
                    "title": m.title,
                    "date": iso(m.date),
                    "status": m.status,
                    "kind": m.kind,
                    "done_on": iso(m.done_on),
                    "done_by": m.done_by,
                    "out_of_order": m.out_of_order,
                }
                for m in self.milestones
            ],
            "checklist": [
                {
                    "key": c.key,
                    "title": c.title,
                    "ok": c.ok,
                    "detail": c.detail,
                    "due": iso(c.due),
                    **({"rule": c.rule.id, "source": c.rule.source.cite()} if c.rule is not None else {}),
                    **({"pace": _round(self.otj.pace)} if c.key == "otj-target" else {}),
                }
                for c in self.checklist
            ],
            "otj": {
                "logged": round(self.otj.logged, 2),
                "target": _round(self.otj.target),
                "expected_to_date": _round(self.otj.expected_to_date),
                "excluded": round(self.otj.excluded, 2),
                "state": self.otj.state,
                "regime": self.otj.regime,
                "target_source": self.otj.target_source,
                "pace": _round(self.otj.pace),
                "practical_end": iso(self.otj.practical_end),
                "prior_learning": round(self.otj.prior_learning, 2),
                "rule": self.otj.rule.id if self.otj.rule else None,
                "source": self.otj.rule.source.cite() if self.otj.rule else None,
            },
            "reviews": {
                "cadence": self.reviews.cadence,
                "next_due": iso(self.reviews.next_due),
                "overdue": [iso(d) for d in self.reviews.overdue],
                "missed": [iso(d) for d in self.reviews.missed],
                "last_review": iso(self.reviews.last_review),
                "gaps": [{"due": iso(g.due), "held": iso(g.held)} for g in self.reviews.gaps],
                "agreed_by": self.reviews.agreed_by,
                "rule": self.reviews.rule.id if self.reviews.rule else None,
                "source": self.reviews.rule.source.cite() if self.reviews.rule else None,
            },
            "quiet_months": [m.strftime("%Y-%m") for m in self.quiet_months],
            "entry_requirements": list(self.entry_requirements),
            "predicted_grade": {
                "grade": self.prediction.grade,
                "reason": self.prediction.reason,
                "provisional": self.prediction.provisional,
                **({"methods": self.prediction.details["methods"]} if "methods" in self.prediction.details else {}),
                "aggregate": aggregate_mark(self.prediction.details)[0],
            },
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _round(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 2)


def _summary_dict(s: cov_rules.CoverageSummary) -> dict[str, int]:
    return {"full": s.full, "partial": s.partial, "none": s.none, "total": s.total}


def gateway_date(standard: Standard, portfolio: Portfolio, as_of: date) -> date:
    """The recorded last day of learning, else the plan's gateway interval (one month unless the standard
    says otherwise) before the end-point assessment."""
    if portfolio.learner.last_day_of_learning is not None:
        return portfolio.learner.last_day_of_learning
    return epa_date(portfolio.learner, portfolio.breaks, as_of) - standard.plan.gateway_before_epa.delta()


def funding_minimum(start: date, hours_per_week: float = 30.0) -> tuple[date, str, funding_rules.Rule]:
    """The earliest planned end the funding rule for this start allows, in words, and the rule.

    Before 1 Aug 2025: 372 days, and under 30 hours a week 12 x 30 / hours months (a fraction of a month
    as that share of 365.25 / 12 days, rounded up), whichever ends later. From then: 8 months.
    """
    rule = funding_rules.applying("minimum-duration", start, start, DURATION_RULES)
    if rule.id == "duration-8-months":
        return add_months(start, 8), "8 months", rule
    earliest, words = start + timedelta(days=rule.params["days"]), "372 days"
    full_time = rule.params["full_time_hours"]
    if 0 < hours_per_week < full_time:
        months = rule.params["months"] * full_time / hours_per_week
        whole = int(months)
        extended = add_months(start, whole) + timedelta(days=ceil((months - whole) * 365.25 / 12))
        if extended > earliest:
            earliest, words = extended, f"{months:g} months (12 x 30 / {hours_per_week:g} hours a week)"
    return earliest, words, rule


def minimum_duration(
    standard: Standard, start: date, hours_per_week: float = 30.0
) -> tuple[date, str, funding_rules.Rule]:
    """The earliest planned end the minimum duration allows, the rule in words, and the rule followed."""
    earliest, funding_words, rule = funding_minimum(start, hours_per_week)
    words = f"{funding_words} (funding rule for this start date)"
    months = standard.plan.minimum_months
    if months is not None and add_months(start, months) > earliest:
        earliest, words = add_months(start, months), f"{months} months (the standard's plan)"
        rule = funding_rules.rule("duration-standard-minimum")
    return earliest, words, rule


def is_apprenticeship(standard: Standard) -> bool:
    """An apprenticeship (a standard or a foundation apprenticeship), to which the funding rules apply."""
    return standard.kind in ("apprenticeship-standard", "foundation-apprenticeship")


def checklist_items(standard: Standard) -> list[tuple[str, str]]:
    """The gateway checklist's (key, title) pairs: the plan's own, and employer confirmation for apprenticeships."""
    wanted = [(c.key, c.title) for c in standard.plan.gateway_checklist]
    if is_apprenticeship(standard) and EMPLOYER_CONFIRMATION not in {k for k, _ in wanted}:
        wanted.append((EMPLOYER_CONFIRMATION, "Employer confirms the apprentice is ready"))
    return wanted


def checklist(
    standard: Standard,
    portfolio: Portfolio,
    as_of: date,
    summary: cov_rules.CoverageSummary,
    missing: list[str],
    timeline: list[Milestone],
    otj: OtjStatus,
    reviews: ReviewStatus,
    gate: date | None = None,
    *,
    last_day_evidenced: bool,
) -> list[ChecklistResult]:
    """The gateway's items; ``gate`` is :func:`gateway_date`, where the caller has worked it out already;
    ``last_day_evidenced`` is :attr:`ReadinessBasis.last_day_evidenced` (the portfolio's evidence is not read)."""
    learner = portfolio.learner
    gate = gate if gate is not None else gateway_date(standard, portfolio, as_of)
    apprenticeship = is_apprenticeship(standard)
    items: list[ChecklistResult] = []

    if summary.total == 0:
        detail = "the standard file lists no criteria to check (its source is partial)"
        items.append(ChecklistResult("criteria", "Every criterion fully covered", False, detail, gate))
    else:
        detail = f"{summary.full} of {summary.total} criteria fully covered"
        if missing:
            detail += f"; missing: {listed(missing)}"
        items.append(ChecklistResult("criteria", "Every criterion fully covered", not missing, detail, gate))

    achieved = {
        p.key: p for p in sorted(portfolio.prerequisites, key=lambda p: p.achieved_on) if p.achieved_on <= as_of
    }
    english_maths = [p for p in standard.plan.prerequisites if p.kind in ("english", "maths")]
    for prereq in standard.plan.prerequisites:
        if apprenticeship and prereq in english_maths:
            continue  # one English and maths item below, by the rule for the learner's age
        record = achieved.get(prereq.key)
        detail = f"achieved {record.achieved_on.isoformat()}" if record else "not recorded as achieved"
        items.append(ChecklistResult(f"prerequisite:{prereq.key}", prereq.title, record is not None, detail, gate))

    if apprenticeship:
        items.append(_duration_item(standard, learner))
        if otj.target is None:
            detail = otj.note or "target unknown"
        else:
            detail = f"{otj.logged:g} of {otj.target:.1f} hours logged to {gate.isoformat()}"
            if not otj.met and otj.pace is not None:
                detail += f"; {otj.pace:.1f} hours a week still owed"
            if otj.note:
                detail += f" ({otj.note})"
        items.append(ChecklistResult("otj-target", "Off-the-job training target met", otj.met, detail, gate, otj.rule))
        items.append(_reviews_item(reviews))
        if english_maths and _is_entry_requirement(standard, english_maths):
            pass  # a level-2 standard's Level 1 English and maths is an entry requirement, checked at the start
        else:
            items.append(_english_maths_item(learner, english_maths, achieved, as_of, gate))
        items.append(_last_day_item(portfolio, as_of, gate, last_day_evidenced))
    else:
        items.extend(_qualification_items(standard, portfolio, as_of))

    overdue = [m for m in timeline if m.status == "overdue"]
    detail = "overdue: " + "; ".join(f"{m.title} ({m.date.isoformat()})" for m in overdue) if overdue else "on track"
    items.append(ChecklistResult("timeline", "No milestone overdue", not overdue, detail, None))

    done = {c.key: c for c in sorted(portfolio.checklist, key=lambda c: c.done_on) if c.done_on <= as_of}
    for key, title in checklist_items(standard):
        done_record = done.get(key)
        if done_record:
            by = done_record.recorded_by
            detail = f"done {done_record.done_on.isoformat()}" + (f" by {by}" if by else "")
        else:
            detail = "not recorded"
        items.append(ChecklistResult(key, title, done_record is not None, detail, gate))
    return items


def _duration_item(standard: Standard, learner: Learner) -> ChecklistResult:
    earliest, words, rule = minimum_duration(standard, learner.start, learner.contracted_hours_per_week)
    days = (learner.planned_end - learner.start).days
    detail = f"{days} days planned from start to planned end; minimum {words}, to {earliest.isoformat()} or later"
    ok = learner.planned_end >= earliest
    return ChecklistResult("minimum-duration", "Minimum duration met", ok, detail, None, rule)


def _reviews_item(reviews: ReviewStatus) -> ChecklistResult:
    parts = []
    if reviews.gaps:
        parts.append(
            "missed: "
            + "; ".join(
                f"due {g.due.isoformat()}, " + (f"held {g.held.isoformat()}" if g.held else "none held since")
                for g in reviews.gaps
            )
        )
    if reviews.next_due is not None and not reviews.overdue:
        parts.append(f"next due {reviews.next_due.isoformat()}")
    detail = f"{reviews.cadence_label}" + (f" (agreed: confirmed by the employer, {reviews.agreed_by})"
                                           if reviews.agreed_by else "")
    detail += ": " + ("; ".join(parts) if parts else "none missed")
    if reviews.proposed:
        detail += (f"; an alternative frequency ({REVIEW_CADENCES.get(reviews.proposed, reviews.proposed)}) awaits "
                   "the employer's confirmation: the rule's applies until then")
    return ChecklistResult(
        "reviews", "Progress reviews held as often as the rules ask", reviews.up_to_date, detail, None, reviews.rule
    )


def _is_entry_requirement(standard: Standard, english_maths: list[Prerequisite]) -> bool:
    """English and maths the plan asks for on entry (a note saying so), not to be achieved by the gateway."""
    return all("entry requirement" in p.note.lower() for p in english_maths)


def _english_maths_item(
    learner: Learner,
    english_maths: list[Prerequisite],
    achieved: dict[str, PrerequisiteRecord],
    as_of: date,
    gate: date,
) -> ChecklistResult:
    title = "English and maths"
    age = learner.age_at_start
    optional = funding_rules.rule("english-maths-optional-19-plus")
    required = funding_rules.rule("english-maths-required")
    if age is not None and age >= optional.params["min_age"] and optional.applies(learner.start, as_of):
        decision = learner.english_maths_decision
        made = employer_decisions.confirmation(learner, "english-maths")
        noted = learner.english_maths_decided_by
        noted = f" (noted by the recorder as {noted}; a typed name does not count)" if noted else ""
        if decision == "not-required" and made is not None:
            detail = (f"not required: {age} at the start, and the employer's decision is confirmed by {made.by} "
                      f"({made.at[:10]})")
            return ChecklistResult("english-maths", title, True, detail, None, optional)
        if decision == "required" and made is not None:
            why = (f"required: {age} at the start, and the employer's decision that English and maths stay in is "
                   f"confirmed by {made.by}")
        elif decision == "required":
            why = (f"required: {age} at the start (the decision that English and maths stay in awaits the "
                   f"employer's confirmation{noted})")
        elif decision == "not-required":
            why = (f"optional at {age} at the start; the decision that they are not required awaits the employer's "
                   f"confirmation{noted}: required until it is confirmed")
        else:
            why = f"optional at {age} at the start, but no employer decision is recorded: required until it is"
        rule = optional
    elif age is None:
        why, rule = "required: the age at the start is not recorded (optional only for 19 and over)", required
    elif age <= required.params["max_age"]:
        why, rule = f"required: {age} at the start (16 to 18)", required
    else:
        why, rule = f"required: {age} at the start, and the check is before 11 Feb 2025", required
    if not english_maths:
        return ChecklistResult("english-maths", title, True, why + "; the plan lists no English or maths", None, rule)
    open_ = [p.title for p in english_maths if p.key not in achieved]
    done = [f"{p.title} {achieved[p.key].achieved_on.isoformat()}" for p in english_maths if p.key in achieved]
    detail = (
        why
        + "; "
        + (
            "; ".join(
                filter(
                    None,
                    ["achieved: " + ", ".join(done) if done else "", "not yet: " + ", ".join(open_) if open_ else ""],
                )
            )
        )
    )
    return ChecklistResult("english-maths", title, not open_, detail, gate, rule)


def _last_day_item(portfolio: Portfolio, as_of: date, gate: date, evidenced: bool) -> ChecklistResult:
    rule = funding_rules.rule("gateway-last-day-of-learning")
    title = "Last day of learning recorded, with evidence of learning on it"
    day = portfolio.learner.last_day_of_learning
    if day is None:
        return ChecklistResult("last-day-of-learning", title, False, "not recorded", gate, rule)
    if day > as_of:
        return ChecklistResult("last-day-of-learning", title, False, f"{day.isoformat()} is still to come", day, rule)
    if not evidenced and not any(o.date == day for o in portfolio.otj):
        detail = f"{day.isoformat()}: no evidence or off-the-job hours dated on it"
        return ChecklistResult("last-day-of-learning", title, False, detail, None, rule)
    return ChecklistResult(
        "last-day-of-learning", title, True, f"{day.isoformat()}, with learning evidenced", None, rule
    )


SUPPORT_CATEGORIES = {"induction": ("induction",), "tutorial-support": ("learning-support",)}
"""A qualification's support minimum -> the logged hour categories that count towards it."""


def _qualification_items(standard: Standard, portfolio: Portfolio, as_of: date) -> list[ChecklistResult]:
    """A stand-alone qualification's own limits: its time limit, guided learning and support hours.

    Hours fall due by the time limit (else the planned end), so a new learner is amber, not red.
    """
    rule = funding_rules.rule("qualification-not-apprenticeship")
    learner, plan = portfolio.learner, standard.plan
    items: list[ChecklistResult] = []
    limit = learner.planned_end
    if plan.maximum_months is not None:
        limit = add_months(learner.start, plan.maximum_months)
        ok = learner.planned_end <= limit
        detail = f"to be completed by {limit.isoformat()} ({plan.maximum_months} months from the start)"
        if not ok:
            detail += f"; planned end {learner.planned_end.isoformat()} is later"
        items.append(ChecklistResult("maximum-duration", "Completed within the time limit", ok, detail, limit, rule))
    hours = [o for o in portfolio.otj if o.date <= as_of]
    if plan.glh is not None:
        logged = held_hours(hours)  # (an entry or a day beyond a day's hours counts no more than a day: R7-1)
        detail = f"{logged:g} of {plan.glh:g} guided learning hours logged"
        items.append(
            ChecklistResult("guided-learning", "Guided learning hours", logged >= plan.glh, detail, limit, rule)
        )
    for support in plan.support:
        kinds = SUPPORT_CATEGORIES.get(support.key, ())
        logged = held_hours(hours, kinds)
        detail = f"{logged:g} of at least {support.minimum_hours:g} hours logged"
        if kinds:
            detail += f" (as {', '.join(kinds)})"
        ok = logged >= support.minimum_hours
        items.append(ChecklistResult(f"support:{support.key}", support.title, ok, detail, limit, rule))
    return items


CHANGED_OUTSIDE = "changed-outside"
"""The checklist item a file with records changed outside the app fails (review F6)."""


def rag(items: list[ChecklistResult], as_of: date) -> str:
    open_items = [i for i in items if not i.ok]
    if not open_items:
        return "green"
    if all(i.due is not None and i.due > as_of for i in open_items):
        return "amber"
    return "red"


@frozen
class ReadinessBasis:
    """What readiness makes of a portfolio whatever the day it is judged on: coverage, the gaps, the predicted grade,
    the pieces awaiting assessment, the months with learning in them, and the rest of the portfolio as readiness
    counts it (a piece or record changed outside the app not believed), its evidence left out.

    :func:`assess_on` works out a day's report from it alone, and :func:`assess_readiness` is the two in turn, so
    a report is the same however it was come to; ``services.gateway_cache`` keeps a file's basis between days, so
    that a new day's report reads neither the file nor its evidence again.
    """

    portfolio: Portfolio
    """The portfolio as readiness counts it, its evidence and comments left out (no day's part reads them)."""
    criteria: dict[str, cov_rules.CriterionCoverage]
    summary: cov_rules.CoverageSummary
    gaps: tuple[str, ...]
    groups: tuple[cov_rules.GroupCoverage, ...]
    duties: tuple[cov_rules.DutyCoverage, ...]
    distinction: cov_rules.CoverageSummary | None
    prediction: Prediction
    awaiting_assessment: int
    active_months: frozenset[int]
    """The months (``learning_months.month_number``) with learning activity: a live piece of evidence, off-the-job
    hours or a progress review dated in them."""
    last_day_evidenced: bool
    """Whether a live piece of evidence is dated on the recorded last day of learning (off-the-job hours on it are
    in :attr:`portfolio`)."""
    changed_outside: tuple[str, ...] = ()
    """Records changed outside the app that readiness counts (``portfolio.counted_changes``)."""


def readiness_basis(standard: Standard, portfolio: Portfolio) -> ReadinessBasis:
    """The part of ``portfolio``'s readiness that no day changes (:class:`ReadinessBasis`)."""
    counted = counted_changes(portfolio) if portfolio.changed_outside else ()
    if counted:  # the judgements of a piece changed by hand are not believed
        changed = frozenset(counted)
        portfolio = replace(portfolio, evidence=tuple(unjudged(e) if f"evidence {e.id}" in changed else e
                                                      for e in portfolio.evidence), changed_outside=counted)
        portfolio = unconfirmed_where_changed(portfolio, changed)
    evidence = portfolio.evidence
    criteria = cov_rules.coverage(standard, evidence)
    last_day = portfolio.learner.last_day_of_learning
    return ReadinessBasis(
        portfolio=replace(portfolio, evidence=(), comments=()),
        criteria=criteria,
        summary=cov_rules.summary(standard, criteria),
        gaps=tuple(cov_rules.missing(standard, criteria)),
        groups=tuple(cov_rules.group_summaries(standard, criteria)),
        duties=tuple(cov_rules.duty_coverage(standard, criteria)),
        distinction=cov_rules.distinction_summary(standard, criteria) if any(
            c.band == "distinction" for c in standard.all_criteria()) else None,
        prediction=predict(standard, portfolio, criteria),
        awaiting_assessment=awaiting_assessment(evidence),
        active_months=frozenset(activity_months(portfolio)),
        last_day_evidenced=last_day is not None and any(e.date == last_day and not e.deleted for e in evidence),
        changed_outside=counted,
    )


def assess_readiness(standard: Standard, portfolio: Portfolio, as_of: date) -> ReadinessReport:
    return assess_on(standard, readiness_basis(standard, portfolio), as_of)


def assess_on(standard: Standard, basis: ReadinessBasis, as_of: date) -> ReadinessReport:
    """The report on ``as_of`` of the portfolio ``basis`` was made of (:func:`readiness_basis`, with ``standard``):
    the day's part (milestones, the gateway date, off-the-job pace, reviews due, dated records, quiet months) worked
    out, the rest as the basis holds it."""
    portfolio = basis.portfolio
    counted = basis.changed_outside
    learner = portfolio.learner
    summary, gaps, prediction = basis.summary, list(basis.gaps), basis.prediction
    timeline = milestones(standard, portfolio, as_of)
    gate = gateway_date(standard, portfolio, as_of)
    otj = otj_status(learner, standard, portfolio.otj, as_of, portfolio.breaks, gate)
    reviews = review_status(learner, portfolio.reviews, portfolio.breaks, as_of, gate)
    items = checklist(standard, portfolio, as_of, summary, gaps, timeline, otj, reviews, gate,
                      last_day_evidenced=basis.last_day_evidenced)
    if portfolio.grades and prediction.grade in (FAIL, REFERRAL, REFER_GRADE):
        # A result already recorded against the standard's own rule (an ILM project referred on a
        # section, a failed component) means the learner is not through, whatever the evidence says.
        items.append(
            ChecklistResult("recorded-results", "No recorded result is referred or failed", False, prediction.reason)
        )
    if counted:
        items.append(ChecklistResult(CHANGED_OUTSIDE, "No record changed outside the app", False,
                                     changed_outside_text(counted)))
    colour = rag(items, as_of)
    return ReadinessReport(
        learner=learner.name,
        standard_id=standard.id,
        standard_title=standard.title,
        as_of=as_of,
        effective_end=effective_end(learner, portfolio.breaks, as_of),
        gateway_date=gate,
        ready=colour == "green",
        rag=colour,
        coverage=summary,
        groups=basis.groups,
        criteria=basis.criteria,
        missing=basis.gaps,
        milestones=tuple(timeline),
        checklist=tuple(items),
        otj=otj,
        reviews=reviews,
        prediction=prediction,
        quiet_months=tuple(quiet_in(learner.start, basis.active_months, portfolio.breaks, as_of, gate)),
        entry_requirements=tuple(
            p.title
            for p in standard.plan.prerequisites
            if is_apprenticeship(standard) and p.kind in ("english", "maths") and "entry requirement" in p.note.lower()
        ),
        duties=basis.duties,
        signoffs=portfolio.signoffs,
        awaiting_assessment=basis.awaiting_assessment,
        awaiting_employer=employer_decisions.awaiting(learner) if is_apprenticeship(standard) else (),
        distinction=basis.distinction,
        changed_outside=counted,
    )
