"""`portfolio timeline|gateway` and the commands that record progress, as a tutor scripts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.services.portfolios import PortfolioService

AS_OF = "2026-11-24"


@pytest.fixture
def odo(tmp_path: Path) -> Path:
    path = tmp_path / "cohort" / "ada.json"
    path.parent.mkdir()
    svc = PortfolioService.create(path, learner="Ada Lovelace", standard="odo-l3", start="2025-06-02",
                                  end="2027-01-29", actor="test")
    svc.add_evidence(title="Letter to a customer", date="2025-09-01", kind="product", criteria=["S1", "S2"])
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_gateway_json_keeps_the_public_keys(odo: Path, capsys) -> None:
    code, out, _ = run(capsys, "gateway", str(odo.parent), "--json", "--as-of", AS_OF)
    assert code == 1
    [doc] = json.loads(out)["portfolios"]
    assert {"path", "learner", "standard", "ready", "rag", "coverage", "missing", "milestones", "checklist",
            "otj", "predicted_grade"} <= set(doc)
    assert set(doc["coverage"]) >= {"full", "partial", "none", "total"}
    assert doc["coverage"] == {"full": 0, "partial": 2, "none": 20, "total": 22}
    assert {"key", "date", "status"} <= set(doc["milestones"][0])
    assert {"key", "ok", "detail"} <= set(doc["checklist"][0])
    assert {"logged", "target"} <= set(doc["otj"])
    assert {"grade", "reason"} <= set(doc["predicted_grade"])
    assert doc["ready"] is False and doc["rag"] == "red"


def test_gateway_table_and_bad_input(odo: Path, tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "gateway", str(odo), "--as-of", AS_OF)
    assert code == 1 and "Ada Lovelace" in out and "RED" in out
    code, _, err = run(capsys, "gateway", str(tmp_path / "nowhere"))
    assert code == 2 and len(err.splitlines()) == 1
    broken = tmp_path / "cohort" / "broken.json"
    broken.write_text("{")
    code, out, _ = run(capsys, "gateway", str(odo.parent), "--json", "--as-of", AS_OF)
    assert code == 2 and json.loads(out)["errors"][0]["path"] == str(broken)


def test_timeline_json_moves_with_a_break(odo: Path, capsys) -> None:
    _, out, _ = run(capsys, "timeline", str(odo), "--json", "--as-of", AS_OF)
    before = {m["key"]: m["date"] for m in json.loads(out)["milestones"]}
    assert before["plan-review"] == "2026-07-29" and before["presentation"] == "2027-01-29"
    assert run(capsys, "break", "add", str(odo), "--start", "2026-01-05", "--end", "2026-02-02")[0] == 0
    _, out, _ = run(capsys, "timeline", str(odo), "--json", "--as-of", AS_OF)
    after = {m["key"]: m["date"] for m in json.loads(out)["milestones"]}
    assert after["presentation"] == "2027-02-26" and after["plan-review"] == "2026-08-26"


def test_recording_progress_changes_the_gateway(odo: Path, capsys) -> None:
    path = str(odo)
    for key in ("l2-award-operational-delivery", "l3-certificate-operational-delivery", "maths-l2", "english-l2"):
        assert run(capsys, "prerequisite", "record", path, key, "--date", "2025-12-01")[0] == 0
    assert run(capsys, "review", "add", path, "--date", "2025-08-20", "--attendees", "Ada,Sam,Tom")[0] == 0
    assert run(capsys, "otj", "add", path, "--date", "2025-07-01", "--hours", "6", "--category", "teaching")[0] == 0
    assert run(capsys, "otj", "add", path, "--date", "2025-07-02", "--hours", "2", "--category", "exam")[0] == 0
    assert run(capsys, "checklist", "record", path, "employer-confirmation", "--date", "2026-11-20")[0] == 0
    assert run(capsys, "milestone", "done", path, "plan-review", "--date", "2026-07-30")[0] == 0
    assert run(capsys, "grade", "record", path, "--component", "presentation", "--grade", "pass")[0] == 0
    _, out, _ = run(capsys, "gateway", path, "--json", "--as-of", AS_OF)
    doc = json.loads(out)["portfolios"][0]
    checklist = {c["key"]: c["ok"] for c in doc["checklist"]}
    assert all(checklist[k] for k in checklist if k.startswith("prerequisite:"))
    assert checklist["employer-confirmation"] is True
    assert doc["otj"]["logged"] == 6
    assert {m["key"]: m["status"] for m in doc["milestones"]}["plan-review"] == "done"


@pytest.mark.parametrize(
    "argv, field",
    [
        (["prerequisite", "record", "{p}", "nope", "--date", "2025-12-01"], "key"),
        (["otj", "add", "{p}", "--date", "2025-07-01", "--hours", "-1", "--category", "teaching"], "hours"),
        (["otj", "add", "{p}", "--date", "2025-07-01", "--hours", "2", "--category", "napping"], "category"),
        (["review", "add", "{p}", "--date", "31/02/2026"], "date"),
        (["milestone", "done", "{p}", "graduation"], "milestone"),
        (["checklist", "record", "{p}", "epa-booked", "--date", "2026-01-01"], "key"),
        (["grade", "record", "{p}", "--component", "juggling", "--grade", "pass"], "component"),
        (["grade", "record", "{p}", "--method", "observation", "--pass-met", "3"], "kind"),
        (["break", "add", "{p}", "--start", "2026-03-01", "--end", "2026-02-01"], "end"),
        (["learner", "set", "{p}", "--contracted-hours", "0"], "--contracted-hours: "),
        (["learner", "set", "{p}", "--epa-date", "2020-01-01"], "--epa-date: "),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(odo: Path, capsys, argv: list[str], field: str) -> None:
    before = odo.read_bytes()
    code, _, err = run(capsys, *[a.format(p=odo) for a in argv])
    assert code == 2
    assert err.startswith("portfolio: ") and len(err.splitlines()) == 1 and field in err
    assert odo.read_bytes() == before


def test_learner_set_feeds_the_rules(odo: Path, capsys) -> None:
    assert run(capsys, "learner", "set", str(odo), "--otj-target", "600", "--epa-date", "2027-01-15")[0] == 0
    _, out, _ = run(capsys, "gateway", str(odo), "--json", "--as-of", AS_OF)
    doc = json.loads(out)["portfolios"][0]
    assert doc["otj"]["target"] == 600
    assert {m["key"]: m["date"] for m in doc["milestones"]}["presentation"] == "2027-01-15"


def test_bad_input_names_the_option_the_user_typed(tmp_path, capsys) -> None:
    """A service's field (otj_target_hours) is named as the CLI names it (--otj-target); one line, exit 2,
    the file unchanged byte for byte."""
    from portfolio_tui.cli import main
    from tests.functional.store_helpers import new_portfolio

    path = new_portfolio(tmp_path)
    before = path.read_bytes()
    for option, value, shown in (("--otj-target", "lots", "--otj-target: "),
                                 ("--contracted-hours", "99", "--contracted-hours: "),
                                 ("--epa-date", "31/02/2026", "--epa-date: ")):
        assert main(["learner", "set", str(path), option, value]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"portfolio: {shown}") and err.count("\n") == 1, err
        assert "otj_target_hours" not in err and "contracted_hours_per_week" not in err
    assert path.read_bytes() == before
