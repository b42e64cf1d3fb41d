"""The index of each record's newest fingerprinting audit entry (store.audit_index), over lazy and parsed audits."""

from __future__ import annotations

from pathlib import Path

import pytest

from portfolio_tui.domain import audit_chain
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import audit_index
from portfolio_tui.store.reading import Snapshot, read_snapshot
from tests.functional.store_helpers import ACTOR, AS_OF, new_portfolio


def _snapshot(tmp_path: Path, evidence: int = 12) -> tuple[Path, Snapshot]:
    path = new_portfolio(tmp_path, evidence=evidence)
    service = PortfolioService(path, ACTOR)
    service.edit_evidence(1, title="Minutes, second version", as_of=AS_OF)  # evidence 1: an add, then an edit
    service.edit_evidence(12, title="Letter, second version", as_of=AS_OF)
    return path, read_snapshot(path)


def _expected(snap: Snapshot) -> dict[tuple[str, str], str]:
    """Table and id -> the newest fingerprinting entry's id, the slow way (as verify reads the audit)."""
    latest = {}
    for audit_id, entry in audit_chain.ordered(snap.table("audit")):
        if "record_hash" in entry and entry.get("record") is not None:
            latest[(entry["table"], str(entry["record"]))] = audit_id
    return latest


@pytest.mark.parametrize("lazy", [True, False])
def test_each_record_is_found_at_its_newest_entry(tmp_path: Path, lazy: bool) -> None:
    path, snap = _snapshot(tmp_path)
    assert ("audit" in snap.lazy) is True
    expected = _expected(read_snapshot(path))
    if not lazy:
        snap.table("audit")  # parsed whole, as verify or the history leaves it
    index = audit_index.LatestEntries(snap)
    # evidence 1 and 12 must not be taken for each other ("record":1 is the start of "record":12)
    for key in [("evidence", "1"), ("evidence", "12"), ("learner", "1"), ("evidence", "2")]:
        audit_id, entry = index.latest(*key)
        assert audit_id == expected[key]
        assert (entry["table"], str(entry["record"])) == key
    assert index.latest("evidence", "99") is None
    assert index.latest("reviews", "1") is None


def test_past_a_few_lookups_the_whole_history_is_read_once_and_answers_the_same(tmp_path: Path) -> None:
    path, snap = _snapshot(tmp_path)
    expected = _expected(read_snapshot(path))
    index = audit_index.LatestEntries(snap)
    for record in range(1, 13):
        assert index.latest("evidence", str(record))[0] == expected[("evidence", str(record))]
    assert index._whole  # more than SCANS look-ups: the history was read whole
    assert index.latest("evidence", "13") is None


def test_an_entry_appended_is_taken_in_as_the_newest(tmp_path: Path) -> None:
    _, snap = _snapshot(tmp_path)
    index = audit_index.LatestEntries(snap)
    assert index.latest("evidence", "3") is not None
    index.noted("500", {"table": "evidence", "record": 3, "record_hash": "x"})
    index.noted("501", {"table": "meta", "record": None, "detail": "no record"})
    assert index.latest("evidence", "3") == ("500", {"table": "evidence", "record": 3, "record_hash": "x"})


def test_problem_names_a_record_changed_deleted_or_added_outside_the_app(tmp_path: Path) -> None:
    _, snap = _snapshot(tmp_path)
    index = audit_index.LatestEntries(snap)
    record = snap.record("evidence", "2")
    assert audit_index.problem(index, "evidence", "2", record) is None
    audit_id = index.latest("evidence", "2")[0]
    widened = {**record, "criteria": ["K1", "K2", "S1", "S2", "S3"]}
    assert audit_index.problem(index, "evidence", "2", widened) == (
        f"evidence 2: changed outside the app since audit {audit_id}")
    assert audit_index.problem(index, "evidence", "40", record) == (
        "evidence 40: has no audit entry: added outside the app")
    index.noted("900", {"table": "evidence", "record": 2, "record_hash": None})
    assert audit_index.problem(index, "evidence", "2", record) == (
        "evidence 2: deleted by audit 900 but is there: put back outside the app")
    assert audit_index.problem(index, "meta", "1", {"schema_version": 0}) is None


@pytest.mark.parametrize("record", [
    {"title": "Plain", "hours": 1.5, "criteria": ["K1"], "kind": "reflective-account"},
    {"big": 1e300, "neg": -0.0, "nested": {"b": [1, {"z": 2, "a": 3.25}], "a": "re-submitted 5e-3"}},
    {"n": 2**70, "text": "Minutes \ud800 \u009b \u2028 \x7f é"},
])
def test_the_quick_fingerprint_is_the_audits_record_digest(record: dict) -> None:
    assert audit_index.fingerprint(record) == audit_chain.record_digest(record)


def added(table: str, record: int, state: object) -> dict:
    """The entry the store writes for a record it adds (the readers take a second one as the record rewritten)."""
    return {"action": "add", "table": table, "record": record, "record_hash": audit_chain.record_digest(state)}


