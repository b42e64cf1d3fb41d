"""The roster on disk and `portfolio roster ...`: checked on every read, written atomically, group-only."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui import sharing
from portfolio_tui.cli import main
from portfolio_tui.domain import audit_chain, roles
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user

ME = current_user()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def add(folder: Path, account: str, role: str, *portfolios: str, actor: str = ME) -> Roster:
    entry = RosterEntry(role, portfolios)
    return roster_io.update_roster(folder, actor, lambda r: Roster(r.owner, {**r.entries, account: entry}))


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    roster_io.create_roster(tmp_path, ME)
    add(tmp_path, "tess", "tutor", "*")
    add(tmp_path, "alice", "apprentice", "alice.json")
    return tmp_path


def document(folder: Path) -> dict:
    return json.loads(roster_io.roster_path(folder).read_text())


def test_a_roster_round_trips_with_its_history(cohort: Path) -> None:
    roster = roster_io.load_roster(cohort)
    expected = {"tess": RosterEntry("tutor", ("*",)), "alice": RosterEntry("apprentice", ("alice.json",))}
    assert roster == Roster(ME, expected)
    roster_again, history = roster_io.read_roster(cohort)
    assert roster_again == roster
    assert [h["action"] for h in history] == ["init", "add", "add"]
    assert audit_chain.verify_chain(history) == []
    assert all(h["by"] == ME for h in history)


def test_no_roster_is_none(tmp_path: Path) -> None:
    assert roster_io.load_roster(tmp_path) is None
    assert roster_io.read_roster(tmp_path) is None


def test_a_private_folder_gets_a_private_roster(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    roster_io.create_roster(tmp_path, ME)
    assert stat.S_IMODE(roster_io.roster_path(tmp_path).stat().st_mode) == 0o600


def test_a_shared_folder_gets_a_group_readable_roster_and_a_group_read_write_lock_in_its_group(
    tmp_path: Path,
) -> None:
    """The roster is 0640: a member who could write it in place would keep its owner, which is how a
    roster replaced outside the app is told apart (review F7)."""
    tmp_path.chmod(0o2770)
    old = os.umask(0o077)  # the app sets the mode itself, whatever the umask
    try:
        roster_io.create_roster(tmp_path, ME)
    finally:
        os.umask(old)
    for name, mode in ((roster_io.ROSTER_FILE, 0o640), (roster_io.LOCK_FILE, 0o660)):
        info = (tmp_path / name).stat()
        assert stat.S_IMODE(info.st_mode) == mode, name
        assert info.st_gid == tmp_path.stat().st_gid
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_hand_edited_entry_is_refused(cohort: Path) -> None:
    data = document(cohort)
    data["entries"]["alice"]["role"] = "tutor"
    data["entries"]["alice"]["portfolios"] = ["*"]
    roster_io.roster_path(cohort).write_text(json.dumps(data))
    with pytest.raises(roster_io.RosterError, match="not what its history says: changed outside the app"):
        roster_io.load_roster(cohort)


def test_a_hand_edited_history_is_refused_naming_the_change(cohort: Path) -> None:
    data = document(cohort)
    data["history"][1]["account"] = "alice"
    roster_io.roster_path(cohort).write_text(json.dumps(data))
    with pytest.raises(roster_io.RosterError, match="roster change 2 does not match its own hash"):
        roster_io.load_roster(cohort)


def test_broken_json_is_refused_with_where(cohort: Path) -> None:
    roster_io.roster_path(cohort).write_text('{"format": "portfolio-tui roster", "format": 1}')
    with pytest.raises(roster_io.RosterError, match="duplicate key 'format'"):
        roster_io.load_roster(cohort)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_roster_replaced_by_someone_else_is_refused(cohort: Path) -> None:
    os.chown(roster_io.roster_path(cohort), 65534, -1)
    with pytest.raises(roster_io.RosterError, match=f"last written by nobody, but its last recorded change is by {ME}"):
        roster_io.load_roster(cohort)


def test_only_the_owner_or_a_tutor_edits(cohort: Path) -> None:
    before = roster_io.roster_path(cohort).read_bytes()
    with pytest.raises(roles.NotAllowed, match=f"only the roster's owner or a tutor may edit the roster: {ME}, tess"):
        add(cohort, "alice", "tutor", "*", actor="alice")
    assert roster_io.roster_path(cohort).read_bytes() == before
    roster = add(cohort, "mona", "line-manager", "alice.json", actor="tess")
    assert roster.role_of("mona") == "line-manager"
    assert document(cohort)["history"][-1]["by"] == "tess"
    # This process is not tess: the file's owner (its real writer) gives the claim away.
    with pytest.raises(roster_io.RosterError, match=f"last written by {ME}, but its last recorded change is by tess"):
        roster_io.load_roster(cohort)


def test_only_the_owner_hands_the_roster_over(cohort: Path) -> None:
    with pytest.raises(roles.NotAllowed, match=f"only the roster's owner may hand it over: {ME}"):
        roster_io.update_roster(cohort, "tess", lambda r: Roster("tess", r.entries))
    roster_io.save_roster(cohort, Roster("tess", roster_io.load_roster(cohort).entries), ME)
    assert roster_io.load_roster(cohort).owner == "tess"
    assert roster_io.read_roster(cohort)[1][-1]["action"] == "owner"


def test_init_refuses_a_second_roster_and_force_notes_what_it_replaced(cohort: Path) -> None:
    with pytest.raises(roster_io.RosterError, match="already exists"):
        roster_io.create_roster(cohort, ME)
    roster_io.roster_path(cohort).write_text("{}")
    roster_io.create_roster(cohort, ME, force=True)
    [init] = roster_io.read_roster(cohort)[1]
    assert init["replaced"].startswith("a roster that failed its checks")
    [kept] = cohort.glob("roster.json.*.bak")
    header, raw = kept.read_text().split("\n", 1)
    assert raw == "{}" and init["replaced"].endswith(f"; kept as {kept.name}")
    assert header.startswith("# roster.json as `portfolio roster init --force` found it at ")


def test_the_roster_init_force_keeps_is_no_roster_to_rename_back(cohort: Path) -> None:
    """Review R7-21: the kept copy was 0660 and the roster as it was: any group member could edit the evidence, or
    rename it back over roster.json and undo the fresh start, every check passing. It is read-only now, and not a
    roster: renamed back, every reader refuses it."""
    before = roster_io.read_roster(cohort)
    assert before is not None
    roster_io.create_roster(cohort, ME, force=True)
    [kept] = cohort.glob("roster.json.*.bak")
    assert stat.S_IMODE(kept.stat().st_mode) == sharing.file_mode_for(cohort) & 0o440
    kept.rename(roster_io.roster_path(cohort))
    with pytest.raises(roster_io.RosterError):
        roster_io.read_roster(cohort)


def test_init_force_leaves_a_roster_from_a_newer_version_as_it_is(cohort: Path) -> None:
    """Review F15: a newer-format roster is refused by every reader, and `init --force` destroyed it."""
    path = roster_io.roster_path(cohort)
    data = json.loads(path.read_text())
    data["version"] = 2
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(roster_io.RosterError, match="newer portfolio-tui .* will not replace it"):
        roster_io.create_roster(cohort, ME, force=True)
    assert path.read_bytes() == before and not list(cohort.glob("roster.json.*.bak"))


def test_cli_add_show_remove(tmp_path: Path, capsys) -> None:
    assert run(["roster", "init", str(tmp_path)], capsys)[0] == 0
    code, out, _ = run(["roster", "add", str(tmp_path), ME, "--role", "tutor", "--portfolio", "*"], capsys)
    assert code == 0 and out.startswith(f"{ME}: tutor (assessor) of *")
    code, out, _ = run(["roster", "add", str(tmp_path), "alice", "--role", "apprentice", "--portfolio", "al"], capsys)
    assert code == 0 and "alice: apprentice of al.json" in out
    code, out, _ = run(["roster", "show", str(tmp_path), "--json"], capsys)
    shown = json.loads(out)
    assert shown["roster"]["entries"]["alice"] == {"role": "apprentice", "portfolios": ["al.json"]}
    assert shown["you"] == {"account": ME, "role": "tutor", "portfolios": ["*"]}
    assert len(shown["history"]) == 3
    code, out, _ = run(["roster", "show", str(tmp_path)], capsys)
    assert code == 0 and "al.json" in out and f"You are {ME}: tutor (assessor) of *." in out
    assert run(["roster", "remove", str(tmp_path), "alice"], capsys)[0] == 0
    assert "alice" not in roster_io.load_roster(tmp_path).entries


def test_cli_bad_input_exits_2_naming_the_field_and_changes_nothing(cohort: Path, capsys) -> None:
    before = roster_io.roster_path(cohort).read_bytes()
    code, _, err = run(["roster", "add", str(cohort), "bob", "--role", "apprentice"], capsys)
    assert (code, err) == (2, "portfolio: portfolio: an apprentice has exactly one portfolio (give --portfolio once)\n")
    code, _, err = run(["roster", "add", str(cohort), "bo\x1bb", "--role", "tutor", "--portfolio", "*"], capsys)
    assert code == 2 and err.startswith("portfolio: account: account name has control characters (U+001B)")
    code, _, err = run(["roster", "remove", str(cohort), "nobody-here"], capsys)
    assert (code, err) == (2, "portfolio: account: nobody-here is not on the roster\n")
    assert roster_io.roster_path(cohort).read_bytes() == before


def test_cli_refusal_exits_1_and_says_who_may(cohort: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("portfolio_tui.identity.current_user", lambda: "alice")
    code, _, err = run(["roster", "add", str(cohort), "alice", "--role", "tutor", "--portfolio", "*"], capsys)
    assert code == 1
    assert err == f"portfolio: only the roster's owner or a tutor may edit the roster: {ME}, tess\n"


def test_cli_check_answers_for_the_current_account(cohort: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("portfolio_tui.identity.current_user", lambda: "alice")
    code, out, _ = run(["roster", "check", str(cohort), "evidence.assess", "alice"], capsys)
    assert (code, out) == (1, "no: only an assessor (tutor) may accept or refer evidence in alice.json: tess\n")
    code, out, _ = run(["roster", "check", str(cohort), "evidence.add", "alice.json"], capsys)
    assert (code, out) == (0, "yes: alice is the apprentice on alice.json\n")


def test_cli_a_tampered_roster_exits_2(cohort: Path, capsys) -> None:
    data = document(cohort)
    data["owner"] = "alice"
    roster_io.roster_path(cohort).write_text(json.dumps(data))
    code, _, err = run(["roster", "show", str(cohort)], capsys)
    assert code == 2 and "changed outside the app" in err


@pytest.mark.parametrize("name", ["../../etc/passwd", "../alice.json", "sub/alice", "..\\alice", ".hidden", ".."])
def test_a_portfolio_name_that_is_not_a_file_name_here_is_refused_not_altered(cohort: Path, capsys, name: str) -> None:
    before = roster_io.roster_path(cohort).read_bytes()
    code, out, err = run(["roster", "add", str(cohort), "bob", "--role", "apprentice", "--portfolio", name], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("portfolio: portfolio: ") and err.count("\n") == 1
    assert "not a file name in the cohort folder" in err
    assert roster_io.roster_path(cohort).read_bytes() == before
