"""The command line as terminal users expect it, run through the installed ``portfolio`` entry point.

Each test is one habit from git, gh or ripgrep: your own file by default, keys you can find, no
abbreviated options, plausible dates and hours, ``--json`` on every read, exit statuses in
``--help``, completion. Bad input is one line on stderr, exit 2, and the file unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ENTRY_POINT = Path(sys.executable).with_name("portfolio")
TODAY = date.today()


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if not ENTRY_POINT.exists():
        pytest.fail(f"the `portfolio` entry point is not installed beside {sys.executable}: pip install -e .")
    return subprocess.run([str(ENTRY_POINT), *args], capture_output=True, text=True, env=env or os.environ.copy(),
                          cwd=cwd, timeout=60)


def bad_input(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """One line on stderr naming the problem, exit 2, nothing on stdout."""
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """The account's own portfolio, at the default place under PORTFOLIO_TUI_HOME."""
    home = Path(os.environ["PORTFOLIO_TUI_HOME"])
    path = home / "portfolio.json"
    start = TODAY.replace(day=1).replace(year=TODAY.year - 1).isoformat()
    result = run("new", str(path), "--learner", "Priya Shah", "--standard", "odo-l3", "--start", start,
                 "--end", TODAY.replace(year=TODAY.year + 1, day=1).isoformat())
    assert result.returncode == 0, result.stderr
    return path


# Your own portfolio by default ------------------------------------------------------------------


def test_where_prints_the_portfolio_data_and_standards_folders() -> None:
    home = Path(os.environ["PORTFOLIO_TUI_HOME"])
    result = run("where", "--json")
    assert result.returncode == 0
    places = json.loads(result.stdout)
    assert places["portfolio"] == str(home / "portfolio.json")
    assert places["data"] == str(home)
    assert places["standards"] == os.environ["PORTFOLIO_TUI_STANDARDS"]
    assert places["portfolio_exists"] is False
    text = run("where").stdout
    assert str(home / "portfolio.json") in text and "PORTFOLIO_TUI_HOME" in text


def test_commands_use_your_own_portfolio_when_file_is_left_out(own: Path) -> None:
    added = run("evidence", "add", "--title", "Letter", "--date", TODAY.isoformat(), "--kind", "product",
                "--criteria", "K1")
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("evidence", "list", "--json").stdout)
    assert listed["path"] == str(own)
    assert [e["title"] for e in listed["evidence"]] == ["Letter"]
    assert run("timeline", "--json").returncode == 0
    assert json.loads(run("gateway", "--json").stdout)


def test_no_own_portfolio_yet_says_where_it_looked_and_how_to_make_one() -> None:
    result = run("evidence", "list")
    bad_input(result, "no portfolio yet", "portfolio.json", "run `portfolio`")


def test_help_names_the_default_portfolio_the_home_variable_and_the_exit_statuses() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "portfolio where" in result.stdout and "PORTFOLIO_TUI_HOME" in result.stdout
    assert "exit status:" in result.stdout
    for line in ("0  done, or ready", "1  refused, not ready", "2  bad input"):
        assert line in result.stdout


