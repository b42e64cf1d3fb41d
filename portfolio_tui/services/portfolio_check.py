"""``portfolio validate``: every problem in a portfolio file, against the schema and against its standard.

Opening a file stops at the first problem; this lists them all, one ``(json_path, message)`` each,
so a hand-edited file or an export can be fixed in one pass. Nothing here writes.

Control and bidi-override characters typed into a file by hand (an ESC sequence in a title, U+202E
turning a word round) are reported here but do not stop the file opening: the app never writes them
(every field it saves refuses them), shows every text with them removed, and the owner can still open
their portfolio and fix the text, where refusing on open would lock them out of their own record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from portfolio_tui import catalog
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import OtjEntry
from portfolio_tui.domain.standard import Standard
from portfolio_tui.domain.text import unsafe_characters
from portfolio_tui.store import constraints, migrations
from portfolio_tui.store.errors import CorruptFile, NewerVersion
from portfolio_tui.store.reading import parse_document, read_regular
from portfolio_tui.store.records import RECORD_TABLES, check_document, check_record, from_record

EXTRA_CHECKLIST_KEYS = ("employer-confirmation",)


@dataclass
class FileCheck:
    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def check_file(path: str | Path, as_of: date | None = None) -> FileCheck:
    """Strict JSON, the layout version, ``portfolio.schema.json``, record types, then the learner's standard."""
    path = Path(path)
    result = FileCheck()
    try:
        _, data = read_regular(path)
    except OSError as exc:
        result.problems.append(("$", f"cannot read the file: {exc.strerror or exc}"))
        return result
    except CorruptFile as exc:  # over the size limit: not read
        result.problems.append(("$", exc.problem))
        return result
    try:
        doc = parse_document(data, path)
        version = migrations.version_of(doc, path)
    except NewerVersion as exc:
        result.problems.append(("$.meta.1.schema_version", f"written by a newer portfolio-tui (schema version "
                                f"{exc.found}; this one reads up to {exc.supported})"))
        return result
    except CorruptFile as exc:
        result.problems.append(("$", exc.problem))
        return result
    if version < migrations.CURRENT_VERSION:
        doc = migrations.upgrade(doc, version)
        result.notes.append(f"older layout (schema version {version}); the next change upgrades it and keeps a backup")
    problems = [(_dotted(p), m) for p, m in catalog.schema_problems(doc, "portfolio.schema.json")]
    flagged = {p for p, _ in problems}
    problems.extend(p for p in check_document(doc) if p[0] not in flagged)
    problems.extend(constraints.unsafe_text(doc))
    problems.extend(control_characters(doc))
    problems.extend(_against_standard(doc, as_of or date.today()))
    result.problems = _dedupe(problems)
    return result


def control_characters(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Every text of the learner, the records and the audit that holds a control, escape or format
    character (C0 but newline and tab, DEL, C1, bidi overrides and isolates, zero-width, line separators),
    each named by its JSON path; lone surrogates are ``constraints.unsafe_text``'s."""
    problems = []
    for table in ("learner", *RECORD_TABLES, "audit"):
        for where, text in _strings(doc.get(table), f"$.{table}"):
            bad = [c for c in dict.fromkeys(unsafe_characters(text, multiline=True)) if not _SURROGATE.match(c)]
            if bad:
                problems.append((where, f"contains control or bidi characters ({', '.join(bad)}): the app never "
                                        "writes them and shows the text without them; remove them from the file"))
    return problems


_SURROGATE = re.compile(r"U\+D[89A-F]")


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """(JSON path, text) for every string in ``value``, however deep (records, their lists, the audit's changes)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")


def _against_standard(doc: dict[str, Any], as_of: date) -> list[tuple[str, str]]:
    record = doc.get("learner", {}).get("1")
    if not isinstance(record, dict) or check_record(Learner, record, "$"):
        return []
    learner: Learner = from_record(Learner, 1, record)
    problems = []
    if learner.planned_end <= learner.start:
        problems.append(("$.learner.1.planned_end", f"{learner.planned_end} is not after the start ({learner.start})"))
    try:
        standard = catalog.get(learner.standard_id)
    except catalog.StandardNotFound as exc:
        problems.append(("$.learner.1.standard_id", str(exc)))
        return problems
    problems.extend(_evidence(doc, learner, standard, as_of))
    known = standard.criteria
    for key, entry in _records(doc, "otj", OtjEntry):
        for i, cid in enumerate(entry.criteria):
            if cid not in known:
                problems.append((f"$.otj.{key}.criteria[{i}]", f"'{cid}' is not a criterion of {standard.id}"))
    plan = standard.plan
    for table, field_name, allowed in (
        ("prerequisites", "key", {p.key for p in plan.prerequisites}),
        ("checklist", "key", {c.key for c in plan.gateway_checklist} | set(EXTRA_CHECKLIST_KEYS)),
        ("milestones", "key", {m.key for m in plan.milestones}),
    ):
        for key, rec in doc.get(table, {}).items():
            value = rec.get(field_name) if isinstance(rec, dict) else None
            if isinstance(value, str) and value not in allowed:
                problems.append((f"$.{table}.{key}.{field_name}", f"'{value}' is not in the plan of {standard.id}"))
    return problems


def _evidence(doc: dict[str, Any], learner: Learner, standard: Standard, as_of: date) -> list[tuple[str, str]]:
    problems = []
    known = standard.criteria
    for key, item in _records(doc, "evidence", Evidence):
        where = f"$.evidence.{key}"
        for i, cid in enumerate(item.criteria):
            if cid not in known:
                problems.append((f"{where}.criteria[{i}]", f"'{cid}' is not a criterion of {standard.id}"))
            elif item.simulated and known[cid].real_work_only:
                problems.append((f"{where}.criteria[{i}]", f"{cid} must be evidenced from real work, not simulation"))
        if item.date < learner.start:
            problems.append((f"{where}.date", f"{item.date} is before the programme start ({learner.start})"))
        elif item.date > as_of:
            problems.append((f"{where}.date", f"{item.date} is in the future (today is {as_of})"))
    return problems


def _records(doc: dict[str, Any], table: str, cls: type) -> list[tuple[str, Any]]:
    """The table's records that have the right types (the others are reported already)."""
    return [
        (key, from_record(cls, int(key), rec))
        for key, rec in doc.get(table, {}).items()
        if isinstance(rec, dict) and not check_record(cls, rec, "$")
    ]


def _dotted(json_path: str) -> str:
    """``$.evidence['2'].kind`` as ``$.evidence.2.kind``, the form every other message uses."""
    return re.sub(r"\['([A-Za-z0-9_-]+)'\]", r".\1", json_path)


def _dedupe(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(problems))
