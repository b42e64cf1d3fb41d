"""The installed standards, as the interfaces list, show and check them.

The catalog on disk (the shipped standards, the user's own, their rules files and caches) is
``portfolio_tui.catalog``; the CLI and the TUI reach it only through here.
"""

from __future__ import annotations

from pathlib import Path

from portfolio_tui import catalog
from portfolio_tui.catalog import Broken, Installed, StandardNotFound
from portfolio_tui.domain.standard import Standard

__all__ = ["Broken", "Installed", "StandardNotFound", "get", "installed", "validate_file"]


def installed() -> tuple[list[Installed], list[Broken]]:
    """Every standard installed here, and the files that failed to load (with why)."""
    return catalog.installed()


def get(standard_id: str) -> Standard:
    """The installed standard ``standard_id``; :class:`StandardNotFound` says which ones there are."""
    return catalog.get(standard_id)


def validate_file(path: Path) -> list[tuple[str, str]]:
    """The problems with a standard file, as ``(JSON path, message)``; empty when it is valid."""
    return catalog.validate_file(path)
