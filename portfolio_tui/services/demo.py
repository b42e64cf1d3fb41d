"""``portfolio demo``'s copy of a sample portfolio: read strictly, re-dated around today, and rebuilt
record by record through the store.

Copying the sample's file with its dates moved would leave every audit entry fingerprinting a record
that no longer exists (``portfolio verify`` would call the copy tampered with). Instead the learner
is created and each record added, and each judgement made, as the person and at the (moved) time
the sample names, so the copy's history is a true record of how it was built and verifies. The CLI
decides which sample and where.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.learner import Learner
from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.services.errors import InputError
from portfolio_tui.store.portfolio_store import PortfolioStore
from portfolio_tui.store.records import BOOKKEEPING, RECORD_TABLES, check_document, from_record


def read_sample(path: Path) -> Any:
    """The sample's document; :class:`InputError` when it cannot be read as strict JSON."""
    try:
        return loads_strict(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, JsonFileError) as exc:
        raise InputError("sample", f"cannot read the sample {path}: {exc}") from None


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_SEALING = (audit_chain.PREV_FIELD, audit_chain.HASH_FIELD)
_ORDER = {table: i for i, table in enumerate(RECORD_TABLES)}


def shift_dates(value: Any, days: int) -> Any:
    """The same document with every ISO date and timestamp moved by ``days``; nothing else changes."""
    if isinstance(value, dict):
        return {k: shift_dates(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_dates(v, days) for v in value]
    if isinstance(value, str):
        if _DATE.match(value):
            try:
                return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
            except ValueError:
                return value
        if _TIMESTAMP.match(value):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            moved = (moment + timedelta(days=days)).isoformat()
            return moved.replace("+00:00", "Z") if value.endswith("Z") else moved
    return value


def _timestamp_days(value: Any) -> Iterator[date]:
    """The day of every timestamp in ``value`` (created_at, a judgement's at, an audit moment)."""
    if isinstance(value, dict):
        for v in value.values():
            yield from _timestamp_days(v)
    elif isinstance(value, list):
        for v in value:
            yield from _timestamp_days(v)
    elif isinstance(value, str) and _TIMESTAMP.match(value):
        try:
            yield date.fromisoformat(value[:10])
        except ValueError:
            return


def demo_shift(sample: Any, written_for: date, today: date) -> int:
    """Days to move ``sample`` so that ``today`` stands where ``written_for`` (the day it is judged on) stood.

    The samples are generated with the clock of the day they were made, which can be after the day they
    are written for; moved by the plain difference, those moments (when a piece was logged or judged) would
    land after today, and the demo would show a judgement made next week. So the move stops short of that:
    every recorded moment ends on yesterday at the latest.
    """
    days = (today - written_for).days
    latest = max(_timestamp_days(sample), default=None)
    return days if latest is None else min(days, (today - latest).days - 1)


def build_demo(sample: dict[str, Any], target: Path, days: int) -> Path:
    """Write ``sample`` moved by ``days`` to ``target`` through the store; refuses a ``target`` that exists.

    Raises :class:`InputError` when the sample does not fit this version's schema, and the store's errors
    (``AlreadyExists``, ``WriteFailed``) as they are.
    """
    doc = shift_dates(sample, days)
    problems = check_document(doc)
    if problems:
        where, what = problems[0]
        raise InputError("sample", f"the sample does not fit this version's schema: {where}: {what}")
    learner_record = doc["learner"]["1"]
    moment = {"now": learner_record.get("created_at", "")}
    store = PortfolioStore.create(target, from_record(Learner, 1, learner_record), learner_record.get("created_by"),
                                  clock=lambda: moment["now"])
    records = sorted(
        ((r.get("created_at", ""), _ORDER[table], int(key), table, r)
         for table in RECORD_TABLES for key, r in doc.get(table, {}).items()),
        key=lambda item: item[:3],
    )
    for at, _, _, table, record in records:
        fields = {k: v for k, v in record.items() if k not in BOOKKEEPING and k not in _SEALING}
        judgements: list[dict[str, str]] = fields.pop("judgements", []) if table == "evidence" else []
        store.actor, moment["now"] = record.get("created_by", store.actor), at
        with store.transaction() as tx:
            new_id = tx.insert(table, {**fields, "judgements": []} if table == "evidence" else fields)
        for i, judgement in enumerate(judgements):
            store.actor, moment["now"] = judgement["by"], judgement["at"]
            with store.transaction() as tx:
                tx.update(table, new_id, {"judgements": judgements[: i + 1]}, action="assess",
                          detail=f"{judgement['outcome']} evidence '{fields.get('title', '')}'")
    return store.path
