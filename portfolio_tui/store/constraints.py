"""What ``schemas/portfolio.schema.json`` asks beyond types: known tables, kinds, outcomes, hours not negative and
no more than a day holds.

A file someone edited by hand can hold well-typed values the app never writes (a kind it does not
know, -40 hours, a table of its own). Such a file is still shown, read-only with a warning, but no
change is saved to it, so its violations are never rewritten as if the app had made them. The checks
here are cheap (whole columns of values against sets), run once per reading of the file; the one
that needs the standard (known criteria) takes its criteria from the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import orjson

from portfolio_tui.domain.employer_decisions import EMPLOYER, EMPLOYER_DECISIONS
from portfolio_tui.domain.evidence import ACCEPT, EVIDENCE_KINDS, REFER, REOPEN
from portfolio_tui.domain.learner import REVIEW_CADENCES
from portfolio_tui.domain.progress import OTJ_CATEGORIES, REVIEW_PARTIES
from portfolio_tui.domain.text import clean_text, lone_surrogates
from portfolio_tui.store.records import RECORD_TABLES, TABLES

Problem = tuple[str, str]

_OUTCOMES = frozenset({ACCEPT, REFER, REOPEN})
TAGGED_TABLES = ("evidence", "otj")
"""The tables whose records are tagged with the standard's criteria."""
_LEARNER_HOURS = ("contracted_hours_per_week", "otj_target_hours", "age_at_start")


def _quoted(value: Any) -> str:
    return repr(clean_text(str(value))[:40])


def _enum(table: str, records: dict[str, Any], key: str, allowed: Collection[str], what: str) -> Iterable[Problem]:
    if {r[key] for r in records.values() if key in r}.issubset(allowed):
        return
    for rid, record in records.items():
        if key in record and record[key] not in allowed:
            yield f"$.{table}.{rid}.{key}", f"unknown {what} {_quoted(record.get(key))}"


def _not_negative(table: str, records: dict[str, Any], key: str) -> Iterable[Problem]:
    values = [r.get(key) for r in records.values()]
    if min((v for v in values if v is not None), default=0) >= 0:
        return
    for rid, record in records.items():
        value = record.get(key)
        if value is not None and value < 0:
            yield f"$.{table}.{rid}.{key}", f"{value:g} is negative"


DAY_HOURS = 24.0
"""The hours a day holds: a piece of evidence's, an off-the-job entry's, and one day's off-the-job entries together
(review R7-1: two entries of 1e308 hours, signed by an apprentice's own client, made the target "met" with inf)."""


def _at_most_a_day(table: str, records: dict[str, Any], key: str) -> Iterable[Problem]:
    if max((v for r in records.values() if (v := r.get(key)) is not None), default=0) <= DAY_HOURS:
        return
    for rid, record in records.items():
        value = record.get(key)
        if value is not None and value > DAY_HOURS:
            yield f"$.{table}.{rid}.{key}", f"{value:g} hours is more than a day holds (at most {DAY_HOURS:g})"


def days_over(otj: dict[str, Any], days: Collection[str] | None = None) -> list[Problem]:
    """The days (all, or ``days``) whose off-the-job entries together hold more hours than a day."""
    totals: dict[str, float] = {}
    for record in otj.values():
        day, hours = record.get("date"), record.get("hours")
        if isinstance(day, str) and isinstance(hours, (int, float)) and (days is None or day in days):
            totals[day] = totals.get(day, 0.0) + hours
    return [("$.otj", f"{day} has {total:g} off-the-job hours logged, more than a day holds (at most {DAY_HOURS:g})")
            for day, total in sorted(totals.items()) if total > DAY_HOURS + 1e-9]


def _criteria(table: str, records: dict[str, Any], known: Collection[str]) -> Iterable[Problem]:
    if {c for r in records.values() for c in r.get("criteria", ())}.issubset(known):
        return
    for rid, record in records.items():
        unknown = [c for c in record.get("criteria", ()) if c not in known]
        if unknown:
            yield f"$.{table}.{rid}.criteria", f"unknown criterion {_quoted(unknown[0])} for this standard"


