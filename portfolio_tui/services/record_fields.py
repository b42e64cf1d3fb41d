"""What every field of every record may hold, checked on the one generic path a record takes to the file.

``PortfolioService.add_record`` and ``update_record`` write any table but evidence (whose own calls
check it). The calls in ``services.records`` check what a person typed, field by field and under the
names the CLI and the forms use; this module checks the record those calls, or any other caller (a
script calling the service in Python), hands over, so nothing a real programme could not hold reaches
the disk whoever builds the record: a field no table has, a type the store does not keep, text with
control characters or too long, a date outside the programme (or after today, for what is recorded as
done), hours no day or programme holds, a key the standard does not name. One :class:`InputError`
names the record's field (``otj_hours_discussed``, ``done_on``), before any lock is taken.

The bounds are a real programme's (``validation`` holds the numbers): an entry of off-the-job hours is
more than 0 and at most a day's 24; hours over a programme (a target, prior learning, hours discussed at
a review) at most every hour worked over the longest programme; dates from the programme's start to
today for what was done, up to the longest programme after the start for what is planned.

What depends on other records (a break's overlap, the sign-off order, who confirmed) is not here: it is
checked under the lock, against the file as it is then (``state_check``, ``services.access``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio_tui.domain import grading, roles
from portfolio_tui.domain.employer_decisions import EMPLOYER, EMPLOYER_DECISIONS
from portfolio_tui.domain.learner import ENGLISH_MATHS_DECISIONS, REVIEW_CADENCES
from portfolio_tui.domain.progress import OTJ_CATEGORIES, REVIEW_PARTIES
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import validation as check
from portfolio_tui.services.access import EMPLOYER_CONFIRMATION
from portfolio_tui.services.errors import InputError

MOST_NAMES = 50
"""Names in one list (a review's attendees): a review is a meeting, not a mailing list."""

PREREQUISITE_YEARS_BEFORE = 60
"""A prerequisite (a qualification, English, maths) may have been achieved long before the programme, but not
more than this many years before its start: earlier is a typo for a recent year."""


@dataclass(frozen=True)
class Programme:
    """What a record's fields are checked against: the programme's start, today, and the standard (looked up
    only by a field that needs it, so a break or a comment is kept while the standard is not installed)."""

    start: date
    today: date
    standard_of: Callable[[], Standard]

    @property
    def standard(self) -> Standard:
        return self.standard_of()

    @property
    def latest(self) -> date:
        """The last day anything planned can fall on: the longest programme after the start."""
        return check.years_from(self.start, check.LONGEST_PROGRAMME_YEARS)


def checklist_keys(standard: Standard) -> dict[str, str]:
    """The checklist items a person records: the plan's own, and the employer's confirmation."""
    keys = {item.key: item.title for item in standard.plan.gateway_checklist}
    keys[EMPLOYER_CONFIRMATION] = "Employer confirms the apprentice is competent and ready"
    return keys


class _Fields:
    """One record's fields as given, checked one by one; each check returns the value to keep."""

    def __init__(self, table: str, given: Mapping[str, Any], before: Mapping[str, Any] | None, at: Programme):
        self.table, self.given, self.before, self.at = table, dict(given), before, at
        self.kept: dict[str, Any] = {}

    @property
    def adding(self) -> bool:
        return self.before is None

    def now(self, name: str) -> Any:
        """The field as the record will hold it: as given, else as it was."""
        if name in self.kept:
            return self.kept[name]
        if name in self.given:
            return self.given[name]
        return (self.before or {}).get(name)

    def field(self, name: str, checker: Callable[[Any], Any], *, required: bool = False) -> None:
        if name in self.given:
            self.kept[name] = checker(self.given[name])
        elif required and self.adding:
            raise InputError(name, "is required")

    def text(self, name: str, *, required: bool = False, multiline: bool = False) -> None:
        self.field(name, lambda v: check.text(name, v, required=required, multiline=multiline), required=required)

    def names(self, name: str) -> None:
        def names(value: Any) -> list[str]:
            if not isinstance(value, (list, tuple)):
                raise InputError(name, "expected a list of names")
            if len(value) > MOST_NAMES:
                raise InputError(name, f"{len(value)} names is more than one record holds (at most {MOST_NAMES})")
            return [check.text(name, v, required=True) for v in value]

        self.field(name, names)

    def choice(self, name: str, options: Collection[str], what: str, *, required: bool = True) -> None:
        def choice(value: Any) -> str:
            if not isinstance(value, str) or value not in options:
                raise InputError(name, f"unknown {what} {check.shown(value)} (expected one of {', '.join(options)})")
            return value

        self.field(name, choice, required=required)

    def flag(self, name: str) -> None:
        def flag(value: Any) -> bool:
            if not isinstance(value, bool):
                raise InputError(name, "expected true or false")
            return value

        self.field(name, flag)

    def day(self, name: str, *, earliest: date, earliest_label: str, latest: date, latest_label: str,
            required: bool = True, optional: bool = False) -> None:
        """A date, kept as ISO text; ``optional``: ``None`` is allowed (not yet known)."""
        def day(value: Any) -> str | None:
            if value is None and optional:
                return None
            if not isinstance(value, (str, date)):
                raise InputError(name, "expected a date as YYYY-MM-DD")
            return check.date_value(name, value, not_before=earliest, not_before_label=earliest_label,
                                    not_after=latest, not_after_label=latest_label).isoformat()

        self.field(name, day, required=required)

    def done_on(self, name: str) -> None:
        """The day something was done: from the programme's start to today."""
        at = self.at
        self.day(name, earliest=at.start, earliest_label=f"the programme start ({at.start.isoformat()})",
                 latest=at.today, latest_label=f"today ({at.today.isoformat()}); what was done is not dated later")

    def planned(self, name: str, *, after: tuple[str, str] | None = None, optional: bool = False) -> None:
        """A day planned: from the programme's start (or ``after``'s field, named by its words) to the longest
        programme after the start."""
        at = self.at
        earliest, label = at.start, f"the programme start ({at.start.isoformat()})"
        if after is not None and isinstance(first := self.now(after[0]), str):
            earliest, label = date.fromisoformat(first), f"{after[1]} ({first})"
        self.day(name, earliest=earliest, earliest_label=label, latest=at.latest,
                 latest_label=f"{at.latest.isoformat()}, {check.LONGEST_PROGRAMME_YEARS} years after the programme "
                              "start: not a plausible date", optional=optional, required=not optional)

    def hours(self, name: str, *, most: float, per: str, required: bool = False, optional: bool = False,
              positive: bool = False) -> None:
        def hours(value: Any) -> float | None:
            if isinstance(value, str):
                raise InputError(name, "expected a number of hours")
            amount = check.hours(name, value, most=most, per=per)
            if amount is None and not optional:
                raise InputError(name, "expected a number of hours")
            if positive and not amount:
                raise InputError(name, "must be more than 0")
            return amount

        self.field(name, hours, required=required)

    def criteria(self, name: str) -> None:
        def criteria(value: Any) -> list[str]:
            if not isinstance(value, (list, tuple)):
                raise InputError(name, "expected a list of criterion ids")
            return list(check.criteria(name, list(value), self.at.standard)) if value else []

        self.field(name, criteria)

    def only(self, known: Collection[str]) -> None:
        """A field the table does not have is refused, not kept."""
        unknown = next((name for name in self.given if name not in known), None)
        if unknown is not None:
            raise InputError("fields", f"{check.shown(unknown)} is not a field of the {self.table} table "
                                       f"(it has {', '.join(known)})")


def _reviews(f: _Fields) -> None:
    f.done_on("date")
    f.names("attendees")
    f.hours("otj_hours_discussed", most=check.PROGRAMME_HOURS, per="a programme", optional=True)
    f.text("actions", multiline=True)
    f.text("notes", multiline=True)
    f.names("signed_by")
    f.field("confirmations", _confirmations)
    if not (f.now("attendees") or f.now("actions") or f.now("notes") or f.now("otj_hours_discussed") is not None):
        raise InputError("attendees", EMPTY_REVIEW)


EMPTY_REVIEW = ("no one named and nothing discussed: name who attended, or give the review's actions, notes or "
                "off-the-job hours discussed (an empty review would count as held)")
"""A progress review is "a three-way review (apprentice, employer, provider) ..., recorded and signed; content:
previous actions, off-the-job hours and slippage, plan updates, concerns, agreed actions" (DOMAIN.md, from the
funding rules): one that names nobody and records none of that is a date, and the cadence would count it as held
(``domain.reviews.review_status`` counts every review recorded)."""


def _confirmations(value: Any) -> list[dict[str, str]]:
    """Each party's confirmation of a review: whose it is and when are decided under the lock (``services.access``)."""
    if not isinstance(value, (list, tuple)) or len(value) > len(REVIEW_PARTIES):
        raise InputError("confirmations", f"expected at most one confirmation for each of {', '.join(REVIEW_PARTIES)}")
    kept = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"party", "by", "at"}:
            raise InputError("confirmations", "expected each confirmation as party, by and at")
        if item["party"] not in REVIEW_PARTIES:
            raise InputError("confirmations", f"{check.shown(item['party'])} is not a party to a review "
                                              f"(one of {', '.join(REVIEW_PARTIES)})")
        kept.append({key: check.text("confirmations", item[key], required=True) for key in ("party", "by", "at")})
    return kept


