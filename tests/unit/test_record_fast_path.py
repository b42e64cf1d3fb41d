"""The quick way of checking and building records (whole tables, column by column) agrees with the slow way.

The quick check may send a good record the slow way, but must never pass a record the slow way
finds fault with; records as the store writes them must go the quick way; and the objects it builds
must be the objects ``__init__`` builds.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import fields
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import (
    BreakInLearning,
    ChecklistRecord,
    Confirmation,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
    SignOff,
)
from portfolio_tui.store import records
from portfolio_tui.store.records import RECORD_TABLES, check_document, check_record, from_records, to_record

STAMP = {"rev": 2, "created_by": "ava", "created_at": "2025-05-02T09:00:00Z", "updated_by": "sam",
         "updated_at": "2025-05-03T09:00:00Z"}
EXAMPLES: list[Any] = [
    Learner("Ava Patel", "odo-l3", "2015", date(2025, 6, 2), date(2027, 1, 29), otj_target_hours=300.0,
            age_at_start=19, epa_presentation=date(2027, 1, 10)),
    Evidence(3, "Observation", date(2025, 5, 2), "observation", ("S1", "B2"), "Two customers.", 1.5, ("obs.pdf",),
             True, False, (Judgement("refer", "Add detail.", "sam", "2025-05-03T10:00:00Z"),), 2, "ava",
             "2025-05-02T09:00:00Z", "sam", "2025-05-03T09:00:00Z"),
    Review(1, date(2025, 6, 2), ("Ava", "Sam"), 40.0, "Plan the project", "", ("Sam",), "ava", "2025-05-02T09:00:00Z",
           (Confirmation("employer", "mona", "2025-06-03T09:00:00Z"),)),
    OtjEntry(4, date(2025, 6, 3), 3.0, "teaching", ("K1",), "Workshop", "ava", "2025-05-02T09:00:00Z"),
    BreakInLearning(2, date(2025, 7, 1), None, "Parental leave", "ava", "2025-05-02T09:00:00Z"),
    PrerequisiteRecord("maths-l2", date(2025, 1, 5), "", "ava", "2025-05-02T09:00:00Z"),
    ChecklistRecord("epa-booked", date(2026, 9, 1), "booked", "ava", "2025-05-02T09:00:00Z"),
    MilestoneDone("plan-review", date(2026, 7, 1), "ava", "2025-05-02T09:00:00Z"),
    GradeRecord(5, "mark-sheet", {"sections": {"a": 12}}, "ava", "2025-05-02T09:00:00Z"),
    SignOff("assessor", "sam", date(2026, 1, 10), "2025-05-02T09:00:00Z"),
]


def stored(obj: Any) -> dict[str, Any]:
    """The record as the store writes it: every field, and the bookkeeping."""
    record = to_record(obj) | STAMP
    for f in fields(obj):
        if f.name in ("recorded_by", "recorded_at"):
            record[f.name.replace("recorded", "created")] = getattr(obj, f.name)
        elif f.name in STAMP:
            record[f.name] = getattr(obj, f.name)
    return record


def typed(obj: Any) -> list[tuple[type, Any]]:
    """Field values with their types, since ``3 == 3.0`` would hide a float field left an int."""
    return [(type(getattr(obj, f.name)), getattr(obj, f.name)) for f in fields(obj)]


def test_records_as_the_store_writes_them_go_the_quick_way() -> None:
    for obj in EXAMPLES:
        record = stored(obj)
        assert records._layout(type(obj)).valid([record, record]), type(obj).__name__
        assert check_record(type(obj), record, "$") == []
        [built] = from_records(type(obj), [getattr(obj, "id", 1)], [record])
        assert built == obj and typed(built) == typed(obj)


def test_built_objects_are_the_objects_init_builds() -> None:
    obj = EXAMPLES[1]
    [built] = from_records(Evidence, [3], [stored(obj)])
    assert built == obj and hash(built) == hash(obj) and repr(built) == repr(obj)
    assert pickle.loads(pickle.dumps(built)) == obj
    assert built.accepted is False and built.status == "referred"


values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.just(10**400), st.floats(), st.text(max_size=4),
    st.sampled_from(["2025-06-02", "2025-02-30", "2025-6-2", "20250602", "2025-W01-1", "٢٠٢٥-٠٦-٠٢"]),
    st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["outcome", "feedback", "by", "at"]),
                             st.one_of(st.text(max_size=3), st.integers()), max_size=4), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[type, dict[str, Any]]:
    obj = draw(st.sampled_from(EXAMPLES))
    record = stored(obj)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*record, "extra"]))
        if draw(st.booleans()):
            record.pop(key, None)
        else:
            record[key] = draw(values)
    return type(obj), record


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_the_quick_check_never_passes_what_the_slow_check_refuses(case: tuple[type, dict[str, Any]]) -> None:
    cls, record = case
    slow = records._problems(cls, record, "$.t.1")
    if records._layout(cls).valid([record]):
        assert slow == []
    assert check_record(cls, record, "$.t.1") == slow
    if not slow:
        [quick] = from_records(cls, [1], [record])
        assert typed(quick) == typed(records._from_record_by_field(cls, 1, record))


@settings(max_examples=100, deadline=None)
@given(st.lists(mutated(), min_size=1, max_size=4), st.integers(0, 20))
def test_one_bad_record_in_a_table_is_found_with_its_path(cases: list, good: int) -> None:
    cls, bad = cases[0]
    table = next((name for name, c in RECORD_TABLES.items() if c is cls), None)
    if table is None:
        return
    rows = {str(i): stored(next(o for o in EXAMPLES if type(o) is cls)) for i in range(1, good + 1)}
    rows[str(good + 1)] = bad
    doc = {"learner": {"1": stored(EXAMPLES[0])}, table: rows}
    expected = records._problems(cls, bad, f"$.{table}.{good + 1}")
    assert check_document(doc) == expected


def test_audit_entries_are_checked_quickly_and_refused_in_words() -> None:
    entry = {"at": "2025-05-02T09:00:00Z", "by": "ava", "action": "add", "table": "evidence", "record": 3,
             "detail": "added evidence 3", "prev": "0" * 64, "hash": "1" * 64}
    learner = {"1": stored(EXAMPLES[0])}
    assert check_document({"learner": learner, "audit": {}}) == []
    assert check_document({"learner": learner, "audit": {"1": entry, "2": entry | {"record": None}}}) == []
    broken = {"1": entry, "2": entry | {"record": True, "by": 5}, "3": "an entry"}
    assert check_document({"learner": learner, "audit": broken}) == [
        ("$.audit.2.by", "expected text"), ("$.audit.2.record", "expected a record id or null"),
        ("$.audit.3", "expected an object"),
    ]


def test_objects_built_as_a_file_is_checked_are_those_built_from_it_afterwards() -> None:
    from pathlib import Path

    from portfolio_tui.store.reading import portfolio_of, read_portfolio, read_snapshot

    samples = sorted((Path(__file__).resolve().parents[2] / "sample_portfolios").glob("*.json"))
    assert samples
    for path in samples:
        at_once, later = read_portfolio(path), portfolio_of(read_snapshot(path), path)
        assert at_once == later, path.name
        for table in fields(at_once):
            if table.name != "learner":  # (a tuple of records; the learner is one object)
                built_then = [typed(o) for o in getattr(later, table.name)]
                assert [typed(o) for o in getattr(at_once, table.name)] == built_then, (path.name, table.name)


def _built_as_checked(table: str, record: dict[str, Any], record_id: int) -> Any:
    built: dict[str, list[Any]] = {}
    learner = stored(EXAMPLES[0])
    assert check_document({"learner": {"1": learner}, table: {str(record_id): record}}, built) == []
    [obj] = built[table]
    return obj


def test_evidence_built_from_copies_of_its_records_is_what_init_builds() -> None:
    obj = EXAMPLES[1]
    record = stored(obj)
    record["judgements"].append({"outcome": "accept", "feedback": "Fine.", "by": "sam", "at": "2025-05-04T10:00:00Z",
                                 "criterion": "S1"})
    expected = Evidence(**{**{f.name: getattr(obj, f.name) for f in fields(obj)},
                           "judgements": (*obj.judgements, Judgement("accept", "Fine.", "sam", "2025-05-04T10:00:00Z",
                                                                     "S1"))})
    built = _built_as_checked("evidence", record, 3)
    assert built == expected and hash(built) == hash(expected) and repr(built) == repr(expected)
    assert typed(built) == typed(expected) and pickle.loads(pickle.dumps(built)) == expected
    assert [typed(j) for j in built.judgements] == [typed(j) for j in expected.judgements]


def test_a_field_the_class_does_not_have_is_kept_on_disk_but_never_becomes_an_attribute() -> None:
    record = stored(EXAMPLES[1]) | {"from_a_later_version": 1}
    record["judgements"][0] = record["judgements"][0] | {"also_later": True}
    built = _built_as_checked("evidence", record, 3)
    assert built == EXAMPLES[1] and typed(built) == typed(EXAMPLES[1])
    assert not hasattr(built, "from_a_later_version") and not hasattr(built.judgements[0], "also_later")


@given(st.lists(st.one_of(st.sampled_from(["1", "10", "0", "01", "", " 1", "+1", "1_0", "١", "²", "1a", "9", "100",
                                           "09", "007", "99"]),
                          st.text(max_size=3)), max_size=6, unique=True))
def test_record_ids_checked_all_at_once_agree_with_the_pattern_key_by_key(keys: list[str]) -> None:
    from portfolio_tui.store.reading import _ID, _all_ids

    table = dict.fromkeys(keys, {})
    assert _all_ids(table) == all(re.match(_ID, k) for k in keys)


BAD_DAYS = ["2025-02-30", "2025-13-01", "2025-6-2", "1899-12-31", "٢٠٢٥-٠٦-٠٢", "2025-06-02 ", ""]


@given(st.lists(st.sampled_from(["2025-06-02", "2025-06-03", "2026-01-31", *BAD_DAYS]), min_size=1, max_size=6),
       st.integers(1, 4))
def test_a_day_is_refused_or_read_alike_whatever_days_were_met_before(days: list[str], kept: int) -> None:
    """Days that passed are kept for the process (``records._DAYS``: a caseload's files share them), so a day
    met before is not checked again: a wrong one is refused all the same, in the same words, whichever days
    came before it and however often the kept ones were let go (``DAYS_KEPT``), and a good one is the date."""
    base = stored(EXAMPLES[1])
    rows = {str(i): base | {"date": day} for i, day in enumerate(days, 1)}
    expected = [problem for i, day in enumerate(days, 1) for problem in records._problems(
        Evidence, rows[str(i)], f"$.evidence.{i}")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "DAYS_KEPT", kept)
        for _ in range(2):  # (the second time, the good days are kept ones)
            built: dict[str, list[Any]] = {}
            assert check_document({"learner": {"1": stored(EXAMPLES[0])}, "evidence": rows}, built) == expected
            if not expected:
                assert [piece.date for piece in built["evidence"]] == list(map(date.fromisoformat, days))
    assert not set(BAD_DAYS) & set(records._DAYS)


judgement_values = st.one_of(values, st.just({"outcome": "accept", "feedback": "", "by": "sam", "at": "x"}),
                             st.just({"outcome": "accept", "feedback": "", "by": "sam", "at": "x", "criterion": 3}))


@st.composite
def mutated_evidence(draw: st.DrawFn) -> dict[str, Any]:
    """Evidence as the store writes it, a few of its fields, tags or judgements' fields changed or dropped."""
    record = stored(EXAMPLES[1])
    record["judgements"] = [dict(j) for j in record["judgements"]] + draw(st.lists(
        st.fixed_dictionaries({"outcome": st.sampled_from(["accept", "refer"]), "feedback": st.text(max_size=2),
                               "by": st.just("sam"), "at": st.just("2025-05-03T10:00:00Z")},
                              optional={"criterion": st.sampled_from(["S1", "B2"])}), max_size=2))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["field", "tag", "judgement"]))
        if where == "field" or (where == "judgement" and not record.get("judgements")):
            key = draw(st.sampled_from([*record, "extra"]))
            if draw(st.booleans()):
                record.pop(key, None)
            else:
                record[key] = draw(st.one_of(values, st.just(10**400), st.just(True), st.just(0)))
        elif where == "tag" and isinstance(record.get("criteria"), list):
            record["criteria"] = [*record["criteria"], draw(values)]
        elif isinstance(record.get("judgements"), list) and record["judgements"]:
            judgement = record["judgements"][draw(st.integers(0, len(record["judgements"]) - 1))]
            if isinstance(judgement, dict):
                key = draw(st.sampled_from([*judgement, "criterion", "extra"]))
                if draw(st.booleans()):
                    judgement.pop(key, None)
                else:
                    judgement[key] = draw(values)
            else:
                record["judgements"].append(draw(judgement_values))
    return record


