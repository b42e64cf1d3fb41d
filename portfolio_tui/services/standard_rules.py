"""``portfolio standards edit-rules``: what a provider adds by hand from the assessment plan, kept beside
the imported standard in ``<id>.rules.json`` (see ``catalog``) and checked before it is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portfolio_tui import catalog
from portfolio_tui.domain.skills_england import NOT_IMPORTED_NOTE
from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.services.errors import ServiceError


class RulesRefused(ServiceError):
    """The rules cannot be installed; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if problems else "rules refused")


def _user_standard(standard_id: str) -> catalog.Installed:
    try:
        item = catalog.find(standard_id)
    except catalog.StandardNotFound as exc:
        raise RulesRefused([str(exc)]) from None
    if item.origin != "user":
        raise RulesRefused([f"{standard_id}: a standard shipped with the app; rules are added to your own standards"])
    return item


def current_rules(standard_id: str) -> tuple[Path, str]:
    """The rules file's path and its text: the file as it is, or a starting point built from the standard."""
    item = _user_standard(standard_id)
    path = catalog.rules_path(item.path)
    if path.is_file():
        return path, path.read_text(encoding="utf-8")
    import json

    plan = item.standard.plan
    start: dict[str, Any] = {
        "format": 1,
        "standard": standard_id,
        "components": [],
        "grading": [{"kind": "none", "note": NOT_IMPORTED_NOTE}],
        "gateway_before_epa": {"months": 1},
    }
    if plan.components or any(r.kind != "none" for r in plan.grading):
        start = {"format": 1, "standard": standard_id} | {
            k: v for k, v in _plan_json(item.path).items() if k in catalog.RULES_KEYS
        }
    return path, json.dumps(start, indent=2, ensure_ascii=False) + "\n"


def _plan_json(path: Path) -> dict[str, Any]:
    data = loads_strict(path.read_text(encoding="utf-8"))
    return data.get("plan", {}) if isinstance(data, dict) else {}


def install_rules(standard_id: str, text: str, shown_as: str) -> Path:
    """Check ``text`` as the standard's rules file and write it atomically; :class:`RulesRefused` lists problems."""
    item = _user_standard(standard_id)
    try:
        rules = loads_strict(text)
    except JsonFileError as exc:
        raise RulesRefused([f"{shown_as}: {exc}"]) from None
    problems = catalog.rules_problems(item.path, rules, shown_as)
    if problems:
        raise RulesRefused([f"{p}: {m}" if p.startswith(shown_as) else f"{shown_as}: {p}: {m}" for p, m in problems])
    from portfolio_tui.store.persistence import write_atomically

    target = catalog.rules_path(item.path)
    try:
        write_atomically(target, text.encode("utf-8"))
    except OSError as exc:
        raise RulesRefused([f"{target}: cannot write: {exc.strerror or exc}"]) from None
    return target
