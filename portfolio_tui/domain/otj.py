"""Off-the-job (OTJ) training hours: what counts, the target by start-date regime, and progress against it.

Rules (England's funding rules as digested in DOMAIN.md; the choices are written down):

* English and maths, progress reviews, initial assessment and exams do not count
  (``progress.OTJ_EXCLUDED_CATEGORIES``); they are totalled separately as ``excluded``.
* ``Learner.otj_target_hours``, when set, is the target whatever the start date.
* Otherwise the target follows the start date:

  - before 1 Aug 2022: 20% of contracted hours over the planned duration;
  - 1 Aug 2022 to 31 Jul 2025: the same with the weekly hours capped at 30;
  - from 1 Aug 2025: a fixed minimum published per standard. The standard files carry none, so without
    a learner target the target is *unknown* and the state says so rather than guessing.

  The planned duration is ``planned_end - start`` in weeks (days / 7). Statutory annual leave is deducted
  as the funding rules require: 5.6 weeks (28 days) for every 52 weeks, so a 52-week programme has 46.4
  working weeks, and 30 hours a week gives 46.4 x 30 x 0.2 = 278.4 hours.
* Only entries dated on or before ``as_of`` count. The pro-rata expectation is the target times the share
  of the planned learning time already gone (time on a break does not count), capped at the whole target.
* State: *behind* below 90% of the expectation, *ahead* above 110% of it, *on-track* in between
  (a 10% tolerance either side); *unknown* when there is no target.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import BreakInLearning, OtjEntry
from portfolio_tui.domain.standard import Standard

OTJ_SHARE = 0.2
WEEKLY_HOURS_CAP = 30.0
STATUTORY_LEAVE_WEEKS_PER_YEAR = 5.6
TOLERANCE = 0.10
REGIME_2022 = date(2022, 8, 1)
REGIME_2025 = date(2025, 8, 1)

REGIMES: dict[str, str] = {
    "pre-2022": "start before 1 Aug 2022: 20% of contracted hours",
    "2022-2025": "start 1 Aug 2022 to 31 Jul 2025: 20% of contracted hours, capped at 30 hours a week",
    "2025": "start from 1 Aug 2025: a fixed minimum published per standard",
}


@dataclass(frozen=True)
class OtjStatus:
    logged: float
    """Hours that count, on or before ``as_of``."""
    excluded: float
    """Hours logged in excluded categories (English and maths, reviews, initial assessment, exams)."""
    target: float | None
    expected_to_date: float | None
    state: str
    regime: str
    regime_label: str
    target_source: str
    """``learner`` (set on the profile), ``regime`` (computed) or ``unknown``."""
    note: str = ""

    @property
    def met(self) -> bool:
        return self.target is not None and self.logged >= self.target

    @property
    def remaining(self) -> float | None:
        return None if self.target is None else max(0.0, self.target - self.logged)


def regime_for(start: date) -> str:
    if start < REGIME_2022:
        return "pre-2022"
    if start < REGIME_2025:
        return "2022-2025"
    return "2025"


def working_weeks(learner: Learner) -> float:
    """Planned duration in weeks less statutory annual leave (5.6 weeks in every 52)."""
    weeks = max(0, (learner.planned_end - learner.start).days) / 7
    return weeks * (52 - STATUTORY_LEAVE_WEEKS_PER_YEAR) / 52


def regime_target(learner: Learner) -> float | None:
    """The minimum the start-date regime sets, or ``None`` where it depends on a per-standard figure."""
    regime = regime_for(learner.start)
    hours = learner.contracted_hours_per_week
    if regime == "pre-2022":
        return working_weeks(learner) * hours * OTJ_SHARE
    if regime == "2022-2025":
        return working_weeks(learner) * min(hours, WEEKLY_HOURS_CAP) * OTJ_SHARE
    return None


def elapsed_share(learner: Learner, breaks: Iterable[BreakInLearning], as_of: date) -> float:
    """How much of the planned learning time has gone by ``as_of``, from 0 to 1; breaks do not count."""
    planned = (learner.planned_end - learner.start).days
    if planned <= 0:
        return 1.0
    gone = max(0, (as_of - learner.start).days)
    for brk in breaks:
        end = min(brk.end or as_of, as_of)
        gone -= max(0, (end - max(brk.start, learner.start)).days)
    return min(1.0, max(0.0, gone / planned))


def otj_status(
    learner: Learner,
    standard: Standard | None,
    entries: Iterable[OtjEntry],
    as_of: date,
    breaks: Iterable[BreakInLearning] = (),
) -> OtjStatus:
    """Logged hours against the target and against the pro-rata expectation as of a date.

    ``standard`` is taken so a per-standard minimum can be read once standard files carry one; none does yet.
    """
    entries = [e for e in entries if e.date <= as_of]
    logged = sum(e.hours for e in entries if e.counts)
    excluded = sum(e.hours for e in entries if not e.counts)
    regime = regime_for(learner.start)
    note = ""
    target: float | None
    if learner.otj_target_hours is not None:
        target, source = float(learner.otj_target_hours), "learner"
    else:
        target = regime_target(learner)
        source = "regime" if target is not None else "unknown"
        if target is None:
            title = standard.title if standard is not None else "this standard"
            note = (
                f"Target unknown: starts from 1 Aug 2025 need the minimum published for {title}, "
                "which the standard file does not hold; set the learner's off-the-job target."
            )
    if target is None:
        return OtjStatus(logged, excluded, None, None, "unknown", regime, REGIMES[regime], source, note)
    expected = target * elapsed_share(learner, breaks, as_of)
    return OtjStatus(logged, excluded, target, expected, _state(logged, expected), regime, REGIMES[regime], source)


def _state(logged: float, expected: float) -> str:
    if logged < expected * (1 - TOLERANCE):
        return "behind"
    if logged > expected * (1 + TOLERANCE):
        return "ahead"
    return "on-track"