@settings(max_examples=600, deadline=None)
@given(st.lists(mutated_evidence(), min_size=1, max_size=3), st.integers(0, 3))
def test_the_one_pass_evidence_outline_never_passes_what_the_check_refuses_and_builds_what_it_builds(
    changed: list[dict[str, Any]], good: int
) -> None:
    """The gateway's one-pass check and outline of evidence (``records.checked_evidence_outlines``) passes only
    records the check in words finds nothing wrong with, and makes of them the outlines the column-by-column way
    makes; what it does not pass is left to that way (it passes every record as the store writes it)."""
    from portfolio_tui.domain.portfolio import KEPT, evidence_outline

    rows = {str(i): stored(EXAMPLES[1]) for i in range(1, good + 1)}
    rows.update({str(good + i): record for i, record in enumerate(changed, 1)})
    made = records.checked_evidence_outlines(rows)
    wrong = [p for key, record in rows.items() for p in records._problems(Evidence, record, f"$.evidence.{key}")]
    if made is None:
        assert wrong or not records._layout(Evidence).valid(rows.values())
        return
    assert wrong == []
    built = [evidence_outline(piece) for piece in from_records(Evidence, list(map(int, rows)), list(rows.values()))]
    assert [[(type(getattr(o, k)), getattr(o, k)) for k in KEPT] for o in made] == [
        [(type(getattr(o, k)), getattr(o, k)) for k in KEPT] for o in built]
    column_way: dict[str, list[Any]] = {}
    assert records.check_tables({"evidence": rows}, column_way, {"evidence": records.evidence_outlines}) == []
    column_made = column_way["evidence"]
    assert [[getattr(o, k) for k in KEPT] for o in made] == [[getattr(o, k) for k in KEPT] for o in column_made]


