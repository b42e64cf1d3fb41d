"""A tutor's repair takes a history in as found; until then, in a cohort, nobody builds on it (review F13, F4).

One account (this process's) plays the tutor, with its key enrolled as tutor where the test says
so; the attacks by other real OS accounts are in test_os_signing.py.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.domain.signatures import AUDIT, SIG_FIELD, openssh_public
from portfolio_tui.identity import current_user
from portfolio_tui.roster import create_roster, save_roster
from portfolio_tui.services import signing
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import keys, receipts, result_cache
from portfolio_tui.store.sealing import Unsound
from tests.functional.store_helpers import AS_OF, new_portfolio

ME = current_user()


def verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["verify", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)["files"][0]


def kinds(report: dict) -> set[tuple[str, str]]:
    return {(b["where"], b["kind"]) for b in report["breaks"]}


def manage(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``folder`` a managed cohort folder: group-writable, trust anchors with this account's key as tutor,
    a roster with this account as tutor of every portfolio and bob as ava's apprentice."""
    folder.chmod(0o2770)
    trust = signing.enrol(ME, openssh_public(keys.own_signer().public), "tutor", folder.parent / "allowed_signers")
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(trust))
    rostered(folder)
    return folder


def rostered(folder: Path) -> None:
    create_roster(folder, ME)
    save_roster(folder, Roster(ME, {ME: RosterEntry("tutor", ("*",)), "bob": RosterEntry("apprentice", ("ava",))}),
                ME)


def legacy_file(folder: Path) -> Path:
    """A portfolio from before signing (schema version 2, no entry signed) with evidence 1 accepted and an
    assessor's sign-off: the kind of file anyone in the group can write by hand."""
    path = new_portfolio(folder, evidence=2, actor=ME)
    service = PortfolioService(path, ME)
    service.assess(1, "accept", "Meets S2")
    assert main(["signoff", str(path), "--role", "assessor", "--date", "2026-01-15", "--reason", "ready"]) == 0
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 2
    chained = audit_chain.GENESIS
    for _, entry in audit_chain.ordered(doc["audit"]):
        entry.pop("key"), entry.pop(SIG_FIELD)
        entry["prev"] = chained
        entry["hash"] = chained = audit_chain.entry_hash(entry)
    path.write_text(json.dumps(doc))
    receipts.receipts_path().unlink()  # made before signing: no receipt of it
    return path


