"""`portfolio new|validate` and `portfolio evidence ...` as a user runs them, bad input included."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.locations import shipped_standards_dir
from tests.functional.store_helpers import leftovers, new_portfolio


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    return err.strip()


ADD = ["--title", "Letter to a customer about a refund", "--date", "2025-04-11", "--kind", "product",
       "--criteria", "S1,K2"]


def test_new_then_add_says_what_it_added(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ava.json"
    code, out, err = run(["new", path, "--learner", "Ava Patel", "--standard", "odo-l3", "--start", "03/03/2025",
                          "--end", "30 Sep 2026", "--employer", "HMRC", "--line-manager", "Jo Bloggs",
                          "--tutor", "Sam Jones"], capsys)
    assert code == 0 and err == ""
    learner = json.loads(path.read_text())["learner"]["1"]
    assert (learner["start"], learner["planned_end"], learner["line_manager"]) == ("2025-03-03", "2026-09-30",
                                                                                   "Jo Bloggs")
    assert run(["evidence", "add", path, *ADD], capsys)[1] == (
        "evidence 1: added evidence 'Letter to a customer about a refund' (revision 1)\n"
    )
    letter = tmp_path / "letters" / "refund.pdf"
    letter.parent.mkdir()
    letter.write_bytes(b"%PDF-1.4 refund letter")
    code, out, _ = run(["evidence", "add", path, *ADD, "--hours", "2.5", "--file", str(letter),
                        "--file", "https://example.org/x", "--description", "Explained the refund.", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["changes"][0] | {"detail": ""} == {
        "action": "add", "table": "evidence", "record": 2, "revision": 1, "detail": ""}
    evidence = json.loads(run(["evidence", "list", path, "--json"], capsys)[1])["evidence"]
    assert [e["id"] for e in evidence] == [1, 2]
    digest = hashlib.sha256(letter.read_bytes()).hexdigest()
    assert evidence[1]["files"] == [f"sha256:{digest}/refund.pdf", "https://example.org/x"]
    assert evidence[1]["hours"] == 2.5
    kept = tmp_path / "ava.files" / digest[:2] / digest
    assert kept.read_bytes() == letter.read_bytes()
    assert evidence[1]["attachments"] == [
        {"name": "refund.pdf", "sha256": digest, "size": len(letter.read_bytes()), "type": "application/pdf",
         "location": str(kept)},
        {"name": "https://example.org/x", "sha256": None, "size": None, "type": "link",
         "location": "https://example.org/x"},
    ]
    assert evidence[1]["criteria"] == ["S1", "K2"] and evidence[1]["status"] == "submitted"


@pytest.mark.parametrize(
    "argv, field",
    [
        (["--learner", "", "--standard", "odo-l3", "--start", "2025-03-03", "--end", "2026-09-30"], "learner"),
        (["--learner", "A\x1b[2J", "--standard", "odo-l3", "--start", "2025-03-03", "--end", "2026-09-30"], "learner"),
        (["--learner", "Ava", "--standard", "nope", "--start", "2025-03-03", "--end", "2026-09-30"], "standard"),
        (["--learner", "Ava", "--standard", "odo-l3", "--start", "31/02/2025", "--end", "2026-09-30"], "start"),
        (["--learner", "Ava", "--standard", "odo-l3", "--start", "2025-03-03", "--end", "2025-03-01"], "end"),
        (["--learner", "Ava", "--standard", "odo-l3", "--start", "2025-03-03", "--end", "soon"], "end"),
        (["--learner", "Ava", "--standard", "odo-l3", "--start", "2025-03-03", "--end", "2025-03-04"], "end"),
        (["--learner", "Ava", "--standard", "csp-l2", "--start", "2025-09-01", "--end", "2026-08-31"], "end"),
    ],
)
def test_new_with_bad_input_creates_nothing(tmp_path: Path, capsys, argv: list[str], field: str) -> None:
    path = tmp_path / "ava.json"
    code, out, err = run(["new", path, *argv], capsys)
    assert code == 2 and out == ""
    assert one_line(err).startswith(f"portfolio: {field}: ")
    assert "\x1b" not in err
    assert not path.exists()


NEW = ["--learner", "Ava Patel", "--standard", "odo-l3", "--start", "2025-03-03", "--end", "2026-09-30"]


def test_new_reports_what_it_made_like_every_change_command(tmp_path: Path, capsys) -> None:
    code, out, err = run(["new", tmp_path / "a.json", *NEW], capsys)
    assert (code, err) == (0, "")
    assert out == "learner: created the portfolio for Ava Patel (odo-l3, 2025-03-03 to 2026-09-30) (revision 1)\n"
    code, out, _ = run(["new", tmp_path / "b.json", *NEW, "--json"], capsys)
    assert code == 0 and json.loads(out) == {"changed": True, "changes": [
        {"action": "create", "table": "learner", "record": 1, "revision": 1,
         "detail": "created the portfolio for Ava Patel (odo-l3, 2025-03-03 to 2026-09-30)"}]}
    assert run(["new", tmp_path / "c.json", *NEW, "--quiet"], capsys) == (0, "", "")
    assert {p.name for p in tmp_path.glob("*.json")} == {"a.json", "b.json", "c.json"}


def test_new_refuses_an_existing_file(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path)
    before = path.read_bytes()
    code, _, err = run(["new", path, "--learner", "X", "--standard", "odo-l3", "--start", "2025-01-01",
                        "--end", "2026-02-01"], capsys)
    assert code == 2 and "already exists" in one_line(err)
    assert path.read_bytes() == before


TOMORROW = (date.today() + timedelta(days=1)).isoformat()
BAD_ADDS = {
    "unknown-criterion": (["--criteria", "K1,X99"], "criteria"),
    "empty-title": (["--title", "   "], "title"),
    "future-date": (["--date", TOMORROW], "date"),
    "before-start": (["--date", "2025-03-02"], "date"),
    "impossible-date": (["--date", "30/02/2025"], "date"),
    "not-a-date": (["--date", "last Tuesday"], "date"),
    "date-without-day": (["--date", "Nov 2025"], "date"),
    "negative-hours": (["--hours", "-1"], "hours"),
    "hours-not-number": (["--hours", "two"], "hours"),
    "nan-hours": (["--hours", "nan"], "hours"),
    "escape-in-title": (["--title", "Letter\x1b]0;pwned\x07"], "title"),
    "newline-in-title": (["--title", "Letter\nto a customer"], "title"),
    "bidi-in-title": (["--title", "Letter \u202egnp.exe"], "title"),
    "escape-in-description": (["--description", "ok\x1b[31mred"], "description"),
    "escape-in-file": (["--file", "a\x1b.pdf"], "file"),
    "missing-file": (["--file", "no/such/letter.pdf"], "file"),
    "folder-as-file": (["--file", "."], "file"),
    "unknown-kind": (["--kind", "selfie"], "kind"),
}


@pytest.mark.parametrize("case", list(BAD_ADDS))
def test_bad_evidence_input_exits_2_and_leaves_the_file_byte_for_byte(tmp_path: Path, capsys, case: str) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    extra, field = BAD_ADDS[case]
    code, out, err = run(["evidence", "add", path, *ADD, *extra], capsys)
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith(f"portfolio: {field}: ")
    assert not any(ch in line for ch in "\x1b\x07\u202e")
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_file_over_the_limit_is_refused_in_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    big = tmp_path / "video.mp4"
    big.write_bytes(b"x" * 2 * 1024 * 1024)
    monkeypatch.setenv("PORTFOLIO_TUI_FILE_LIMIT_MB", "1")
    code, out, err = run(["evidence", "add", path, *ADD, "--file", str(big)], capsys)
    assert code == 2 and out == ""
    assert one_line(err).startswith("portfolio: file: ") and "over the limit of 1.0 MB" in err
    assert path.read_bytes() == before
    assert not (tmp_path / f"{path.stem}.files").exists()


@pytest.mark.parametrize(
    "argv, field",
    [
        (["--title", ""], "title"),
        (["--criteria", "Q9"], "criteria"),
        (["--date", TOMORROW], "date"),
        (["--hours", "-0.5"], "hours"),
        (["--kind", "meme"], "kind"),
        (["--description", "\x9b31m"], "description"),
    ],
)
def test_bad_edits_exit_2_and_change_nothing(tmp_path: Path, capsys, argv: list[str], field: str) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    code, _, err = run(["evidence", "edit", path, "1", *argv], capsys)
    assert code == 2 and one_line(err).startswith(f"portfolio: {field}: ")
    assert path.read_bytes() == before


def test_edit_remove_restore_assess(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    code, out, _ = run(["evidence", "edit", path, "1", "--title", "Minutes of the March meeting", "--criteria", "K1",
                        "--criteria", "S3", "--hours", "1.5", "--simulated"], capsys)
    assert code == 0 and "revision 2" in out
    code, out, _ = run(["evidence", "remove", path, "2"], capsys)
    assert code == 0 and out.startswith("evidence 2: removed")
    listed = json.loads(run(["evidence", "list", path, "--json"], capsys)[1])["evidence"]
    assert [e["id"] for e in listed] == [1]
    assert listed[0]["criteria"] == ["K1", "S3"] and listed[0]["simulated"] is True
    everything = json.loads(run(["evidence", "list", path, "--json", "--all"], capsys)[1])["evidence"]
    assert [(e["id"], e["deleted"]) for e in everything] == [(1, False), (2, True)]
    assert run(["evidence", "remove", path, "2"], capsys)[0] == 2
    assert run(["evidence", "edit", path, "2", "--title", "x"], capsys)[0] == 2
    assert run(["evidence", "restore", path, "2"], capsys)[0] == 0
    code, out, _ = run(["evidence", "assess", path, "1", "--refer", "--feedback", "Say what you did yourself."], capsys)
    assert code == 0 and "referred" in out
    code, out, _ = run(["evidence", "assess", path, "1", "--accept", "--feedback", "Now clear."], capsys)
    assert code == 0 and "accepted" in out
    judgements = json.loads(run(["evidence", "list", path, "--json"], capsys)[1])["evidence"][0]["judgements"]
    assert [j["outcome"] for j in judgements] == ["refer", "accept"]
    code, out, _ = run(["evidence", "list", path], capsys)
    assert code == 0 and "Minutes" in out and "accepted" in out


def test_assess_needs_feedback_and_an_outcome(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    code, _, err = run(["evidence", "assess", path, "1", "--accept", "--feedback", " "], capsys)
    assert code == 2 and one_line(err).startswith("portfolio: feedback: ")
    with pytest.raises(SystemExit) as caught:
        main(["evidence", "assess", str(path), "1", "--feedback", "ok"])
    assert caught.value.code == 2
    assert path.read_bytes() == before


def test_stale_rev_on_edit_is_a_conflict(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    assert run(["evidence", "edit", path, "1", "--title", "First", "--rev", "1"], capsys)[0] == 0
    before = path.read_bytes()
    code, _, err = run(["evidence", "edit", path, "1", "--title", "Second", "--rev", "1"], capsys)
    assert code == 1 and "was changed by" in one_line(err)
    assert path.read_bytes() == before


def test_unknown_id_and_missing_file(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    code, _, err = run(["evidence", "remove", path, "7"], capsys)
    assert code == 2 and "no evidence 7" in one_line(err)
    code, _, err = run(["evidence", "list", tmp_path / "missing.json"], capsys)
    assert code == 2 and "does not exist" in one_line(err)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda text: "",
        lambda text: text[:-40],
        lambda text: text + "garbage",
        lambda text: text.replace("30.0", "NaN"),
        lambda text: text.replace('"kind":', '"kind":"x","kind":', 1),
        lambda text: text.replace('"reviews":{}', '"reviews":[]'),
        lambda text: text.replace('"schema_version":3', '"schema_version":7'),
    ],
    ids=["empty", "truncated", "trailing-garbage", "nan", "duplicate-key", "wrong-type", "newer-version"],
)
def test_refused_files_exit_2_in_one_line_and_stay_untouched(tmp_path: Path, capsys, breakage) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    path.write_text(breakage(path.read_text()))
    before = path.read_bytes()
    for argv in (["evidence", "add", path, *ADD], ["evidence", "list", path], ["evidence", "remove", path, "1"]):
        code, out, err = run(argv, capsys)
        assert code == 2 and out == ""
        assert str(path) in one_line(err)
    assert path.read_bytes() == before
    code, _, err = run(["validate", path], capsys)
    assert code == 2 and str(path) in err


def test_validate_a_good_file(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=3)
    code, out, err = run(["validate", path], capsys)
    assert (code, out, err) == (0, f"{path}: valid\n", "")


def test_validate_lists_every_problem_against_schema_and_standard(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    doc = json.loads(path.read_text())
    doc["evidence"]["1"]["criteria"] = ["K1", "Z9"]
    doc["evidence"]["2"]["kind"] = "selfie"
    doc["evidence"]["2"]["date"] = "2020-01-01"
    doc["evidence"]["2"]["hours"] = -3
    doc["checklist"]["1"] = {"key": "made-up", "done_on": "2025-06-01"}
    doc["surprise"] = {}
    path.write_text(json.dumps(doc))
    code, out, err = run(["validate", path], capsys)
    assert code == 2 and out == ""
    lines = err.splitlines()
    for expected in ("$.evidence.1.criteria[1]: 'Z9' is not a criterion of odo-l3", "$.evidence.2.kind",
                     "$.evidence.2.date: 2020-01-01 is before the programme start", "$.evidence.2.hours",
                     "$.checklist.1.key: 'made-up' is not in the plan", "surprise"):
        assert any(expected in line for line in lines), (expected, lines)
    assert all(line.startswith(f"{path}: $") for line in lines)


def test_validate_names_a_missing_standard(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path)
    path.write_text(path.read_text().replace('"standard_id":"odo-l3"', '"standard_id":"gone"'))
    code, _, err = run(["validate", path], capsys)
    assert code == 2 and "$.learner.1.standard_id: no installed standard has id 'gone'" in err


def test_simulated_evidence_cannot_evidence_real_work_only_criteria(tmp_path: Path, capsys,
                                                                    user_standards_dir: Path) -> None:
    data = json.loads((shipped_standards_dir() / "csp-l2.json").read_text())
    data["id"] = "csp-real"
    data["groups"][0]["flags"] = ["real-work-only"]
    (user_standards_dir / "csp-real.json").write_text(json.dumps(data))
    first = data["groups"][0]
    criterion = (first.get("criteria") or first["groups"][0]["criteria"])[0]["id"]
    path = tmp_path / "c.json"
    assert run(["new", path, "--learner", "Cal", "--standard", "csp-real", "--start", "2025-03-03",
                "--end", "2026-03-31"], capsys)[0] == 0
    before = path.read_bytes()
    code, _, err = run(["evidence", "add", path, "--title", "Role play", "--date", "2025-04-01", "--kind",
                        "observation", "--criteria", criterion, "--simulated"], capsys)
    assert code == 2 and one_line(err).startswith("portfolio: criteria: ") and "real work" in err
    assert path.read_bytes() == before
    assert run(["evidence", "add", path, "--title", "At the desk", "--date", "2025-04-01", "--kind",
                "observation", "--criteria", criterion], capsys)[0] == 0


def test_evidence_commands_do_not_import_textual(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = new_portfolio(tmp_path, evidence=1)
    script = (
        "import contextlib, io, sys\nfrom portfolio_tui.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main(['evidence', 'list', {str(path)!r}, '--json'])\n"
        "print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_history_shows_each_change_on_its_own_line(tmp_path: Path, capsys, monkeypatch) -> None:
    """QA Q2: the table ran a change's detail and each field it changed into one line ("edited titletitle:
    Minutes -> Call log"), since the newlines between them were cleaned out with the control characters."""
    monkeypatch.setenv("COLUMNS", "200")
    path = new_portfolio(tmp_path, evidence=1)
    assert run(["evidence", "edit", path, "1", "--title", "Call log\x1b[31m"], capsys)[0] == 2
    assert run(["evidence", "edit", path, "1", "--title", "Call log"], capsys)[0] == 0
    code, out, _ = run(["history", path], capsys)
    assert code == 0 and "\x1b" not in out
    edit = next(line for line in out.splitlines() if "edited title" in line)
    assert edit.rstrip(" │").endswith("edited title"), edit
    after = out.splitlines()[out.splitlines().index(edit) + 1]
    assert "title: " in after and "-> Call log" in after, after


