"""The funding rules from the command line: rule, source and pace in `gateway --json`, the cohort's Distinction,
the named records the rules ask for, and milestone windows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.services.portfolios import PortfolioService

AS_OF = "2026-11-24"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def learner(folder: Path, name: str, start: str = "2025-06-02", end: str = "2027-01-29") -> Path:
    path = folder / f"{name.lower()}.json"
    PortfolioService.create(path, learner=name, standard="odo-l3", start=start, end=end, actor="test")
    return path


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    folder = tmp_path / "cohort"
    folder.mkdir()
    return folder


def test_gateway_json_names_the_rule_and_source_of_each_funding_item_and_the_pace(cohort: Path, capsys) -> None:
    path = learner(cohort, "Ada")
    logged = run(capsys, "otj", "add", str(path), "--date", "2025-09-01", "--hours", "8", "--category", "teaching")
    assert logged[0] == 0
    code, out, _ = run(capsys, "gateway", str(path), "--json", "--as-of", AS_OF)
    [doc] = json.loads(out)["portfolios"]
    items = {c["key"]: c for c in doc["checklist"]}
    assert {k: items[k]["rule"] for k in ("otj-target", "minimum-duration", "reviews", "english-maths")} == {
        "otj-target": "otj-6-hours",  # a start on 2 Jun 2025, before 1 Aug 2025
        "minimum-duration": "duration-12-months",
        "reviews": "reviews-12-weeks",
        "english-maths": "english-maths-required",
    }
    assert all(items[k]["source"] for k in ("otj-target", "minimum-duration", "reviews", "english-maths"))
    assert "P59" in items["reviews"]["source"]
    # Practical period to the gateway, 2026-12-29 (a month before the planned end): 575 days = 82.14 weeks,
    # less leave: x 46.4 / 52 = 73.30 weeks x 6 h = 439.8 h target; 431.8 owed over 5 weeks left = 86.36 h/week.
    assert doc["otj"]["target"] == pytest.approx(439.8, abs=0.05)
    assert items["otj-target"]["pace"] == doc["otj"]["pace"] == pytest.approx(86.36, abs=0.05)
    assert doc["otj"]["practical_end"] == "2026-12-29"


def test_the_cohorts_top_ten_percent_over_a_folder(cohort: Path, capsys) -> None:
    grades = {"Ada": ("distinction", "distinction"), "Ben": ("pass", "pass"), "Cy": ("pass", "distinction")}
    for name, (showcase, rest) in grades.items():
        path = learner(cohort, name)
        for component in ("showcase-portfolio", "work-based-project", "presentation", "interview"):
            grade = showcase if component == "showcase-portfolio" else rest
            code, _, err = run(capsys, "grade", "record", str(path), "--component", component, "--grade", grade,
                               "--on", "2026-11-01")
            assert code == 0, err
    _, out, _ = run(capsys, "gateway", str(cohort), "--json", "--as-of", AS_OF)
    docs = {d["learner"]: d["predicted_grade"] for d in json.loads(out)["portfolios"]}
    # Aggregates: Ada 100; Cy 50 x 0.5 + 100 x 0.5 = 75; Ben 50. The top 10% of 3 marks is 1 learner: Ada.
    assert {n: (g["cohort"]["aggregate"], g["cohort"]["rank"], g["cohort"]["in_top"]) for n, g in docs.items()} == {
        "Ada": (100.0, 1, True), "Cy": (75.0, 2, False), "Ben": (50.0, 3, False),
    }  # fmt: skip
    assert all(g["cohort"]["cohort_size"] == 3 for g in docs.values())


def test_learner_set_records_the_rule_fields_with_their_names_and_refuses_them_without(cohort: Path, capsys) -> None:
    path = learner(cohort, "Ada")
    code, _, err = run(capsys, "learner", "set", str(path), "--review-cadence", "6-months")
    assert code == 2 and "--review-agreed-by: " in err  # a frequency other than the rule's needs the employer
    ok = [
        ["--review-cadence", "4-months", "--review-agreed-by", "Bea Employer"],
        ["--age-at-start", "19", "--english-maths", "not-required", "--english-maths-decided-by", "Bea Employer"],
        ["--prior-learning-hours", "40", "--prior-learning-reason", "Level 2 award", "--prior-learning-agreed-by",
         "Bea Employer"],
    ]  # fmt: skip
    for args in ok:
        code, _, err = run(capsys, "learner", "set", str(path), *args)
        assert code == 0, err
    before = path.read_bytes()
    refused = {
        ("--review-agreed-by", "Bea Employer"): "--review-cadence: ",
        ("--english-maths", "not-required"): "--english-maths-decided-by: ",
        ("--prior-learning-hours", "40"): "--prior-learning-reason: ",
        ("--last-day-of-learning", "2099-01-01"): "--last-day-of-learning: ",
        ("--last-day-of-learning", "2025-01-01"): "--last-day-of-learning: ",
    }
    for args, field in refused.items():
        code, out, err = run(capsys, "learner", "set", str(path), *args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and field in err, err
    assert path.read_bytes() == before
    _, out, _ = run(capsys, "gateway", str(path), "--json", "--as-of", AS_OF)
    [doc] = json.loads(out)["portfolios"]
    items = {c["key"]: c for c in doc["checklist"]}
    # The names are the tutor's typing: nothing counts until the employer's account confirms it.
    assert doc["awaiting_employer"] == ["english-maths", "prior-learning", "review-cadence"]
    assert items["reviews"]["rule"] == "reviews-12-weeks" and "every 4 calendar months) awaits the employer's " \
        "confirmation" in items["reviews"]["detail"]
    assert not items["english-maths"]["ok"] and "noted by the recorder as Bea Employer" in items["english-maths"][
        "detail"]
    assert doc["otj"]["prior_learning"] == 0
    code, out, err = run(capsys, "learner", "confirm", str(path), "review-cadence", "english-maths", "prior-learning")
    assert code == 0, err
    me = PortfolioService(path).learner.employer_confirmations[0].by
    _, out, _ = run(capsys, "gateway", str(path), "--json", "--as-of", AS_OF)
    [doc] = json.loads(out)["portfolios"]
    items = {c["key"]: c for c in doc["checklist"]}
    assert doc["awaiting_employer"] == []
    assert items["reviews"]["rule"] == "reviews-agreed-frequency"
    assert f"(agreed: confirmed by the employer, {me})" in items["reviews"]["detail"]
    assert items["english-maths"]["ok"] and items["english-maths"]["rule"] == "english-maths-optional-19-plus"
    assert doc["otj"]["prior_learning"] == 40


def test_an_otj_target_below_the_floor_is_refused_for_a_2025_start(cohort: Path, capsys) -> None:
    path = learner(cohort, "Ada", start="2025-08-01", end="2026-08-01")
    code, _, err = run(capsys, "learner", "set", str(path), "--otj-target", "150")
    assert code == 2 and "187-hour floor" in err
    assert run(capsys, "learner", "set", str(path), "--otj-target", "187")[0] == 0


def test_a_milestone_window_is_enforced_and_an_out_of_order_milestone_is_shown(cohort: Path, capsys) -> None:
    path = learner(cohort, "Ada")  # planned end 2027-01-29: the completion window opens 2026-10-29
    before = path.read_bytes()
    code, _, err = run(capsys, "milestone", "done", str(path), "completion-window", "--date", "2025-09-01")
    assert code == 2 and "cannot be done before 2026-10-29" in err
    code, _, err = run(capsys, "milestone", "done", str(path), "plan-review", "--date", "2099-01-01")
    assert code == 2
    assert path.read_bytes() == before
    # The line manager's review (due 2026-10-29) done before the plan review (due 2026-07-29) was done.
    assert run(capsys, "milestone", "done", str(path), "line-manager-review", "--date", "2026-07-20")[0] == 0
    assert run(capsys, "milestone", "done", str(path), "plan-review", "--date", "2026-08-01")[0] == 0
    _, out, _ = run(capsys, "timeline", str(path), "--json", "--as-of", AS_OF)
    flags = {m["key"]: m.get("out_of_order") for m in json.loads(out)["milestones"]}
    assert flags["line-manager-review"] is True and flags["plan-review"] is False


def test_timeline_says_when_no_further_review_falls_due_instead_of_none(cohort: Path, capsys, monkeypatch) -> None:
    """A review held late in the programme leaves the next one due after the practical period: the text
    output says so in words (it printed 'next due None')."""
    monkeypatch.setenv("COLUMNS", "200")
    path = learner(cohort, "Tom", start="2025-09-01", end="2027-03-01")
    assert run(capsys, "review", "add", str(path), "--date", "2026-11-24", "--attendees", "Tom")[0] == 0
    code, out, _ = run(capsys, "timeline", str(path), "--as-of", AS_OF)
    assert code == 0 and "None" not in out
    assert "no further review due before the practical period ends; missed: 1" in out
    _, raw, _ = run(capsys, "timeline", str(path), "--json", "--as-of", AS_OF)
    assert '"next_due": null' in raw


def test_timeline_lists_each_held_reviews_confirmations_in_text_and_json(cohort: Path, capsys, monkeypatch) -> None:
    """The text output said when reviews fall due but not who confirmed the ones held; it now lists them, as
    --json's ``reviews.held`` does: each party's confirmation by its account, who is still to, and names only
    written down by the recorder (never counted)."""
    monkeypatch.setenv("COLUMNS", "300")
    path = learner(cohort, "Tom", start="2025-09-01", end="2027-03-01")
    assert run(capsys, "review", "add", str(path), "--date", "2025-10-01", "--attendees", "Tom",
               "--signed-by", "provider")[0] == 0
    assert run(capsys, "review", "confirm", str(path), "1", "--party", "employer")[0] == 0
    code, out, _ = run(capsys, "timeline", str(path), "--as-of", AS_OF)
    me = PortfolioService(path).load().reviews[0].confirmations[0].by
    assert code == 0
    assert (f"held 2025-10-01 (review 1): Confirmed by the provider ({me}), the employer ({me}). "
            "Waiting for the apprentice.") in out
    _, raw, _ = run(capsys, "timeline", str(path), "--json", "--as-of", AS_OF)
    [held] = json.loads(raw)["reviews"]["held"]
    assert [(c["party"], c["by"]) for c in held["confirmations"]] == [("provider", me), ("employer", me)]
    assert held["awaiting"] == ["apprentice"] and held["noted_by_recorder"] == []


def test_learner_set_and_history_name_what_changed_as_the_profile_does(cohort: Path, capsys) -> None:
    """QA Q15: `learner set` and the history said "changed otj_target_hours, review_cadence_agreed_by"."""
    path = learner(cohort, "Ada")
    code, out, err = run(capsys, "learner", "set", str(path), "--otj-target", "600", "--english-maths", "not-required",
                         "--english-maths-decided-by", "Bea Employer", "--end", "2027-06-30")
    assert code == 0, err
    said = "changed off-the-job target, English and maths, English and maths decided by, planned end"
    assert out.startswith(f"learner: {said} (revision"), out
    history = json.loads(run(capsys, "history", str(path), "--json")[1])["history"]
    assert history[0]["detail"] == said
