"""Off-the-job (OTJ) training hours: what counts, the target by start-date rule, progress and pace.

The target follows one rule of :mod:`funding_rules` by the learner's start date (``otj-20-percent``,
``otj-6-hours``, ``otj-standard-minimum``); the status names it. The choices the rules leave open:

* English and maths, progress reviews, initial assessment and exams do not count
  (``progress.OTJ_EXCLUDED_CATEGORIES``); they are totalled separately as ``excluded``.
* Hours are counted over the **practical period**: from the start to its end (the recorded last day of
  learning, else the planned gateway), not to the end-point assessment. Entries after that end, or after
  ``as_of``, do not count.
* Before 1 Aug 2025 the target is 20% of the contracted weekly hours (capped at 30 from 1 Aug 2022) times
  the practical period in weeks (days / 7, breaks excluded) less statutory leave, 5.6 weeks in every 52:
  a 52-week period at 30 hours a week is 46.4 x 30 x 0.2 = 278.4 hours.
* From 1 Aug 2025 it is the standard version's published minimum (``Standard.otj_minimum_hours``); with
  none on the standard file it is unknown, and the state says so rather than guessing.
* ``Learner.otj_target_hours``, when set, is the planned target whatever the start date.
* Recorded prior learning (``Learner.prior_learning_hours``, with its reason) comes off the target once the
  employer has confirmed it by the line manager's account (``domain.employer_decisions``); until then the
  target is the planned one and the note says what awaits the employer.
* The target never goes below the rule's minimum (:func:`minimum_target`), whatever was planned or taken off:
  from 1 Aug 2025 the 187-hour floor; before, the 20% itself ("At least 20% of the apprentice's contracted
  employment hours across the practical period", ``otj-20-percent``; 6 hours a week from 1 Aug 2022,
  ``otj-6-hours``), where a planned 10 hours less 40 of prior learning read "3 of 0 h · ahead".
* The pro-rata expectation is the target times the share of the practical period gone (breaks excluded).
  State: *behind* below 90% of it, *ahead* above 110%, *on-track* between; *unknown* without a target.
* **Pace**: the hours still owed divided by the weeks of learning left to the end of the practical period
  (breaks excluded): what must be done each week from now to reach the target in time. With no time left
  the whole remainder is owed now (the pace is the remainder itself).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from datetime import date

from portfolio_tui.domain import employer_decisions, funding_rules
from portfolio_tui.domain.frozen import frozen
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import BreakInLearning, OtjEntry
from portfolio_tui.domain.standard import Standard

TOLERANCE = 0.10
REGIME_2022 = funding_rules.REFORM_2022
REGIME_2025 = funding_rules.REFORM_2025
OTJ_RULES = ("otj-20-percent", "otj-6-hours", "otj-standard-minimum")
REGIMES: dict[str, str] = {
    "pre-2022": "start before 1 Aug 2022: 20% of contracted hours",
    "2022-2025": "start 1 Aug 2022 to 31 Jul 2025: 20% of contracted hours, capped at 30 hours a week",
    "2025": "start from 1 Aug 2025: the minimum published for the standard's version",
}
_REGIME_OF_RULE = dict(zip(OTJ_RULES, REGIMES, strict=True))


@frozen
class OtjStatus:
    logged: float
    """Hours that count, on or before ``as_of`` and within the practical period."""
    excluded: float
    """Hours logged in excluded categories (English and maths, reviews, initial assessment, exams)."""
    target: float | None
    expected_to_date: float | None
    state: str
    regime: str
    regime_label: str
    target_source: str
    """``learner`` (set on the profile), ``regime`` (by the start-date rule), ``standard`` or ``unknown``."""
    note: str = ""
    rule: funding_rules.Rule | None = None
    practical_end: date | None = None
    pace: float | None = None
    """Hours a week still owed to reach the target by ``practical_end``; None without a target."""
    weeks_left: float | None = None
    prior_learning: float = 0.0

    @property
    def met(self) -> bool:
        return self.target is not None and self.logged >= self.target

    @property
    def remaining(self) -> float | None:
        return None if self.target is None else max(0.0, self.target - self.logged)


def regime_for(start: date) -> str:
    return _REGIME_OF_RULE[otj_rule(start).id]


def otj_rule(start: date) -> funding_rules.Rule:
    return funding_rules.applying("off-the-job", start, start, OTJ_RULES)


def _break_days_within(breaks: Iterable[BreakInLearning], begin: date, end: date, as_of: date) -> int:
    """Days of breaks falling between ``begin`` and ``end``; an open break runs to ``as_of``."""
    days = 0
    for brk in breaks:
        stop = min(brk.end or as_of, end)
        days += max(0, (stop - max(brk.start, begin)).days)
    return days


def learning_days(
    learner: Learner, end: date, breaks: Iterable[BreakInLearning] = (), as_of: date | None = None
) -> int:
    """Days of learning from the start to ``end``, breaks excluded."""
    as_of = as_of or end
    return max(0, (end - learner.start).days - _break_days_within(breaks, learner.start, end, as_of))


def working_weeks(learner: Learner, end: date | None = None, breaks: Iterable[BreakInLearning] = ()) -> float:
    """The practical period in weeks less statutory annual leave (5.6 weeks in every 52)."""
    leave = funding_rules.rule("otj-6-hours").params["leave_weeks_per_year"]
    weeks = learning_days(learner, end or learner.planned_end, breaks) / 7
    return weeks * (52 - leave) / 52


def regime_target(
    learner: Learner, standard: Standard | None = None, end: date | None = None, breaks: Iterable[BreakInLearning] = ()
) -> float | None:
    """The minimum the start-date rule sets, before prior learning; ``None`` where the standard holds no figure."""
    rule = otj_rule(learner.start)
    if rule.id == "otj-standard-minimum":
        return None if standard is None else standard.otj_minimum_hours
    cap = rule.params["weekly_cap"]
    hours = learner.contracted_hours_per_week if cap is None else min(learner.contracted_hours_per_week, cap)
    return working_weeks(learner, end, breaks) * hours * rule.params["share"]


def minimum_target(
    learner: Learner, standard: Standard | None = None, end: date | None = None, breaks: Iterable[BreakInLearning] = ()
) -> float | None:
    """The fewest off-the-job hours the start-date rule allows, prior learning taken off: from 1 Aug 2025 the floor
    (187 hours), before it the rule's own 20% of contracted hours over the practical period (:func:`regime_target`,
    which prior learning does not reduce: it shortens the practical period, and the 20% is of what is left)."""
    floor = otj_rule(learner.start).params.get("floor_hours")
    return float(floor) if floor is not None else regime_target(learner, standard, end, breaks)


def minimum_words(learner: Learner, minimum: float) -> str:
    """The rule's minimum in words, for a refusal or a note."""
    rule = otj_rule(learner.start)
    if rule.params.get("floor_hours") is not None:
        return f"the {minimum:g}-hour floor"
    cap = rule.params["weekly_cap"]
    hours = learner.contracted_hours_per_week if cap is None else min(learner.contracted_hours_per_week, cap)
    return (f"the minimum for this start, {minimum:.1f} hours: {rule.params['share']:.0%} of {hours:g} contracted "
            f"hours a week over the practical period, statutory leave excluded, rule {rule.id}")


