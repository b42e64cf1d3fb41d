"""Records on disk: dataclass round trips, type checks, the incremental serialiser, the schema, identity."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui import identity
from portfolio_tui.domain.evidence import EVIDENCE_KINDS, Evidence, Judgement
from portfolio_tui.domain.learner import REVIEW_CADENCES, Learner
from portfolio_tui.domain.progress import OTJ_CATEGORIES, BreakInLearning, GradeRecord, Review, SignOff
from portfolio_tui.locations import schemas_dir
from portfolio_tui.store import migrations
from portfolio_tui.store.records import RECORD_TABLES, TABLES, check_record, from_record, to_record
from portfolio_tui.store.storage import render

SCHEMA = json.loads((schemas_dir() / "portfolio.schema.json").read_text())

EXAMPLES = [
    Evidence(id=3, title="Observation with two customers", date=date(2025, 5, 2), kind="observation",
             criteria=("S1", "B2"), description="Two customers, one complaint.", hours=1.5, files=("obs.pdf",),
             simulated=True, judgements=(Judgement("refer", "Add detail.", "assessor1", "2025-05-03T10:00:00Z"),),
             rev=2, created_by="ava", created_at="2025-05-02T09:00:00Z"),
    Review(id=1, date=date(2025, 6, 2), attendees=("Ava", "Sam"), otj_hours_discussed=40.0, signed_by=("Sam",),
           recorded_by="sam", recorded_at="2025-06-02T12:00:00Z"),
    BreakInLearning(id=2, start=date(2025, 7, 1), end=None, reason="Parental leave"),
    GradeRecord(id=4, kind="mark-sheet", values={"sections": [12, 9]}),
    SignOff(role="assessor", by="sam", on=date(2026, 1, 10)),
]


@pytest.mark.parametrize("obj", EXAMPLES, ids=lambda o: type(o).__name__)
def test_dataclass_record_round_trip(obj: object) -> None:
    record = to_record(obj) | {"created_by": getattr(obj, "recorded_by", getattr(obj, "created_by", "")),
                               "created_at": getattr(obj, "recorded_at", getattr(obj, "created_at", "")),
                               "rev": getattr(obj, "rev", 1)}
    assert json.loads(json.dumps(record)) == record
    table = next(name for name, cls in RECORD_TABLES.items() if cls is type(obj))
    assert check_record(type(obj), record, f"$.{table}.1") == []
    assert from_record(type(obj), getattr(obj, "id", 0), record) == obj


def test_type_problems_have_paths() -> None:
    record = {"title": 5, "date": "2025-02-30", "kind": "product", "criteria": "K1", "hours": float("nan"),
              "judgements": [{"outcome": "accept"}], "rev": 0}
    problems = dict(check_record(Evidence, record, "$.evidence.7"))
    assert set(problems) == {"$.evidence.7.title", "$.evidence.7.date", "$.evidence.7.criteria",
                             "$.evidence.7.hours", "$.evidence.7.judgements", "$.evidence.7.rev"}
    assert check_record(Learner, {"name": "A"}, "$.learner.1")[0] == ("$.learner.1", "missing required field "
                                                                         "'standard_id'")


def test_schema_agrees_with_the_domain_vocabularies() -> None:
    defs = SCHEMA["$defs"]
    assert defs["evidence"]["properties"]["kind"]["enum"] == list(EVIDENCE_KINDS)
    assert defs["otj"]["properties"]["category"]["enum"] == list(OTJ_CATEGORIES)
    assert defs["learner"]["properties"]["review_cadence"]["enum"] == list(REVIEW_CADENCES)
    assert set(SCHEMA["properties"]) == set(TABLES)
    assert defs["meta"]["properties"]["schema_version"]["const"] == migrations.CURRENT_VERSION


record_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
operations = st.lists(
    st.tuples(st.sampled_from(["insert", "update", "remove"]), st.sampled_from(["evidence", "audit", "reviews"]),
              st.integers(1, 6), record_values),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_incremental_saves_write_exactly_what_a_full_save_writes(ops: list) -> None:
    doc = {"meta": {"1": migrations.meta_record()}, "evidence": {}, "reviews": {}, "audit": {}}
    fragments: dict = {}
    joined: dict = {}  # each table's lines joined as last saved: reused only where a save appended alone
    render(doc, fragments, None, joined=joined)
    for step in range(0, len(ops), 3):
        dirty: dict[str, set[str]] = {}
        for action, table, number, value in ops[step:step + 3]:
            key = str(number)
            if action == "remove":
                doc[table].pop(key, None)
            elif action == "update" and key in doc[table]:
                doc[table][key]["value"] = value
            else:
                doc[table][key] = {"value": value}
            dirty.setdefault(table, set()).add(key)
        incremental = b"".join(render(doc, fragments, dirty, joined=joined))
        assert json.loads(incremental) == doc
        assert incremental == b"".join(render(doc, {}, None))


def test_saves_that_append_rejoin_only_what_they_add_and_write_what_a_full_save_writes() -> None:
    doc = {"meta": {"1": migrations.meta_record()}, "evidence": {}, "audit": {}}
    fragments: dict = {}
    joined: dict = {}
    render(doc, fragments, None, joined=joined)
    first = None
    for step in range(1, 400):
        dirty: dict[str, set[str]] = {"audit": {str(step)}}
        doc["audit"][str(step)] = {"n": step}
        if step % 3:
            doc["evidence"][str(step)] = {"title": f"piece {step}"}
            dirty["evidence"] = {str(step)}
        if step % 50 == 0:  # a change to an old record: that table is joined afresh
            doc["evidence"]["1"]["title"] = f"changed at {step}"
            dirty.setdefault("evidence", set()).add("1")
        saved = b"".join(render(doc, fragments, dirty, joined=joined))
        assert saved == b"".join(render(doc, {}, None))
        kept = joined["audit"]
        assert kept.source is fragments["audit"] and kept.count == step
        sizes = [len(piece) for piece in kept.pieces]
        assert len(sizes) <= 10 and sizes == sorted(sizes, reverse=True)
        if len(kept.pieces) > 1:  # the lines joined before were kept, not joined again
            assert kept.pieces[0] is first
        first = kept.pieces[0]


def test_identity_is_the_os_account_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    assert identity.current_user() == pwd.getpwuid(os.getuid()).pw_name



def test_a_record_s_field_types_are_the_ones_typing_finds() -> None:
    """``records.hint_of`` (each annotation's text evaluated once per module) gives what ``typing.get_type_hints``
    gives, for every field of every record the store checks. (``Any`` is imported by the records' modules for
    the type checker only, so that the gateway starts without ``typing``: it is given here as ``hint_of`` gives it.)"""
    import dataclasses
    import typing

    from portfolio_tui.domain.portfolio import EvidenceOutline
    from portfolio_tui.store.records import AuditEntry, hint_of

    for cls in (*RECORD_TABLES.values(), Learner, Judgement, AuditEntry, EvidenceOutline):
        hints = typing.get_type_hints(cls, localns={"Any": typing.Any})
        assert {f.name: hint_of(cls, f.name) for f in dataclasses.fields(cls)} == {
            f.name: hints[f.name] for f in dataclasses.fields(cls)}, cls


def test_a_record_s_quick_print_is_the_same_digest_before_and_after_openssl_takes_over(monkeypatch) -> None:
    """``audit_index.quick_print`` hashes with the interpreter's SHA-256 while one file is read, then hashlib's:
    the same digest either way."""
    import hashlib

    from portfolio_tui.store import audit_index, own_files

    record = {"title": "Letter", "hours": 1.5, "criteria": ["K1", "S2"], "note": "caf\u00e9"}
    monkeypatch.setattr(audit_index, "_sha256", own_files.sha256)
    monkeypatch.setattr(audit_index, "_files_read", 0)
    first = audit_index.quick_print(record)
    audit_index.Fingerprints()
    assert audit_index._sha256 is own_files.sha256  # one file read: still the built-in one
    audit_index.Fingerprints()
    assert audit_index._sha256 is hashlib.sha256  # a second file: OpenSSL's
    assert audit_index.quick_print(record) == first
    import orjson

    text = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    assert first[0] == hashlib.sha256(text).hexdigest()


def test_a_field_type_named_in_its_class_s_own_namespace_is_found_as_typing_finds_it() -> None:
    from portfolio_tui.domain.frozen import frozen
    from portfolio_tui.store.records import hint_of

    @frozen
    class Aliased:
        Count = int
        n: Count  # type: ignore[valid-type]

    assert hint_of(Aliased, "n") is int
