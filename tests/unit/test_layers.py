"""The layers point one way: the domain (and the headless CLI) never pull in Textual or TinyDB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_domain_imports_neither_textual_nor_tinydb() -> None:
    loaded = _modules_after(
        "import pkgutil, importlib, portfolio_tui.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module(f'portfolio_tui.domain.{m.name}')"
    )
    assert "portfolio_tui.domain.standard" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "tinydb")}


SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_portfolios" / "odo-nearly-ready.json")


@pytest.mark.parametrize(
    "argv",
    [
        ["standards", "list", "--json"],
        ["standards", "show", "odo-l3", "--json"],
        ["gateway", SAMPLE, "--json", "--as-of", "2026-11-24"],
        ["timeline", SAMPLE, "--json", "--as-of", "2026-11-24"],
        ["evidence", "list", SAMPLE, "--json"],
        ["gateway", SAMPLE, "--csv", "--as-of", "2026-11-24"],
        ["report", SAMPLE, "--format", "md", "--output", "-", "--as-of", "2026-11-24"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_headless_commands_do_not_import_textual(argv: list[str]) -> None:
    loaded = _modules_after(
        "import contextlib, io\nfrom portfolio_tui.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({argv!r})"
    )
    assert "portfolio_tui.cli" in loaded
    assert not {m for m in loaded if m.split(".")[0] == "textual"}


ROOT = Path(__file__).resolve().parents[2]


def test_the_layer_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts, on the real import graph: the CLI and the TUI reach
    the store, the roster, the catalog and file modes only through the services; lower layers never
    import higher ones; the domain imports no Textual, TinyDB or files."""
    run = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in run.stdout
