"""Schema versions: ``meta.1.schema_version`` says which layout a file uses.

A file from a newer app is refused untouched: guessing at fields we do not know would lose them.
An older file is upgraded in memory on reading and written back by the next change, after its
original bytes are saved beside it as ``NAME.v<old>.bak`` (never overwriting an earlier backup).

Version 0 is the prototype layout, from before files carried a version: no ``meta`` table, a
``learner`` and an ``evidence`` table only, evidence ``criteria`` as one comma-separated string,
and none of ``rev``, ``deleted``, ``judgements``, ``files``, ``simulated`` or who/when fields.

Version 1 has an audit trail that is not tamper-evident. Version 2 chains every audit entry and
sign-off by hash and fingerprints each record in the audit (``domain.audit_chain``). Upgrading
seals what is there: the old entries and sign-offs are chained as found, and one ``seal`` audit
entry per record fingerprints it as found. So ``portfolio verify`` vouches for a sealed older file
only from its upgrade on; changes made by hand before it cannot be told from the app's. An app
that knows only version 1 refuses a version 2 file instead of appending unsealed entries to it.

Version 3 signs every new audit entry (``domain.signatures``). Upgrading signs nothing that is
there: the entries from before stay unsigned and ``portfolio verify`` reports them as legacy
history. The store writes the upgrade only when the old chain checks (``store.sealing``), and its
``migrate`` entry is signed by whoever made the change that upgraded the file.

An optional field added within a version needs no new version: a review's ``confirmations`` (each party's
own, by account) came within version 3. An app that does not know a field keeps it as found
(``store.records.check_record``) and writes it back untouched, so nothing is lost; it only does not show it.
"""

from __future__ import annotations

from collections.abc import Callable

from portfolio_tui import identity
from portfolio_tui.store.errors import CorruptFile, NewerVersion
from portfolio_tui.store.records import RECORD_TABLES, TABLES

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    Document = dict[str, dict[str, Any]]

CURRENT_VERSION = 3
APP = "portfolio-tui"


def meta_record(version: int = CURRENT_VERSION) -> dict[str, Any]:
    return {"schema_version": version, "app": APP, "generation": 0}


def version_of(doc: Document, path: str | Path) -> int:
    """The file's schema version; raises :class:`NewerVersion` or :class:`CorruptFile` when it cannot be read."""
    meta = doc.get("meta")
    if meta is None:
        if "learner" in doc:
            return 0
        raise CorruptFile(path, "not a portfolio file: it has neither a meta nor a learner table")
    record = meta.get("1")
    version = record.get("schema_version") if isinstance(record, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CorruptFile(path, "$.meta.1.schema_version: expected a whole number from 1 up")
    if version > CURRENT_VERSION:
        raise NewerVersion(path, version, CURRENT_VERSION)
    return version


def upgrade(doc: Document, version: int) -> Document:
    """The document in the current layout; ``doc`` itself is left as it was.

    A file that holds signed entries is already in the current layout, whatever its version says:
    the number was set back by hand, and running the old steps would re-seal it as found, forged
    entries included. Only the number is put right; the store refuses to write the file until a
    tutor repairs it (``store.sealing``).
    """
    if _holds_signatures(doc):  # (a meta table taken out by hand is put back)
        meta = doc.get("meta", {}).get("1", meta_record(1))
        return {**doc, "meta": {"1": {**meta, "schema_version": CURRENT_VERSION}}}
    for step in range(version, CURRENT_VERSION):
        doc = _STEPS[step](doc)
    return doc


def _holds_signatures(doc: Document) -> bool:
    audit = doc.get("audit")
    return isinstance(audit, dict) and any(isinstance(e, dict) and "sig" in e for e in audit.values())


def _v0_to_v1(doc: Document) -> Document:
    new: Document = {"meta": {"1": meta_record(1)}}
    new["learner"] = {key: {**record, "rev": 1} if isinstance(record, dict) else record
                      for key, record in doc.get("learner", {}).items()}
    evidence = {}
    for key, record in doc.get("evidence", {}).items():
        if isinstance(record, dict):
            record = dict(record)
            if isinstance(record.get("criteria"), str):
                record["criteria"] = [c.strip() for c in record["criteria"].split(",") if c.strip()]
            defaults: dict[str, Any] = {
                "criteria": [], "description": "", "hours": None, "files": [], "simulated": False,
                "deleted": False, "judgements": [], "rev": 1, "created_by": "", "created_at": "",
                "updated_by": "", "updated_at": "",
            }
            record = {**defaults, **record}
        evidence[key] = record
    new["evidence"] = evidence
    for table in TABLES:
        new.setdefault(table, dict(doc.get(table, {})))
    return new


def _v1_to_v2(doc: Document) -> Document:
    """Chain the audit entries and sign-offs as found, then fingerprint every record in a ``seal`` entry."""
    from portfolio_tui.domain import audit_chain  # hashing is only needed here: reading a current file skips it
    from portfolio_tui.store.persistence import utc_now  # (so is the writer: reading needs neither)

    new: Document = dict(doc)
    new["meta"] = {"1": {**doc["meta"]["1"], "schema_version": 2}}
    new["signoffs"] = _chained(doc.get("signoffs", {}))
    audit = _chained(doc.get("audit", {}))
    at = utc_now()
    by = identity.current_user()
    next_id = max(map(int, audit), default=0) + 1
    head = audit_chain.table_head(audit)
    for table in ("learner", *RECORD_TABLES):
        for key, record in audit_chain.ordered(new.get(table, {})):
            entry = {
                "at": at, "by": by, "action": "seal", "table": table, "record": int(key),
                "detail": "recorded as found when the file's history was sealed (schema version 2)",
                "record_hash": audit_chain.record_digest(record),
            }
            audit[str(next_id)] = sealed = audit_chain.seal(entry, head)
            head = sealed[audit_chain.HASH_FIELD]
            next_id += 1
    new["audit"] = audit
    return new


def _chained(table: dict[str, Any]) -> dict[str, Any]:
    """The table's records in id order, each chained to the one before (any old ``prev``/``hash`` replaced)."""
    from portfolio_tui.domain import audit_chain

    chained: dict[str, Any] = {}
    head = audit_chain.GENESIS
    for key, record in audit_chain.ordered(table):
        chained[key] = audit_chain.seal(record, head)
        head = chained[key][audit_chain.HASH_FIELD]
    return chained


def _v2_to_v3(doc: Document) -> Document:
    """Only the version changes: the unsigned entries stay as they are, as legacy history."""
    return {**doc, "meta": {"1": {**doc["meta"]["1"], "schema_version": 3}}}


_STEPS: dict[int, Callable[[Document], Document]] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3}


def backup_path(path: Path, version: int) -> Path:
    """A backup name beside the file that no earlier backup uses."""
    candidate = path.with_name(f"{path.name}.v{version}.bak")
    if not candidate.exists():
        return candidate
    from portfolio_tui.store.persistence import utc_now

    stamp = utc_now().replace("-", "").replace(":", "")
    n = 1
    while (candidate := path.with_name(f"{path.name}.v{version}.{stamp}-{n}.bak")).exists():
        n += 1
    return candidate
