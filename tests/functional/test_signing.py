"""Signed audit entries in one account (this process's): what verify and the store make of forgeries.

The attacks with several real OS accounts are in test_os_signing.py; these run everywhere and
check the same rules with one account and keys made in the test.
"""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from portfolio_tui.cli import main
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT, SIG_FIELD, openssh_public, signed_bytes
from portfolio_tui.identity import current_user
from portfolio_tui.services import signing
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import keys, receipts
from portfolio_tui.store.sealing import Unsound
from tests.functional.store_helpers import AS_OF, new_portfolio

ME = current_user()


def verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["verify", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def breaks(report: dict) -> list[tuple[str, str]]:
    return [(b["where"], b["kind"]) for f in report["files"] for b in f["breaks"]]


def anchors_for_me(folder: Path, role: str = "tutor") -> Path:
    return signing.enrol(ME, openssh_public(keys.own_signer().public), role, folder / "allowed_signers")


@pytest.fixture
def assessed(tmp_path: Path) -> Path:
    folder = tmp_path / "cohort"
    folder.mkdir()
    path = new_portfolio(folder, evidence=2, actor=ME)
    service = PortfolioService(path, ME)
    service.assess(1, "refer", "Add the date you circulated them.")
    return path


def forge_append(path: Path, change, *, by: str, key: SigningKey | None) -> int:
    """Change a record by hand and append an audit entry for it under ``by``, the chain recomputed."""
    doc = json.loads(path.read_text())
    table, record = change(doc)
    audit = doc["audit"]
    entry = {"at": "2026-01-20T09:00:00Z", "by": by, "action": "assess", "table": table, "record": record,
             "detail": "accepted", "record_hash": audit_chain.record_digest(doc[table][str(record)]),
             "prev": audit_chain.table_head(audit)}
    if key is not None:
        entry["key"] = base64.b64encode(bytes(key.verify_key)).decode()
        entry[SIG_FIELD] = base64.b64encode(key.sign(signed_bytes(AUDIT, entry)).signature).decode()
    entry["hash"] = audit_chain.entry_hash(entry)
    number = max(map(int, audit)) + 1
    audit[str(number)] = entry
    path.write_text(json.dumps(doc))
    return number


def accept_by_hand(doc: dict) -> tuple[str, int]:
    doc["evidence"]["1"]["judgements"].append(
        {"outcome": "accept", "feedback": "Fine", "by": ME, "at": "2026-01-20T09:00:00Z"})
    return "evidence", 1


def test_every_entry_the_store_writes_is_signed_and_verifies(assessed: Path, capsys, monkeypatch) -> None:
    audit = json.loads(assessed.read_text())["audit"]
    assert all(SIG_FIELD in e and e["key"] == keys.own_signer().public for e in audit.values())
    code, report = verify(capsys, str(assessed))
    assert code == 0, report
    assert any("signatures are not anchored" in n for n in report["files"][0]["notes"])
    trust = anchors_for_me(assessed.parent.parent)
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(trust))
    code, report = verify(capsys, str(assessed))
    assert code == 0, report
    assert not any("not anchored" in n for n in report["files"][0]["notes"])
    # A copy checked with --trust and no roster with it cannot say who was allowed to make each change (F20)
    code, report = verify(capsys, str(assessed), "--trust", str(trust))
    assert code == 1 and breaks(report) == [("ava.json", "roster-missing")]


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed-by-another-key"])
def test_a_forged_judgement_with_a_recomputed_chain_is_named(assessed: Path, capsys, signed: bool,
                                                             monkeypatch) -> None:
    number = forge_append(assessed, accept_by_hand, by=ME, key=SigningKey.generate() if signed else None)
    trust = anchors_for_me(assessed.parent.parent)
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(trust))
    code, report = verify(capsys, str(assessed), "--trust", str(trust))
    assert code == 1
    assert (f"audit {number}", "not-enrolled" if signed else "unsigned") in breaks(report)
    assert ("evidence 1", "judgement") in breaks(report)
    with pytest.raises(Unsound, match=f"audit {number}"):
        PortfolioService(assessed, ME).assess(2, "accept", "Good")


def test_an_entry_changed_after_signing_fails_its_signature(assessed: Path, capsys) -> None:
    doc = json.loads(assessed.read_text())
    last = str(max(map(int, doc["audit"])))
    doc["audit"][last]["detail"] = "accepted"
    doc["audit"][last]["hash"] = audit_chain.entry_hash(doc["audit"][last])
    assessed.write_text(json.dumps(doc))
    code, report = verify(capsys, str(assessed))
    assert code == 1 and (f"audit {last}", "forged") in breaks(report)


def test_a_downgraded_schema_is_reported_and_refused_until_repaired(assessed: Path, capsys) -> None:
    doc = json.loads(assessed.read_text())
    doc["meta"]["1"]["schema_version"] = 2
    assessed.write_text(json.dumps(doc))
    code, report = verify(capsys, str(assessed))
    assert code == 1 and ("meta 1", "downgraded") in breaks(report)
    before = assessed.read_bytes()
    with pytest.raises(Unsound, match="the version was set back outside the app"):
        PortfolioService(assessed, ME).assess(2, "accept", "Good")
    assert assessed.read_bytes() == before
    assert main(["repair", str(assessed), "--reason", "schema set back by a script; checked with the learner"]) == 0
    capsys.readouterr()
    PortfolioService(assessed, ME).assess(2, "accept", "Good")
    code, report = verify(capsys, str(assessed))
    assert code == 0, report
    actions = [e["action"] for e in json.loads(assessed.read_text())["audit"].values()]
    assert actions[-3:] == ["repair", "migrate", "assess"]