def elapsed_share(learner: Learner, breaks: Iterable[BreakInLearning], as_of: date, end: date | None = None) -> float:
    """How much of the practical period has gone by ``as_of``, from 0 to 1; breaks do not count."""
    end = end or learner.planned_end
    breaks = tuple(breaks)
    planned = learning_days(learner, end, breaks, as_of)
    if planned <= 0:
        return 1.0
    gone = learning_days(learner, min(as_of, end), breaks, as_of)
    return min(1.0, max(0.0, gone / planned))


def otj_status(
    learner: Learner,
    standard: Standard | None,
    entries: Iterable[OtjEntry],
    as_of: date,
    breaks: Iterable[BreakInLearning] = (),
    practical_end: date | None = None,
) -> OtjStatus:
    """Logged hours against the target, the pro-rata expectation and the pace, as of a date.

    ``practical_end`` is the last day of the practical period (the gateway); by default the planned end.
    """
    end = practical_end or learner.planned_end
    breaks = tuple(breaks)
    entries = [e for e in entries if e.date <= as_of and e.date <= end]
    logged = sum(e.hours for e in entries if e.counts)
    excluded = sum(e.hours for e in entries if not e.counts)
    unheld = ""
    if not math.isfinite(logged + excluded) or _beyond_a_day(entries):  # (the store refuses them: a hand edit)
        logged, excluded, unheld = _within_days(entries)
    rule = otj_rule(learner.start)
    regime = _REGIME_OF_RULE[rule.id]
    confirmed = employer_decisions.confirmation(learner, "prior-learning")
    prior = (learner.prior_learning_hours or 0.0) if confirmed is not None else 0.0
    awaiting = 0.0 if confirmed is not None else (learner.prior_learning_hours or 0.0)
    note = ""
    base: float | None
    if learner.otj_target_hours is not None:
        base, source = float(learner.otj_target_hours), "learner"
    else:
        base = regime_target(learner, standard, end, breaks)
        source = "unknown" if base is None else ("standard" if rule.id == "otj-standard-minimum" else "regime")
        if base is None:
            title = standard.title if standard is not None else "this standard"
            note = (
                f"Target unknown: starts from 1 Aug 2025 need the minimum published for {title}, which the "
                "standard file does not hold (otj_minimum_hours); import the standard or set the learner's target."
            )
    if base is None:
        note = "; ".join(n for n in (note, unheld) if n)
        return OtjStatus(
            logged, excluded, None, None, "unknown", regime, REGIMES[regime], source, note,
            rule=rule, practical_end=end, prior_learning=prior,
        )  # fmt: skip
    target = max(0.0, base - prior)
    floor = minimum_target(learner, standard, end, breaks)
    if floor is not None and target < floor - 1e-9:
        less = f" less {prior:g} prior learning is {target:g}" if prior else " is below it"
        note = f"raised to {minimum_words(learner, floor)}: {base:g} planned{less}"
        if rule.params.get("floor_hours") is not None:  # (as the 187-hour floor has always been said)
            note = f"raised to the {floor:g}-hour floor ({base:g} planned less {prior:g} prior learning is {target:g})"
        target = floor
    elif prior:
        note = f"{base:g} less {prior:g} hours of prior learning"
        reason = f"{learner.prior_learning_reason}, " if learner.prior_learning_reason else ""
        note += f" ({reason}confirmed by the employer: {confirmed.by})" if confirmed is not None else ""
    if awaiting:
        note = (f"{note}; " if note else "") + (f"{awaiting:g} hours of prior learning await the employer's "
                                                "confirmation: not taken off the target until confirmed")
    note = "; ".join(n for n in (note, unheld) if n)
    expected = target * elapsed_share(learner, breaks, as_of, end)
    remaining = max(0.0, target - logged)
    weeks_left = (
        learning_days(learner, end, breaks, as_of) / 7 - learning_days(learner, min(as_of, end), breaks, as_of) / 7
    )
    pace = remaining / weeks_left if weeks_left >= 1 else remaining
    return OtjStatus(
        logged,
        excluded,
        target,
        expected,
        _state(logged, expected),
        regime,
        REGIMES[regime],
        source,
        note,
        rule=rule,
        practical_end=end,
        pace=pace,
        weeks_left=max(0.0, weeks_left),
        prior_learning=prior,
    )


