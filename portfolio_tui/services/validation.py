"""Checking each value a user gives, field by field, before anything is written.

Text policy (the same everywhere): surrounding whitespace is trimmed and, in multi-line fields,
``\\r\\n`` and ``\\r`` become ``\\n``. Any other control, escape or bidi-format character is refused,
not silently stripped, with the field named: it would reach other people's terminals, and a user
who pasted it should know their text was not saved as typed. Single-line fields also refuse
newlines and tabs.

Every function raises :class:`InputError` naming the field; values that reach a message are
cleaned first, so the message itself is safe to print.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta

from portfolio_tui.domain.dates import parse_date
from portfolio_tui.domain.evidence import ACCEPT, EVIDENCE_KINDS, REFER
from portfolio_tui.domain.learner import REVIEW_CADENCES
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.text import clean_text, unsafe_characters
from portfolio_tui.services.errors import InputError

SINGLE_LINE_LIMIT = 500
MULTI_LINE_LIMIT = 50_000


def shown(value: object, limit: int = 40) -> str:
    """A user's value quoted for a message, with anything that could drive a terminal removed."""
    text = clean_text(str(value))
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def text(field: str, value: object, *, required: bool = False, multiline: bool = False) -> str:
    """Trimmed text, refused when it holds control characters, is too long, or is empty but required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(field, "expected text")
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise InputError(field, "contains characters that are not valid text (lone surrogates)")
    bad = unsafe_characters(value, multiline=multiline)
    if bad:
        if not multiline and set(bad) <= {"U+000A", "U+000D", "U+0009"}:
            raise InputError(field, "must be one line (it contains a line break or a tab)")
        listed = ", ".join(dict.fromkeys(bad))
        raise InputError(
            field, f"contains control or escape characters ({listed}); they would reach other people's terminals"
        )
    limit = MULTI_LINE_LIMIT if multiline else SINGLE_LINE_LIMIT
    if len(value) > limit:
        raise InputError(field, f"is too long ({len(value)} characters; at most {limit})")
    if required and not value:
        raise InputError(field, "must not be empty")
    return value


def date_value(
    field: str,
    value: object,
    *,
    not_before: date | None = None,
    not_before_label: str = "",
    not_after: date | None = None,
    not_after_label: str = "",
) -> date:
    """A date from a ``date`` or typed text (ISO, ``21/11/2026``, ``21 Nov 2026``), within the given bounds."""
    if isinstance(value, date):
        result = value
    elif isinstance(value, str):
        try:
            result = parse_date(clean_text(value))
        except ValueError as exc:
            raise InputError(field, str(exc)) from None
    else:
        raise InputError(field, "expected a date")
    if not_before is not None and result < not_before:
        raise InputError(field, f"{result.isoformat()} is before {not_before_label or not_before.isoformat()}")
    if not_after is not None and result > not_after:
        raise InputError(field, f"{result.isoformat()} is after {not_after_label or not_after.isoformat()}")
    return result


PLAUSIBLE_START_YEARS = (5, 2)
"""A programme start lies at most this many years before, and after, today: anything else is a typo."""


def start_date(field: str, value: object, today: date) -> date:
    """A programme start date, refused when implausibly far from ``today`` (years 1900 and 3000 are typos)."""
    before, after = PLAUSIBLE_START_YEARS
    earliest, latest = years_from(today, -before), years_from(today, after)
    return date_value(
        field, value,
        not_before=earliest, not_before_label=f"{earliest.isoformat()}, {before} years ago: not a plausible start",
        not_after=latest, not_after_label=f"{latest.isoformat()}, {after} years from now: not a plausible start",
    )


LONGEST_PROGRAMME_YEARS = 10
"""A planned end lies at most this many years after the start: apprenticeships run one to four or five years,
and "9999-12-31" typed for "no end yet" would put every milestone in year 9999."""


def planned_end(
    field: str, value: object, start: date, standard: Standard | None = None, hours_per_week: float = 30.0
) -> date:
    """A programme's planned end: after its start, and at most :data:`LONGEST_PROGRAMME_YEARS` later; with its
    ``standard``, no earlier than :func:`earliest_end` allows (a planned end a day after the start was taken, and
    put the gateway before the start)."""
    latest = years_from(start, LONGEST_PROGRAMME_YEARS)
    earliest, label = start + timedelta(days=1), "the day after the start"
    if standard is not None:
        earliest, label = earliest_end(standard, start, hours_per_week)
    return date_value(
        field, value, not_before=earliest, not_before_label=label,
        not_after=latest,
        not_after_label=f"{latest.isoformat()}, {LONGEST_PROGRAMME_YEARS} years after the start: not a plausible end",
    )


def earliest_end(standard: Standard, start: date, hours_per_week: float = 30.0) -> tuple[date, str]:
    """The earliest planned end of a programme on ``standard`` from ``start``, and why, for a refusal's message.

    An apprenticeship lasts at least its minimum duration (``domain.gateway.minimum_duration``: 12 months, 372 days,
    for starts before 1 Aug 2025, extended under 30 hours a week; 8 months from then; longer where the standard's
    plan says so), measured as the gateway's "Minimum duration met" measures it, start to planned end. Any programme
    ends late enough for its gateway, which falls the plan's interval (one month unless stated) before the end, to
    fall after the start."""
    from portfolio_tui.domain.gateway import is_apprenticeship, minimum_duration  # (the gateway's rules load late)

    before = standard.plan.gateway_before_epa
    earliest = start + before.delta() + timedelta(days=1)
    label = f"{earliest.isoformat()}, the first planned end whose gateway ({before.words()} before it) falls after " \
            "the start"
    if is_apprenticeship(standard):
        minimum, words, rule = minimum_duration(standard, start, hours_per_week)
        if minimum >= earliest:
            span, _, why = words.rpartition(" (")
            earliest = minimum
            label = f"{minimum.isoformat()}: an apprenticeship lasts at least {span} from its start ({why[:-1]}: " \
                    f"{rule.id})"
    return earliest, label


def years_from(day: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes the 28th in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


MOST_HOURS_PER_WEEK = 60
"""Contracted hours a week: the Working Time limit of 48 averaged, with room for a long week."""

PROGRAMME_HOURS = LONGEST_PROGRAMME_YEARS * 52 * MOST_HOURS_PER_WEEK
"""At most this many hours over a whole programme (an off-the-job target, prior learning, hours discussed at a
review): every hour worked in the longest programme at the most hours a week, 31,200; a real target is a few
hundred to two thousand."""


def age_at_start(field: str, value: object) -> int:
    """A whole number of years from 14 to 100 (given as a number or typed)."""
    if isinstance(value, bool):
        raise InputError(field, "expected a whole number of years")
    try:
        age = int(str(value).strip())
    except ValueError:
        raise InputError(field, f"{shown(value)} is not a whole number of years") from None
    if not 14 <= age <= 100:
        raise InputError(field, f"{age} is not a plausible age at the start")
    return age


_HOURS = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
"""Hours as people type them: ASCII digits, an optional decimal point."""

_POWER_OF_TEN = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+", re.ASCII)
"""A number written with a power of ten ("1e9"): not how hours are typed, but when it is more than the field
holds, the limit is what the person needs to hear."""


def hours(
    field: str, value: object, *, one_day: bool = False, most: float | None = None, per: str = ""
) -> float | None:
    """Hours as a number of zero or more, or ``None`` when not given; ``one_day``: at most 24; ``most``: at most
    that many in ``per`` (``a programme``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InputError(field, "expected a number of hours")
    if isinstance(value, str):
        typed = value.strip()
        if not _HOURS.fullmatch(typed):  # float() also takes "1_2" (12), "٣" and "1e2"
            if _POWER_OF_TEN.fullmatch(typed):
                _at_most(field, float(typed), typed, one_day=one_day, most=most, per=per)
            raise InputError(field, f"{shown(value)} is not a number of hours")
        number = float(typed)
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        raise InputError(field, "expected a number of hours")
    if isinstance(value, str) and number > 0:
        _at_most(field, number, typed, one_day=one_day, most=most, per=per)  # said as typed, not "1e+26"
    if not math.isfinite(number):
        raise InputError(field, "must be a finite number of hours")
    if number < 0:
        raise InputError(field, f"must not be negative (got {number:g})")
    _at_most(field, number, f"{number:g}", one_day=one_day, most=most, per=per)
    return number + 0.0  # -0.0 is 0


def _at_most(field: str, number: float, said: str, *, one_day: bool, most: float | None, per: str) -> None:
    """Refuse more hours than a day (``one_day``) or ``per`` holds, naming the limit; ``said``: the figure as the
    person wrote it (ASCII digits, a point, a power of ten), so "1e9" is not read back as "1e+09"."""
    if (one_day or per == "a day") and number > 24:
        raise InputError(field, f"{said} hours in one day is more than a day holds (at most 24)")
    if most is not None and number > most:
        raise InputError(field, f"{said} hours is more than {per or 'allowed'} holds (at most {most:g})")


def _normalised_kind(value: str) -> str:
    return "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())


_KIND_NAMES = {_normalised_kind(label): key for key, label in EVIDENCE_KINDS.items()} | {
    _normalised_kind(key): key for key in EVIDENCE_KINDS
} | {_normalised_kind(label.split(" (")[0]): key for key, label in EVIDENCE_KINDS.items()}


def evidence_kind(value: object, field: str = "kind") -> str:
    """One of :data:`EVIDENCE_KINDS` by key or label, in any case (``"witness testimony"`` works)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"is required (one of {', '.join(EVIDENCE_KINDS)})")
    kind = _KIND_NAMES.get(_normalised_kind(text(field, value)))
    if kind is None:
        raise InputError(field, f"unknown kind {shown(value)} (expected one of {', '.join(EVIDENCE_KINDS)})")
    return kind


def criteria(field: str, values: Iterable[str] | str, standard: Standard) -> tuple[str, ...]:
    """Criterion ids of ``standard``, from a list and/or comma-separated text; case is corrected, repeats dropped."""
    if isinstance(values, str):
        values = [values]
    known = standard.criteria
    by_folded = {cid.casefold(): cid for cid in known}
    result: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise InputError(field, "expected criterion ids as text")
        for part in value.split(","):
            part = text(field, part)
            if not part:
                continue
            cid = part if part in known else by_folded.get(part.casefold())
            if cid is None:
                close = difflib.get_close_matches(part, list(known), n=3)
                hint = (f"; did you mean {', '.join(close)}?" if close
                        else f" (see `portfolio standards show {standard.id}`)")
                raise InputError(field, f"{shown(part)} is not a criterion of {standard.id}{hint}")
            if cid not in result:
                result.append(cid)
    return tuple(result)


def real_work(field: str, criterion_ids: Iterable[str], standard: Standard, simulated: bool) -> None:
    """Simulated evidence cannot be tagged to criteria the standard says need real work."""
    if not simulated:
        return
    needing = [cid for cid in criterion_ids if (c := standard.criterion(cid)) is not None and c.real_work_only]
    if needing:
        raise InputError(
            field, f"{', '.join(needing)} must be evidenced from real work; simulated evidence cannot be tagged to it"
        )


def files(field: str, values: Iterable[str] | None) -> tuple[str, ...]:
    """File paths or URLs, each one line; repeats dropped."""
    result: list[str] = []
    for value in values or ():
        item = text(field, value, required=True)
        if item not in result:
            result.append(item)
    return tuple(result)


def outcome(value: object, field: str = "outcome") -> str:
    if value not in (ACCEPT, REFER):
        raise InputError(field, f"must be {ACCEPT} or {REFER}, not {shown(value)}")
    return str(value)


def review_cadence(value: object, field: str = "review_cadence") -> str:
    if value not in REVIEW_CADENCES:
        raise InputError(field, f"unknown cadence {shown(value)} (expected one of {', '.join(REVIEW_CADENCES)})")
    return str(value)
