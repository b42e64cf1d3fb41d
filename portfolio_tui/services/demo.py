"""``portfolio demo``'s copy of a sample portfolio: read strictly, written through the store.

The CLI decides which sample and where; reading the sample and saving the copy (same checks and
atomic write as every save, then read back as the app will) happen here, below the interfaces.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.services.errors import InputError, StoreError


def read_sample(path: Path) -> Any:
    """The sample's document; :class:`InputError` when it cannot be read as strict JSON."""
    try:
        return loads_strict(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, JsonFileError) as exc:
        raise InputError("sample", f"cannot read the sample {path}: {exc}") from None


def write_demo(target: Path, doc: dict[str, Any]) -> None:
    """Save ``doc`` at ``target`` through the store, then read it back, so a sample that no longer
    fits the schema fails here rather than in the TUI."""
    from portfolio_tui.store.portfolio_store import PortfolioStore
    from portfolio_tui.store.records import check_document
    from portfolio_tui.store.storage import AtomicJSONStorage

    problems = check_document(doc)
    if problems:
        where, what = problems[0]
        raise InputError("sample", f"the sample does not fit this version's schema: {where}: {what}")
    try:
        AtomicJSONStorage(target).commit(doc, None)
        PortfolioStore(target).load()
    except StoreError as exc:
        raise InputError("sample", str(exc)) from None