def test_the_last_entry_cut_off_is_named_from_the_signers_receipt(assessed: Path, capsys) -> None:
    doc = json.loads(assessed.read_text())
    last = str(max(map(int, doc["audit"])))
    del doc["audit"][last]
    doc["evidence"]["1"]["judgements"] = []
    doc["evidence"]["1"]["rev"] -= 1
    assessed.write_text(json.dumps(doc))
    code, report = verify(capsys, str(assessed))
    assert code == 1 and (f"audit {last}", "missing") in breaks(report)


def test_a_signed_export_verifies_elsewhere_with_only_the_anchors(tmp_path: Path, capsys, monkeypatch) -> None:
    """The export carries the cohort's roster, so the copy is checked for who was allowed too (F20)."""
    trust = anchors_for_me(tmp_path)
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(trust))
    folder = tmp_path / "cohort"
    folder.mkdir()
    assert main(["roster", "init", str(folder)]) == 0
    assert main(["roster", "add", str(folder), ME, "--role", "tutor", "--portfolio", "*"]) == 0
    path = new_portfolio(folder, actor=ME)
    assert main(["otj", "add", str(path), "--date", "2025-04-01", "--hours", "2", "--category", "teaching"]) == 0
    assert main(["export", str(path), "-o", str(tmp_path / "ava.zip")]) == 0
    capsys.readouterr()
    elsewhere = tmp_path / "elsewhere"
    with zipfile.ZipFile(tmp_path / "ava.zip") as zf:
        zf.extractall(elsewhere)
    copy = elsewhere / "ava.json"
    monkeypatch.setenv("PORTFOLIO_TUI_HOME", str(tmp_path / "assessment-org"))  # no receipts, no key
    monkeypatch.delenv("PORTFOLIO_TUI_TRUST")
    code, report = verify(capsys, str(copy), "--trust", str(trust))
    assert code == 0, report
    assert any("checked against the roster copy this export carries" in n for n in report["files"][0]["notes"])
    data = bytearray(copy.read_bytes())
    at = data.index(b'"category":"teaching"') + len(b'"category":"')
    data[at] = ord("T")
    copy.write_bytes(bytes(data))
    code, report = verify(capsys, str(copy), "--trust", str(trust))
    assert code == 1 and ("otj 1", "record-changed") in breaks(report)


def test_a_key_enrolled_for_someone_else_is_named(assessed: Path, tmp_path: Path, capsys) -> None:
    trust = signing.enrol("someone-else", openssh_public(keys.own_signer().public), "", tmp_path / "allowed_signers")
    code, report = verify(capsys, str(assessed), "--trust", str(trust))
    assert code == 1 and ("audit 1", "not-enrolled") in breaks(report)


def test_an_unsigned_version_2_file_is_upgraded_with_its_history_marked_legacy(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=1, actor=ME)
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 2
    for entry in doc["audit"].values():
        entry.pop("key"), entry.pop(SIG_FIELD)
        entry["hash"] = audit_chain.entry_hash(entry)
    chained = audit_chain.GENESIS
    for _, entry in audit_chain.ordered(doc["audit"]):
        entry["prev"] = chained
        entry["hash"] = chained = audit_chain.entry_hash(entry)
    path.write_text(json.dumps(doc))
    receipts.receipts_path().unlink()  # made before signing: no receipt says its history began otherwise
    legacy = len(doc["audit"])
    PortfolioService(path, ME).assess(1, "accept", "Good")
    code, report = verify(capsys, str(path))
    assert code == 0, report
    notes = report["files"][0]["notes"]
    assert f"audit 1-{legacy}: unsigned history from before signing (legacy), not checked" in notes
    audit = json.loads(path.read_text())["audit"]
    assert [SIG_FIELD in audit[str(n)] for n in range(legacy, legacy + 3)] == [False, True, True]


def test_an_unsigned_file_with_a_broken_chain_is_not_upgraded(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1, actor=ME)
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 2
    for entry in doc["audit"].values():
        entry.pop("key"), entry.pop(SIG_FIELD)
    doc["evidence"]["1"]["title"] = "Changed by hand"
    path.write_text(json.dumps(doc))
    with pytest.raises(Unsound, match="audit 1 does not match its own hash"):
        PortfolioService(path, ME).edit_evidence(1, title="Another", as_of=AS_OF)


def test_in_a_managed_folder_a_key_not_enrolled_changes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    folder.chmod(0o2770)
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(anchors_for_me(tmp_path)))
    assert main(["roster", "init", str(folder)]) == 0
    assert main(["roster", "add", str(folder), ME, "--role", "tutor", "--portfolio", "*"]) == 0
    path = new_portfolio(folder, evidence=0, actor=ME)
    monkeypatch.setenv("PORTFOLIO_TUI_HOME", str(tmp_path / "new-home"))  # a new key, not enrolled
    before = path.read_bytes()
    capsys.readouterr()
    code = main(["learner", "set", "--employer", "Someone else", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "your signing key (SHA256:" in err and "is not enrolled for" in err
    assert path.read_bytes() == before


def test_a_deleted_portfolio_is_named_from_the_signers_receipts(assessed: Path, capsys) -> None:
    other = new_portfolio(assessed.parent, name="bob.json", actor=ME)
    assessed.unlink()
    code, report = verify(capsys, str(assessed.parent))
    assert code == 1
    assert ("ava.json", "missing") in breaks(report)
    assert all(f["ok"] for f in report["files"] if f["path"] == str(other)), report
