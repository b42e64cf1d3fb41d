"""`portfolio doctor` on a cohort folder's set-up, and `portfolio verify` on hand-tampered files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.cli import main
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services import doctor
from tests.sealed_docs import SealedDoc, sample

ME = current_user()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def mine() -> SealedDoc:
    """The sample portfolio with a last change by this process's account, as the file's owner says."""
    doc = sample()
    doc.put("otj", {"date": "2025-06-02", "hours": 2.5, "category": "self-study"}, by=ME)
    return doc


def by_name(folder: Path) -> dict[str, doctor.Check]:
    return {c.name: c for c in doctor.check_folder(folder)}


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder set up as docs/shared-server.md says, with a three-person group and umask 007."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    folder.chmod(0o2770)
    roster_io.create_roster(folder, ME)
    roster_io.save_roster(folder, Roster(ME, {
        "tess": RosterEntry("tutor", ("*",)), "alice": RosterEntry("apprentice", ("alice.json",)),
    }), ME)
    sample().write(folder / "alice.json").chmod(0o660)
    monkeypatch.setattr(doctor, "group_accounts", lambda gid: {ME, "tess", "alice"})
    monkeypatch.setattr(doctor, "current_umask", lambda: 0o007)
    return folder


def test_a_folder_set_up_as_recommended_passes_every_check(shared: Path, capsys) -> None:
    code, out, _ = run(["doctor", str(shared)], capsys)
    assert code == 0, out
    assert out.splitlines()[-1] == "all checks passed"
    assert all(line.startswith("ok") for line in out.splitlines()[:-1])


def test_each_problem_is_named_with_its_fix(shared: Path, capsys, monkeypatch) -> None:
    shared.chmod(0o775)
    (shared / "alice.json").chmod(0o644)
    monkeypatch.setattr(doctor, "current_umask", lambda: 0o022)
    checks = by_name(shared)
    problems = {name for name, c in checks.items() if not c.ok}
    assert problems == {"setgid", "folder others", "files others", "files group access", "umask"}
    assert checks["setgid"].fix == f"chmod g+s {shared}"
    assert checks["files others"].detail == "open to others: alice.json"
    assert checks["files group access"].detail == "the group cannot read and write: alice.json"
    assert checks["umask"].fix.startswith("add `umask 007` to ~/.profile")
    code, out, _ = run(["doctor", str(shared)], capsys)
    assert code == 1
    assert f"PROBLEM  setgid: not set: new files get each person's own group\n         fix: chmod g+s {shared}" in out
    assert out.splitlines()[-1] == "5 problems"


def test_the_roster_is_checked(shared: Path, monkeypatch) -> None:
    monkeypatch.setattr(doctor, "group_accounts", lambda gid: {ME, "tess"})
    sample().write(shared / "bob.json").chmod(0o660)
    checks = by_name(shared)
    assert checks["roster accounts"].detail.endswith(": alice")
    assert checks["apprentices"].detail.startswith("no apprentice on the roster for: bob.json")
    roster_io.roster_path(shared).unlink()
    checks = by_name(shared)
    assert not checks["roster"].ok and checks["roster"].fix.startswith(f"portfolio roster init {shared}")


def test_a_lone_group_is_a_problem(tmp_path: Path) -> None:
    group = doctor.check_folder(tmp_path)[0]
    if len(doctor.group_accounts(tmp_path.stat().st_gid)) > 1:
        pytest.skip("this runner's own group has other accounts in it")
    assert group.name == "group" and not group.ok and group.fix.startswith("groupadd COHORT")


def test_a_chain_of_folders_thousands_deep_does_not_stop_doctor(shared: Path, capsys) -> None:
    """Review R19: any group member can make one; Python 3.11's os.walk recursed into a RecursionError, and a
    path past the system's limit cannot even be looked at. Doctor reports the folder all the same."""
    back = os.getcwd()
    os.chdir(shared)
    try:
        for _ in range(2500):  # by steps down (as the member would): the whole path is past the system's limit
            os.mkdir("a")
            os.chdir("a")
        os.chdir(back)
        code, out, err = run(["doctor", str(shared)], capsys)
        assert "Traceback" not in err and "Recursion" not in out + err
        assert "ok  " in out and code in (0, 1), (code, out, err)
    finally:  # from the bottom up: pytest's own clean-up of old runs would recurse as deep
        os.chdir(shared)
        depth = 0
        while os.path.isdir("a"):
            os.chdir("a")
            depth += 1
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("a")
        os.chdir(back)


def test_doctor_on_a_missing_folder_exits_2(tmp_path: Path, capsys) -> None:
    code, _, err = run(["doctor", str(tmp_path / "nope")], capsys)
    assert code == 2 and "is not a folder" in err


