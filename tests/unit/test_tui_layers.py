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


def test_only_the_app_and_the_screens_base_ask_an_access_decision() -> None:
    """Screens render the services' decisions (``Access.evidence_enter``, ``GatewayRow.may_record``,
    ``SignOffChoice``, ``TimelineRow.actions``): one action's decision is asked in one place each (the key
    offered, the refusal said), and no screen combines decisions itself."""
    askers = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "decide":
                askers.append(str(path.relative_to(TUI)))
    assert sorted(askers) == ["app.py", "screens/base.py"]
