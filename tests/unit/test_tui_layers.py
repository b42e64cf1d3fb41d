"""The TUI renders what the services give it: no screen, widget or the app imports the store."""

from __future__ import annotations

import ast
from pathlib import Path

import portfolio_tui.tui

TUI = Path(portfolio_tui.tui.__file__).parent


def test_no_tui_module_imports_the_store() -> None:
    offenders = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.relative_to(TUI)}: {n}" for n in names if n.startswith("portfolio_tui.store")]
    assert offenders == []