def _otj(f: _Fields) -> None:
    f.done_on("date")
    f.hours("hours", most=24, per="a day", required=True, positive=True)
    f.choice("category", OTJ_CATEGORIES, "off-the-job category")
    f.criteria("criteria")
    f.text("description", multiline=True)


def _breaks(f: _Fields) -> None:
    f.done_on("start")
    f.planned("end", after=("start", "the break's start"), optional=True)
    f.text("reason")


def _prerequisites(f: _Fields) -> None:
    at = f.at
    f.choice("key", [p.key for p in at.standard.plan.prerequisites], f"prerequisite of {at.standard.id}")
    earliest = check.years_from(at.start, -PREREQUISITE_YEARS_BEFORE)
    f.day("achieved_on", earliest=earliest,
          earliest_label=f"{earliest.isoformat()}, {PREREQUISITE_YEARS_BEFORE} years before the programme start",
          latest=at.today, latest_label=f"today ({at.today.isoformat()})")
    f.text("note")


def _checklist(f: _Fields) -> None:
    f.choice("key", checklist_keys(f.at.standard), "checklist item")
    f.done_on("done_on")
    f.text("detail")


def _milestones(f: _Fields) -> None:
    f.choice("key", [m.key for m in f.at.standard.plan.milestones], "milestone")
    f.done_on("done_on")
    f.flag("undone")
    f.text("reason", required=bool(f.now("undone")))


