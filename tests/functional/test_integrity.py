"""Integrity faults found by hand on a shared server: each is refused or repaired, never silently kept."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from portfolio_tui.cli import main, tui_commands
from portfolio_tui.cli.errors import CliError
from portfolio_tui.domain.coverage import coverage
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import new_portfolio


def run(argv: list[object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _accepted(path: Path) -> PortfolioService:
    service = PortfolioService(path)
    service.assess(1, "accept", "Clear minutes")
    assert service.evidence(1).status == "accepted"
    return service


@pytest.mark.parametrize(
    "option, value",
    [("--title", "Something else"), ("--criteria", "K1,S2,S3"), ("--description", "Other words"),
     ("--date", "2025-04-02"), ("--file", "minutes.pdf")],
)
def test_editing_what_was_accepted_sends_it_back_for_assessment(tmp_path: Path, capsys, monkeypatch, option,
                                                                value) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")  # a file added is kept, so it must exist
    path = new_portfolio(tmp_path, evidence=1)
    service = _accepted(path)
    code, out, err = run(["evidence", "edit", path, "1", option, value], capsys)
    assert code == 0, err
    assert "awaiting assessment again" in out
    piece = service.evidence(1)
    assert piece.status == "submitted" and piece.judgements[-1].outcome == "reopen"
    assert all(c.accepted_ids == () for c in coverage(service.standard, service.load().evidence).values())
    listed = json.loads(run(["evidence", "list", path, "--json"], capsys)[1])["evidence"][0]
    assert listed["status"] == "submitted"


def test_a_retag_through_the_service_also_reopens_and_a_new_acceptance_counts_again(tmp_path: Path) -> None:
    service = _accepted(new_portfolio(tmp_path, evidence=1))
    service.tag(1, ["S3"])
    assert service.evidence(1).status == "submitted"
    service.assess(1, "accept", "Still clear")
    cov = coverage(service.standard, service.load().evidence)
    assert cov["S3"].accepted_ids == (1,) and service.evidence(1).status == "accepted"


def test_changing_only_the_hours_keeps_the_acceptance(tmp_path: Path) -> None:
    service = _accepted(new_portfolio(tmp_path, evidence=1))
    service.edit_evidence(1, hours=2)
    assert service.evidence(1).status == "accepted"


def test_saving_through_a_symlinked_portfolio_writes_the_target_and_keeps_the_link(tmp_path: Path, capsys) -> None:
    (tmp_path / "real").mkdir()
    target = new_portfolio(tmp_path / "real", evidence=1)
    link = tmp_path / "ava-link.json"
    link.symlink_to(target)
    code, _, err = run(["evidence", "edit", link, "1", "--title", "Edited through the link"], capsys)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == target
    assert PortfolioService(target).evidence(1).title == "Edited through the link"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == sorted(["real", "ava-link.json"])
    code, _, _ = run(["verify", link], capsys)
    assert code == 0


@pytest.mark.parametrize("command, name", [(["report"], "ava.html"), (["export"], "ava.zip")])
def test_an_output_is_never_written_through_a_link_planted_at_its_name(
    tmp_path: Path, capsys, command: list[str], name: str
) -> None:
    """Review R8: in a folder the group may write, a member plants ``ava.html -> ~tutor/notes`` where the
    tutor's report will go; the report replaces the link, and the file it pointed to is untouched."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    portfolio = new_portfolio(folder, evidence=1)
    victim = tmp_path / "tutor-notes.txt"
    victim.write_text("precious tutor notes\n")
    planted = folder / name
    planted.symlink_to(victim)
    code, _, err = run([*command, portfolio, "-o", planted], capsys)
    assert code == 0, err
    assert victim.read_text() == "precious tutor notes\n"
    assert not planted.is_symlink() and planted.stat().st_size > 100


