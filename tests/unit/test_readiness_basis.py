"""A report worked out from a portfolio's readiness basis (what no day changes, ``domain.gateway.ReadinessBasis``) is
the report worked out from the whole portfolio on that day, read literally in one pass, for varied portfolios and days:
evidence dated before, on and after the day and the recorded last day of learning, removed, simulated, judged in
part or whole, reopened; breaks open and closed; records done before and after the day; records changed outside the
app. The basis is made once per portfolio and judged on every day, as a new day's gateway run judges a kept one."""

from __future__ import annotations

import pickle
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from portfolio_tui import catalog
from portfolio_tui.domain import coverage as cov_rules
from portfolio_tui.domain import employer_decisions
from portfolio_tui.domain.evidence import ACCEPT, REFER, REOPEN, Evidence, Judgement
from portfolio_tui.domain.frozen import replace
from portfolio_tui.domain.gateway import (
    CHANGED_OUTSIDE,
    ChecklistResult,
    ReadinessReport,
    assess_on,
    checklist,
    gateway_date,
    is_apprenticeship,
    rag,
    readiness_basis,
)
from portfolio_tui.domain.grading import FAIL, REFER_GRADE, REFERRAL, predict
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.learning_months import first_day, month_number
from portfolio_tui.domain.otj import otj_status
from portfolio_tui.domain.portfolio import (
    Portfolio,
    changed_outside_text,
    counted_changes,
    outline,
    unconfirmed_where_changed,
    unjudged,
)
from portfolio_tui.domain.progress import (
    BreakInLearning,
    ChecklistRecord,
    Confirmation,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
)
from portfolio_tui.domain.reviews import review_status
from portfolio_tui.domain.timeline import effective_end, milestones

SAMPLES = Path(__file__).resolve().parents[2] / "sample_portfolios"


def one_pass(standard, portfolio: Portfolio, as_of: date) -> ReadinessReport:
    """Readiness read from the whole portfolio on ``as_of``, every part worked out afresh (as it was before the
    basis was kept apart)."""
    counted = counted_changes(portfolio) if portfolio.changed_outside else ()
    if counted:
        changed = frozenset(counted)
        portfolio = replace(portfolio, evidence=tuple(unjudged(e) if f"evidence {e.id}" in changed else e
                                                      for e in portfolio.evidence), changed_outside=counted)
        portfolio = unconfirmed_where_changed(portfolio, changed)
    learner = portfolio.learner
    criteria = cov_rules.coverage(standard, portfolio.evidence)
    summary = cov_rules.summary(standard, criteria)
    gaps = cov_rules.missing(standard, criteria)
    timeline = milestones(standard, portfolio, as_of)
    gate = gateway_date(standard, portfolio, as_of)
    otj = otj_status(learner, standard, portfolio.otj, as_of, portfolio.breaks, gate)
    reviews = review_status(learner, portfolio.reviews, portfolio.breaks, as_of, gate)
    day = learner.last_day_of_learning
    evidenced = any(e.date == day for e in portfolio.live_evidence)
    items = checklist(standard, portfolio, as_of, summary, gaps, timeline, otj, reviews, gate,
                      last_day_evidenced=evidenced)
    prediction = predict(standard, portfolio, criteria)
    if portfolio.grades and prediction.grade in (FAIL, REFERRAL, REFER_GRADE):
        items.append(ChecklistResult("recorded-results", "No recorded result is referred or failed", False,
                                     prediction.reason))
    if counted:
        items.append(ChecklistResult(CHANGED_OUTSIDE, "No record changed outside the app", False,
                                     changed_outside_text(counted)))
    colour = rag(items, as_of)
    apprenticeship = is_apprenticeship(standard)
    return ReadinessReport(
        learner=learner.name, standard_id=standard.id, standard_title=standard.title, as_of=as_of,
        effective_end=effective_end(learner, portfolio.breaks, as_of), gateway_date=gate, ready=colour == "green",
        rag=colour, coverage=summary, groups=tuple(cov_rules.group_summaries(standard, criteria)), criteria=criteria,
        missing=tuple(gaps), milestones=tuple(timeline), checklist=tuple(items), otj=otj, reviews=reviews,
        prediction=prediction, quiet_months=tuple(_quiet_months(portfolio, as_of, gate)),
        entry_requirements=tuple(p.title for p in standard.plan.prerequisites if apprenticeship
                                 and p.kind in ("english", "maths") and "entry requirement" in p.note.lower()),
        duties=tuple(cov_rules.duty_coverage(standard, criteria)), signoffs=portfolio.signoffs,
        awaiting_assessment=sum(1 for e in portfolio.evidence if not e.deleted and (not e.judgements
                                                                             or e.status == "submitted")),
        awaiting_employer=employer_decisions.awaiting(learner) if apprenticeship else (),
        distinction=cov_rules.distinction_summary(standard, criteria) if any(
            c.band == "distinction" for c in standard.all_criteria()) else None,
        changed_outside=counted,
    )


