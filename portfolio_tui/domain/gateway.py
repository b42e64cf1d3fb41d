"""Gateway readiness: one report answering "is this apprentice ready, and if not, what is missing and by when?".

The checklist, built from the standard's plan (each item's key, and the date it falls due):

* ``criteria``: every criterion required for gateway fully covered (due at the gateway date). A standard
  file that lists no criteria cannot show readiness, so the item stays open and says why.
* ``prerequisite:<key>``: each plan prerequisite recorded as achieved on or before ``as_of`` (gateway date).
* ``minimum-duration``: the planned learning time, start to planned end without breaks, is at least the
  minimum: the plan's ``minimum_months`` and England's funding rule (372 days for starts before 1 Aug 2025,
  8 months from then); the later of the two ends counts. It is a property of the plan, not of the day it
  is checked, so a plan that is too short is open now (no due date).
* ``otj-target``: countable off-the-job hours at or above the target (gateway date); an unknown target is open.
* ``reviews``: no progress review overdue (a missed review made up by a later one no longer counts).
* ``timeline``: no milestone overdue.
* each of the plan's own ``gateway_checklist`` keys (CSP: ``epa-organisation-chosen``, ``epa-month-decided``,
  ``epa-booked``) and ``employer-confirmation``: a ``ChecklistRecord`` dated on or before ``as_of``
  (gateway date).

Minimum duration, off-the-job hours, reviews and employer confirmation are apprenticeship funding rules:
they are checked for apprenticeship standards, not for qualifications taken on their own (ILM, OCR), whose
off-the-job and review status is still reported.

The gateway date is one month before the end-point assessment (the booked presentation, else the
effective planned end), which is when ODO's plan has the portfolio submitted.

RAG: green when every item holds; amber when every open item has a due date after ``as_of``; red otherwise
(something is overdue, or open with no date to wait for). ``ready`` means green.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from portfolio_tui.domain import coverage as cov_rules
from portfolio_tui.domain.grading import FAIL, REFER_GRADE, REFERRAL, Prediction, listed, predict
from portfolio_tui.domain.otj import OtjStatus, otj_status
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.reviews import ReviewStatus, review_status
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.timeline import Milestone, effective_end, epa_date, milestones, next_milestone

EMPLOYER_CONFIRMATION = "employer-confirmation"
FUNDING_RULE_CHANGE = date(2025, 8, 1)


@dataclass(frozen=True)
class ChecklistResult:
    key: str
    title: str
    ok: bool
    detail: str
    due: date | None = None


@dataclass(frozen=True)
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
            "groups": [{"id": g.group_id, "title": g.title, **_summary_dict(g.summary)} for g in self.groups],
            "missing": list(self.missing),
            "milestones": [
                {
                    "key": m.key,
                    "title": m.title,
                    "date": iso(m.date),
                    "status": m.status,
                    "kind": m.kind,
                    "done_on": iso(m.done_on),
                    "done_by": m.done_by,
                }
                for m in self.milestones
            ],
            "checklist": [
                {"key": c.key, "title": c.title, "ok": c.ok, "detail": c.detail, "due": iso(c.due)}
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
            },
            "reviews": {
                "cadence": self.reviews.cadence,
                "next_due": iso(self.reviews.next_due),
                "overdue": [iso(d) for d in self.reviews.overdue],
                "missed": [iso(d) for d in self.reviews.missed],
                "last_review": iso(self.reviews.last_review),
            },
            "predicted_grade": {
                "grade": self.prediction.grade,
                "reason": self.prediction.reason,
                "provisional": self.prediction.provisional,
            },
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _round(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 2)


def _summary_dict(s: cov_rules.CoverageSummary) -> dict[str, int]:
    return {"full": s.full, "partial": s.partial, "none": s.none, "total": s.total}


def gateway_date(portfolio: Portfolio, as_of: date) -> date:
    """One month before the end-point assessment."""
    return epa_date(portfolio.learner, portfolio.breaks, as_of) - relativedelta(months=1)


def minimum_duration(standard: Standard, start: date) -> tuple[date, str]:
    """The earliest planned end the minimum duration allows, and the rule in words."""
    funding = relativedelta(days=372) if start < FUNDING_RULE_CHANGE else relativedelta(months=8)
    funding_words = "372 days" if start < FUNDING_RULE_CHANGE else "8 months"
    earliest, words = start + funding, f"{funding_words} (funding rule for this start date)"
    months = standard.plan.minimum_months
    if months is not None and start + relativedelta(months=months) > earliest:
        earliest, words = start + relativedelta(months=months), f"{months} months (the standard's plan)"
    return earliest, words


def _is_apprenticeship(standard: Standard) -> bool:
    return standard.kind == "apprenticeship-standard"


def checklist_items(standard: Standard) -> list[tuple[str, str]]:
    """The gateway checklist's (key, title) pairs: the plan's own, and employer confirmation for apprenticeships."""
    wanted = [(c.key, c.title) for c in standard.plan.gateway_checklist]
    if _is_apprenticeship(standard) and EMPLOYER_CONFIRMATION not in {k for k, _ in wanted}:
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
) -> list[ChecklistResult]:
    learner = portfolio.learner
    gate = gateway_date(portfolio, as_of)
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
    for prereq in standard.plan.prerequisites:
        record = achieved.get(prereq.key)
        detail = f"achieved {record.achieved_on.isoformat()}" if record else "not recorded as achieved"
        items.append(ChecklistResult(f"prerequisite:{prereq.key}", prereq.title, record is not None, detail, gate))

    if _is_apprenticeship(standard):
        earliest, rule = minimum_duration(standard, learner.start)
        ok = learner.planned_end >= earliest
        days = (learner.planned_end - learner.start).days
        detail = f"{days} days planned from start to planned end; minimum {rule}, to {earliest.isoformat()} or later"
        items.append(ChecklistResult("minimum-duration", "Minimum duration met", ok, detail, None))

        if otj.target is None:
            detail = otj.note or "target unknown"
        else:
            detail = f"{otj.logged:g} of {otj.target:.1f} hours logged"
        items.append(ChecklistResult("otj-target", "Off-the-job training target met", otj.met, detail, gate))

        if reviews.overdue:
            detail = "overdue: " + ", ".join(d.isoformat() for d in reviews.overdue)
        else:
            detail = f"next due {reviews.next_due.isoformat()}" if reviews.next_due else "no review due"
        items.append(ChecklistResult("reviews", "Progress reviews up to date", reviews.up_to_date, detail, None))

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


def rag(items: list[ChecklistResult], as_of: date) -> str:
    open_items = [i for i in items if not i.ok]
    if not open_items:
        return "green"
    if all(i.due is not None and i.due > as_of for i in open_items):
        return "amber"
    return "red"


def assess_readiness(standard: Standard, portfolio: Portfolio, as_of: date) -> ReadinessReport:
    learner = portfolio.learner
    criteria = cov_rules.coverage(standard, portfolio.evidence)
    summary = cov_rules.summary(standard, criteria)
    gaps = cov_rules.missing(standard, criteria)
    timeline = milestones(standard, portfolio, as_of)
    otj = otj_status(learner, standard, portfolio.otj, as_of, portfolio.breaks)
    reviews = review_status(learner, portfolio.reviews, portfolio.breaks, as_of)
    items = checklist(standard, portfolio, as_of, summary, gaps, timeline, otj, reviews)
    prediction = predict(standard, portfolio, criteria)
    if portfolio.grades and prediction.grade in (FAIL, REFERRAL, REFER_GRADE):
        # A result already recorded against the standard's own rule (an ILM project referred on a
        # section, a failed component) means the learner is not through, whatever the evidence says.
        items.append(
            ChecklistResult("recorded-results", "No recorded result is referred or failed", False, prediction.reason)
        )
    colour = rag(items, as_of)
    return ReadinessReport(
        learner=learner.name,
        standard_id=standard.id,
        standard_title=standard.title,
        as_of=as_of,
        effective_end=effective_end(learner, portfolio.breaks, as_of),
        gateway_date=gateway_date(portfolio, as_of),
        ready=colour == "green",
        rag=colour,
        coverage=summary,
        groups=tuple(cov_rules.group_summaries(standard, criteria)),
        criteria=criteria,
        missing=tuple(gaps),
        milestones=tuple(timeline),
        checklist=tuple(items),
        otj=otj,
        reviews=reviews,
        prediction=prediction,
    )