def test_new_refuses_a_dangling_link_planted_at_its_name(tmp_path: Path, capsys) -> None:
    """Review R8: ``new1.json -> ~tutor/elsewhere.json`` (not there yet) made the portfolio in the tutor's home."""
    target = tmp_path / "home" / "elsewhere.json"
    target.parent.mkdir()
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "new1.json").symlink_to(target)
    code, _, err = run(["new", folder / "new1.json", "--learner", "Ann", "--standard", "odo-l3",
                        "--start", "2025-09-01", "--end", "2027-01-31"], capsys)
    assert code == 2, err
    assert "new1.json" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


HOSTILE_TITLE = "Minutes \ud800 \u009b31m \u202eevil\u202c \u007f \u2028 \U000e0041"


def _hand_edit(path: Path, old: str, new_json_fragment: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new_json_fragment), encoding="utf-8")


def test_a_lone_surrogate_and_terminal_controls_in_a_hand_edited_file_are_escaped_everywhere(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    path = new_portfolio(tmp_path, evidence=1)
    _hand_edit(path, '"Minutes of team meeting 1"', json.dumps(HOSTILE_TITLE))
    code, out, err = run(["evidence", "list", path], capsys)
    assert code == 0 and err.count("\n") == 1 and "read-only" in err and "U+D800" in err  # a hand edit: warned
    assert "ava.json: changed outside the app: evidence 1; run `portfolio verify`" in err  # ... and not believed
    err.encode("utf-8")
    assert "\ufffd" in out and "Minutes" in out
    code, out, err = run(["evidence", "list", path, "--json"], capsys)
    assert code == 0 and "read-only" in err
    out.encode("utf-8")  # no lone surrogate reaches the terminal
    for raw in ("\ud800", "\u009b", "\u202e", "\u007f", "\u2028", "\U000e0041"):
        assert raw not in out
    assert '"Minutes \\ud800 \\u009b31m \\u202eevil\\u202c \\u007f \\u2028 \\udb40\\udc41"' in out
    assert json.loads(out)["evidence"][0]["title"] == HOSTILE_TITLE


def test_validate_reports_control_and_bidi_characters_in_a_hand_edited_file_and_it_still_opens(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """An ESC sequence, a bell and a right-to-left override typed into a file by hand: ``validate`` names
    each record and field in one line, exits 2 and changes nothing; the file still opens (the owner is not
    locked out), shows the text without them, and the owner can put the title right."""
    monkeypatch.setenv("COLUMNS", "200")
    path = new_portfolio(tmp_path, evidence=1)
    _hand_edit(path, '"Minutes of team meeting 1"', json.dumps("Minutes \u202eevil\u202c \u001b[31mred\u0007"))
    _hand_edit(path, '"Took and circulated the minutes."', json.dumps("Two\nlines \u2066isolated\u2069 \u0085"))
    _hand_edit(path, '"HMRC"', json.dumps("HMRC\u009b2J"))
    before = path.read_bytes()
    code, out, err = run(["validate", path], capsys)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 3, err
    assert lines[0].startswith(f"{path}: $.learner.1.employer: contains control or bidi characters (U+009B)")
    assert f"{path}: $.evidence.1.title: contains control or bidi characters (U+202E, U+202C, U+001B, U+0007)" in err
    assert f"{path}: $.evidence.1.description: contains control or bidi characters (U+2066, U+2069, U+0085)" in err
    assert not any(ch in err for ch in "\u001b\u0007\u009b\u202e\u2066\u0085")  # named, never sent
    code, out, _ = run(["validate", path, "--json"], capsys)
    report = json.loads(out)
    assert code == 2 and report["valid"] is False
    assert {p["where"] for p in report["problems"]} == {
        "$.learner.1.employer", "$.evidence.1.title", "$.evidence.1.description"}
    assert path.read_bytes() == before
    # Not refused on open: listed without the characters, no read-only warning. A change is not signed over
    # the hand edit (review F1): the owner repairs the file, naming why, and then puts the title right.
    code, out, err = run(["evidence", "list", path], capsys)
    assert code == 0 and "Minutes evil [31mred" in out and "\u001b" not in out
    code, _, err = run(["evidence", "edit", path, "1", "--title", "Minutes of team meeting 1"], capsys)
    assert code == 2 and err.count("\n") == 1 and "evidence 1: changed outside the app since audit" in err, err
    assert path.read_bytes() == before
    code, _, err = run(["repair", path, "--reason", "typed into by hand"], capsys)
    assert code == 0, err
    code, _, err = run(["evidence", "edit", path, "1", "--title", "Minutes of team meeting 1"], capsys)
    assert code == 0, err
    code, _, err = run(["validate", path], capsys)
    assert code == 2 and "$.evidence.1.title" not in err and "$.evidence.1.description" in err


SCHEMA_BREAKS = {
    "unknown kind": ('"kind":"product"', '"kind":"essay"', "$.evidence.1.kind"),
    "unknown criterion": ('"criteria":["K1","S2"]', '"criteria":["K1","ZZ9"]', "$.evidence.1.criteria"),
    "negative hours": ('"hours":null', '"hours":-40', "$.evidence.1.hours"),
    "extra table": ('"audit":{', '"extra":{"1":{"x":1}},\n"audit":{', "$.extra"),
    "lone surrogate in a title": ('"Minutes of team meeting 1"', '"Minutes \\ud800"', "$.evidence.1.title"),
}


@pytest.mark.parametrize("name", SCHEMA_BREAKS)
def test_a_file_breaking_the_schema_is_shown_read_only_and_every_write_is_refused(
    tmp_path: Path, capsys, name: str
) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    old, new, where = SCHEMA_BREAKS[name]
    _hand_edit(path, old, new)
    before = path.read_bytes()
    code, out, err = run(["evidence", "list", path, "--json"], capsys)
    assert code == 0 and json.loads(out)["evidence"][0]["id"] == 1
    assert err.count("\n") == 1 and "warning" in err and where in err and "read-only" in err
    for argv in (["evidence", "edit", path, "1", "--title", "Fixed?"],
                 ["evidence", "add", path, "--title", "New", "--date", "2025-05-01", "--kind", "product",
                  "--criteria", "K1"],
                 ["milestone", "done", path, "plan-review", "--date", "2025-03-10"]):
        code, out, err = run(argv, capsys)
        assert code == 2, (argv, err)
        assert err.count("\n") == 1 and where in err and "nothing was changed" in err, err
        assert path.read_bytes() == before


@pytest.mark.parametrize("sample", [p.stem for p in tui_commands.samples()])
def test_every_demo_copy_is_built_through_the_store_and_verifies(tmp_path: Path, capsys, sample: str) -> None:
    # Today's date: a copy built for a later day would be dated in the future, which verify refuses.
    target = tui_commands.make_demo(sample, tmp_path, date.today())
    code, out, err = run(["verify", target], capsys)
    assert code == 0 and out.startswith("ok"), out + err
    assert PortfolioService(target).read_only_reason() is None


def test_demo_never_writes_over_an_existing_file(tmp_path: Path) -> None:
    today = date.today()
    first = tui_commands.make_demo(None, tmp_path, today)
    PortfolioService(first).add_evidence(title="My own work", date=today - timedelta(days=16), kind="product",
                                         criteria=["1.1"], as_of=today)
    before = first.read_bytes()
    with pytest.raises(CliError, match="already exists") as refused:
        tui_commands.make_demo(None, tmp_path, today + timedelta(days=1))
    assert "\n" not in str(refused.value)
    assert first.read_bytes() == before


def test_a_cli_conflict_names_the_fields_the_other_person_changed(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    PortfolioService(path, actor="tutor2").edit_evidence(1, description="Their words", hours=3)
    before = path.read_bytes()
    code, _, err = run(["evidence", "edit", path, "1", "--rev", "1", "--title", "Mine"], capsys)
    assert code == 1 and err.count("\n") == 1
    assert "by tutor2" in err and "they changed description, hours" in err
    assert path.read_bytes() == before


def test_a_milestone_mark_is_undone_by_an_appended_record(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path)
    code, _, err = run(["milestone", "done", path, "plan-review", "--date", "2025-06-10"], capsys)
    assert code == 0, err
    before = path.read_bytes()
    code, _, err = run(["milestone", "undo", path, "plan-review", "--reason", ""], capsys)
    assert code == 2 and err.count("\n") == 1 and "reason" in err and path.read_bytes() == before
    code, out, err = run(["milestone", "undo", path, "plan-review", "--reason", "Marked on the wrong learner"], capsys)
    assert code == 0, err
    assert "no longer done: Marked on the wrong learner" in out
    records = PortfolioService(path).load().milestones_done
    assert [(m.key, m.undone, m.reason) for m in records] == [
        ("plan-review", False, ""), ("plan-review", True, "Marked on the wrong learner")]
    timeline = json.loads(run(["timeline", path, "--json", "--as-of", "2030-01-01"], capsys)[1])
    assert next(m for m in timeline["milestones"] if m["key"] == "plan-review")["status"] != "done"
    code, _, err = run(["milestone", "undo", path, "plan-review", "--reason", "again"], capsys)
    assert code == 2 and "nothing to undo" in err
    assert run(["verify", path], capsys)[0] == 0
    code, _, err = run(["milestone", "done", path, "plan-review", "--date", "2025-06-12"], capsys)
    assert code == 0, err


def test_a_lone_surrogate_in_a_hand_edited_file_never_ends_in_a_traceback(tmp_path: Path, capsys) -> None:
    """verify, report and export read it (verify calls the record changed outside the app); a change to the
    file is refused in one line, exit 2, naming where, and the file is unchanged byte for byte."""
    path = new_portfolio(tmp_path, evidence=1)
    _hand_edit(path, '"Minutes of team meeting 1"', json.dumps(HOSTILE_TITLE))
    before = path.read_bytes()
    code, out, _ = run(["verify", path], capsys)
    assert code == 1 and "evidence 1: is not as audit" in out and "changed outside the app" in out
    for argv in (["report", path, "-o", tmp_path / "pack.html"], ["report", path, "--format", "md", "-o", "-"],
                 ["export", path, "-o", tmp_path / "out.zip"]):
        code, out, err = run(argv, capsys)
        assert code == 0 and err == "", argv
        out.encode("utf-8")
    assert "\ufffd" in (tmp_path / "pack.html").read_text(encoding="utf-8")
    code, out, err = run(["evidence", "edit", path, "1", "--hours", "2"], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "$.evidence.1.title: text that is not valid Unicode (a lone surrogate, U+D800)" in err
    assert path.read_bytes() == before


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("argv", [["evidence", "list"], ["timeline"], ["validate"], ["verify"],
                                  ["evidence", "add", "--title", "x", "--date", "2025-04-01", "--kind", "product",
                                   "--criteria", "K1"]], ids=lambda a: " ".join(a[:2]))
def test_a_device_or_a_pipe_given_as_the_portfolio_is_refused_not_read_for_ever(
    tmp_path: Path, capsys, argv: list[str]
) -> None:
    """``/dev/zero`` would be read until memory ran out; opening a FIFO would wait for a writer for ever."""
    import os

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        code, out, err = run([*argv[:2], path, *argv[2:]] if argv[0] == "evidence" else [*argv, path], capsys)
        assert code in (1, 2) and err.count("\n") == 1, (argv, path, err)
        assert "not a regular file" in err + out or "no such file" in err, (argv, path, err)
    code, _, err = run(["import", Path("/dev/zero"), tmp_path / "dest"], capsys)
    assert code == 2 and "not a regular file" in err and not (tmp_path / "dest").exists()
