"""The portfolio's own file store: attachments copied beside the portfolio, content-addressed.

``portfolio.json`` keeps its files in ``portfolio.files/``, each under the sha256 of its content
(``portfolio.files/ab/abcdef...``), so the same file added twice is kept once, a kept file can be
checked against its name at any time (``portfolio verify``), and evidence survives the laptop it
was added from. Files are written like the portfolio: temp file, fsync, rename.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from portfolio_tui.store import persistence

LIMIT_ENV = "PORTFOLIO_TUI_FILE_LIMIT_MB"
DEFAULT_LIMIT_MB = 50
_CHUNK = 1 << 20


def limit_bytes() -> int:
    """The largest file that may be added: ``$PORTFOLIO_TUI_FILE_LIMIT_MB`` megabytes (default 50)."""
    return megabytes_from_env(LIMIT_ENV, DEFAULT_LIMIT_MB)


def megabytes_from_env(name: str, default: float) -> int:
    """A size limit in bytes from an environment variable holding megabytes (``default`` when unset or bad)."""
    raw = os.environ.get(name, "").strip()
    try:
        megabytes = float(raw) if raw else default
    except ValueError:
        megabytes = default
    return int(max(megabytes, 0) * 1024 * 1024)


def store_dir(portfolio: Path) -> Path:
    return portfolio.with_name(portfolio.stem + ".files")


def blob_path(portfolio: Path, digest: str) -> Path:
    return store_dir(portfolio) / digest[:2] / digest


def digest_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def size_of(portfolio: Path, digest: str) -> int | None:
    """The stored file's size, or ``None`` when it is not in the store."""
    try:
        return blob_path(portfolio, digest).stat().st_size
    except OSError:
        return None


def keep(portfolio: Path, source: Path) -> str:
    """Copy ``source`` into the store (once per content) and return its sha256."""
    digest = digest_of(source)
    target = blob_path(portfolio, digest)
    if target.is_file() and digest_of(target) == digest:
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    with persistence.writing_atomically(target, cohort=portfolio.parent) as out, source.open("rb") as handle:
        sha = hashlib.sha256()
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            out.write(chunk)
        if sha.hexdigest() != digest:  # raised in the body: the half-made copy is removed, nothing is kept
            raise OSError(f"{source} changed while it was being copied; add it again")
    return digest


@dataclass(frozen=True)
class StoredFileProblem:
    digest: str
    name: str
    message: str


def check(portfolio: Path, entries: Iterable[tuple[str, str]]) -> list[StoredFileProblem]:
    """Each stored file ``(digest, name)`` that is missing or whose content no longer has its hash."""
    problems = []
    for digest, name in dict.fromkeys(entries):
        target = blob_path(portfolio, digest)
        try:
            found = digest_of(target)
        except FileNotFoundError:
            problems.append(StoredFileProblem(digest, name, f"{target} is missing"))
            continue
        except OSError as exc:
            problems.append(StoredFileProblem(digest, name, f"{target} cannot be read ({exc.strerror or exc})"))
            continue
        if found != digest:
            problems.append(StoredFileProblem(digest, name, f"{target} has changed: its sha256 is now {found[:12]}…"))
    return problems