def test_evidence_and_hours_added_without_a_date_are_dated_today_where_the_user_is(tmp_path: Path, capsys,
                                                                                   monkeypatch) -> None:
    """`evidence add` and `otj add` required --date where the TUI's forms offer today: without it they are dated
    today, as the user's clock reads it (a time zone whose date is not UTC's, so UTC's date would fail)."""
    import time
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    utc_today = datetime.now(UTC).date()
    zone = next(z for z in ("Etc/GMT-14", "Etc/GMT+12") if datetime.now(ZoneInfo(z)).date() != utc_today)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        local_today = datetime.now(ZoneInfo(zone)).date()
        path = tmp_path / "ava.json"
        start, end = local_today - timedelta(days=200), local_today + timedelta(days=300)
        assert run(["new", path, "--learner", "Ava Patel", "--standard", "odo-l3", "--start", start.isoformat(),
                    "--end", end.isoformat()], capsys)[0] == 0
        code, _, err = run(["evidence", "add", path, "--title", "Letter to a customer", "--kind", "product",
                            "--criteria", "S1"], capsys)
        assert (code, err) == (0, "")
        code, _, err = run(["otj", "add", path, "--hours", "2", "--category", "teaching"], capsys)
        assert (code, err) == (0, "")
        code, _, err = run(["evidence", "add", path, "--title", "Minutes", "--kind", "product", "--criteria", "S1",
                            "--date", (local_today + timedelta(days=1)).isoformat()], capsys)
        assert code == 2 and "evidence cannot be dated in the future" in one_line(err)
    finally:
        monkeypatch.undo()
        time.tzset()
    saved = json.loads(path.read_text())
    assert [e["date"] for e in saved["evidence"].values()] == [local_today.isoformat()]
    assert [e["date"] for e in saved["otj"].values()] == [local_today.isoformat()]
