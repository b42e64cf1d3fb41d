"""The EPA timeline: the plan's milestones as dates for one learner, and what breaks in learning do to them.

Rules this module keeps (each one chosen, so each one is written down):

* ``Learner.planned_end`` is the date of the original plan. A break in learning pauses the clock, so the
  *effective* end is the planned end plus the total length of every break.
* A break's length is ``end - start`` in days: ``start`` is the first day away and ``end`` the day learning
  resumes. A break still going on counts up to ``as_of`` (none of it if it starts after ``as_of``).
* Milestones anchored on ``"end"`` are counted back from the effective end as ``relativedelta`` counts
  (``domain.months``), so 31 Aug minus 6 months is 28 Feb (29 Feb in a leap year).
* Milestones anchored on ``"start"`` are counted forward from the start in learning time: every break that
  begins on or before the (moving) date pushes it on by the break's length.
* ODO's submission and presentation are counted from the planned presentation date when the learner has one
  (``Learner.epa_presentation``), as the plan puts submission "one month before the planned presentation date".
  A recorded presentation date is a booking with the assessment organisation, so breaks do not move it: after
  a break the booking is changed and the new date recorded.
* A milestone is *done* when a :class:`MilestoneDone` for its key is dated on or before ``as_of``; otherwise a
  date before ``as_of`` is *overdue*, a date within 30 days (today included) is *due-soon*, and a later one
  *upcoming*. A ``window-opens`` milestone marks when work may start, not a deadline: before its date it is
  *due-soon* or *upcoming* as any other (so a deadline on the same date, as ODO's line manager review and
  completion window, reads the same), and *open* from then on, never overdue, until it is marked done.
* A ``window-opens`` milestone cannot be done before its window opens ("no earlier than 3 months before"):
  :func:`window_problem` says why, and recording it is refused. A milestone done before an earlier-dated
  one of the plan was done is shown as *out of order* (``Milestone.out_of_order``): it stands, but the tutor
  sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import date, timedelta

from portfolio_tui.domain.frozen import frozen, replace
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.progress import BreakInLearning, milestones_standing
from portfolio_tui.domain.standard import MilestoneSpec, Standard, span

DUE_SOON_DAYS = 30
PRESENTATION_ANCHORED_KEYS = frozenset({"submission", "presentation"})
"""Milestone keys counted from ``Learner.epa_presentation`` when it is set (ODO's plan)."""


@frozen
class Milestone:
    key: str
    title: str
    date: dt.date
    status: str
    kind: str = "due"
    detail: str = ""
    done_on: dt.date | None = None
    done_by: str = ""
    out_of_order: bool = False
    """Done while a milestone dated earlier in the plan was not yet done."""


def break_days(brk: BreakInLearning, as_of: date) -> int:
    """Days lost to one break; an open-ended break counts up to ``as_of``."""
    end = brk.end if brk.end is not None else as_of
    return max(0, (end - brk.start).days)


def total_break_days(breaks: Iterable[BreakInLearning], as_of: date) -> int:
    return sum(break_days(b, as_of) for b in breaks)


def shift_for_breaks(day: date, breaks: Iterable[BreakInLearning], as_of: date) -> date:
    """A date counted in learning time from the start, moved on by each break that begins on or before it.

    Breaks are taken in date order, so a break that only falls before the date once an earlier break has
    moved it counts too: the clock stops for every day away.
    """
    for brk in sorted(breaks, key=lambda b: b.start):
        if brk.start <= day:
            day += timedelta(days=break_days(brk, as_of))
    return day


def effective_end(learner: Learner, breaks: Iterable[BreakInLearning], as_of: date) -> date:
    """The planned end moved on by the total length of the breaks in learning."""
    return learner.planned_end + timedelta(days=total_break_days(breaks, as_of))


def epa_date(learner: Learner, breaks: Iterable[BreakInLearning], as_of: date) -> date:
    """The planned presentation / end-point assessment date: the booked one if recorded, else the effective end."""
    return learner.epa_presentation or effective_end(learner, breaks, as_of)


def milestone_date(spec: MilestoneSpec, portfolio: Portfolio, as_of: date) -> date:
    learner, breaks = portfolio.learner, portfolio.breaks
    offset = span(spec.years, spec.months, spec.weeks, spec.days)
    if spec.anchor == "start":
        return shift_for_breaks(learner.start + offset, breaks, as_of)
    if spec.key in PRESENTATION_ANCHORED_KEYS:
        return epa_date(learner, breaks, as_of) + offset
    return effective_end(learner, breaks, as_of) + offset


def milestone_status(kind: str, day: date, as_of: date, done: bool) -> str:
    if done:
        return "done"
    if kind == "window-opens" and day <= as_of:
        return "open"
    if day < as_of:
        return "overdue"
    if (day - as_of).days <= DUE_SOON_DAYS:
        return "due-soon"
    return "upcoming"


def milestones(standard: Standard, portfolio: Portfolio, as_of: date) -> list[Milestone]:
    """The plan's milestones for this learner as of a date, sorted by date (plan order on ties)."""
    done = milestones_standing(portfolio.milestones_done, as_of)
    out = []
    for spec in standard.plan.milestones:
        day = milestone_date(spec, portfolio, as_of)
        record = done.get(spec.key)
        out.append(
            Milestone(
                key=spec.key,
                title=spec.title,
                date=day,
                status=milestone_status(spec.kind, day, as_of, record is not None),
                kind=spec.kind,
                detail=spec.detail,
                done_on=record.done_on if record else None,
                done_by=record.recorded_by if record else "",
            )
        )
    out = sorted(out, key=lambda m: m.date)
    return [replace(m, out_of_order=True) if _done_out_of_order(m, out) else m for m in out]


def _done_out_of_order(item: Milestone, timeline: list[Milestone]) -> bool:
    if item.done_on is None:
        return False
    return any(
        other.date < item.date
        and other.kind != "window-opens"
        and (other.done_on is None or other.done_on > item.done_on)
        for other in timeline
    )


def window_problem(standard: Standard, portfolio: Portfolio, key: str, done_on: date) -> str | None:
    """Why ``key`` cannot be recorded as done on ``done_on``: its window has not opened yet; else None."""
    spec = next((m for m in standard.plan.milestones if m.key == key), None)
    if spec is None or spec.kind != "window-opens":
        return None
    opens = milestone_date(spec, portfolio, done_on)
    if done_on < opens:
        return (
            f"{spec.title} cannot be done before {opens.isoformat()} (the plan: {spec.detail or 'window opens then'})"
        )
    return None


def next_milestone(items: Iterable[Milestone]) -> Milestone | None:
    """The first milestone still to do: an overdue one first, else the nearest due-soon or upcoming one."""
    pending = [m for m in items if m.status in ("overdue", "due-soon", "upcoming")]
    return min(pending, key=lambda m: m.date, default=None)
