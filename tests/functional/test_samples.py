"""The shipped sample portfolios: each one validates, and `portfolio gateway` reports each learner as the
generator (sample_portfolios/make_samples.py) built them to be, judged on the fixed reference date."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from portfolio_tui.cli import main
from portfolio_tui.locations import shipped_standards_dir
from tests.conftest import REPO

SAMPLES = REPO / "sample_portfolios"
SCHEMA = json.loads((REPO / "schemas" / "portfolio.schema.json").read_text(encoding="utf-8"))
AS_OF = "2026-11-24"
FILES = sorted(p.name for p in SAMPLES.glob("*.json"))
APPLY_SECTION = "Apply lean production and improvement tools to measure, analyse, improve and control the problem"

# file: (standard, rag, ready, (full, partial, none, total), missing, predicted grade)
EXPECTED: dict[str, tuple[str, str, bool, tuple[int, int, int, int], list[str], str]] = {
    "odo-nearly-ready.json": ("odo-l3", "amber", False, (20, 2, 0, 22), ["K3", "S5"], "Not yet gradable"),
    "odo-gaps-overdue.json": (
        "odo-l3", "red", False, (11, 5, 6, 22),
        ["V1", "V2", "V3", "V4", "K3", "S4", "S5", "S6", "B1", "B2", "B3"], "Not yet gradable",
    ),
    "csp-midway.json": (
        "csp-l2", "amber", False, (25, 6, 3, 34),
        ["K2", "K3", "S3", "2.3", "2.4", "2.5", "3.1", "3.3", "3.6"], "Not yet gradable",
    ),
    "ilm-referred.json": ("ilm-l5-si-2011", "red", False, (7, 0, 0, 7), [], "Referral"),
    "ilm-2012-new.json": ("ilm-l5-si-2012", "amber", False, (0, 0, 0, 0), [], "Not yet gradable"),
    "ocr-cs-learner.json": ("ocr-cs", "amber", False, (0, 0, 0, 0), [], "No grading rule"),
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def gateway(target: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict[str, Any]]]:
    code, out, err = run(["gateway", str(target), "--json", "--as-of", AS_OF], capsys)
    doc = json.loads(out)
    assert doc["errors"] == [], err
    return code, {Path(p["path"]).name: p for p in doc["portfolios"]}


def evidence(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, _ = run(["evidence", "list", str(path), "--json"], capsys)
    assert code == 0
    return json.loads(out)["evidence"]


def open_items(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in report["checklist"] if not c["ok"]}


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {m["key"]: m["status"] for m in report["milestones"]}


def test_the_samples_are_the_ones_expected_with_one_per_shipped_standard() -> None:
    assert FILES == sorted(EXPECTED)
    shipped = {p.stem for p in shipped_standards_dir().glob("*.json")}
    assert {standard for standard, *_ in EXPECTED.values()} == shipped


@pytest.mark.parametrize("name", FILES)
def test_every_sample_validates(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", str(SAMPLES / name)], capsys)
    assert code == 0, err
    assert out.strip().endswith(": valid")
    doc = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    assert [e.message for e in validator.iter_errors(doc)] == []


def test_gateway_reports_each_sample_and_exits_1_as_not_all_are_ready(capsys: pytest.CaptureFixture[str]) -> None:
    code, reports = gateway(SAMPLES, capsys)
    assert code == 1
    assert sorted(reports) == sorted(EXPECTED)
    for name, (standard, rag, ready, (full, partial, none, total), missing, grade) in EXPECTED.items():
        report = reports[name]
        assert report["standard"] == standard, name
        assert (report["rag"], report["ready"]) == (rag, ready), name
        assert report["coverage"] == {"full": full, "partial": partial, "none": none, "total": total}, name
        assert report["missing"] == missing, name
        assert report["predicted_grade"]["grade"] == grade, name
        if rag == "amber":
            assert all(item["due"] > AS_OF for item in open_items(report).values()), name


def test_odo_nearly_ready_waits_only_for_items_due_at_gateway(capsys: pytest.CaptureFixture[str]) -> None:
    report = gateway(SAMPLES / "odo-nearly-ready.json", capsys)[1]["odo-nearly-ready.json"]
    # Off-the-job hours count to the end of the practical period (the gateway, 2026-12-28), not the EPA:
    # 6 h/week x 74 weeks (518 days from 2025-07-28) x 46.4 / 52 = 396.2 hours, and 405 are logged.
    assert set(open_items(report)) == {"criteria", "last-day-of-learning", "employer-confirmation"}
    assert report["gateway_date"] == "2026-12-28"
    assert statuses(report) == {
        "plan-review": "done", "line-manager-review": "done", "completion-window": "open",
        "submission": "upcoming", "presentation": "upcoming",
    }
    assert report["otj"]["state"] == "on-track" and report["otj"]["logged"] == 405
    assert report["reviews"]["overdue"] == [] and report["reviews"]["next_due"] == "2026-12-10"
    pieces = evidence(SAMPLES / "odo-nearly-ready.json", capsys)
    waiting = [e for e in pieces if e["status"] == "submitted"]
    assert {c for e in waiting for c in e["criteria"]} >= {"K3", "S5"}
    assert len(waiting) == 2
    resubmitted = next(e for e in pieces if len(e["judgements"]) == 2)
    assert [j["outcome"] for j in resubmitted["judgements"]] == ["refer", "accept"]
    assert {j["by"] for e in pieces for j in e["judgements"]} == {"tutor.jones"}


def test_odo_gaps_has_an_overdue_milestone_a_missed_review_and_hours_behind(capsys) -> None:
    report = gateway(SAMPLES / "odo-gaps-overdue.json", capsys)[1]["odo-gaps-overdue.json"]
    # A 56-day break moves the planned end (2027-01-13) to 2027-03-10, and the plan review to 2026-09-10.
    assert report["effective_end"] == "2027-03-10"
    overdue = [m for m in report["milestones"] if m["status"] == "overdue"]
    assert [(m["key"], m["date"]) for m in overdue] == [("plan-review", "2026-09-10")]
    # 12 weeks from each review: the whole history is listed, the last one still overdue.
    assert [(g["due"], g["held"]) for g in report["reviews"]["gaps"]] == [
        ("2025-10-06", "2025-10-09"), ("2026-01-01", "2026-01-12"), ("2026-06-01", "2026-06-04"), ("2026-08-27", None),
    ]  # fmt: skip
    assert report["reviews"]["overdue"] == ["2026-08-27"]
    assert report["otj"]["state"] == "behind"
    items = open_items(report)
    assert {"timeline", "reviews", "english-maths", "prerequisite:l3-certificate-operational-delivery"} <= set(items)
    assert items["timeline"]["due"] is None
    pieces = evidence(SAMPLES / "odo-gaps-overdue.json", capsys)
    assert any(e["status"] == "referred" for e in pieces)
    assert sum(e["status"] == "submitted" for e in pieces) == 2


def test_csp_midway_has_an_observation_with_two_customers_a_role_play_and_no_epa_booked(capsys) -> None:
    report = gateway(SAMPLES / "csp-midway.json", capsys)[1]["csp-midway.json"]
    assert set(open_items(report)) == {
        "criteria", "otj-target", "last-day-of-learning", "epa-month-decided", "epa-booked", "employer-confirmation",
    }
    assert statuses(report) == {"showcase-compiled": "upcoming", "end": "upcoming"}
    pieces = evidence(SAMPLES / "csp-midway.json", capsys)
    observation = next(e for e in pieces if e["kind"] == "observation" and "two customers" in e["title"])
    assert observation["status"] == "accepted" and not observation["simulated"]
    role_play = next(e for e in pieces if e["simulated"])
    assert role_play["criteria"] == ["S5"] and role_play["status"] == "accepted"
    assert "S5" not in report["missing"]


def test_ilm_referred_names_the_apply_section_from_the_qa_mark(capsys: pytest.CaptureFixture[str]) -> None:
    report = gateway(SAMPLES / "ilm-referred.json", capsys)[1]["ilm-referred.json"]
    prediction = report["predicted_grade"]
    assert prediction["reason"] == (
        f"Referral: all 7 assessment criteria evidenced; {APPLY_SECTION} (20 of 44, minimum 22) "
        "(quality-assurance mark)"
    )
    assert prediction["provisional"] is False
    grades = json.loads((SAMPLES / "ilm-referred.json").read_text(encoding="utf-8"))["grades"].values()
    marks = {g["values"]["role"]: g["values"]["sections"] for g in grades}
    assert marks == {
        "assessor": {"define": 6, "apply": 21, "report": 31},
        "qa": {"define": 6, "apply": 20, "report": 30},
    }
    assert sum(marks["qa"].values()) == 56


@pytest.mark.parametrize("name", ["ilm-2012-new.json", "ocr-cs-learner.json"])
def test_partial_frameworks_hold_untagged_evidence(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    report = gateway(SAMPLES / name, capsys)[1][name]
    assert open_items(report)["criteria"]["detail"].startswith("the standard file lists no criteria")
    pieces = evidence(SAMPLES / name, capsys)
    assert pieces and all(e["criteria"] == [] and not e["simulated"] for e in pieces)


def test_ilm_2012_learner_has_induction_and_tutorial_hours(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((SAMPLES / "ilm-2012-new.json").read_text(encoding="utf-8"))
    induction = sum(e["hours"] for e in doc["otj"].values() if e["category"] == "induction")
    support = [e for e in doc["otj"].values() if e["category"] == "learning-support"]
    tutorials = sum(e["hours"] for e in support if e["description"].startswith("Tutorial"))
    assert (induction, tutorials) == (2, 3)


def test_nearly_ready_sample_made_ready_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "odo-nearly-ready.json"
    shutil.copyfile(SAMPLES / path.name, path)
    for piece in evidence(path, capsys):
        if piece["status"] == "submitted":
            code, _, err = run(["evidence", "assess", str(path), str(piece["id"]), "--accept",
                                "--feedback", "Meets the standard."], capsys)
            assert code == 0, err
    for day in ("2026-11-23", "2026-11-24"):
        code, _, err = run(["otj", "add", str(path), "--date", day, "--hours", "8", "--category", "assignment",
                            "--description", "Showcase portfolio: final selection"], capsys)
        assert code == 0, err
    code, _, err = run(["checklist", "record", str(path), "employer-confirmation", "--date", AS_OF,
                        "--detail", "Gareth Lewis confirms Priya is ready"], capsys)
    assert code == 0, err
    # The last day of learning is recorded apart from the sign-off, with learning evidenced on it (the hours above).
    code, _, err = run(["learner", "set", str(path), "--last-day-of-learning", AS_OF], capsys)
    assert code == 0, err

    code, reports = gateway(path, capsys)
    report = reports[path.name]
    assert code == 0
    assert (report["ready"], report["rag"], report["missing"]) == (True, "green", [])
    assert report["coverage"] == {"full": 22, "partial": 0, "none": 0, "total": 22}
    assert all(item["ok"] for item in report["checklist"])


def test_the_generator_makes_the_samples_shipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The committed samples are what make_samples.py makes now (apart from when it ran)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_samples", module)
    spec.loader.exec_module(module)
    made = module.build(tmp_path)
    assert sorted(p.name for p in made) == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == FILES

    def comparable(reports: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {name: {k: v for k, v in r.items() if k != "path"} for name, r in reports.items()}

    assert comparable(gateway(tmp_path, capsys)[1]) == comparable(gateway(SAMPLES, capsys)[1])
    for name in FILES:
        assert [(e["title"], e["criteria"], e["status"]) for e in evidence(tmp_path / name, capsys)] == [
            (e["title"], e["criteria"], e["status"]) for e in evidence(SAMPLES / name, capsys)
        ]