DAY_HOURS = 24.0
"""The hours a day holds (``store.constraints`` refuses to save an entry, or a day's entries, of more)."""


def _beyond_a_day(entries: list[OtjEntry]) -> bool:
    """Does an entry, or one day's entries together, hold hours no day holds (``store.constraints``' rule)? A sum that
    is a number is not enough: one signed entry of 500 hours, written round the store by an apprentice's own client,
    met a 400-hour target while every check of the file but the schema's passed."""
    days: dict[date, float] = {}
    for e in entries:
        if not 0 <= e.hours <= DAY_HOURS:
            return True
        days[e.date] = days.get(e.date, 0.0) + e.hours
    return any(total > DAY_HOURS + 1e-9 for total in days.values())


def held_hours(entries: Iterable[OtjEntry], categories: Collection[str] | None = None) -> float:
    """The hours of ``entries`` (those of ``categories``, else all) as a log can hold them: their sum, unless an entry
    or a day of them all is beyond a day's hours (a hand edit, or a client that went round the store), when an entry
    over a day counts for nothing and a day for at most a day's hours, as :func:`otj_status` counts them."""
    entries = list(entries)
    chosen = [e for e in entries if categories is None or e.category in categories]
    total = sum(e.hours for e in chosen)
    if math.isfinite(total) and not _beyond_a_day(entries):
        return total
    days: dict[date, float] = {}
    for e in chosen:
        if 0 <= e.hours <= DAY_HOURS:
            days[e.date] = days.get(e.date, 0.0) + e.hours
    return sum(min(hours, DAY_HOURS) for hours in days.values())


def _within_days(entries: list[OtjEntry]) -> tuple[float, float, str]:
    """Hours that count and hours excluded when the entries' sum is no number (a hand edit or a client that went
    round the app: review R7-1, two entries of 1e308 hours made the logged hours inf and the target "met"): an
    entry over a day's hours, or not a number, counts for nothing, and a day counts for at most a day's; and a
    note saying so."""
    held = [e for e in entries if 0 <= e.hours <= DAY_HOURS]
    days: dict[tuple[bool, date], float] = {}
    for e in held:
        days[e.counts, e.date] = days.get((e.counts, e.date), 0.0) + e.hours
    logged = sum(min(h, DAY_HOURS) for (counts, _), h in days.items() if counts)
    excluded = sum(min(h, DAY_HOURS) for (counts, _), h in days.items() if not counts)
    dropped, capped = len(entries) - len(held), sum(1 for h in days.values() if h > DAY_HOURS + 1e-9)
    parts = ([f"{dropped} entr{'y' if dropped == 1 else 'ies'} of more hours than a day holds not counted"]
             if dropped else [])
    parts += [f"{capped} day{'' if capped == 1 else 's'} counted as {DAY_HOURS:g} hours, not more"] if capped else []
    return logged, excluded, "; ".join(parts)


def _state(logged: float, expected: float) -> str:
    if logged < expected * (1 - TOLERANCE):
        return "behind"
    if logged > expected * (1 + TOLERANCE):
        return "ahead"
    return "on-track"
