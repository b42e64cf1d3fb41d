"""A hand-edited (or planted) portfolio nested deeper than orjson writes back (254 levels) but not
deeper than it reads (1024): each command says what is wrong in one line, exit status 2, and
leaves the file as it is. It used to end in orjson's "Recursion limit reached" traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_tui.locations import samples_dir

DEEP = "[" * 260 + "]" * 260


@pytest.fixture
def deep_file(tmp_path: Path) -> Path:
    text = (samples_dir() / "odo-nearly-ready.json").read_text()
    assert '"description":"' in text
    path = tmp_path / "deep.json"
    path.write_text(text.replace('"description":"', f'"description":{DEEP},"was":"', 1))
    return path


@pytest.mark.parametrize("command", [["evidence", "list"], ["timeline"], ["gateway"], ["report"], ["validate"]])
def test_each_command_refuses_it_in_one_line(deep_file: Path, command: list[str]) -> None:
    before = deep_file.read_bytes()
    result = subprocess.run([sys.executable, "-m", "portfolio_tui", *command, str(deep_file)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Recursion" not in result.stderr
    assert "$.evidence.1.description" in result.stderr + result.stdout
    said = [line for line in (result.stderr + result.stdout).splitlines() if "description" in line]
    assert said and all(len(line) < 200 for line in said)  # not the 520-character value quoted back
    assert deep_file.read_bytes() == before
