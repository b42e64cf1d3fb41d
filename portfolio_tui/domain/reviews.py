"""Progress reviews: how often they fall due under the rule that applies, and every gap in the history.

The cadence is one rule of :mod:`funding_rules`: every 12 weeks for starts before 1 Aug 2025
(``reviews-12-weeks``), at least every 3 calendar months from then (``reviews-3-calendar-months``), or an
alternative frequency when the learner's ``review_cadence`` is recorded and the employer has confirmed it by
the line manager's account (``reviews-agreed-frequency``; ``domain.employer_decisions``: a frequency recorded
with only a typed name is *proposed*, and the rule's cadence applies until it is confirmed). Choices the rules
leave open, written down:

* Each review sets the next due date; the first is counted from the start. ``N-weeks``: N weeks after the
  previous review. ``N-months``: the last day of the Nth calendar month after the previous review's month,
  as the 2025/26 rules' own example has it (a review on 1 Aug 2025 needs the next on or before 30 Nov 2025).
* Breaks in learning pause the clock: each day of a break after the previous review moves the due date on.
* The whole history is judged: every gap longer than the cadence (from the start or a review to the next
  review, or to ``as_of`` when none has been held since) is listed as *missed* with its due date and the
  date the next review was held. A learner with a missed review is not up to date, even after a late
  review; ``overdue`` is the due date passed with no review yet.
* Only the practical period counts: reviews before the start or after ``as_of`` are ignored, and nothing
  falls due after the end of the practical period (the gateway).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from portfolio_tui.domain import employer_decisions, funding_rules
from portfolio_tui.domain.frozen import frozen
from portfolio_tui.domain.learner import REVIEW_CADENCES, Learner
from portfolio_tui.domain.months import add_months, month_days
from portfolio_tui.domain.progress import REVIEW_PARTIES, BreakInLearning, Review

REVIEW_RULES = ("reviews-12-weeks", "reviews-3-calendar-months")
_CADENCE = re.compile(r"(\d+)-(weeks|months)\Z")


@frozen
class MissedReview:
    due: date
    held: date | None
    """When the next review was held; None when none has been yet."""


@frozen
class ReviewStatus:
    cadence: str
    cadence_label: str
    due: tuple[date, ...]
    """Due dates on or before ``as_of``, one per gap (the first after the start, then after each review)."""
    next_due: date | None
    """When the next review is due; None once the practical period is over."""
    missed: tuple[date, ...]
    overdue: tuple[date, ...]
    last_review: date | None
    held: int
    """Reviews held on or before ``as_of``."""
    rule: funding_rules.Rule | None = None
    agreed_by: str = ""
    """The account that confirmed the alternative frequency for the employer ('' under the rule's cadence)."""
    gaps: tuple[MissedReview, ...] = ()
    proposed: str = ""
    """An alternative frequency recorded but not confirmed by the employer (its ``REVIEW_CADENCES`` key): it
    does not apply until it is."""

    @property
    def up_to_date(self) -> bool:
        """No review missed, ever: a late review does not make up for the gap before it."""
        return not self.missed


def confirmed_by_all(review: Review) -> bool:
    """All three parties (apprentice, employer, provider) have confirmed the review, each by an account.

    Names written down by whoever recorded it (``signed_by``) do not count: anyone can type a name."""
    return {c.party for c in review.confirmations} >= set(REVIEW_PARTIES)


def unconfirmed(review: Review) -> tuple[str, ...]:
    """The parties that have not confirmed the review yet, in the order apprentice, employer, provider."""
    done = {c.party for c in review.confirmations}
    return tuple(p for p in REVIEW_PARTIES if p not in done)


def confirmation_words(review: Review) -> str:
    """Who has confirmed the review, as one sentence or two: each party's confirmation with the account
    that made it, the parties still to confirm, and any names the recorder only wrote down (older files)."""
    made = review.confirmations
    waiting = unconfirmed(review)
    if made:
        words = "Confirmed by " + ", ".join(f"the {c.party} ({c.by})" for c in made) + "."
        if waiting:
            words += f" Waiting for the {' and the '.join(waiting)}."
    else:
        words = "Not confirmed by any party yet."
    if review.signed_by:
        recorder = f" ({review.recorded_by})" if review.recorded_by else ""
        words += (f" Noted as confirmed by the recorder{recorder}: {', '.join(review.signed_by)}"
                  " (names written down, not confirmed by their accounts).")
    return words


def review_rule(learner: Learner, as_of: date) -> tuple[funding_rules.Rule, str]:
    """The rule and the cadence it sets for this learner: an alternative frequency once the employer confirmed it."""
    if employer_decisions.confirmation(learner, "review-cadence") is not None:
        return funding_rules.rule("reviews-agreed-frequency"), learner.review_cadence
    rule = funding_rules.applying("reviews", learner.start, as_of, REVIEW_RULES)
    return rule, rule.params["cadence"]


def next_due(previous: date, cadence: str) -> date:
    """The date a review is due by, counted from the previous review (or the start)."""
    match = _CADENCE.match(cadence)
    if match is None or cadence not in REVIEW_CADENCES:
        raise ValueError(f"unknown review cadence '{cadence}' (expected one of {', '.join(REVIEW_CADENCES)})")
    count, unit = int(match.group(1)), match.group(2)
    if unit == "weeks":
        return previous + timedelta(weeks=count)
    month = add_months(previous.replace(day=1), count)
    return month.replace(day=month_days(month.year, month.month))


def _moved_by_breaks(previous: date, due: date, breaks: Iterable[BreakInLearning], as_of: date) -> date:
    """``due`` moved on by every day of break after ``previous`` (a break that the move reaches counts too)."""
    for brk in sorted(breaks, key=lambda b: b.start):
        begin = max(brk.start, previous)
        end = brk.end if brk.end is not None else max(as_of, begin)
        if begin <= due and end > begin:
            due += end - begin
    return due


def review_status(
    learner: Learner,
    reviews: Iterable[Review],
    breaks: Iterable[BreakInLearning],
    as_of: date,
    practical_end: date | None = None,
) -> ReviewStatus:
    rule, cadence = review_rule(learner, as_of)
    agreed = employer_decisions.confirmation(learner, "review-cadence")
    breaks = tuple(breaks)
    end = min(as_of, practical_end) if practical_end is not None else as_of
    held = sorted(r.date for r in reviews if learner.start <= r.date <= as_of)
    due_list: list[date] = []
    gaps: list[MissedReview] = []
    previous = learner.start
    for day in held:
        if day > end:
            break
        due = _moved_by_breaks(previous, next_due(previous, cadence), breaks, as_of)
        if due <= as_of:
            due_list.append(due)
        if day > due:
            gaps.append(MissedReview(due, day))
        previous = day
    due = _moved_by_breaks(previous, next_due(previous, cadence), breaks, as_of)
    overdue: tuple[date, ...] = ()
    upcoming: date | None = due
    if practical_end is not None and due > practical_end:
        upcoming = None
    elif due < end:
        due_list.append(due)
        gaps.append(MissedReview(due, None))
        overdue = (due,)
    elif due <= as_of:
        due_list.append(due)
    return ReviewStatus(
        cadence=cadence,
        cadence_label=REVIEW_CADENCES[cadence],
        due=tuple(due_list),
        next_due=upcoming,
        missed=tuple(g.due for g in gaps),
        overdue=overdue,
        last_review=held[-1] if held else None,
        held=len(held),
        rule=rule,
        agreed_by=agreed.by if agreed is not None else "",
        gaps=tuple(gaps),
        proposed=learner.review_cadence if agreed is None and employer_decisions.terms(learner, "review-cadence")
        else "",
    )
