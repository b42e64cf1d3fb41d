"""Headless commands never import Textual: a tutor's ``portfolio gateway`` over SSH starts without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.functional.store_helpers import new_portfolio

HEADLESS = [
    ["gateway", "{path}", "--json"],
    ["gateway", "{folder}"],
    ["gateway", "{folder}", "--csv"],
    ["timeline", "{path}", "--json"],
    ["timeline", "{path}"],
    ["evidence", "list", "{path}", "--json"],
    ["validate", "{path}"],
    ["report", "{path}", "--format", "md", "--output", "{folder}/pack.md"],
]


def test_headless_commands_do_not_import_textual(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    commands = [[arg.format(path=path, folder=tmp_path) for arg in argv] for argv in HEADLESS]
    script = (
        "import contextlib, io, sys\nfrom portfolio_tui.cli import main\n"
        f"for argv in {commands!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        code = main(argv)\n"
        "    print(argv[0], code, any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    lines = done.stdout.splitlines()
    assert len(lines) == len(commands), done.stderr
    for argv, line in zip(commands, lines, strict=True):
        name, code, textual = line.split()
        assert code in ("0", "1"), (argv, line, done.stderr)  # 1: not ready for gateway
        assert textual == "False", f"{' '.join(argv)} imported Textual"