def _quiet_months(portfolio: Portfolio, as_of: date, practical_end: date) -> list[date]:
    """``learning_months.quiet_months`` as it read the whole portfolio, every record's date looked at on the day."""
    start = portfolio.learner.start
    first = month_number(start) + (start.day != 1)
    stop = month_number(min(as_of, practical_end + timedelta(days=1)))
    dated = [e.date for e in portfolio.evidence if not e.deleted] + [o.date for o in portfolio.otj] + [
        r.date for r in portfolio.reviews]
    quiet = set(range(first, stop)) - {month_number(day) for day in dated}
    for b in portfolio.breaks:
        last_touched = month_number(b.end - timedelta(days=1)) if b.end is not None else stop
        quiet.difference_update(range(month_number(b.start), last_touched + 1))
    return [first_day(number) for number in sorted(quiet)]


def _day(rng: random.Random, low: date, span: int) -> date:
    return low + timedelta(days=rng.randrange(span))


def varied_portfolio(rng: random.Random, standard) -> Portfolio:
    """A portfolio of ``standard`` with a bit of everything readiness reads, dated around its start."""
    ids = [c.id for c in standard.all_criteria()]
    start = _day(rng, date(2023, 1, 1), 1200)
    end = start + timedelta(days=rng.randrange(200, 900))
    days = [_day(rng, start - timedelta(days=20), 900) for _ in range(4)]  # dates shared by several records
    last_day = rng.choice([None, rng.choice(days), _day(rng, start, 900)])
    learner = Learner(
        "Olu", standard.id, "1.0", start, end, age_at_start=rng.choice([None, 17, 24]),
        review_cadence=rng.choice(["3-months", "12-weeks"]), last_day_of_learning=last_day,
        otj_target_hours=rng.choice([None, 40.0, 300.0]), contracted_hours_per_week=rng.choice([30.0, 20.0]),
        epa_presentation=rng.choice([None, end + timedelta(days=40)]),
    )

    def judgements(tags: tuple[str, ...]) -> tuple[Judgement, ...]:
        made = []
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            outcome = rng.choice([ACCEPT, ACCEPT, REFER, REOPEN])
            criterion = rng.choice(["", "", *tags]) if tags else ""
            made.append(Judgement(outcome, "ok", "tutor", "2025-01-01T10:00:00Z", criterion))
        return tuple(made)

    evidence = []
    for i in range(1, rng.choice([2, 5, 10, 40])):
        tags = tuple(rng.sample(ids, min(len(ids), rng.randrange(0, 4))))
        day = rng.choice(days) if rng.random() < 0.3 else _day(rng, start - timedelta(days=30), 1000)
        evidence.append(Evidence(i, f"piece {i}", day, "product", tags, simulated=rng.random() < 0.1,
                                 deleted=rng.random() < 0.3, judgements=judgements(tags)))
    otj = tuple(OtjEntry(i, rng.choice(days) if rng.random() < 0.3 else _day(rng, start, 900),
                         rng.choice([1.0, 7.5, 12.0]), rng.choice(["teaching", "induction", "learning-support"]))
                for i in range(1, rng.randrange(1, 8)))
    reviews = tuple(Review(i, _day(rng, start, 900), confirmations=(Confirmation("employer", "lm", "2025-01-01"),)
                           if rng.random() < 0.3 else ()) for i in range(1, rng.randrange(1, 6)))
    breaks = []
    for i in range(1, rng.randrange(1, 3)):
        b_start = _day(rng, start, 700)
        breaks.append(BreakInLearning(i, b_start, None if rng.random() < 0.3 else b_start + timedelta(
            days=rng.randrange(1, 120))))
    prerequisites = tuple(PrerequisiteRecord(p.key, _day(rng, start - timedelta(days=400), 1300))
                          for p in standard.plan.prerequisites if rng.random() < 0.6)
    checklist_done = tuple(ChecklistRecord(key, _day(rng, start, 1000), recorded_by="lm")
                           for key in ("epa-organisation-chosen", "employer-confirmation", "epa-booked")
                           if rng.random() < 0.5)
    milestones_done = tuple(MilestoneDone(m.key, _day(rng, start, 1000), undone=rng.random() < 0.1)
                            for m in standard.plan.milestones if rng.random() < 0.4)
    grades = (GradeRecord(1, "mark-sheet", {"sections": {}}),) if rng.random() < 0.1 else ()
    names = [f"evidence {e.id}" for e in evidence] + [f"reviews {r.id}" for r in reviews] + ["learner 1"]
    changed = tuple(sorted(rng.sample(names, rng.randrange(0, 3)))) if rng.random() < 0.3 else ()
    return Portfolio(learner, evidence=tuple(evidence), reviews=reviews, otj=otj, breaks=tuple(breaks),
                     prerequisites=prerequisites, checklist=checklist_done, milestones_done=milestones_done,
                     grades=grades, changed_outside=changed)