def test_a_history_from_before_signing_counts_in_a_cohort_only_once_a_tutor_takes_it_in(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = legacy_file(tmp_path)
    cohort = manage(tmp_path, monkeypatch)
    capsys.readouterr()
    code, report = verify(capsys, str(path))
    assert code == 1
    assert kinds(report) == {("evidence 1", "not-vouched"), ("signoffs 1", "not-vouched")}
    assert any("no tutor has taken in" in note for note in report["notes"])
    before = path.read_bytes()
    with pytest.raises(Unsound, match="from before signing .* only a tutor who has checked it takes it in"):
        PortfolioService(path, ME).assess(2, "accept", "Good")
    assert path.read_bytes() == before and not list(cohort.glob("ava.json.v*.bak"))

    assert main(["repair", str(path), "--reason", "checked against the paper file with Ava"]) == 0
    assert "unsigned history from before signing, not yet taken in" in capsys.readouterr().out
    code, report = verify(capsys, str(path))
    assert code == 0, report
    assert any("taken in as found by " + ME in note for note in report["notes"])
    PortfolioService(path, ME).assess(2, "accept", "Good")
    code, report = verify(capsys, str(path))
    assert code == 0, report

    doc = json.loads(path.read_text())  # the history taken in, changed afterwards (its hashes made good)
    repair = next(k for k, e in audit_chain.ordered(doc["audit"]) if e["action"] == "repair")
    doc["evidence"]["1"]["judgements"][0]["feedback"] = "Meets every criterion"
    chained = audit_chain.GENESIS
    for key, entry in audit_chain.ordered(doc["audit"]):
        if int(key) >= int(repair):
            break
        if entry.get("table") == "evidence" and entry.get("record") == 1 and "changes" in entry:
            entry["changes"]["judgements"]["to"] = doc["evidence"]["1"]["judgements"]
        entry["prev"] = chained
        entry["hash"] = chained = audit_chain.entry_hash(entry)
    path.write_text(json.dumps(doc))
    code, report = verify(capsys, str(path))
    assert code == 1 and (f"audit {repair}", "changed") in kinds(report), report


def test_a_history_begun_before_signing_is_read_record_by_record_outside_a_cohort(tmp_path: Path, monkeypatch) -> None:
    """Review D8: the gateway read every file whose history begins unsigned whole, on each run, on an apprentice's
    laptop too, where that history is her own and counts. Now only in a cohort, where it counts for nothing until a
    tutor takes it in, and the whole reading names what it wrote."""
    from portfolio_tui.domain.portfolio import outline
    from portfolio_tui.store import outline as outline_reader
    from portfolio_tui.store.reading import read_portfolio

    path = legacy_file(tmp_path)
    PortfolioService(path, ME).assess(2, "accept", "Good")  # saved at the current version, its history as it was
    assert SIG_FIELD not in json.loads(path.read_text())["audit"]["1"]
    expected = outline(read_portfolio(path))
    read_whole: list[Path] = []

    def whole(at: Path) -> object:
        read_whole.append(at)
        return read_portfolio(at)

    monkeypatch.setattr(outline_reader, "read_portfolio", whole)
    assert outline_reader.read_outline(path) == expected and read_whole == []
    assert expected.changed_outside == () and len(expected.evidence[0].judgements) == 1
    manage(tmp_path, monkeypatch)
    found = outline_reader.read_outline(path)
    assert read_whole == [path] and "evidence 1" in found.changed_outside


def gateway(capsys: pytest.CaptureFixture[str], path: Path, *more: str) -> dict:
    main(["gateway", str(path), "--json", *more])
    return json.loads(capsys.readouterr().out)["portfolios"][0]


def test_readers_count_a_history_from_before_signing_in_a_cohort_only_once_a_tutor_takes_it_in(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """Genesis gap (a): the store refused to build on a legacy history no tutor took in and verify counted none
    of it, but the gateway counted its acceptance and showed its sign-off as made. Outside a cohort the history
    is the apprentice's own and counts; the gateway's kept answer from then does not outlive the roster."""
    monkeypatch.setattr(result_cache, "RACY_NS", 0)  # kept however recently written
    path = legacy_file(tmp_path)
    capsys.readouterr()
    laptop = gateway(capsys, path)
    assert laptop["coverage"]["full"] == 2 and laptop["changed_outside"] == [], laptop
    manage(tmp_path, monkeypatch)
    for more in ((), ("--no-cache",)):
        report = gateway(capsys, path, *more)
        assert report["coverage"]["full"] == 0 and report["rag"] == "red", report
        assert report["changed_outside"] == ["learner 1", "evidence 1", "signoffs 1"], report
        failing = [item for item in report["checklist"] if not item["ok"]]
        assert any("evidence 1" in item["detail"] and "a tutor repairs it" in item["detail"] for item in failing)
    assert main(["evidence", "list", str(path), "--json"]) == 0
    listed = capsys.readouterr()
    assert "evidence 1" in json.loads(listed.out)["changed_outside"] and "a tutor repairs it" in listed.err

    assert main(["repair", str(path), "--reason", "checked against the paper file with Ava"]) == 0
    capsys.readouterr()
    for more in ((), ("--no-cache",)):
        report = gateway(capsys, path, *more)
        assert report["coverage"]["full"] == 2 and report["changed_outside"] == [], report


def test_a_stripped_file_saying_it_is_signed_is_not_saved_to(tmp_path: Path, monkeypatch) -> None:
    path = legacy_file(tmp_path)
    manage(tmp_path, monkeypatch)
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 3
    path.write_text(json.dumps(doc))
    before = path.read_bytes()
    with pytest.raises(Unsound, match="no entry is, though the file says it is signed"):
        PortfolioService(path, ME).assess(2, "accept", "Good")
    assert path.read_bytes() == before


def forge_append(path: Path, by: str, judgement_by: str, signer: keys.Signer | None = None) -> int:
    """An entry by ``by`` accepting evidence 2 (in the name of ``judgement_by``), signed with ``signer`` (default:
    this account's key)."""
    doc = json.loads(path.read_text())
    at = audit_chain_now()
    doc["evidence"]["2"]["judgements"].append({"outcome": "accept", "feedback": "Fine", "by": judgement_by, "at": at})
    before = doc["evidence"]["2"]["judgements"][:-1]
    doc["evidence"]["2"].update(rev=doc["evidence"]["2"]["rev"] + 1, updated_by=by, updated_at=at)
    entry = {"at": at, "by": by, "action": "assess", "table": "evidence", "record": 2, "detail": "accepted",
             "changes": {"judgements": {"from": before, "to": doc["evidence"]["2"]["judgements"]}},
             "record_hash": audit_chain.record_digest(doc["evidence"]["2"])}
    audit = doc["audit"]
    number = max(map(int, audit)) + 1
    audit[str(number)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, signer or keys.own_signer())
    path.write_text(json.dumps(doc))
    return number


def bobs_key() -> keys.Signer:
    """Another account's key (bob's), made in the test."""
    import base64

    from nacl.signing import SigningKey

    signing = SigningKey.generate()
    return keys.Signer(base64.b64encode(bytes(signing.verify_key)).decode(), signing)


def audit_chain_now() -> str:
    """A moment two seconds on: past the second the test's roster began in (times are to the second)."""
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_repair_takes_in_a_change_its_signer_was_not_allowed(tmp_path: Path, monkeypatch, capsys) -> None:
    """F4: verify called the file BROKEN (an apprentice's entry accepting evidence), and repair said there was
    nothing to repair. Unanchored cohort: the roster decides, and a key signs for whoever it says it is."""
    path = new_portfolio(tmp_path, evidence=2, actor=ME)
    rostered(tmp_path)
    number = forge_append(path, "bob", "bob", bobs_key())
    code, report = verify(capsys, str(path))
    assert code == 1 and (f"audit {number}", "not-allowed") in kinds(report)
    before = path.read_bytes()  # and no save builds on it (the store asks the roster about the newest entry)
    with pytest.raises(Unsound, match=f"audit {number} is by bob at .*, who was not allowed to then"):
        PortfolioService(path, ME).assess(1, "refer", "Add the date")
    assert path.read_bytes() == before
    assert main(["repair", str(path), "--reason", "Bob's acceptance withdrawn by hand: see the tutor's note"]) == 0
    out = capsys.readouterr().out
    assert f"audit {number} is by bob" in out and "who was not allowed to then" in out
    code, report = verify(capsys, str(path))
    assert code == 0, report
    assert any(f"taken in as found by {ME}" in n and f"audit {number} is by bob" in n for n in report["notes"])
    PortfolioService(path, ME).assess(1, "refer", "Add the date")
    code, report = verify(capsys, str(path))
    assert code == 0, report
    assert main(["repair", str(path), "--reason", "again"]) == 2
    assert "nothing to repair" in capsys.readouterr().err


def append_signed(path: Path, entry: dict, signer: keys.Signer) -> int:
    """``entry`` appended to the audit, chained and signed with ``signer``, as a client of the signer's own would."""
    doc = json.loads(path.read_text())
    audit = doc["audit"]
    number = max(map(int, audit)) + 1
    audit[str(number)] = keys.seal_signed({"at": audit_chain_now(), **entry}, audit_chain.table_head(audit), AUDIT,
                                          signer)
    path.write_text(json.dumps(doc))
    return number


@pytest.mark.parametrize("bad", ["not-allowed", "forged", "changed", "unsigned"])
def test_an_allowed_entry_appended_on_top_of_a_bad_one_does_not_make_the_file_sound(
    tmp_path: Path, capsys, bad: str
) -> None:
    """Genesis gap (b): the store judged only the newest entry, so bob, after an entry he was not allowed (or one
    whose signature or hash no longer checks, or an unsigned one), appended one anybody may make (an upgrade's
    note, signed with his own key) and the next save built on the lot. Unanchored cohort: the roster decides."""
    path = new_portfolio(tmp_path, evidence=2, actor=ME)
    rostered(tmp_path)
    bob = bobs_key()
    number = forge_append(path, "bob", "bob", bob)
    doc = json.loads(path.read_text())
    entry = doc["audit"][str(number)]
    if bad == "forged":  # changed after bob signed it, its hash made good
        entry["detail"] = "accepted by the tutor"
        entry["hash"] = audit_chain.entry_hash(entry)
    elif bad == "changed":  # changed, its hash left as it was
        entry["detail"] = "accepted by the tutor"
    elif bad == "unsigned":  # no signature at all, its hash made good
        entry.pop("key"), entry.pop(SIG_FIELD)
        entry["hash"] = audit_chain.entry_hash(entry)
    path.write_text(json.dumps(doc))
    on_top = append_signed(path, {"by": "bob", "action": "migrate", "table": "meta", "record": 1,
                                  "detail": "upgraded"}, bob)
    expected = {"not-allowed": "not-allowed", "forged": "forged", "changed": "changed", "unsigned": "unsigned"}[bad]
    code, report = verify(capsys, str(path))
    assert code == 1 and (f"audit {number}", expected) in kinds(report), report
    assert not any(b["where"] == f"audit {on_top}" for b in report["breaks"]), report
    before = path.read_bytes()
    with pytest.raises(Unsound, match=f"^{path}: audit {number} "):
        PortfolioService(path, ME).assess(1, "refer", "Add the date")
    assert path.read_bytes() == before
    assert main(["repair", str(path), "--reason", "bob's acceptance and what he put on top checked with him"]) == 0
    capsys.readouterr()
    PortfolioService(path, ME).assess(1, "refer", "Add the date")
    code, report = verify(capsys, str(path))
    assert code == 0, report


def test_with_anchors_and_no_roster_a_tutors_change_needs_a_key_enrolled_as_tutor(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """F20: an exported copy checked with only the allowed-signers file: the keys' enrolled roles stand in for
    the roster, so an apprentice's own enrolled key accepting evidence is named."""
    path = new_portfolio(tmp_path, evidence=2, actor=ME)
    number = forge_append(path, ME, ME)
    trust = signing.enrol(ME, openssh_public(keys.own_signer().public), "", tmp_path / "allowed_signers")
    code, report = verify(capsys, str(path), "--trust", str(trust))
    assert code == 1 and (f"audit {number}", "not-allowed") in kinds(report), report
    assert ("ava.json", "roster-missing") in kinds(report)
    assert any("whose key is not enrolled as tutor or admin" in b["message"] for b in report["breaks"])
    trust = signing.enrol(ME, openssh_public(keys.own_signer().public), "tutor", tmp_path / "tutors")
    code, report = verify(capsys, str(path), "--trust", str(trust))
    assert kinds(report) == {("ava.json", "roster-missing")}, report  # the tutor's key: only the roster is missing


def test_a_roster_started_again_after_a_deletion_leaves_files_a_tutor_can_repair(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """R11: any group member can delete roster.json; after the documented recovery (`roster init`, people added
    again) every entry made before it is "before the folder's roster began", and repair found nothing to do."""
    rostered(tmp_path)
    path = new_portfolio(tmp_path, actor=ME)
    assert main(["otj", "add", str(path), "--date", "2025-04-01", "--hours", "2", "--category", "teaching"]) == 0
    (tmp_path / "roster.json").unlink()
    time.sleep(1.1)  # the roster starts again in a later second (times are to the second)
    rostered(tmp_path)
    capsys.readouterr()
    code, report = verify(capsys, str(path))
    assert code == 1 and ("audit 2", "not-allowed") in kinds(report), report
    assert "before the folder's roster began" in report["breaks"][0]["message"]
    assert main(["repair", str(path), "--reason", "the roster was deleted and started again on 1 Dec"]) == 0
    capsys.readouterr()
    code, report = verify(capsys, str(path))
    assert code == 0, report


def test_the_roster_records_how_each_portfolio_began_and_verify_holds_the_file_to_it(tmp_path: Path, capsys) -> None:
    """F13 (d): a genuine, signed portfolio put in the place of another (here another learner's, renamed) is named
    by everyone's verify, receipts or not: the tutor's `new` recorded the first entry of each in the roster."""
    rostered(tmp_path)
    ava = new_portfolio(tmp_path, actor=ME)
    other = new_portfolio(tmp_path, name="bob.json", actor=ME)
    history = json.loads((tmp_path / "roster.json").read_text())["history"]
    made = [(c["portfolio"], c["by"]) for c in history if c["action"] == "portfolio"]
    assert made == [("ava.json", ME), ("bob.json", ME)]
    code, report = verify(capsys, str(ava))
    assert code == 0, report
    ava.write_bytes(other.read_bytes())
    receipts.receipts_path().unlink()  # not only the tutor's own receipts say so
    code, report = verify(capsys, str(ava))
    assert code == 1 and kinds(report) == {("ava.json", "replaced")}, report
    assert f"does not begin as the portfolio {ME} made at" in report["breaks"][0]["message"]


def test_entries_cut_off_before_a_repair_are_history_after_it(tmp_path: Path, capsys) -> None:
    """R21: an older copy put back cut the tutor's last entries; after the tutor's repair their receipts (for the
    cut entries, and for the id the repair entry now holds) are history in a note, not breaks for ever."""
    path = new_portfolio(tmp_path, evidence=2, actor=ME)
    older = path.read_bytes()
    cut = max(map(int, json.loads(older)["audit"])) + 1
    PortfolioService(path, ME).assess(1, "refer", "Add the date")
    PortfolioService(path, ME).assess(2, "refer", "Add the date")
    path.write_bytes(older)
    code, report = verify(capsys, str(path))
    assert code == 1 and kinds(report) == {(f"audit {cut}", "missing"), (f"audit {cut + 1}", "missing")}
    time.sleep(1.1)  # the repair comes in a later second than the entries it finds gone (times are to the second)
    assert main(["repair", str(path), "--reason", "an older copy was put back; the referrals are made again"]) == 0
    capsys.readouterr()
    code, report = verify(capsys, str(path))
    assert code == 0, report
    assert any(f"audit {cut}, {cut + 1}: you signed them" in note for note in report["notes"]), report


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("keep_receipts", [True, False])
def test_an_older_format_import_begins_as_the_roster_records_and_a_file_put_in_its_place_still_shows(
    tmp_path: Path, capsys, version: int, keep_receipts: bool
) -> None:
    """An export of a file from before signing, imported by a tutor where a portfolio of that name was made before
    (the old file gone): the import was not recorded, the earlier record stood, and verify called the honest import
    `replaced`, for ever (the tutor's receipts of the old file too; repair could not take it in). A file put in the
    imported one's place is still named."""
    home = tmp_path / "home"
    home.mkdir()
    path = legacy_file(home)
    if version == 1:  # chained as found, as a version 1 file that verifies is (the upgrade chains it the same)
        doc = json.loads(path.read_text())
        doc["meta"]["1"]["schema_version"] = 1
        path.write_text(json.dumps(doc))
    assert main(["export", str(path), "-o", str(tmp_path / "ava.zip")]) == 0
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    rostered(cohort)
    earlier = new_portfolio(cohort, actor=ME)
    assert main(["otj", "add", str(earlier), "--date", "2025-04-01", "--hours", "2", "--category", "teaching"]) == 0
    earlier.rename(tmp_path / "earlier.json")
    if not keep_receipts:
        receipts.receipts_path().unlink()
    assert main(["import", str(tmp_path / "ava.zip"), str(cohort)]) == 0
    ava = cohort / "ava.json"
    capsys.readouterr()
    code, report = verify(capsys, str(ava))
    assert code == 1 and kinds(report) == {("evidence 1", "not-vouched"), ("signoffs 1", "not-vouched")}, report
    assert main(["repair", str(ava), "--reason", "checked against the paper file"]) == 0
    assert "ava.json" not in capsys.readouterr().out.split("signed reason", 1)[1]  # nothing about its start to take in
    code, report = verify(capsys, str(ava))
    assert code == 0, report
    if keep_receipts:
        assert any("whose history began differently: this one was made again, by " + ME in n for n in report["notes"])

    other = new_portfolio(cohort, name="bob.json", actor=ME)  # another learner's genuine file, renamed into place
    ava.write_bytes(other.read_bytes())
    capsys.readouterr()
    code, report = verify(capsys, str(ava))
    assert code == 1 and ("ava.json", "replaced") in kinds(report), report
    ava.write_bytes(_another_legacy(tmp_path))
    capsys.readouterr()
    code, report = verify(capsys, str(ava))
    assert code == 1 and ("ava.json", "replaced") in kinds(report), report


def _another_legacy(tmp_path: Path) -> bytes:
    """Another learner's file from before signing (its own history)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    time.sleep(1.1)  # another second: another first entry
    return legacy_file(folder).read_bytes()


def _imported(tmp_path: Path, capsys: pytest.CaptureFixture[str], legacy: bool = False) -> tuple[Path, Path]:
    """ava.json exported from a folder of its own and imported by this account (the tutor) into a cohort folder;
    the zip and the imported file."""
    home = tmp_path / "home"
    home.mkdir()
    path = legacy_file(home) if legacy else new_portfolio(home, evidence=2, actor=ME)
    target = tmp_path / "ava.zip"
    assert main(["export", str(path), "-o", str(target)]) == 0
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    rostered(cohort)
    assert main(["import", str(target), str(cohort)]) == 0
    capsys.readouterr()
    return target, cohort / "ava.json"


@pytest.mark.parametrize("legacy", [False, True])
def test_an_import_is_an_audited_change_shown_in_the_history_and_checked_by_verify(
    tmp_path: Path, capsys, legacy: bool
) -> None:
    """An import leaves a signed `import` entry in the portfolio's own history: who, when, from which file and its
    sha256; the history view lists it; verify checks it (signed, by someone allowed to start a portfolio here) and
    it leaves the importer no receipt. A file from before signing is upgraded by that first change, its original
    kept beside it in DEST."""
    from portfolio_tui.services.history import history
    from portfolio_tui.services.session import PortfolioSession

    target, ava = _imported(tmp_path, capsys, legacy)
    audit = json.loads(ava.read_text())["audit"]
    number, entry = next((n, e) for n, e in audit_chain.ordered(audit) if e["action"] == "import")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    assert (entry["action"], entry["table"], entry["by"], entry["source"], entry["sha256"]) == (
        "import", "meta", ME, "ava.zip", digest)
    assert SIG_FIELD in entry and entry["at"] >= audit["1"]["at"]
    newest = next(row for row in history(PortfolioSession(ava)) if row.action != "migrate")  # the TUI's view
    assert (newest.action, newest.by) == ("import", ME)
    assert newest.detail == f"imported from ava.zip (sha256 {digest})"
    assert main(["history", str(ava), "--json"]) == 0
    shown = next(row for row in json.loads(capsys.readouterr().out)["history"] if row["action"] != "migrate")
    assert (shown["action"], shown["by"], shown["detail"]) == ("import", ME, newest.detail)
    genesis = receipts.genesis_of(audit)
    assert int(number) not in {r.audit for r in receipts.mine(ava, genesis)[0]}  # (see the next test)
    code, report = verify(capsys, str(ava))
    assert not any(b["where"] == f"audit {number}" for b in report["breaks"]), report
    if legacy:
        assert kinds(report) == {("evidence 1", "not-vouched"), ("signoffs 1", "not-vouched")}, report
        original = json.loads((tmp_path / "home" / "ava.json").read_text())
        assert json.loads((ava.parent / "ava.json.v2.bak").read_text()) == original
        assert [e["action"] for _, e in audit_chain.ordered(audit)][-2:] == ["import", "migrate"]


def test_an_import_entry_forged_or_changed_by_hand_is_named_by_verify(tmp_path: Path, capsys) -> None:
    """Attacker: an apprentice (bob) appends an `import` entry of their own, signed with their key (only a tutor
    starts a portfolio in a cohort); another edits where the tutor's import says the file came from; a third passes
    a change off as an import."""
    _, ava = _imported(tmp_path, capsys)
    before = ava.read_bytes()
    code, report = verify(capsys, str(ava))
    # (D12: bob's evidence was made where no roster stood, and the import took it in: not judged by this cohort's)
    assert code == 0 and any("`portfolio import`" in note for note in report["notes"]), report

    doc = json.loads(before)
    audit = doc["audit"]
    number = str(max(map(int, audit)) + 1)
    entry = {"at": audit_chain_now(), "by": "bob", "action": "import", "table": "meta", "record": 1,
             "detail": "imported from mine.zip", "source": "mine.zip", "sha256": "0" * 64}
    audit[number] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, bobs_key())
    ava.write_text(json.dumps(doc))
    code, report = verify(capsys, str(ava))
    assert code == 1 and (f"audit {number}", "not-allowed") in kinds(report), report

    doc = json.loads(before)
    last = max(doc["audit"], key=int)
    doc["audit"][last]["sha256"] = "1" * 64
    ava.write_text(json.dumps(doc))
    code, report = verify(capsys, str(ava))
    assert code == 1 and any(w == f"audit {last}" and k != "not-allowed" for w, k in kinds(report)), report

    doc = json.loads(before)
    audit = doc["audit"]
    doc["learner"]["1"]["employer"] = "Someone else"
    entry = {"at": audit_chain_now(), "by": ME, "action": "import", "table": "learner", "record": 1,
             "detail": "imported", "source": "x.zip", "sha256": "0" * 64,
             "record_hash": audit_chain.record_digest(doc["learner"]["1"])}
    audit[number] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
    ava.write_text(json.dumps(doc))
    code, report = verify(capsys, str(ava))
    assert code == 1 and (f"audit {number}", "forged") in kinds(report), report


def test_an_import_that_would_put_its_upgrade_backup_over_a_file_is_refused(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "ava.zip"
    assert main(["export", str(legacy_file(home)), "-o", str(target)]) == 0
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "ava.json.v2.bak").write_text("an earlier portfolio's original")
    capsys.readouterr()
    assert main(["import", str(target), str(dest)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ava.json.v2.bak already exists" in err, err
    assert sorted(p.name for p in dest.iterdir()) == ["ava.json.v2.bak"]
    assert (dest / "ava.json.v2.bak").read_text() == "an earlier portfolio's original"


def test_an_import_where_you_signed_an_earlier_file_is_a_note_and_another_file_there_is_not(
    tmp_path: Path, capsys
) -> None:
    """Without a roster only your receipts say a file at the path began differently: your import of an older format
    there (its first entry unsigned) was `replaced`; its signed `import` entry is a start the app made, as a signed
    `create` is. The same export imports again (the import leaves no receipt of its entry, which every other copy of
    the export would lack); another file from before signing put in its place is still `replaced`."""
    home = tmp_path / "home"
    home.mkdir()
    other = _another_legacy(tmp_path)  # (made first: making one starts the receipts again)
    assert main(["export", str(legacy_file(home)), "-o", str(tmp_path / "ava.zip")]) == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    new_portfolio(mine, evidence=1, actor=ME).rename(tmp_path / "earlier.json")
    assert main(["import", str(tmp_path / "ava.zip"), str(mine)]) == 0
    ava = mine / "ava.json"
    capsys.readouterr()
    code, report = verify(capsys, str(ava))
    assert code == 0, report
    assert any("this one was made again, by " + ME in note for note in report["notes"]), report
    assert main(["import", str(tmp_path / "ava.zip"), str(tmp_path / "again")]) == 0

    ava.write_bytes(other)
    capsys.readouterr()
    code, report = verify(capsys, str(ava))
    assert code == 1 and kinds(report) == {("ava.json", "replaced")}, report


def test_a_schema_version_set_forward_by_hand_is_named_by_verify(tmp_path: Path, capsys) -> None:
    """Review R7-11: a group member's hand edit of meta.schema_version to 99 (meta is not chained) locked everyone
    out ("written by a newer portfolio-tui") while verify said ok. It cannot be checked here: never ok."""
    path = new_portfolio(tmp_path, evidence=1, actor=ME)
    other = new_portfolio(tmp_path, name="bob.json", actor=ME)
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 99
    path.write_text(json.dumps(doc))
    code, report = verify(capsys, str(path))
    assert code == 1 and kinds(report) == {("meta 1", "newer-version")}, report
    assert "says schema version 99, newer than this portfolio-tui reads (up to 3)" in report["breaks"][0]["message"]
    assert main(["verify", str(tmp_path), "--json"]) == 1
    files = {Path(f["path"]).name: f["ok"] for f in json.loads(capsys.readouterr().out)["files"]}
    assert files == {"ava.json": False, other.name: True}


def test_an_import_refused_for_its_upgrade_backup_leaves_no_kept_file_behind(tmp_path: Path, capsys) -> None:
    """The refusal above came after the export's kept files were placed in DEST: ``dest/ava.files`` was left, a
    store of files no portfolio names, though the line said nothing was written."""
    home = tmp_path / "home"
    home.mkdir()
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("minutes")
    path = new_portfolio(home, evidence=1, actor=ME)
    PortfolioService(path, ME).edit_evidence(1, files=[str(minutes)], as_of=AS_OF)
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 2
    chained = audit_chain.GENESIS
    for _, entry in audit_chain.ordered(doc["audit"]):
        entry.pop("key"), entry.pop(SIG_FIELD)
        entry["prev"] = chained
        entry["hash"] = chained = audit_chain.entry_hash(entry)
    path.write_text(json.dumps(doc))
    target = tmp_path / "ava.zip"
    assert main(["export", str(path), "-o", str(target)]) == 0
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "ava.json.v2.bak").write_text("an earlier portfolio's original")
    capsys.readouterr()
    assert main(["import", str(target), str(dest)]) == 2
    assert "ava.json.v2.bak already exists" in capsys.readouterr().err
    assert sorted(p.name for p in dest.iterdir()) == ["ava.json.v2.bak"]
