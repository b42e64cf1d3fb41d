"""Which files in a cohort folder are portfolios: one rule, for every command that lists a folder.

A portfolio is a ``*.json`` file; the folder's roster, hidden files (locks, temp files) and the
backups an upgrade keeps (``name.json.v1.bak``) are not.
"""

from __future__ import annotations

from pathlib import Path

ROSTER_FILE = "roster.json"


def is_portfolio_name(name: str) -> bool:
    return name.endswith(".json") and name != ROSTER_FILE and not name.startswith(".")


def portfolio_files(folder: Path) -> list[Path]:
    """The portfolio files of ``folder``, in name order."""
    return sorted(p for p in folder.glob("*.json") if is_portfolio_name(p.name) and p.is_file())