def days_around(rng: random.Random, portfolio: Portfolio) -> list[date]:
    """Days to judge on: before the start, each dated record's day and the day either side, and later ones."""
    learner = portfolio.learner
    dated = [e.date for e in portfolio.evidence] + [o.date for o in portfolio.otj] + [
        r.date for r in portfolio.reviews] + [learner.start, learner.planned_end]
    if learner.last_day_of_learning is not None:
        dated.append(learner.last_day_of_learning)
    picked = rng.sample(dated, min(len(dated), 6))
    return [learner.start - timedelta(days=40), *(d + timedelta(days=k) for d in picked for k in (-1, 0, 1)),
            learner.planned_end + timedelta(days=400)]


@pytest.mark.parametrize("standard_id", ["odo-l3", "csp-l2", "ilm-l5-si-2012", "ocr-cs"])
def test_a_kept_basis_judged_on_any_day_gives_the_whole_portfolio_s_report(standard_id: str) -> None:
    standard = catalog.get(standard_id)
    rng = random.Random(f"basis {standard_id}")
    for _ in range(60):
        portfolio = varied_portfolio(rng, standard)
        for whole in (portfolio, outline(portfolio)):  # (the gateway's reading is an outline)
            kept = pickle.loads(pickle.dumps(readiness_basis(standard, whole), 5))
            for as_of in days_around(rng, whole):
                expected = one_pass(standard, whole, as_of)
                got = assess_on(standard, kept, as_of)
                assert got == expected, (whole, as_of)
                assert got.to_dict() == expected.to_dict()


def test_every_sample_s_basis_gives_its_report_on_any_day() -> None:
    from portfolio_tui.store.reading import read_portfolio

    rng = random.Random("samples")
    samples = sorted(SAMPLES.glob("*.json"))
    assert samples
    for sample in samples:
        portfolio = read_portfolio(sample)
        standard = catalog.get(portfolio.learner.standard_id)
        kept = pickle.loads(pickle.dumps(readiness_basis(standard, outline(portfolio)), 5))
        for as_of in days_around(rng, portfolio):
            assert assess_on(standard, kept, as_of) == one_pass(standard, portfolio, as_of), (sample.name, as_of)
