"""Portfolio documents sealed the way the store seals them (docs of ``domain.audit_chain``), for tests.

Each change writes the record, then appends an audit entry holding the record's digest, chained
to the entry before; sign-offs are chained among themselves as well.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from portfolio_tui.domain import audit_chain


class SealedDoc:
    def __init__(self, by: str = "alice"):
        self.by = by
        self.doc: dict[str, dict[str, Any]] = {
            "meta": {"1": {"schema_version": 1, "app": "portfolio-tui"}},
            "learner": {},
            "evidence": {},
            "signoffs": {},
            "audit": {},
        }
        self.clock = 0

    def _now(self) -> str:
        self.clock += 1
        return f"2026-03-01T10:{self.clock // 60:02d}:{self.clock % 60:02d}Z"

    def _audit(self, action: str, table: str, record: int, by: str) -> None:
        audit = self.doc["audit"]
        state = self.doc[table].get(str(record))
        entry = {
            "at": self._now(), "by": by, "action": action, "table": table, "record": record,
            "detail": f"{action} {table} {record}", "record_hash": audit_chain.record_digest(state),
        }
        audit[str(len(audit) + 1)] = audit_chain.seal(entry, audit_chain.table_head(audit))

    def put(self, table: str, fields: dict[str, Any], by: str | None = None) -> int:
        rows = self.doc.setdefault(table, {})
        record = max(map(int, rows), default=0) + 1
        rows[str(record)] = {**fields, "rev": 1, "created_by": by or self.by}
        self._audit("add", table, record, by or self.by)
        return record

    def edit(self, table: str, record: int, changes: dict[str, Any], by: str | None = None) -> None:
        current = self.doc[table][str(record)]
        current.update(changes)
        current["rev"] += 1
        self._audit("edit", table, record, by or self.by)

    def sign(self, role: str, by: str, on: str = "2026-05-01") -> int:
        rows = self.doc["signoffs"]
        record = len(rows) + 1
        fields = {"role": role, "by": by, "on": on, "recorded_at": self._now(), "rev": 1, "created_by": by}
        rows[str(record)] = audit_chain.seal(fields, audit_chain.table_head(rows))
        self._audit("add", "signoffs", record, by)
        return record

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.doc, indent=1, ensure_ascii=False), encoding="utf-8")
        return path


def sample(by: str = "alice") -> SealedDoc:
    """A small portfolio: the learner, two pieces of evidence (one edited), all three sign-offs."""
    doc = SealedDoc(by)
    doc.put("learner", {"name": "Alice Ng", "standard_id": "odo-l3", "start": "2025-01-06"})
    first = doc.put("evidence", {"title": "Letter to a customer", "date": "2025-03-03", "criteria": ["S1"]})
    doc.put("evidence", {"title": "Minutes of the team meeting — café", "date": "2025-04-01", "criteria": ["S3"]})
    doc.edit("evidence", first, {"judgements": [{"outcome": "accept", "feedback": "Clear", "by": "tess",
                                                 "at": "2025-05-01T09:00:00Z"}]}, by="tess")
    doc.sign("assessor", "tess")
    doc.sign("apprentice", "alice")
    doc.sign("employer", "mona")
    return doc