def test_the_one_pass_evidence_outline_knows_every_field_evidence_has() -> None:
    """A field added to evidence (or one whose kind changed) turns the one pass off rather than go unchecked."""
    assert records._ONE_PASS
    assert records.checked_evidence_outlines({"1": stored(EXAMPLES[1])}) is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_EVIDENCE_AT", {**records._EVIDENCE_AT, "signed_off": 15})
        assert not records._knows_evidence()


ODD_VALUES: list[Any] = [None, True, False, 0, -1, 1, 1.5, 10**400, float("nan"), float("inf"), "", "x", "2025-02-30",
                         "2025-06-02", [], ["x"], [1], [None], [["x"]], {}, {"a": 1}, [{"outcome": "accept"}]]


def test_each_field_of_evidence_and_of_its_judgements_and_tags_is_checked_by_the_one_pass() -> None:
    """Every field (and a tag, and each field of a judgement) set to each odd value or dropped, one at a time: the
    one pass passes exactly what the column-by-column way passes (nothing the check in words refuses), and leaves
    the rest to it (a field left out that has a default, as the column-by-column way does)."""
    base = stored(EXAMPLES[1])
    cases: list[dict[str, Any]] = []
    for key in [*base, "extra"]:
        cases.append({k: v for k, v in base.items() if k != key})
        cases += [base | {key: value} for value in ODD_VALUES]
    cases += [base | {"criteria": ["S1", value]} for value in ODD_VALUES]
    cases += [base | {"files": ["a.pdf", value]} for value in ODD_VALUES]
    judgement = base["judgements"][0]
    for key in [*judgement, "criterion", "extra"]:
        cases.append(base | {"judgements": [{k: v for k, v in judgement.items() if k != key}]})
        cases += [base | {"judgements": [judgement, judgement | {key: value}]} for value in ODD_VALUES]
    cases += [base | {"judgements": [judgement, value]} for value in ODD_VALUES]
    for record in cases:
        passed = records.checked_evidence_outlines({"1": record}) is not None
        assert passed == records._layout(Evidence).valid([record]), record
        if passed:
            assert records._problems(Evidence, record, "$") == [], record
    assert sum(records.checked_evidence_outlines({"1": record}) is None for record in cases) > len(cases) / 2


