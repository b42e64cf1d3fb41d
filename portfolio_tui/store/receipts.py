"""Receipts against truncation: each signer keeps a note of every entry they signed, in their own folder.

Anyone who may write a portfolio can cut entries off its end, and what is left still checks. The
person who signed the cut entries still has their receipts (``receipts.jsonl`` in their own data
folder, mode 0600), so ``portfolio verify`` run by them names each of their entries that is gone.
A receipt names the file's first audit hash (``genesis``), which a copy keeps wherever it is, and
the path it was signed at. Receipts are appended after the save, without an fsync of their own:
a crash can lose the newest receipt, never the portfolio's change.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple
from collections.abc import Iterable, Mapping

from portfolio_tui import locations, path_text
from portfolio_tui.domain.audit_chain import HASH_FIELD
from portfolio_tui.store import own_files

TYPE_CHECKING = False  # (typing costs the gateway's start-up: readers read the receipts, store.signed_words)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

RECEIPTS_FILE = "receipts.jsonl"


Receipt = namedtuple("Receipt", ["file", "genesis", "audit", "hash", "at"])
"""One entry this account signed: the file's path and first hash, the entry's id, its hash, when."""


def receipts_path() -> Path:
    from pathlib import Path

    return Path(receipts_file())


def receipts_file() -> str:
    """:func:`receipts_path` as text (``path_text``: a gateway run's readers look here, and start without pathlib)."""
    return path_text.joined(locations.data_folder(), RECEIPTS_FILE)


def genesis_of(audit: Mapping[str, Any]) -> str:
    first = audit.get("1")
    return str(first.get(HASH_FIELD, "")) if isinstance(first, Mapping) else ""


def record(portfolio: Path, genesis: str, signed: Iterable[tuple[int, str, str]]) -> None:
    """Append a receipt for each ``(audit id, hash, at)`` just saved in ``portfolio``."""
    signed = list(signed)
    if not signed:
        return
    import orjson

    where = str(portfolio.resolve())
    lines = b"".join(
        orjson.dumps({"file": where, "genesis": genesis, "audit": n, "hash": h, "at": at}) + b"\n"
        for n, h, at in signed
    )
    path = receipts_path()
    try:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the first receipt of this account: its folder is made first
            own_files.make_private_folders(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(lines)  # one append (O_APPEND) as a rule: receipts saved at once do not interleave
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError:
        return  # the change is saved; only this person's own check against truncation is weaker


def _own_bytes() -> bytes:
    """The receipts file's bytes; none from a file another account owns or could have written (one that could
    replace them could hide a cut history from the person who signed it, or vouch for a forged entry)."""
    try:
        fd = os.open(receipts_file(), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return b""
    try:
        if not own_files.own_private(os.fstat(fd)):
            return b""
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read()
    except OSError:
        return b""
    finally:
        os.close(fd)


_HASH = rb'"hash":"([0-9a-f]{64})"'


def signed_hashes() -> frozenset[str]:
    """The hashes of the entries this account signed, found in the file's bytes as :func:`record` writes them, without
    parsing each line (readers ask it once a process: ``store.signed_words``, which starts without orjson; the
    pattern compiled only then)."""
    return frozenset(found.decode() for found in re.findall(_HASH, _own_bytes()))


def _read() -> list[Receipt]:
    """This account's receipts (:func:`_own_bytes`)."""
    try:
        text = _own_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return []
    import orjson

    found = []
    for line in text.splitlines():
        try:
            data = orjson.loads(line)
            found.append(Receipt(str(data["file"]), str(data["genesis"]), int(data["audit"]), str(data["hash"]),
                                 str(data["at"])))
        except (orjson.JSONDecodeError, ValueError, KeyError, TypeError):
            continue
    return found


def gone_from(folder: Path) -> dict[str, int]:
    """Files in ``folder`` that this account signed entries in (name -> how many) and that are not there now."""
    from pathlib import Path

    where = folder.resolve()
    counts: dict[str, int] = {}
    for receipt in _read():
        path = Path(receipt.file)
        if path.parent == where and not path.exists():
            counts[path.name] = counts.get(path.name, 0) + 1
    return counts


def mine(portfolio: Path, genesis: str) -> tuple[list[Receipt], int]:
    """This account's receipts for the file with ``genesis``, and how many name its path with another history."""
    where = str(portfolio.resolve())
    found, elsewhere = [], 0
    for receipt in _read():
        if receipt.genesis == genesis:
            found.append(receipt)
        elif receipt.file == where:
            elsewhere += 1
    return found, elsewhere