def test_every_positional_argument_has_help() -> None:
    from portfolio_tui.cli import build_parser
    from portfolio_tui.cli.conventions import walk

    missing = [
        f"{' '.join(names)} {action.dest}"
        for names, parser in walk(build_parser())
        for action in parser._actions
        if not action.option_strings and action.help is None and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


# Keys where you need them ------------------------------------------------------------------------


def test_standards_show_lists_the_keys_to_record_with_their_titles() -> None:
    out = run("standards", "show", "odo-l3").stdout
    assert "portfolio checklist record FILE KEY" in out
    for key in ("epa-organisation-chosen", "employer-confirmation", "english-l2", "plan-review", "presentation"):
        assert key in out


def test_help_that_takes_a_key_says_how_to_list_them() -> None:
    for command in (("checklist", "record"), ("prerequisite", "record"), ("milestone", "done")):
        assert "portfolio standards show" in run(*command, "--help").stdout


def test_help_lists_every_kind_and_category() -> None:
    help_text = run("evidence", "add", "--help").stdout
    kind_help = help_text[help_text.index("\n  --kind KIND"):].split("\n  --criteria")[0]
    assert "witness-testimony" in kind_help.replace("\n", "").replace(" ", "") and "..." not in kind_help
    otj = run("otj", "add", "--help").stdout
    assert "DOMAIN" not in otj and "self-study" in otj.replace("\n", "").replace(" ", "")


def complete(line: str, cwd: Path, tmp_path: Path) -> list[str]:
    """argcomplete's own test hook: the shell's request in the environment, the answer in a file."""
    out = tmp_path / "completions"
    env = os.environ | {"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
                        "_ARGCOMPLETE_STDOUT_FILENAME": str(out), "_ARGCOMPLETE_IFS": "\n"}
    result = run(env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return [word.strip() for word in out.read_text().split("\n")]


def test_completion_offers_the_standards_checklist_keys(own: Path, tmp_path: Path) -> None:
    words = complete(f"portfolio checklist record {own} ", tmp_path, tmp_path)
    assert {"epa-organisation-chosen", "employer-confirmation"} <= set(words)
    words = complete(f"portfolio milestone done {own} pl", tmp_path, tmp_path)
    assert "plan-review" in words
    words = complete(f"portfolio evidence add {own} --criteria K1,S", tmp_path, tmp_path)
    assert "K1,S1" in words and all(w.startswith("K1,S") for w in words if w)
    assert "gateway" in complete("portfolio gat", tmp_path, tmp_path)


def test_completion_prints_shell_code() -> None:
    result = run("completion", "bash")
    assert result.returncode == 0 and "portfolio" in result.stdout and "complete" in result.stdout


# Options ------------------------------------------------------------------------------------------


def test_abbreviated_options_are_unknown(own: Path) -> None:
    before = own.read_bytes()
    result = run("evidence", "add", "--tit", "x", "--date", TODAY.isoformat(), "--kind", "product",
                 "--criteria", "K1")
    bad_input(result, "unknown option --tit")
    assert own.read_bytes() == before


def test_a_misspelt_option_is_named_as_unknown_not_as_a_missing_one(own: Path) -> None:
    result = run("evidence", "add", "--titel", "x", "--date", TODAY.isoformat())
    bad_input(result, "unknown option --titel", "did you mean --title?")


def test_a_file_given_without_the_id_after_it_says_the_id_is_missing(own: Path) -> None:
    """`evidence remove FILE` (the id forgotten) is not "invalid int value: FILE": argparse gives the only
    word to the required id, so the message says the id is missing after the file."""
    before = own.read_bytes()
    result = run("evidence", "remove", str(own))
    bad_input(result, "id is missing", str(own))
    assert "invalid int" not in result.stderr
    assert own.read_bytes() == before
    bad_input(run("evidence", "remove", "2x"), "invalid int value: '2x'")


# Dates and hours ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "why"),
    [("11/21/2025", "ambiguous"), ("21/11/25", "year in full"), ("31/02/2025", "not a real date")],
)
def test_ambiguous_or_impossible_dates_are_refused(own: Path, typed: str, why: str) -> None:
    before = own.read_bytes()
    result = run("evidence", "add", "--title", "x", "--date", typed, "--kind", "product", "--criteria", "K1")
    bad_input(result, typed, why)
    assert own.read_bytes() == before


def test_day_first_dates_are_read_day_first(own: Path) -> None:
    day = TODAY.replace(day=1)
    typed = f"{day.day:02d}/{day.month:02d}/{day.year}"
    added = run("evidence", "add", "--title", "y", "--date", typed, "--kind", "product", "--criteria", "K1")
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("evidence", "list", "--json").stdout)["evidence"]
    assert day.isoformat() in {e["date"] for e in listed}


@pytest.mark.parametrize("year_offset", [-6, 3])
def test_an_implausible_start_is_refused(tmp_path: Path, year_offset: int) -> None:
    start = TODAY.replace(day=1, year=TODAY.year + year_offset).isoformat()
    path = tmp_path / "p.json"
    result = run("new", str(path), "--learner", "A", "--standard", "odo-l3", "--start", start, "--end", "2031-01-01")
    bad_input(result, "start", "not a plausible start")
    assert not path.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ("grade", "record", "--component", "presentation", "--grade", "pass", "--on", "2099-01-01"),
        ("evidence", "add", "--title", "x", "--kind", "product", "--criteria", "K1", "--date", "2099-01-01"),
        ("otj", "add", "--hours", "2", "--category", "teaching", "--date", "2099-01-01"),
        ("checklist", "record", "epa-organisation-chosen", "--date", "2099-01-01"),
        ("review", "add", "--date", "2099-01-01"),
        ("break", "add", "--start", "2099-01-01"),
        ("prerequisite", "record", "english-l2", "--date", "2099-01-01"),
        ("milestone", "done", "plan-review", "--date", "2099-01-01"),
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_future_dates_are_refused_for_past_events(own: Path, argv: tuple[str, ...]) -> None:
    before = own.read_bytes()
    bad_input(run(*argv), "2099-01-01", "today")
    assert own.read_bytes() == before


