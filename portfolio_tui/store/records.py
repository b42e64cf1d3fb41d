"""Domain dataclasses to and from the JSON records on disk, and the type check every record passes.

One table per record class. A record holds the dataclass's fields under the same names (dates as
ISO strings, tuples as lists) plus the store's bookkeeping (``rev``, ``created_*``, ``updated_*``).
The id is the TinyDB document id, not a field. Progress records show who recorded them as
``recorded_by``/``recorded_at``; on disk that is the record's ``created_by``/``created_at``.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from datetime import date
from functools import cache
from typing import Any

from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import (
    BreakInLearning,
    ChecklistRecord,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
    SignOff,
)

RECORD_TABLES: dict[str, type] = {
    "evidence": Evidence,
    "reviews": Review,
    "otj": OtjEntry,
    "breaks": BreakInLearning,
    "prerequisites": PrerequisiteRecord,
    "checklist": ChecklistRecord,
    "milestones": MilestoneDone,
    "grades": GradeRecord,
    "signoffs": SignOff,
}
"""Table name -> record class; the order is the order of tables in a new file."""

PORTFOLIO_FIELDS: dict[str, str] = {name: name for name in RECORD_TABLES} | {"milestones": "milestones_done"}
"""Table name -> the :class:`~portfolio_tui.domain.portfolio.Portfolio` field that holds it."""

TABLES: tuple[str, ...] = ("meta", "learner", *RECORD_TABLES, "audit")
BOOKKEEPING: tuple[str, ...] = ("rev", "created_by", "created_at", "updated_by", "updated_at")
_RENAMED = {"recorded_by": "created_by", "recorded_at": "created_at"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


@dataclass(frozen=True)
class AuditEntry:
    """One line of a portfolio's history: who did what to which record, and when."""

    id: int
    at: str
    by: str
    action: str
    table: str
    record: int | None
    detail: str = ""
    changes: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Field:
    name: str
    key: str
    required: bool
    check: Callable[[Any], str | None]
    load: Callable[[Any], Any]


def _is_date_text(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _checker(hint: Any) -> tuple[Callable[[Any], str | None], Callable[[Any], Any]]:
    """A type check (returning what is wrong, or None) and a loader for one annotated field."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and type(None) in args:
        inner_check, inner_load = _checker(next(a for a in args if a is not type(None)))
        return (lambda v: None if v is None else inner_check(v)), (lambda v: None if v is None else inner_load(v))
    if hint is date:
        return (lambda v: None if _is_date_text(v) else "expected a date as YYYY-MM-DD"), date.fromisoformat
    if hint is bool:
        return (lambda v: None if isinstance(v, bool) else "expected true or false"), bool
    if hint is int:
        return (lambda v: None if isinstance(v, int) and not isinstance(v, bool) else "expected a whole number"), int
    if hint is float:
        def check_number(v: Any) -> str | None:
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            return None if ok else "expected a number"
        return check_number, float
    if hint is str:
        return (lambda v: None if isinstance(v, str) else "expected text"), str
    if origin is tuple and args[0] is str:
        def check_texts(v: Any) -> str | None:
            ok = isinstance(v, list) and all(isinstance(i, str) for i in v)
            return None if ok else "expected a list of text"
        return check_texts, tuple
    if origin is tuple and args[0] is Judgement:
        keys = [f.name for f in fields(Judgement)]

        def check_judgements(v: Any) -> str | None:
            ok = isinstance(v, list) and all(
                isinstance(j, dict) and all(isinstance(j.get(k), str) for k in keys) for j in v
            )
            return None if ok else "expected a list of judgements, each with outcome, feedback, by and at as text"

        return check_judgements, lambda v: tuple(Judgement(**{k: j[k] for k in keys}) for j in v)
    if origin is dict:
        return (lambda v: None if isinstance(v, dict) else "expected an object"), dict
    raise TypeError(f"no record mapping for {hint!r}")


@cache
def _plan(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    plan = []
    for f in fields(cls):
        if f.name == "id":
            continue
        check, load = _checker(hints[f.name])
        required = f.default is MISSING and f.default_factory is MISSING
        plan.append(_Field(f.name, _RENAMED.get(f.name, f.name), required, check, load))
    return tuple(plan)


_BOOKKEEPING_CHECKS = {
    "rev": lambda v: None if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else "expected a revision >= 1",
    **{k: (lambda v: None if isinstance(v, str) else "expected text") for k in BOOKKEEPING[1:]},
}


def check_record(cls: type, record: Any, path: str) -> list[tuple[str, str]]:
    """Every wrong or missing field in one record, as ``(json_path, message)``; unknown fields are kept."""
    if not isinstance(record, dict):
        return [(path, "expected an object")]
    problems = []
    for f in _plan(cls):
        if f.key not in record:
            if f.required:
                problems.append((path, f"missing required field '{f.key}'"))
            continue
        wrong = f.check(record[f.key])
        if wrong:
            problems.append((f"{path}.{f.key}", wrong))
    for key, check in _BOOKKEEPING_CHECKS.items():
        if key in record and (wrong := check(record[key])):
            problems.append((f"{path}.{key}", wrong))
    return problems


def from_record(cls: type, record_id: int, record: dict[str, Any]) -> Any:
    """The dataclass for a checked record (see :func:`check_record`)."""
    values = {f.name: f.load(record[f.key]) for f in _plan(cls) if f.key in record}
    if any(f.name == "id" for f in fields(cls)):
        values["id"] = record_id
    return cls(**values)


def to_record(obj: Any) -> dict[str, Any]:
    """The JSON record for a dataclass (without the id and the store's bookkeeping)."""
    record: dict[str, Any] = {}
    for f in _plan(type(obj)):
        if f.key in BOOKKEEPING:
            continue
        record[f.key] = to_json(getattr(obj, f.name))
    return record


def to_json(value: Any) -> Any:
    """Dates as ISO text, tuples as lists, dataclasses (judgements) as objects."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, Judgement):
        return {f.name: getattr(value, f.name) for f in fields(Judgement)}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def learner_from_record(record: dict[str, Any]) -> Learner:
    return from_record(Learner, 1, record)


def audit_from_record(record_id: int, record: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=record_id,
        at=record.get("at", ""),
        by=record.get("by", ""),
        action=record.get("action", ""),
        table=record.get("table", ""),
        record=record.get("record"),
        detail=record.get("detail", ""),
        changes=record.get("changes"),
    )


def _check_audit(record: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(record, dict):
        return [(path, "expected an object")]
    problems = []
    for key in ("at", "by", "action", "table"):
        if not isinstance(record.get(key), str):
            problems.append((f"{path}.{key}", "expected text"))
    rec = record.get("record")
    if rec is not None and (not isinstance(rec, int) or isinstance(rec, bool)):
        problems.append((f"{path}.record", "expected a record id or null"))
    return problems


def check_document(doc: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Every type problem in a current-version document whose shape (tables of objects) is already known good."""
    problems: list[tuple[str, str]] = []
    learners = doc.get("learner")
    if learners is None or list(learners) != ["1"]:
        problems.append(("$.learner", "expected exactly one learner, with id 1"))
    else:
        problems.extend(check_record(Learner, learners["1"], "$.learner.1"))
    for table, cls in RECORD_TABLES.items():
        for key, record in doc.get(table, {}).items():
            problems.extend(check_record(cls, record, f"$.{table}.{key}"))
    for key, record in doc.get("audit", {}).items():
        problems.extend(_check_audit(record, f"$.audit.{key}"))
    return problems
