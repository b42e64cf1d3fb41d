"""A record no real programme holds never reaches the file, by whatever way it comes: a direct call of the
service in Python (``add_record``/``update_record``), a command, a form. The file's bytes, and the folder,
are as they were."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from portfolio_tui.cli import main
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.progress_forms import ProgressForm, break_form, review_form
from tests.functional.store_helpers import ACTOR, new_portfolio
from tests.functional.tui_helpers import app_for, drive, make_portfolio, settle

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("otj", {"date": "2025-06-03", "hours": 100_000, "category": "teaching"}, "hours"),
    ("otj", {"date": "2025-06-03", "hours": 2, "category": "teaching", "description": "\x1b[2J\x1b]0;x\x07"},
     "description"),
    ("reviews", {"date": "2025-06-02", "otj_hours_discussed": 1e12}, "otj_hours_discussed"),
    ("reviews", {"date": "2025-06-02", "attendees": [], "actions": "", "notes": ""}, "attendees"),
    ("breaks", {"start": "2025-07-01", "end": "9999-12-31"}, "end"),
    ("prerequisites", {"key": "maths-l2", "achieved_on": "1066-10-14"}, "achieved_on"),
    ("checklist", {"key": "epa-organisation-chosen", "done_on": "2025-01-01"}, "done_on"),
    ("milestones", {"key": "plan-review", "done_on": "2025-06-01", "sneaked": True}, "fields"),
    ("grades", {"kind": "weighted-components", "values": {"component": "interview", "grade": "A*"}}, "grade"),
    ("signoffs", {"role": "assessor", "by": ACTOR, "on": "2025-06-01", "reason": "x" * 60_000}, "reason"),
    ("comments", {"evidence": 1, "text": "fine", "created_by": "the tutor"}, "fields"),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder)) if (folder / name).is_file()}


@pytest.mark.parametrize(("table", "fields", "field"), REFUSED, ids=[f"{t}-{f}" for t, _, f in REFUSED])
def test_a_record_refused_by_the_service_leaves_the_file_as_it_was(
    tmp_path: Path, table: str, fields: dict[str, Any], field: str
) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = snapshot(tmp_path)
    with pytest.raises(InputError) as refused:
        PortfolioService(path, ACTOR).add_record(table, fields)
    assert refused.value.field == field
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("table", "changes", "field"), [
    ("learner", {"otj_target_hours": 100_000}, "otj_target_hours"),
    ("learner", {"planned_end": "2025-03-04"}, "planned_end"),
    ("learner", {"standard_id": "csp-l2"}, "standard_id"),
    ("learner", {"tutor": "Sam\x1b[8m"}, "tutor"),
    ("otj", {"hours": 25}, "hours"),
    ("breaks", {"end": "2025-06-30"}, "end"),
])
def test_a_change_refused_by_the_service_leaves_the_file_as_it_was(
    tmp_path: Path, table: str, changes: dict[str, Any], field: str
) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path, ACTOR)
    service.add_record("otj", {"date": "2025-06-03", "hours": 2.0, "category": "teaching"})
    service.add_record("breaks", {"start": "2025-07-01", "end": None, "reason": ""})
    before = snapshot(tmp_path)
    with pytest.raises(InputError) as refused:
        service.update_record(table, 1, changes)
    assert refused.value.field == field
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("argv", "line"), [
    (["review", "add", "{}", "--date", "2025-06-02"],
     "attendees: no one named and nothing discussed: name who attended, or give the review's actions, notes or "
     "off-the-job hours discussed (an empty review would count as held)"),
    (["review", "add", "{}", "--date", "2025-06-02", "--attendees", " , ", "--actions", " "],
     "attendees: no one named and nothing discussed: name who attended, or give the review's actions, notes or "
     "off-the-job hours discussed (an empty review would count as held)"),
    (["review", "add", "{}", "--date", "2025-06-02", "--otj-hours", "100000"],
     "--otj-hours: 100000 hours is more than a programme holds (at most 31200)"),
    (["review", "add", "{}", "--date", "2025-06-02", "--otj-hours", "1e9"],
     "--otj-hours: 1e9 hours is more than a programme holds (at most 31200)"),
    (["otj", "add", "{}", "--date", "2025-06-03", "--hours", "100000", "--category", "teaching"],
     "hours: 100000 hours in one day is more than a day holds (at most 24)"),
    (["break", "add", "{}", "--start", "2025-07-01", "--end", "2199-12-31"],
     "end: 2199-12-31 is after 2035-03-03, 10 years after the programme start: not a plausible end"),
    (["prerequisite", "record", "{}", "maths-l2", "--date", "1901-01-01"],
     "--date: 1901-01-01 is before 1965-03-03, 60 years before the programme start"),
    (["learner", "set", "{}", "--otj-target", "100000"],
     "--otj-target: 100000 hours is more than a programme holds (at most 31200)"),
    (["learner", "set", "{}", "--end", "2025-03-04"],
     "--end: 2025-03-04 is before 2026-03-10: an apprenticeship lasts at least 372 days from its start (funding "
     "rule for this start date: duration-12-months)"),
    (["learner", "set", "{}", "--contracted-hours", "20", "--end", "2026-03-10"],
     "--end: 2026-03-10 is before 2026-09-03: an apprenticeship lasts at least 18 months (12 x 30 / 20 hours a "
     "week) from its start (funding rule for this start date: duration-12-months)"),
    (["learner", "set", "{}", "--contracted-hours", "1e9"],
     "--contracted-hours: 1e9 hours is more than a week holds (at most 60)"),
    (["learner", "set", "{}", "--otj-target", "10"],
     "--otj-target: 10 is below the minimum for this start, 416.8 hours: 20% of 30 contracted hours a week over the "
     "practical period, statutory leave excluded, rule otj-6-hours"),
    (["learner", "set", "{}", "--otj-target", "418", "--end", "2026-10-30"],
     "--otj-target: 418 is below the minimum for this start, 440.5 hours: 20% of 30 contracted hours a week over "
     "the practical period, statutory leave excluded, rule otj-6-hours"),
    (["learner", "set", "{}", "--epa-date", "2150-01-01"],
     "--epa-date: 2150-01-01 is after 2035-03-03, 10 years after the start: not a plausible date"),
    (["learner", "set", "{}", "--prior-learning-hours", "99999", "--prior-learning-reason", "Award",
      "--prior-learning-agreed-by", "HMRC"],
     "--prior-learning-hours: 99999 hours is more than a programme holds (at most 31200)"),
])
def test_a_command_refuses_in_one_line_naming_the_option_exit_2(tmp_path: Path, capsys, argv: list[str],
                                                                  line: str) -> None:
    path = new_portfolio(tmp_path)
    before = snapshot(tmp_path)
    code = main([str(path) if a == "{}" else a for a in argv])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", f"portfolio: {line}\n")
    assert snapshot(tmp_path) == before


@drive
async def test_a_form_shows_the_refusal_under_its_field_focused_and_writes_nothing(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(app, pilot)
        assert app.view is not None
        for spec, field, typed, line in (
            (review_form(app.view, ACTOR), "otj_hours", "100000",
             "OTJ hours: 100000 hours is more than a programme holds (at most 31200)"),
            (break_form(app.view), "end", "2199-12-31",
             "Ends: 2199-12-31 is after 2035-03-03, 10 years after the programme start: not a plausible end"),
            (review_form(app.view, ACTOR), "attendees", "",
             "Attendees: no one named and nothing discussed: name who attended, or give the review's actions, notes "
             "or off-the-job hours discussed (an empty review would count as held)"),
        ):
            form = ProgressForm(spec)
            app.push_screen(form)
            await settle(app, pilot)
            if field == "end":
                form.query_one("#start", Input).value = "2025-07-01"
            form.query_one(f"#{field}", Input).value = typed
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is form
            assert str(form.query_one("#dialog-error", Static).render()) == line
            assert form.focused is form.query_one(f"#{field}", Input)
            await pilot.press("escape")
            await settle(app, pilot)
    assert path.read_bytes() == before


def test_the_store_refuses_hours_no_day_holds_whoever_writes_them(tmp_path: Path) -> None:
    """Review R7-1: an apprentice's own client, under the services, inserts 1e308 hours (or two entries of 20 on
    one day, a transaction each) through the store: the save is refused (BreaksSchema), the folder as it was."""
    from portfolio_tui.store.errors import BreaksSchema
    from portfolio_tui.store.portfolio_store import PortfolioStore

    path = new_portfolio(tmp_path)
    store = PortfolioStore(path, ACTOR)
    with store.transaction() as tx:
        tx.insert("otj", {"date": "2025-06-03", "hours": 20.0, "category": "teaching"})
    before = snapshot(tmp_path)
    for hours, day, where in ((1e308, "2025-06-04", "$.otj.2.hours"), (25.0, "2025-06-04", "$.otj.2.hours"),
                              (4.5, "2025-06-03", "$.otj")):
        with pytest.raises(BreaksSchema, match=f"at {re.escape(where)}: ") as refused:
            with store.transaction() as tx:
                tx.insert("otj", {"date": day, "hours": hours, "category": "teaching"})
        assert "more than a day holds (at most 24)" in str(refused.value)
        assert snapshot(tmp_path) == before
    with store.transaction() as tx:
        tx.insert("otj", {"date": "2025-06-03", "hours": 4.0, "category": "teaching"})  # 24 in all: a day's


def test_a_hand_edited_day_of_more_hours_than_it_holds_is_named_and_the_file_read_only(tmp_path: Path,
                                                                                       capsys) -> None:
    path = new_portfolio(tmp_path)
    PortfolioService(path, ACTOR).add_record("otj", {"date": "2025-06-03", "hours": 4.0, "category": "teaching"})
    text = path.read_text()
    assert '"hours":4.0' in text
    path.write_text(text.replace('"hours":4.0', '"hours":1e308'))
    assert main(["validate", str(path)]) == 2
    assert "$.otj.1.hours: 1e+308 is greater than the maximum of 24" in capsys.readouterr().err
    before = snapshot(tmp_path)
    assert main(["otj", "add", str(path), "--date", "2025-06-05", "--hours", "2", "--category", "teaching"]) == 2
    assert "breaks the portfolio schema at $.otj.1.hours" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("argv", "line"), [
    (["standards", "import", "/nowhere.json", "--reference", "ST0001", "--timeout", "1e300"],
     "portfolio: --timeout: must be more than 0 and at most 86400 seconds (a day), not 1e+300\n"),
    (["standards", "import", "/nowhere.json", "--reference", "ST0001", "--timeout", "nan"],
     "portfolio: --timeout: must be more than 0 and at most 86400 seconds (a day), not nan\n"),
])
def test_a_timeout_no_socket_takes_is_one_line(capsys, argv: list[str], line: str) -> None:
    """Review R7-10: ``--timeout 1e300`` was an OverflowError traceback."""
    assert main(argv) == 2
    assert capsys.readouterr().err == line


def test_an_empty_target_or_prior_learning_clears_it(tmp_path: Path, capsys) -> None:
    """Review R7-10: ``learner set --otj-target ''`` was a TypeError traceback; empty means none (the target follows
    the start date's rule again; no prior learning)."""
    path = new_portfolio(tmp_path)
    assert main(["learner", "set", str(path), "--otj-target", "600"]) == 0
    assert main(["learner", "set", str(path), "--otj-target", ""]) == 0
    assert main(["learner", "set", str(path), "--prior-learning-hours", ""]) == 0
    learner = PortfolioService(path, ACTOR).learner
    assert (learner.otj_target_hours, learner.prior_learning_hours) == (None, 0.0)
    assert "Traceback" not in capsys.readouterr().err