def test_a_break_cannot_end_in_the_future(own: Path) -> None:
    assert run("break", "add", "--start", TODAY.replace(day=1).isoformat()).returncode == 0
    before = own.read_bytes()
    bad_input(run("break", "end", "1", "--end", "2099-01-01"), "2099-01-01", "today")
    assert own.read_bytes() == before


@pytest.mark.parametrize("hours", ["25", "1000000000", "24.5"])
def test_more_hours_than_a_day_holds_are_refused(own: Path, hours: str) -> None:
    before = own.read_bytes()
    bad_input(run("evidence", "add", "--title", "x", "--date", TODAY.isoformat(), "--kind", "product",
                  "--criteria", "K1", "--hours", hours), "hours", "at most 24")
    bad_input(run("otj", "add", "--date", TODAY.isoformat(), "--hours", hours, "--category", "teaching"),
              "hours", "at most 24")
    assert own.read_bytes() == before


def test_dates_beyond_the_years_a_portfolio_holds_are_refused_where_typed(own: Path, tmp_path: Path) -> None:
    """Review R12: "9999-12-31" typed for "no end yet", then a break, put the timeline's sums past the end of the
    calendar and took the whole caseload down with a traceback. Each is one line, exit 2, nothing written."""
    before = own.read_bytes()
    start = TODAY.replace(day=1).replace(year=TODAY.year - 1).isoformat()
    path = tmp_path / "y.json"
    bad_input(run("new", str(path), "--learner", "Y", "--standard", "odo-l3", "--start", start, "--end", "9999-12-31"),
              "9999-12-31", "not a plausible date")
    bad_input(run("new", str(path), "--learner", "Y", "--standard", "odo-l3", "--start", start, "--end", "2099-01-01"),
              "end", "10 years after the start")
    assert not path.exists()
    bad_input(run("break", "add", "--start", TODAY.isoformat(), "--end", "9999-12-31", "--reason", "x"), "9999-12-31")
    bad_input(run("learner", "set", "--end", "9999-12-31"), "9999-12-31")
    bad_input(run("gateway", str(own), "--as-of", "0001-01-01"), "0001-01-01")
    assert own.read_bytes() == before