def test_a_clean_portfolio_verifies(tmp_path: Path, capsys) -> None:
    path = mine().write(tmp_path / "alice.json")
    code, out, _ = run(["verify", str(path)], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"ok      {path}: 8 entries, head {json.loads(path.read_text())['audit']['8']['hash'][:12]}",
        "        note: audit 1-8: unsigned history from before signing (legacy), not checked",
    ]


def test_a_signoff_edited_by_hand_is_found_and_named(tmp_path: Path, capsys) -> None:
    path = mine().write(tmp_path / "alice.json")
    data = json.loads(path.read_text())
    data["signoffs"]["3"]["by"] = "someone-else"
    path.write_text(json.dumps(data, indent=1))
    code, out, _ = run(["verify", str(path)], capsys)
    assert code == 1
    assert out.splitlines()[:3] == [
        f"BROKEN  {path}: 2 problems",
        "        signoffs 3: does not match its own hash: it was changed after it was written",
        "        signoffs 3: is not as audit 7 left it (mona at 2026-03-01T10:00:10Z): changed outside the app",
    ]


def test_a_deleted_audit_entry_is_found(tmp_path: Path, capsys) -> None:
    path = mine().write(tmp_path / "alice.json")
    data = json.loads(path.read_text())
    del data["audit"]["5"]
    path.write_text(json.dumps(data))
    code, out, _ = run(["verify", str(path), "--json"], capsys)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert {"where": "audit 6", "kind": "link",
            "message": "does not follow the entry before it: an entry was removed, inserted or moved here"
            } in report["files"][0]["breaks"]


def test_a_folder_checks_every_portfolio_and_the_roster(tmp_path: Path, capsys) -> None:
    mine().write(tmp_path / "alice.json")
    mine().write(tmp_path / "bob.json").write_text("{NaN")
    roster_io.create_roster(tmp_path, ME)
    code, out, _ = run(["verify", str(tmp_path), "--json"], capsys)
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert code == 1
    assert set(files) == {"alice.json", "bob.json", "roster.json"}
    assert files["roster.json"]["ok"]
    assert files["bob.json"]["breaks"][0]["kind"] == "unreadable"
    # alice.json is all unsigned history (legacy) that no tutor has taken in: in a folder with a roster its
    # judgement and sign-offs are not counted (anyone in the group could have written them: review F13)
    alice = files["alice.json"]["breaks"]
    assert {(b["where"], b["kind"]) for b in alice} == {
        ("evidence 1", "judgement"), ("signoffs 1", "not-vouched"), ("signoffs 2", "not-vouched"),
        ("signoffs 3", "not-vouched")}
    assert any("no tutor has taken in" in n for n in files["alice.json"]["notes"])


def test_a_tampered_roster_fails_verify(tmp_path: Path, capsys) -> None:
    roster_io.create_roster(tmp_path, ME)
    data = json.loads(roster_io.roster_path(tmp_path).read_text())
    data["owner"] = "mallory"
    roster_io.roster_path(tmp_path).write_text(json.dumps(data))
    code, out, _ = run(["verify", str(tmp_path)], capsys)
    assert code == 1 and "roster.json: its owner or entries are not what its history says" in out


def test_verify_of_nothing_is_bad_input(tmp_path: Path, capsys) -> None:
    assert run(["verify", str(tmp_path / "missing.json")], capsys)[0] == 2
    code, _, err = run(["verify", str(tmp_path)], capsys)
    assert code == 2 and "no portfolio files" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_file_replaced_by_another_account_gets_a_note_not_a_failure(tmp_path: Path, capsys) -> None:
    path = sample().write(tmp_path / "alice.json")
    os.chown(path, 65534, -1)
    code, out, _ = run(["verify", str(path)], capsys)
    assert code == 0
    assert "note: the file was last replaced by nobody, but its last audit entry is by mona" in out


def test_verify_checks_every_kept_file_against_its_hash(tmp_path: Path, capsys) -> None:
    from portfolio_tui.services.portfolios import PortfolioService
    from tests.functional.store_helpers import AS_OF, new_portfolio

    path = new_portfolio(tmp_path)
    letter = tmp_path / "letter.txt"
    letter.write_text("Dear customer, your refund is on its way.")
    piece = PortfolioService(path).add_evidence(title="Refund letter", date="2025-04-02", kind="product",
                                                files=[str(letter)], as_of=AS_OF)
    assert run(["verify", str(path)], capsys)[0] == 0
    kept = tmp_path / "ava.files" / piece.files[0][7:9] / piece.files[0][7:71]
    kept.write_text("Dear customer, no refund.")
    code, out, _ = run(["verify", str(path)], capsys)
    assert code == 1
    now = hashlib.sha256(b"Dear customer, no refund.").hexdigest()[:12]
    assert out.splitlines()[1] == f"        file letter.txt: {kept} has changed: its sha256 is now {now}…"
    kept.unlink()
    code, out, _ = run(["verify", str(path)], capsys)
    assert code == 1 and out.splitlines()[1] == f"        file letter.txt: {kept} is missing"
