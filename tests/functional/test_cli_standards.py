"""`portfolio standards list|show|validate` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.locations import shipped_standards_dir


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_names_every_shipped_framework(capsys) -> None:
    code, out, _ = run(["standards", "list", "--json"], capsys)
    assert code == 0
    ids = {s["id"] for s in json.loads(out)["standards"]}
    assert {"odo-l3", "csp-l2", "ilm-l5-si-2011", "ilm-l5-si-2012", "ocr-cs"} <= ids


def test_user_standard_is_listed_and_shown(user_standards_dir: Path, capsys) -> None:
    data = json.loads((shipped_standards_dir() / "csp-l2.json").read_text())
    data["id"], data["title"] = "my-own", "My own framework"
    (user_standards_dir / "my-own.json").write_text(json.dumps(data))
    code, out, _ = run(["standards", "list", "--json"], capsys)
    listed = {s["id"]: s for s in json.loads(out)["standards"]}
    assert listed["my-own"]["origin"] == "user"
    code, out, _ = run(["standards", "show", "my-own", "--json"], capsys)
    assert code == 0 and json.loads(out)["title"] == "My own framework"


def test_show_odo_has_22_criteria_in_four_groups(capsys) -> None:
    code, out, _ = run(["standards", "show", "odo-l3", "--json"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert [g["id"] for g in doc["groups"]] == ["values", "knowledge", "skills", "behaviours"]
    assert [len(g["criteria"]) for g in doc["groups"]] == [4, 3, 8, 7]
    assert doc["criteria_count"] == 22


def test_show_csp_has_ksb_areas_and_brief_items(capsys) -> None:
    _, out, _ = run(["standards", "show", "csp-l2", "--json"], capsys)
    doc = json.loads(out)

    def ids(groups):
        for g in groups:
            yield from (c["id"] for c in g["criteria"])
            yield from ids(g.get("groups", []))

    all_ids = list(ids(doc["groups"]))
    assert [i for i in all_ids if i[0] in "KSB" and i[1:].isdigit()] == (
        [f"K{i}" for i in range(1, 8)] + [f"S{i}" for i in range(1, 6)] + [f"B{i}" for i in range(1, 7)]
    )
    brief = [i for i in all_ids if i[0].isdigit()]
    assert brief[0] == "1.1" and brief[-1] == "3.6" and len(brief) == 14


def test_show_ilm_2011_has_seven_assessment_criteria(capsys) -> None:
    _, out, _ = run(["standards", "show", "ilm-l5-si-2011", "--json"], capsys)
    doc = json.loads(out)
    assert doc["criteria_count"] == 7
    assert {"mark-sheet", "criterion-assessment"} <= {r["kind"] for r in doc["plan"]["grading"]}


def test_show_unknown_id_is_one_line_exit_2(capsys) -> None:
    code, out, err = run(["standards", "show", "nope"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nope" in err


def test_show_prints_a_readable_tree(capsys) -> None:
    code, out, _ = run(["standards", "show", "odo-l3"], capsys)
    assert code == 0 and "Integrity" in out


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d.pop("title"), "'title'"),
        (lambda d: d["groups"][0]["criteria"].append(dict(d["groups"][0]["criteria"][0])), "duplicate criterion id"),
        (lambda d: d["plan"]["grading"].__setitem__(0, {"kind": "coin-toss"}), "$.plan.grading[0].kind"),
        (lambda d: d["groups"][1]["criteria"][0].__setitem__("kind", "vibe"), "$.groups[1].criteria[0].kind"),
    ],
    ids=["missing-field", "duplicate-id", "unknown-rule", "bad-criterion-kind"],
)
def test_validate_names_each_problem_with_its_path(tmp_path: Path, capsys, mutate, expected: str) -> None:
    data = json.loads((shipped_standards_dir() / "odo-l3.json").read_text())
    mutate(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    code, out, err = run(["standards", "validate", str(path)], capsys)
    assert code == 2
    assert expected in err
    assert all(line.startswith(f"{path}: $") for line in err.splitlines())
    assert "Traceback" not in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("text", ["{not json", "", '{"format": 1, "format": 1}', "[1, NaN]"])
def test_validate_refuses_malformed_json_in_one_line(tmp_path: Path, capsys, text: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text)
    code, _, err = run(["standards", "validate", str(path)], capsys)
    assert code == 2 and len(err.splitlines()) == 1


def test_validate_accepts_a_shipped_file(capsys) -> None:
    code, out, _ = run(["standards", "validate", str(shipped_standards_dir() / "odo-l3.json")], capsys)
    assert code == 0 and out.strip().endswith("valid")


def test_console_script_and_module_agree(tmp_path: Path) -> None:
    """``python -m portfolio_tui`` is the same program, with the same exit status for bad input."""
    result = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "standards", "show", "nope"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_bad_argument_is_one_line_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["standards", "frobnicate"])
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