def test_a_hand_edited_date_out_of_range_is_that_files_error_not_the_caseloads(own: Path, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    good = cohort / "good.json"
    good.write_bytes(own.read_bytes())
    bad = cohort / "bad.json"
    text = own.read_text()
    end = json.loads(text)["learner"]["1"]["planned_end"]
    bad.write_text(text.replace(f'"planned_end":"{end}"', '"planned_end":"9999-12-31"', 1))
    assert bad.read_text() != text
    result = run("gateway", str(cohort))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "bad.json" in line and "planned_end" in line and "1900 to 2199" in line, line
    assert "good.json" in result.stdout
    listed = json.loads(run("gateway", str(cohort), "--json").stdout)
    assert [Path(p["path"]).name for p in listed["portfolios"]] == ["good.json"]
    assert [Path(e["path"]).name for e in listed["errors"]] == ["bad.json"]


# Where output goes --------------------------------------------------------------------------------

SAMPLES = Path(__file__).resolve().parents[2] / "sample_portfolios"


def test_gateway_folder_lists_broken_files_on_stderr_and_keeps_them_out_of_the_count(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    cohort.mkdir()
    samples = sorted(SAMPLES.glob("odo-*.json"))[:3]
    for sample in samples:
        (cohort / sample.name).write_bytes(sample.read_bytes())
    broken = {"torn.json": "{bad", "newer.json": '{"meta": {"1": {"schema_version": 99}}}', "junk.json": "x",
              "empty.json": ""}
    for name, content in broken.items():
        (cohort / name).write_text(content)
    result = run("gateway", str(cohort))
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert sorted(line.split(": ")[1] for line in errors) == sorted(str(cohort / n) for n in broken)
    assert all(line.startswith("portfolio: ") for line in errors)
    assert all(line.count(".json") == 1 for line in errors), errors  # each file named once
    assert not any(name in result.stdout for name in broken)
    assert f"{len(samples)} learners, 0 ready, 4 files unreadable" in result.stdout


def test_standards_validate_of_a_missing_file_is_one_readable_line(tmp_path: Path) -> None:
    result = run("standards", "validate", str(tmp_path / "missing.json"))
    bad_input(result, "missing.json", "no such file")
    assert "Errno" not in result.stderr


# --json on every read or check command ----------------------------------------------------------


def test_check_commands_print_json(own: Path, tmp_path: Path) -> None:
    valid = run("validate", "--json")
    assert valid.returncode == 0 and json.loads(valid.stdout)["valid"] is True
    standard = run("standards", "validate", str(tmp_path / "none.json"), "--json")
    assert standard.returncode == 2 and json.loads(standard.stdout)["valid"] is False
    doctor = run("doctor", str(own.parent), "--json")
    assert doctor.returncode in (0, 1) and {"folder", "ok", "checks"} <= set(json.loads(doctor.stdout))
    check = run("roster", "check", str(own.parent), "evidence.add", own.name, "--json")
    assert check.returncode in (0, 1), check.stderr
    assert set(json.loads(check.stdout)) >= {"allowed", "reason", "account", "action"}


# Every change says what it did ------------------------------------------------------------------


def test_each_change_says_what_which_record_and_revision(own: Path) -> None:
    day = TODAY.isoformat()
    steps = [
        (("evidence", "add", "--title", "Letter", "--date", day, "--kind", "product", "--criteria", "K1"),
         "evidence 1: added evidence 'Letter' (revision 1)"),
        (("evidence", "edit", "1", "--hours", "2"), "evidence 1: edited hours (revision 2)"),
        (("checklist", "record", "epa-organisation-chosen", "--date", day), "checklist 1: "),
        (("prerequisite", "record", "english-l2", "--date", day), "prerequisite 1: "),
        (("break", "add", "--start", day), "break 1: "),
        (("break", "end", "1", "--end", day), "break 1: "),
        (("learner", "set", "--contracted-hours", "35"), "learner: "),
    ]
    for argv, said in steps:
        result = run(*argv)
        assert result.returncode == 0, (argv, result.stderr)
        assert result.stderr == ""
        lines = result.stdout.splitlines()
        assert len(lines) == 1 and lines[0].startswith(said), (argv, lines)
        assert "revision" in lines[0]


def test_an_edit_that_changes_nothing_says_so(own: Path) -> None:
    run("evidence", "add", "--title", "Letter", "--date", TODAY.isoformat(), "--kind", "product", "--criteria", "K1")
    before = own.read_bytes()
    result = run("evidence", "edit", "1", "--hours", "")
    assert (result.returncode, result.stdout) == (0, "nothing changed\n")
    assert own.read_bytes() == before


def test_quiet_silences_the_report_and_json_gives_ids(own: Path) -> None:
    argv = ("evidence", "add", "--title", "Letter", "--date", TODAY.isoformat(), "--kind", "product",
            "--criteria", "K1")
    quiet = run(*argv, "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    made = json.loads(run(*argv, "--json").stdout)
    assert made["changed"] is True
    assert [(c["table"], c["record"], c["revision"]) for c in made["changes"]] == [("evidence", 2, 1)]


READ_AND_CHECK_COMMANDS = [
    "standards list", "standards show", "standards validate", "validate", "where", "history", "doctor", "verify",
    "roster show", "roster check", "evidence list", "timeline", "gateway", "keys show", "trust list",
]


def test_every_read_or_check_command_takes_json() -> None:
    from portfolio_tui.cli import build_parser
    from portfolio_tui.cli.conventions import walk

    commands = {" ".join(names): parser for names, parser in walk(build_parser()) if names}
    for name in READ_AND_CHECK_COMMANDS:
        assert "--json" in commands[name]._option_string_actions, name
    changing = [name for name, parser in commands.items() if getattr(parser.get_default("func"), "changes", False)]
    assert len(changing) >= 14
    for name in changing:
        assert {"--json", "--quiet"} <= set(commands[name]._option_string_actions), name


def test_readme_command_table_names_every_command_and_only_real_ones() -> None:
    import re

    from portfolio_tui.cli import COMMANDS, build_parser
    from portfolio_tui.cli.conventions import walk

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    named: set[tuple[str, ...]] = set()
    for cell in re.findall(r"^\| `([^|]+)` \|", table, flags=re.M):
        for part in cell.split("`, `"):
            words = part.strip("`").split()
            top, rest = words[0], " ".join(words[1:])
            subs = [w.strip() for w in rest.split(",") if w.strip() and w.strip().islower()]
            named.add((top,))
            named.update((top, sub) for sub in subs if sub.replace("-", "").isalpha())
    assert ("portfolio",) in named
    real = {names for names, _ in walk(build_parser()) if names}
    assert {(c,) for c in COMMANDS} <= named, "a command is missing from README's table"
    assert named - {("portfolio",)} <= real, "README's table names a command that does not exist"


def test_standards_list_fits_80_columns_with_reference_version_and_status() -> None:
    result = run("standards", "list", env=os.environ | {"COLUMNS": "80"})
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    header = next(line for line in lines if "title" in line)
    for column in ("id", "title", "reference", "version", "status"):
        assert f" {column} " in header
    assert all("││" not in line for line in lines), "no column squeezed to nothing"


def test_every_help_fits_80_columns_and_says_what_the_command_does(monkeypatch) -> None:
    """A long list of choices went on one unwrappable usage line (256 columns for roster check), and a
    command's own --help never said what it does."""
    import argparse

    from portfolio_tui.cli import build_parser
    from portfolio_tui.cli.conventions import walk

    monkeypatch.setenv("COLUMNS", "80")
    for names, parser in walk(build_parser()):
        text = parser.format_help()
        assert max(map(len, text.splitlines())) <= 80, (names, text)
        if names and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
            assert parser.description, names


PLAIN_GATEWAY = [
    ["a.json"],
    ["a.json", "b.json", "--json"],
    ["cohort", "--json", "--as-of", "2026-11-24"],
    ["--as-of=24/11/2026", "a.json", "--no-cache", "--json"],
    ["a.json", "--csv"],
    ["a.json", "--csv", "--json"],
    ["a.json", "--as-of", "2026-01-01", "--as-of", "2026-02-02"],
    ["./a.json", "cohort//", "/srv/./cohorts/c1/"],
]
NOT_PLAIN_GATEWAY = [
    [], ["--json"], ["-h"], ["a.json", "--help"], ["a.json", "--js"], ["a.json", "--jsonx"], ["a.json", "-j"],
    ["a.json", "--as-of"], ["a.json", "--as-of", "--json"], ["a.json", "--as-of", "31/02/2026"],
    ["a.json", "--as-of="], ["a.json", "--"], ["--", "-a.json"], ["a.json", "-"], [""], ["a.json", "--json=1"],
]


@pytest.mark.parametrize("argv", PLAIN_GATEWAY, ids=" ".join)
def test_the_plain_gateway_reads_its_arguments_as_the_parser_does(argv: list[str]) -> None:
    """``gateway`` in its plain form skips argparse (``cli.main``): it must read the same arguments the same way
    (the paths as the text of the ``Path`` the parser makes of each: ``path_text``, pathlib left out)."""
    from portfolio_tui.cli import build_parser, conventions
    from portfolio_tui.cli.readiness_cmds import GATEWAY_OPTIONS, cmd_gateway, plain_gateway

    plain = plain_gateway(argv)
    parser = build_parser(["gateway", *argv])
    parsed = parser.parse_args(["gateway", *argv])
    assert plain is not None and all(type(path) is str for path in plain.paths)
    assert vars(plain) == vars(parsed) | {"paths": [str(path) for path in parsed.paths]}
    assert plain.func is cmd_gateway
    assert conventions.options_of(parser, cmd_gateway) == GATEWAY_OPTIONS


@pytest.mark.parametrize("argv", NOT_PLAIN_GATEWAY, ids=lambda argv: " ".join(argv) or "nothing")
def test_anything_else_goes_to_the_parser(argv: list[str]) -> None:
    """Help, a mistake or a left-out portfolio are the parser's to answer, in its own words."""
    from portfolio_tui.cli.readiness_cmds import plain_gateway

    assert plain_gateway(argv) is None
