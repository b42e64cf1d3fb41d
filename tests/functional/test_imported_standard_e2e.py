"""A learner on an imported standard, end to end: import, rules from the plan, new, evidence, gateway, timeline,
the TUI and a grade combined by the table; and learners on an older version stay on it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from tests.functional.tui_helpers import drive, settle

FIXTURES = Path(__file__).parents[1] / "fixtures" / "skills_england"
LIST = FIXTURES / "standards-list.json"
AS_OF = "2026-06-01"
RULES = {
    "format": 1,
    "standard": "st0999-v1.1",
    "components": [
        {
            "id": "project",
            "title": "Work-based project",
            "grades": ["fail", "pass", "distinction"],
            "criteria": [
                {"id": "project-p1", "grade": "pass", "text": "Explains how the project met the customer's need."},
                {
                    "id": "project-d1",
                    "grade": "distinction",
                    "text": "Evaluates alternatives and justifies the choice.",
                },
            ],
        },
        {
            "id": "interview",
            "title": "Professional discussion",
            "grades": ["fail", "pass", "distinction"],
            "criteria": [{"id": "interview-p1", "grade": "pass", "text": "Describes the complaints procedure."}],
        },
    ],
    "grading": [
        {
            "kind": "combination-table",
            "methods": ["project", "interview"],
            "rows": [
                {"grades": ["pass", "pass"], "overall": "pass"},
                {"grades": ["pass", "distinction"], "overall": "merit"},
                {"grades": ["distinction", "pass"], "overall": "merit"},
                {"grades": ["distinction", "distinction"], "overall": "distinction"},
            ],
        }
    ],
    "gateway_before_epa": {"months": 2},
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(user_standards_dir: Path, tmp_path: Path, capsys) -> Path:
    assert run(capsys, "standards", "import", str(LIST), "--reference", "ST0999")[0] == 0
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))
    code, out, err = run(capsys, "standards", "edit-rules", "st0999-v1.1", "--from", str(rules))
    assert (code, err) == (0, "") and "rules saved" in out
    path = tmp_path / "ann.json"
    code, _, err = run(
        capsys,
        "new",
        str(path),
        "--learner",
        "Ann Smith",
        "--standard",
        "st0999-v1.1",
        "--start",
        "2025-01-06",
        "--end",
        "2026-07-31",
        "--tutor",
        "Sam Jones",
    )
    assert (code, err) == (0, "")
    return path


def test_evidence_gateway_by_duty_timeline_and_a_combined_grade(imported: Path, capsys) -> None:
    path = str(imported)
    code, out, err = run(
        capsys,
        "evidence",
        "add",
        path,
        "--title",
        "Call log review",
        "--date",
        "2025-06-01",
        "--kind",
        "product",
        "--criteria",
        "K1,S1,B1",
        "--json",
    )
    assert (code, err) == (0, "")
    piece = str(json.loads(out)["changes"][0]["record"])
    assert run(capsys, "evidence", "assess", path, piece, "--accept", "--feedback", "Clear.")[0] == 0
    code, _, err = run(
        capsys,
        "evidence",
        "add",
        path,
        "--title",
        "x",
        "--date",
        "2025-06-01",
        "--kind",
        "product",
        "--criteria",
        "K99",
    )
    assert code == 2 and "K99" in err

    code, out, _ = run(capsys, "gateway", path, "--json", "--as-of", AS_OF)
    doc = json.loads(out)["portfolios"][0]
    duties = {d["id"]: d for d in doc["duties"]}
    assert duties["D1"]["missing"] == ["K3"] and duties["D1"]["blocked"] is True
    assert duties["D1"]["core"] is True and duties["D3"]["core"] is False and duties["D3"]["options"] == ["O1"]
    assert duties["D2"]["missing"] == ["S2"]
    assert doc["gateway_date"] == "2026-05-31"  # two months before the planned end, as the rules file says
    assert doc["predicted_grade"]["grade"] == "Not yet gradable"

    code, out, _ = run(capsys, "gateway", path, "--as-of", AS_OF)
    assert "Duties blocked" in out and "D1 (K3)" in out

    code, out, _ = run(capsys, "timeline", path, "--json", "--as-of", AS_OF)
    assert code == 0 and json.loads(out)

    code, _, err = run(capsys, "grade", "record", path, "--component", "project", "--grade", "pass",
                       "--on", "2026-07-30")
    assert code == 2 and err == "portfolio: on: an EPA method's result is recorded after the EPA (2026-07-31)\n"
    code, _, err = run(capsys, "grade", "record", path, "--component", "project", "--grade", "distinction",
                       "--on", "2026-07-31")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "grade", "record", path, "--component", "interview", "--grade", "merit")
    assert code == 2 and "grade: must be one of fail, pass, distinction" in err
    code, _, err = run(
        capsys, "grade", "record", path, "--component", "interview", "--grade", "pass", "--met", "interview-p1"
    )
    assert (code, err) == (0, "")
    _, out, _ = run(capsys, "gateway", path, "--json", "--as-of", AS_OF)
    grade = json.loads(out)["portfolios"][0]["predicted_grade"]
    assert grade["grade"] == "Merit"
    assert grade["reason"] == "Merit: Work-based project Distinction + Professional discussion Pass (combination table)"


def test_a_rules_file_with_problems_is_refused_one_line_each_and_nothing_changes(
    imported: Path, tmp_path: Path, user_standards_dir: Path, capsys
) -> None:
    rules_file = user_standards_dir / "st0999-v1.1.rules.json"
    before = rules_file.read_bytes()
    bad = json.loads(json.dumps(RULES))
    bad["grading"][0]["rows"].pop()
    bad["grading"][0]["methods"][1] = "quiz"
    bad["criteria"] = []
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    code, out, err = run(capsys, "standards", "edit-rules", "st0999-v1.1", "--from", str(tmp_path / "bad.json"))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"portfolio: {tmp_path / 'bad.json'}: $.criteria: not a rules key "
        "(expected components, grading, gateway_before_epa, gateway_checklist, milestones, "
        "prerequisites)"
    ]
    del bad["criteria"]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    code, _, err = run(capsys, "standards", "edit-rules", "st0999-v1.1", "--from", str(tmp_path / "bad.json"))
    lines = err.splitlines()
    assert code == 2 and len(lines) >= 2
    assert any("$.grading[0].methods[1]: unknown component 'quiz'" in line for line in lines)
    assert any("$.grading[0].rows: no row for" in line for line in lines)
    assert rules_file.read_bytes() == before
    code, _, err = run(capsys, "standards", "edit-rules", "odo-l3", "--from", str(tmp_path / "bad.json"))
    assert code == 2 and "shipped with the app" in err


def test_edit_rules_through_the_editor(
    imported: Path, tmp_path: Path, user_standards_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import json, sys\np = sys.argv[1]\nd = json.load(open(p))\n"
        "d['gateway_before_epa'] = {'months': 3}\njson.dump(d, open(p, 'w'))\n"
    )
    import sys

    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    code, out, err = run(capsys, "standards", "edit-rules", "st0999-v1.1")
    assert (code, err) == (0, "") and "rules saved" in out
    _, out, _ = run(capsys, "gateway", str(imported), "--json", "--as-of", AS_OF)
    assert json.loads(out)["portfolios"][0]["gateway_date"] == "2026-04-30"


def test_a_new_version_leaves_learners_on_the_old_one(user_standards_dir: Path, tmp_path: Path, capsys) -> None:
    assert run(capsys, "standards", "import", str(FIXTURES / "st0999-v1.0.json"))[0] == 0
    path = str(tmp_path / "old.json")
    assert (
        run(
            capsys,
            "new",
            path,
            "--learner",
            "Bo",
            "--standard",
            "st0999-v1.0",
            "--start",
            "2024-02-05",
            "--end",
            "2025-08-29",
        )[0]
        == 0
    )
    assert run(capsys, "standards", "import", str(LIST), "--reference", "ST0999")[0] == 0
    _, out, _ = run(capsys, "gateway", path, "--json", "--as-of", AS_OF)
    doc = json.loads(out)["portfolios"][0]
    assert doc["standard"] == "st0999-v1.0" and doc["coverage"]["total"] == 8


@drive
async def test_the_tui_shows_coverage_by_duty(imported: Path) -> None:
    from portfolio_tui.services.portfolios import PortfolioService
    from portfolio_tui.tui.factory import build_app

    service = PortfolioService(imported, actor="tester")
    service.add_evidence(title="Call log review", date=date(2025, 6, 1), kind="product", criteria=["K1", "S1", "B1"])
    app = build_app(imported, as_of=date(2026, 6, 1), actor="tester")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        duties = screen.nodes["group:duties"]
        assert str(duties.label) == "Duties  0/3 clear"
        labels = [str(node.label) for node in duties.children]
        assert "D1 Handle customer enquiries across channels.  (core)  blocked by K1, K3, S1, B1" in labels[0]
        assert "D3 Run the digital service desk.  (option O1)  blocked by K2, S3, B2" in labels[2]


@drive
async def test_the_first_run_form_shows_reference_version_status_and_marks_partial(
    user_standards_dir: Path, tmp_path: Path
) -> None:
    from textual.widgets import Select

    from portfolio_tui.services.standards_import import import_standard
    from portfolio_tui.tui.factory import build_app

    import_standard(str(LIST), "ST0999")
    app = build_app(tmp_path / "mine.json", as_of=date(2026, 1, 15), first_run=True, actor="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        select = app.screen.query_one("#standard", Select)
        labels = {value: str(prompt) for prompt, value in select._options if value is not Select.BLANK}
        assert labels["st0999-v1.1"] == (
            "Customer Service Specialist (test fixture) (ST0999 v1.1, Approved for delivery, level 3) "
            "[partial: grading rules not imported]"
        )
        assert (
            labels["odo-l3"]
            == "Public Service Operational Delivery Officer (odo-l3 v2015, level 3)"
        )
        assert labels["ocr-cs"].endswith("[partial: criteria incomplete, see notes]")
        # a version that repeats the reference, or is a phrase, is not shown again (was "500/7552/4 v500/7552/4")
        assert not any("v500/7552/4" in label or "vPearson" in label for label in labels.values()), labels


def test_edit_rules_refuses_a_hostile_combination_table_at_once(
    imported: Path, tmp_path: Path, user_standards_dir: Path, capsys
) -> None:
    """Review R13: 20 methods of 3 passing grades each (3^20, 3.5 billion combinations) and one row: refused in a
    moment, naming a few combinations without a row and counting the rest; the rules file as it was."""
    import time

    rules_file = user_standards_dir / "st0999-v1.1.rules.json"
    before = rules_file.read_bytes()
    hostile = json.loads(json.dumps(RULES))
    hostile["components"] = [
        {"id": f"m{i}", "title": f"Method {i}", "grades": ["fail", "pass", "merit", "distinction"],
         "criteria": [{"id": f"m{i}-p1", "grade": "pass", "text": "Does the thing."}]} for i in range(20)]
    hostile["grading"] = [{"kind": "combination-table", "methods": [f"m{i}" for i in range(20)],
                           "rows": [{"grades": ["pass"] * 20, "overall": "pass"}]}]
    (tmp_path / "hostile.json").write_text(json.dumps(hostile))
    started = time.perf_counter()
    code, out, err = run(capsys, "standards", "edit-rules", "st0999-v1.1", "--from", str(tmp_path / "hostile.json"))
    assert time.perf_counter() - started < 5.0
    lines = err.splitlines()
    assert code == 2 and out == "" and len(lines) == 6, lines
    assert all("$.grading[0].rows: no row for pass + " in line for line in lines[:5])
    assert lines[-1].endswith("$.grading[0].rows: and 3,486,784,395 more combinations have no row (the 20 methods' "
                              "passing grades make 3,486,784,401, one row each)")
    assert rules_file.read_bytes() == before
