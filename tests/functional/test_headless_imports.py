"""Headless commands never import Textual: a tutor's ``portfolio gateway`` over SSH starts without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def as_installed(script: str) -> list[str]:
    """``script`` run by an interpreter that starts as a regular install's does: ``site`` left out, this checkout and
    the venv's libraries on the path. A development venv's ``site`` loads the editable install's import finder,
    which imports pathlib (and more) before any of the app's code runs, where a tutor's installed copy does not."""
    import sysconfig

    where = [str(Path(__file__).resolve().parents[2]), sysconfig.get_paths()["purelib"]]
    return [sys.executable, "-S", "-c", f"import sys; sys.path[1:1] = {where!r}\n{script}"]


GATEWAY_NEVER_IMPORTS = {
    "textual": "the TUI",
    "rich": "tables for a terminal (--json prints none)",
    "tinydb": "the store's writer (gateway only reads)",
    "jsonschema": "schema validation (only validate and doctor run it)",
    "portfolio_tui.services.views": "the TUI's view models",
    "portfolio_tui.store.storage": "the store's writer",
    "difflib": "the 'did you mean' of a mistyped option",
    "hashlib": "OpenSSL (one file's records are hashed by the interpreter's own SHA-256: store.audit_index)",
    "typing": "annotations (read by type checkers only; the records' types are worked out without it)",
    "dataclasses": "the domain's records' introspection (domain.frozen makes them without it)",
    "inspect": "what dataclasses and orjson import",
    "orjson": "the parser and encoder of a caseload (one file is parsed and printed with json: jsonfile.loads_plain)",
    "uuid": "what orjson imports",
    "dateutil": "month arithmetic (domain.months adds months as its relativedelta does)",
    "calendar": "what dateutil imports (with locale; domain.months knows the months' lengths)",
    "locale": "what calendar imports",
    "pathlib": "paths as objects (the files on the way are named by their text, as a Path would name them: path_text)",
    "urllib": "what pathlib imports (for Path.as_uri), with ipaddress",
    "ipaddress": "what urllib.parse imports",
    "unicodedata": "what text that is not printable is looked up in (domain.text: printable text needs none)",
    "importlib": "the import system's package (gateway_cache.code_digest finds a library by the bootstrap's own "
                 "PathFinder, own_files the built-in SHA-256 by __import__)",
}
"""What ``portfolio gateway ONE_FILE`` (a first run, ``--json`` or the table) must start without (issue 15: start-up
at most 4x ``python -c pass``): each costs start-up, so each is imported where it is used, never on the way in.
A test, not a timing, so that none creeps back unseen."""


NOTHING_KEPT_NEVER_IMPORTS = {
    "portfolio_tui.store.persistence": "the store's writer (a run that keeps nothing writes nothing; the lock's "
                                       "name is store.lock's, the migrations' clock imported where a file is upgraded)",
}
"""What ``--no-cache`` (and a kept answer) must start without besides: a first run writes its entries with it."""
NO_CACHE_NEVER_IMPORTS = {
    **NOTHING_KEPT_NEVER_IMPORTS,
    "portfolio_tui.services.gateway_cache": "the kept entries (--no-cache neither reads nor keeps any)",
}


@pytest.mark.parametrize("form", [["--json"], [], ["--json", "--no-cache"]], ids=["--json", "table", "--no-cache"])
def test_gateway_on_one_file_starts_without_what_it_does_not_use(tmp_path: Path, form: list[str]) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    script = (
        "import contextlib, io, sys\nfrom portfolio_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['gateway', {str(path)!r}, *{form!r}])\n"
        "assert out.getvalue().startswith('{') or 'Predicted grade' in out.getvalue(), out.getvalue()\n"
        "print(code, *sorted({m.split('.')[0] if m.split('.')[0] != 'portfolio_tui' else m for m in sys.modules}))\n"
    )
    done = subprocess.run(as_installed(script), capture_output=True, text=True)
    code, *imported = done.stdout.split()
    assert code in ("0", "1"), done.stderr
    assert "portfolio_tui.services.readiness" in imported  # it did check the portfolio
    never = GATEWAY_NEVER_IMPORTS | (NO_CACHE_NEVER_IMPORTS if "--no-cache" in form else {})
    unwanted = {name: why for name, why in never.items() if name in imported}
    assert not unwanted, f"gateway ONE_FILE {' '.join(form)} imported {unwanted}"


KEPT_RUN_NEVER_IMPORTS = {
    **GATEWAY_NEVER_IMPORTS,
    **NOTHING_KEPT_NEVER_IMPORTS,
    "argparse": "the parser (the plain form of gateway is read without it: readiness_cmds.plain_gateway)",
    "platformdirs": "where the data folder is by default (on Linux, with $HOME set, locations works it out)",
    "portfolio_tui.services.readiness": "checking a portfolio",
    "portfolio_tui.catalog": "loading standards (a kept answer is keyed by their files' bytes)",
    "portfolio_tui.domain.standard": "the standard's model",
    "portfolio_tui.store.reading": "reading a portfolio",
    "portfolio_tui.cli.conventions": "the parser's conventions",
}
"""What ``portfolio gateway ONE_FILE --json`` run again on an unchanged file (answered from this account's
kept entry, ``services.gateway_cache``) must start without: each is work it does not do."""


@pytest.mark.parametrize("form", [["--json"], []], ids=["--json", "table"])
def test_gateway_answered_from_its_kept_entry_starts_without_what_it_does_not_use(tmp_path: Path, form) -> None:
    """Both forms, each after a first run of the same form; the table's output is not a terminal, so Rich
    would draw it without styles (``cli.plain_table``)."""
    path = new_portfolio(tmp_path, evidence=2)
    first = (
        "import contextlib, io\nfrom portfolio_tui.cli import main\nfrom portfolio_tui.store import result_cache\n"
        "result_cache.RACY_NS = 0  # kept although just written\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    main(['gateway', {str(path)!r}, *{form!r}])\n"
        "print(out.getvalue(), end='')\n"
    )
    again = (
        "import contextlib, io, sys\nfrom portfolio_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['gateway', {str(path)!r}, *{form!r}])\n"
        "print(code, *sorted({m.split('.')[0] if m.split('.')[0] != 'portfolio_tui' else m for m in sys.modules}))\n"
        "print(out.getvalue(), end='')\n"
    )
    # As a tutor runs it: no PORTFOLIO_TUI_HOME, the data folder under $HOME, where platformdirs would put it.
    env = {k: v for k, v in os.environ.items() if k not in ("PORTFOLIO_TUI_HOME", "XDG_DATA_HOME")}
    env["HOME"] = str(tmp_path / "home")
    cold = subprocess.run([sys.executable, "-c", first], capture_output=True, text=True, env=env)
    warm = subprocess.run(as_installed(again), capture_output=True, text=True, env=env)
    assert (tmp_path / "home" / ".local" / "share" / "portfolio-tui" / "gateway-cache").is_dir()
    said, _, printed = warm.stdout.partition("\n")
    code, *imported = said.split()
    assert code in ("0", "1"), warm.stderr
    shown = '"learner"' in printed or "Predicted grade" in printed
    assert printed == cold.stdout and shown, (warm.stderr, cold.stderr)
    assert "portfolio_tui.services.gateway_cache" in imported  # it was answered from the kept entry
    unwanted = {name: why for name, why in KEPT_RUN_NEVER_IMPORTS.items() if name in imported}
    assert not unwanted, f"gateway ONE_FILE {' '.join(form)}, answered from its kept entry, imported {unwanted}"