AUDIT_ENTRY = {"at": "2025-05-02T09:00:00Z", "by": "ava", "action": "add", "table": "evidence", "record": 3}


@st.composite
def changed_entries(draw: st.DrawFn) -> Any:
    """An audit entry as the app writes it with one field changed or dropped, or something else."""
    if draw(st.integers(0, 9)) == 0:
        return draw(values)
    key = draw(st.sampled_from([*AUDIT_ENTRY, "detail"]))
    if draw(st.booleans()):
        return {k: v for k, v in AUDIT_ENTRY.items() if k != key}
    return AUDIT_ENTRY | {key: draw(st.one_of(values, st.just(True), st.just(None)))}


@settings(max_examples=400, deadline=None)
@given(st.lists(changed_entries(), max_size=3))
def test_audit_entries_pass_the_quick_check_only_where_the_check_in_words_finds_nothing(entries: list[Any]) -> None:
    assert records._audit_valid([AUDIT_ENTRY, AUDIT_ENTRY | {"record": None}])
    wrong = [p for i, e in enumerate(entries) for p in records._check_audit(e, f"$.audit.{i}")]
    if records._audit_valid(entries):
        assert wrong == []
    elif not wrong:  # (what the quick check leaves to the check in words: only an entry without its record field)
        assert any(type(e) is dict and "record" not in e for e in entries)