def _texts(record: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(path below the record, text) for every text in a record, its lists and its judgements."""
    for key, value in record.items():
        if type(value) is str:
            yield key, value
        elif type(value) is list:
            for i, item in enumerate(value):
                if type(item) is str:
                    yield f"{key}[{i}]", item
                elif type(item) is dict:
                    yield from ((f"{key}[{i}].{k}", v) for k, v in item.items() if type(v) is str)


def _unsafe_text(table: str, records: dict[str, Any]) -> Iterable[Problem]:
    """Text that is not valid Unicode (a lone surrogate), put there by hand: it could never be saved again."""
    for rid, record in records.items():
        for where, text in _texts(record):
            if bad := lone_surrogates(text):
                yield f"$.{table}.{rid}.{where}", f"text that is not valid Unicode (a lone surrogate, {', '.join(bad)})"


def unsafe_text(doc: dict[str, dict[str, Any]]) -> list[Problem]:
    """Every text in the learner and the record tables that is not valid Unicode.

    orjson's encoder refuses a lone surrogate, in C: a document it encodes holds none, so the field by field
    walk (which names where) runs only for a document that has one, not on every reading.
    """
    try:
        orjson.dumps(doc)
        return []
    except orjson.JSONEncodeError:
        pass
    return [problem for table in ("learner", *RECORD_TABLES) for problem in _unsafe_text(table, doc.get(table, {}))]


def problems(doc: dict[str, dict[str, Any]], criteria: Collection[str] | None = None) -> list[Problem]:
    """Every way a well-typed document breaks the schema's other rules; ``criteria``: the standard's ids."""
    found: list[Problem] = [(f"$.{name}", "a table this app does not know") for name in doc if name not in TABLES]
    evidence, otj = doc.get("evidence", {}), doc.get("otj", {})
    found += _enum("evidence", evidence, "kind", EVIDENCE_KINDS, "evidence kind")
    found += _not_negative("evidence", evidence, "hours")
    found += _at_most_a_day("evidence", evidence, "hours")
    outcomes = {j.get("outcome") for r in evidence.values() for j in r.get("judgements", ())}
    if not outcomes <= _OUTCOMES:
        found += [(f"$.evidence.{rid}.judgements", f"unknown outcome {_quoted(j.get('outcome'))}")
                  for rid, r in evidence.items() for j in r.get("judgements", ()) if j.get("outcome") not in _OUTCOMES]
    found += _enum("otj", otj, "category", OTJ_CATEGORIES, "off-the-job category")
    found += _not_negative("otj", otj, "hours")
    found += _at_most_a_day("otj", otj, "hours")
    found += days_over(otj)
    reviews = doc.get("reviews", {})
    found += _not_negative("reviews", reviews, "otj_hours_discussed")
    confirmations = [(rid, c) for rid, r in reviews.items() for c in r.get("confirmations", ())]
    found += [(f"$.reviews.{rid}.confirmations", f"unknown party {_quoted(c.get('party'))}")
              for rid, c in confirmations if c.get("party") not in REVIEW_PARTIES]
    learner = doc.get("learner", {})
    found += _enum("learner", learner, "review_cadence", REVIEW_CADENCES, "review cadence")
    decided = [(rid, c) for rid, r in learner.items() for c in r.get("employer_confirmations", ())]
    found += [(f"$.learner.{rid}.employer_confirmations", f"unknown decision {_quoted(c.get('decision'))}")
              for rid, c in decided if c.get("decision") not in EMPLOYER_DECISIONS]
    found += [(f"$.learner.{rid}.employer_confirmations", f"confirmed as {_quoted(c.get('party'))}, not the employer")
              for rid, c in decided if c.get("party") != EMPLOYER]
    for key in _LEARNER_HOURS:
        found += _not_negative("learner", learner, key)
    found += unsafe_text(doc)
    return found + criteria_problems(doc, criteria)


def criteria_digest(criteria: Collection[str] | None) -> str:
    """A short name for the standard's criteria (``none`` when not known): what a clean note was checked against."""
    if criteria is None:
        return "none"
    import hashlib

    return hashlib.sha256("\n".join(sorted(criteria)).encode()).hexdigest()[:32]


def criteria_problems(doc: dict[str, dict[str, Any]], criteria: Collection[str] | None) -> list[Problem]:
    """The one rule that depends on the standard: every criterion tagged is one of ``criteria`` (``None``: unknown)."""
    if criteria is None:
        return []
    return [problem for table in TAGGED_TABLES for problem in _criteria(table, doc.get(table, {}), criteria)]
