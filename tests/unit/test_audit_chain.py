"""The hash chain: a sealed record verifies; an edit, a deletion or a reordering is found and named."""

from __future__ import annotations

import copy
import hashlib

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.audit_chain import GENESIS, seal, verify_chain, verify_document
from tests.sealed_docs import SealedDoc, sample


def chain(n: int) -> list[dict]:
    entries: list[dict] = []
    for i in range(n):
        entries.append(seal({"at": f"2026-01-0{i + 1}T00:00:00Z", "by": "alice", "action": "add"},
                            audit_chain.head(entries)))
    return entries


def kinds(breaks: list[audit_chain.Break]) -> list[tuple[str, str]]:
    return [(b.where, b.kind) for b in breaks]


def test_the_hash_is_sha256_of_sorted_compact_utf8_json_without_the_hash_field() -> None:
    sealed = seal({"b": "é", "a": 1}, GENESIS)
    expected = hashlib.sha256(('{"a":1,"b":"é","prev":"' + GENESIS + '"}').encode()).hexdigest()
    assert sealed == {"a": 1, "b": "é", "prev": GENESIS, "hash": expected}


def test_sealing_ignores_a_stale_hash_and_key_order() -> None:
    assert seal({"a": 1, "b": 2, "hash": "stale"}, GENESIS) == seal({"b": 2, "a": 1}, GENESIS)


def test_an_unbroken_chain_verifies() -> None:
    entries = chain(4)
    assert entries[0]["prev"] == GENESIS
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]
    assert verify_chain(entries) == []


def test_an_edited_entry_is_named_as_changed() -> None:
    entries = chain(4)
    entries[2]["by"] = "mallory"
    assert kinds(verify_chain(entries)) == [("audit 3", audit_chain.CHANGED)]


def test_an_edited_entry_with_its_hash_recomputed_breaks_the_link_after_it() -> None:
    entries = chain(4)
    entries[1] = seal({**entries[1], "by": "mallory"}, entries[1]["prev"])
    assert kinds(verify_chain(entries)) == [("audit 3", audit_chain.LINK)]


def test_a_deleted_entry_is_found_at_the_one_after_it() -> None:
    entries = chain(4)
    del entries[1]
    assert kinds(verify_chain(entries, ids=["1", "3", "4"])) == [("audit 3", audit_chain.LINK)]
    assert kinds(verify_chain(chain(3)[1:])) == [("audit 1", audit_chain.LINK)]


def test_reordered_entries_are_found() -> None:
    entries = chain(4)
    entries[1], entries[2] = entries[2], entries[1]
    assert kinds(verify_chain(entries)) == [
        ("audit 2", audit_chain.LINK), ("audit 3", audit_chain.LINK), ("audit 4", audit_chain.LINK)
    ]


def test_an_unsealed_entry_is_named() -> None:
    entries = chain(3)
    entries.insert(1, {"at": "x", "by": "mallory", "action": "add"})
    assert kinds(verify_chain(entries)) == [("audit 2", audit_chain.UNSEALED)]


def test_a_sealed_portfolio_verifies() -> None:
    assert verify_document(sample().doc) == []


def test_a_signoff_edited_by_hand_is_found_twice_over() -> None:
    doc = sample()
    doc.doc["signoffs"]["2"]["on"] = "2026-04-01"
    assert kinds(verify_document(doc.doc)) == [
        ("signoffs 2", audit_chain.CHANGED), ("signoffs 2", audit_chain.RECORD_CHANGED)
    ]


def test_a_removed_signoff_is_found() -> None:
    doc = sample()
    del doc.doc["signoffs"]["1"]
    assert kinds(verify_document(doc.doc)) == [
        ("signoffs 2", audit_chain.LINK), ("signoffs 1", audit_chain.RECORD_REMOVED)
    ]


def test_a_record_changed_outside_the_app_names_the_audit_entry_that_wrote_it() -> None:
    doc = sample()
    doc.doc["evidence"]["1"]["judgements"][0]["by"] = "alice"
    [found] = verify_document(doc.doc)
    assert (found.where, found.kind) == ("evidence 1", audit_chain.RECORD_CHANGED)
    assert found.message == "is not as audit 4 left it (tess at 2026-03-01T10:00:04Z): changed outside the app"


def test_records_added_or_put_back_outside_the_app_are_found() -> None:
    doc = sample()
    doc.doc["evidence"]["9"] = {"title": "Forged", "rev": 1}
    assert kinds(verify_document(doc.doc)) == [("evidence 9", audit_chain.RECORD_ADDED)]


def test_a_deleted_record_must_stay_deleted() -> None:
    doc = SealedDoc()
    record = doc.put("evidence", {"title": "Draft"})
    kept = copy.deepcopy(doc.doc["evidence"][str(record)])
    del doc.doc["evidence"][str(record)]
    doc._audit("delete", "evidence", record, "alice")
    assert verify_document(doc.doc) == []
    doc.doc["evidence"][str(record)] = kept
    assert kinds(verify_document(doc.doc)) == [("evidence 1", audit_chain.RECORD_ADDED)]


def test_a_deleted_audit_entry_and_a_missing_audit_table_are_found() -> None:
    doc = sample()
    del doc.doc["audit"]["3"]
    assert ("audit 4", audit_chain.LINK) in kinds(verify_document(doc.doc))
    assert ("evidence 2", audit_chain.RECORD_ADDED) in kinds(verify_document(doc.doc))
    del doc.doc["audit"]
    assert kinds(verify_document(doc.doc)) == [("audit", audit_chain.UNSEALED)]


def test_entries_about_no_record_and_the_meta_table_check_no_record() -> None:
    doc = sample()
    audit = doc.doc["audit"]
    audit[str(len(audit) + 1)] = seal({"at": "x", "by": "root", "action": "migrate", "table": "meta", "record": None,
                                       "detail": "", "record_hash": None}, audit_chain.table_head(audit))
    doc.doc["meta"]["1"]["generation"] = 7
    assert verify_document(doc.doc) == []


def test_table_head_follows_numeric_ids() -> None:
    entries = chain(11)
    table = {str(i + 1): e for i, e in enumerate(entries)}
    assert audit_chain.table_head(table) == entries[-1]["hash"]
    assert audit_chain.table_head({}) == GENESIS


def test_a_file_with_no_sealed_entry_is_one_problem_not_one_per_record() -> None:
    doc = sample()
    for entry in doc.doc["audit"].values():
        del entry["hash"], entry["prev"]
    assert kinds(verify_document(doc.doc)) == [("audit", audit_chain.UNSEALED)]