def test_a_small_float_written_otherwise_is_hashed_again_before_it_is_called_changed() -> None:
    record = {"hours": 0.00001, "tiny": 1e-7}
    assert audit_index.fingerprint(record) != audit_chain.record_digest(record)  # orjson: 0.00001; json: 1e-05
    prints = audit_index.Fingerprints()
    prints.entries({"1": added("otj", 1, record)})
    prints.records("otj", {"1": record})
    assert prints.changed() is None  # not sure: the caller reads the file whole
    assert prints.changed(lambda table, record_id: record) == ()
    assert prints.changed(lambda table, record_id: {**record, "hours": 2.0}) == ("otj 1",)


def test_doubtful_fingerprints_decide_a_difference_only_given_the_record() -> None:
    """The gateway's reader (``doubtful``) does not search a record's text for what orjson writes otherwise: any
    difference is unsure until the record is hashed json's way, a match is sure."""
    same, small_float = {"title": "Same", "judgements": [{"outcome": "accept"}]}, {"hours": 0.00001}
    prints = audit_index.Fingerprints(doubtful=True)
    prints.entries({"1": added("evidence", 1, same)})
    prints.records("evidence", {"1": same}, counted=True)
    assert prints.changed() == ()
    prints.entries({"2": added("otj", 1, small_float)})
    prints.records("otj", {"1": small_float}, counted=True)
    assert prints.changed() is None
    assert prints.changed(lambda table, record_id: small_float) == ()
    assert prints.changed(lambda table, record_id: {"hours": 2.0}) == ("otj 1",)


def test_fingerprints_name_records_changed_added_or_removed_outside_the_app() -> None:
    kept, edited = {"title": "Kept"}, {"title": "Edited"}
    entries = {
        "1": added("learner", 1, {"name": "Ann"}),
        "2": added("evidence", 1, kept),
        "3": added("evidence", 2, {"title": "Before"}),
        "5": added("evidence", 3, kept),
        "4": {"table": "evidence", "record": 2, "action": "edit", "record_hash": audit_chain.record_digest(edited),
              "changes": {"title": {"from": "Before", "to": "Edited"}}},  # newer by id
        "6": {"table": "meta", "record": None, "detail": "no record"},
    }
    prints = audit_index.Fingerprints()
    prints.records("evidence", {"1": kept, "2": edited, "4": kept})
    prints.entries(entries)  # the audit may come after the records (as in a file) or before
    prints.records("learner", {"1": {"name": "Ann", "prior_learning_hours": 300}})
    prints.records("meta", {"1": {"schema_version": 9}})
    assert prints.changed() == ("evidence 4", "learner 1", "evidence 3")
    unsealed = audit_index.Fingerprints()
    unsealed.records("evidence", {"1": kept})
    unsealed.entries({"1": {"table": "evidence", "record": 1, "detail": "from before fingerprints"}})
    assert unsealed.changed() == ()


def test_the_gateways_check_hashes_only_what_it_counts_yet_names_what_is_gone() -> None:
    judged = {"title": "Judged", "judgements": [{"outcome": "accept"}]}
    unjudged = {"title": "Not judged yet", "judgements": []}
    entries = {"1": added("evidence", 1, judged),
               "2": added("evidence", 2, unjudged),
               "3": added("comments", 1, {"text": "Good"}),
               "4": added("evidence", 3, unjudged)}
    prints = audit_index.Fingerprints()
    prints.entries(entries)
    prints.records("evidence", {"1": {**judged, "criteria": ["K1"]}, "2": {**unjudged, "criteria": ["K9"]}},
                   counted=True)
    prints.records("comments", {"1": {"text": "Changed by hand"}}, counted=True)
    assert prints.changed() == ("evidence 1", "evidence 3")  # evidence 3 is gone: named though never hashed


def test_a_record_added_again_or_changed_by_an_entry_listing_no_change_is_named_until_a_repair() -> None:
    """R7-13, R7-14: the app adds a record once (a new one gets a new id) and lists every change it makes, so a
    second `add` of a record that exists, or an `edit` with no `changes`, rewrote it as the app never does (an
    apprentice's own signed entry replacing what her tutor accepted). A deletion makes the id free again; a tutor's
    repair takes in what came before it."""
    accepted, wider = {"criteria": ["S1"], "judgements": [{"outcome": "accept"}]}, {"criteria": ["S1", "S2"]}
    wider["judgements"] = accepted["judgements"]
    edit = {**added("evidence", 1, wider), "action": "edit"}
    for rewrite in (added("evidence", 1, wider), edit, {**edit, "changes": {}}):
        prints = audit_index.Fingerprints()
        prints.entries({"1": added("evidence", 1, accepted), "2": rewrite})
        prints.records("evidence", {"1": wider})
        assert prints.changed() == ("evidence 1",), rewrite
        prints.entries({"3": {"action": "repair", "table": "meta", "record": None, "taken_in": "..."}})
        assert prints.changed() == (), rewrite
    again = audit_index.Fingerprints()
    again.entries({"1": added("otj", 1, {"hours": 1}),
                   "2": {"action": "delete", "table": "otj", "record": 1, "record_hash": None,
                         "changes": {"record": {"hours": 1}}},
                   "3": added("otj", 1, {"hours": 2})})
    again.records("otj", {"1": {"hours": 2}})
    assert again.changed() == ()