def _grades(f: _Fields) -> None:
    f.text("kind", required=True)
    standard, today, start = f.at.standard, f.at.today, f.at.start

    def values(value: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise InputError("values", "expected an object")
        kept = dict(value)
        for name in ("note", "by"):
            if name in kept:
                kept[name] = check.text(name, kept[name])
        if "on" in kept:
            kept["on"] = check.date_value(
                "on", kept["on"] if isinstance(kept["on"], (str, date)) else "", not_before=start,
                not_before_label=f"the programme start ({start.isoformat()})", not_after=today,
                not_after_label=f"today ({today.isoformat()}); a result cannot be dated in the future").isoformat()
        problems = grading.validate_grade_values(standard, str(f.now("kind")), kept)
        if problems:
            field, _, message = problems[0].partition(": ")
            raise InputError(field, clean_text(message))
        return kept

    f.field("values", values, required=True)


def _signoffs(f: _Fields) -> None:
    f.choice("role", roles.SIGNOFF_ORDER, "sign-off role")
    f.text("by", required=True)
    f.done_on("on")
    f.text("reason", multiline=True, required=bool(f.now("withdrawal")))
    f.flag("withdrawal")


def _comments(f: _Fields) -> None:
    def evidence(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError("evidence", "expected the id of a piece of evidence")
        return value

    f.field("evidence", evidence, required=True)
    f.text("text", required=True, multiline=True)


def _learner(f: _Fields) -> None:
    """The learner's record is made with the portfolio (``PortfolioService.create``); these are its changes."""
    for fixed in ("standard_id", "standard_version", "start"):
        if fixed in f.given:
            raise InputError(fixed, "is set when the portfolio is made and not changed afterwards")
    at = f.at
    f.text("name", required=True)
    for name in ("employer", "line_manager", "tutor", "review_cadence_agreed_by", "english_maths_decided_by",
                 "prior_learning_reason", "prior_learning_agreed_by"):
        f.text(name)
    hours = f.now("contracted_hours_per_week")
    hours = hours if isinstance(hours, (int, float)) and not isinstance(hours, bool) and hours > 0 else 30.0
    f.field("planned_end", lambda v: check.planned_end(
        "planned_end", v if isinstance(v, (str, date)) else None, at.start, at.standard, hours).isoformat())
    f.choice("review_cadence", REVIEW_CADENCES, "review cadence")
    f.hours("contracted_hours_per_week", most=check.MOST_HOURS_PER_WEEK, per="a week", positive=True)
    f.hours("otj_target_hours", most=check.PROGRAMME_HOURS, per="a programme", optional=True)
    f.hours("prior_learning_hours", most=check.PROGRAMME_HOURS, per="a programme")

    def age(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError("age_at_start", "expected a whole number of years")
        return check.age_at_start("age_at_start", value)

    f.field("age_at_start", age)
    f.planned("epa_presentation", optional=True)
    f.day("last_day_of_learning", earliest=at.start, earliest_label=f"the start ({at.start.isoformat()})",
          latest=at.today, latest_label="today", optional=True, required=False)
    f.choice("english_maths_decision", ("", *ENGLISH_MATHS_DECISIONS), "English and maths decision", required=False)
    f.field("employer_confirmations", _employer_confirmations)


def _employer_confirmations(value: Any) -> list[dict[str, str]]:
    """The employer's confirmations of its decisions: who made each and when are decided under the lock."""
    keys = ("decision", "terms", "party", "by", "at")
    if not isinstance(value, (list, tuple)) or len(value) > 1000:
        raise InputError("employer_confirmations", "expected a list of the employer's confirmations")
    kept = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != set(keys):
            raise InputError("employer_confirmations", f"expected each confirmation as {', '.join(keys)}")
        decision = item["decision"]
        if not isinstance(decision, str) or decision not in EMPLOYER_DECISIONS or item["party"] != EMPLOYER:
            raise InputError("employer_confirmations", f"{check.shown(decision)} is not one of the "
                                                       "employer's decisions, confirmed as the employer")
        kept.append({key: check.text("employer_confirmations", item[key], required=True) for key in keys})
    return kept


_TABLES: dict[str, tuple[Callable[[_Fields], None], tuple[str, ...]]] = {
    "learner": (_learner, (
        "name", "standard_id", "standard_version", "start", "planned_end", "employer", "line_manager", "tutor",
        "review_cadence", "contracted_hours_per_week", "otj_target_hours", "age_at_start", "epa_presentation",
        "review_cadence_agreed_by", "english_maths_decision", "english_maths_decided_by", "prior_learning_hours",
        "prior_learning_reason", "prior_learning_agreed_by", "last_day_of_learning", "employer_confirmations")),
    "reviews": (_reviews, ("date", "attendees", "otj_hours_discussed", "actions", "notes", "signed_by",
                           "confirmations")),
    "otj": (_otj, ("date", "hours", "category", "criteria", "description")),
    "breaks": (_breaks, ("start", "end", "reason")),
    "prerequisites": (_prerequisites, ("key", "achieved_on", "note")),
    "checklist": (_checklist, ("key", "done_on", "detail")),
    "milestones": (_milestones, ("key", "done_on", "undone", "reason")),
    "grades": (_grades, ("kind", "values")),
    "signoffs": (_signoffs, ("role", "by", "on", "reason", "withdrawal")),
    "comments": (_comments, ("evidence", "text")),
}
"""Each table the generic path writes: its check, and the fields a record of it holds (no bookkeeping: the store
writes ``rev`` and who and when itself)."""


def checked(
    table: str, given: Mapping[str, Any], at: Programme, before: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``given`` checked as a new record of ``table`` (``before`` None) or as changes to the record ``before``:
    the values to write (text trimmed, dates as ISO text). Raises :class:`InputError` naming the field."""
    if not isinstance(given, Mapping):
        raise InputError(table, "expected the record's fields")
    if table not in _TABLES:
        raise InputError("table", f"{check.shown(table)} is not a table changed this way (one of {', '.join(_TABLES)})")
    rule, known = _TABLES[table]
    fields = _Fields(table, given, before, at)
    fields.only(known)
    rule(fields)
    return fields.kept
