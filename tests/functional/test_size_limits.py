"""The size limits read from the environment (``PORTFOLIO_TUI_FILE_LIMIT_MB``, ``PORTFOLIO_TUI_IMPORT_LIMIT_MB``):
a value that is not a plain number of megabytes is one clear line naming the variable, exit 2, nothing written;
never a traceback, never a default nobody asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from portfolio_tui.cli import main
from tests.functional.store_helpers import new_portfolio

BAD = ["abc", "-1", "1e999", "nan", "inf", "1_000", "0x10", "5 MB", "x\x1b[31mred"]


@pytest.fixture
def made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """A portfolio with a kept file, its export, and a file to add."""
    path = new_portfolio(tmp_path)
    attached = tmp_path / "minutes.txt"
    attached.write_text("minutes")
    assert main(["evidence", "add", str(path), "--title", "Minutes", "--date", "2025-04-01", "--kind", "product",
                 "--criteria", "K1", "--file", str(attached)]) == 0
    assert main(["export", str(path), "-o", str(tmp_path / "ava.zip")]) == 0
    capsys.readouterr()
    return path, tmp_path / "ava.zip", attached


def _commands(path: Path, zipped: Path, attached: Path) -> dict[str, list[str]]:
    folder = path.parent
    return {
        "evidence add": ["evidence", "add", str(path), "--title", "More", "--date", "2025-04-02", "--kind", "product",
                         "--criteria", "K1", "--file", str(attached)],
        "import": ["import", str(zipped), str(folder / "restored")],
        "export": ["export", str(path), "-o", str(folder / "again.zip")],
        "report": ["report", str(path), "-o", str(folder / "ava.html")],
        "verify": ["verify", str(path)],
    }


@pytest.mark.parametrize("value", BAD)
def test_a_file_limit_that_is_not_a_size_is_one_line_exit_2_and_nothing_written(
    made, value: str, monkeypatch, capsys
) -> None:
    path, zipped, attached = made
    monkeypatch.setenv("PORTFOLIO_TUI_FILE_LIMIT_MB", value)
    before = sorted(p.name for p in path.parent.rglob("*")), path.read_bytes()
    for name, argv in _commands(path, zipped, attached).items():
        assert main(argv) == 2, name
        out, err = capsys.readouterr()
        assert err.startswith("portfolio: PORTFOLIO_TUI_FILE_LIMIT_MB: ") and err.count("\n") == 1, (name, err)
        assert "is not a size in megabytes" in err and "\x1b" not in err and "Traceback" not in err, (name, err)
        assert (sorted(p.name for p in path.parent.rglob("*")), path.read_bytes()) == before, name


def test_the_tui_does_not_start_with_a_file_limit_that_is_not_a_size(made, monkeypatch, capsys) -> None:
    path, _, _ = made
    monkeypatch.setenv("TEXTUAL_DRIVER", "none")  # (as if there were a terminal: the check comes before the app)
    monkeypatch.setenv("PORTFOLIO_TUI_FILE_LIMIT_MB", "abc")
    assert main(["open", str(path)]) == 2
    assert main(["open", str(path.parent)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and err.count('PORTFOLIO_TUI_FILE_LIMIT_MB: "abc" is not a size in megabytes') == 2


def test_the_caseload_does_not_start_with_a_portfolio_limit_that_is_not_a_size(made, monkeypatch, capsys) -> None:
    """A caseload reads its portfolios once the TUI is up: each learner's row said the limit was wrong."""
    path, _, _ = made
    monkeypatch.setenv("TEXTUAL_DRIVER", "none")
    monkeypatch.setenv("PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB", "1e999")
    monkeypatch.setattr("portfolio_tui.tui.factory.build_caseload", lambda *a, **k: pytest.fail("the TUI started"))
    assert main(["open", str(path.parent)]) == 2
    err = capsys.readouterr().err
    assert err == ('portfolio: PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB: "1e999" is not a size in megabytes (a plain number, '
                   "like 64 or 0.5); set it right, or unset it for the default\n"), err


@pytest.mark.parametrize("value", ["abc", "-1", "1e999"])
def test_an_import_limit_that_is_not_a_size_is_one_line_exit_2(made, value: str, monkeypatch, capsys) -> None:
    path, zipped, _ = made
    monkeypatch.setenv("PORTFOLIO_TUI_IMPORT_LIMIT_MB", value)
    assert main(["import", str(zipped), str(path.parent / "restored")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("portfolio: PORTFOLIO_TUI_IMPORT_LIMIT_MB: ") and err.count("\n") == 1, err
    assert not (path.parent / "restored").exists()


@pytest.mark.parametrize("value", ["", "  ", "0.5", "50"])
def test_an_empty_or_plain_limit_is_taken(made, value: str, monkeypatch, capsys) -> None:
    path, zipped, attached = made
    monkeypatch.setenv("PORTFOLIO_TUI_FILE_LIMIT_MB", value)
    assert main(_commands(path, zipped, attached)["evidence add"]) == 0


@pytest.mark.parametrize("command", ["validate", "doctor"])
def test_a_portfolio_limit_that_is_not_a_size_is_one_line_exit_2_from_every_command(
    made, command: str, monkeypatch, capsys
) -> None:
    """``$PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB`` is read where a portfolio or a roster is opened; ``validate`` and
    ``doctor`` open theirs outside the refusals other commands end in, and ended in a traceback (exit 1)."""
    path, _, _ = made
    cohort = path.parent / "cohort"
    cohort.mkdir()
    assert main(["roster", "init", str(cohort)]) == 0  # (doctor reads a cohort's roster)
    monkeypatch.setenv("PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB", "abc")
    capsys.readouterr()
    before = sorted(p.name for p in path.parent.rglob("*")), path.read_bytes()
    assert main([command, str(path if command == "validate" else cohort)]) == 2
    out, err = capsys.readouterr()
    assert err == ('portfolio: PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB: "abc" is not a size in megabytes (a plain number, '
                   "like 64 or 0.5); set it right, or unset it for the default\n"), err
    assert (sorted(p.name for p in path.parent.rglob("*")), path.read_bytes()) == before


@pytest.mark.parametrize("form", [[], ["--json"], ["--csv"], ["--json", "--no-cache"]], ids=str)
def test_gateway_with_a_portfolio_limit_that_is_not_a_size_says_so_once_before_reading_any_file(
    made, form: list[str], monkeypatch, capsys
) -> None:
    """Review D5: each file of the caseload said the limit was wrong (``--json`` in each learner's error), exit 0 or
    2 by form; it is one line, exit 2, nothing on stdout, whether the files were checked before or not."""
    path, _, _ = made
    (path.parent / "second.json").write_bytes(path.read_bytes())
    assert main(["gateway", str(path.parent), *form]) in (0, 1)  # (a first run: kept where the form keeps)
    capsys.readouterr()
    monkeypatch.setenv("PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB", "abc")
    assert main(["gateway", str(path.parent), *form]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == ('portfolio: PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB: "abc" is not a size in megabytes (a '
                                 "plain number, like 64 or 0.5); set it right, or unset it for the default\n"), err
