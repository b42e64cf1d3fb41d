"""Attachments: what a piece of evidence's ``files`` entries mean.

An entry is one of three things, told apart by its text alone so the record on disk stays a list
of strings: a file kept in the portfolio's own file store (``sha256:<hex>/<name>``, the content's
hash and the name it was added under), a link (``https://...``), or a path typed before files were
kept (shown, never opened as if it were kept).
"""

from __future__ import annotations

import mimetypes
import re

from portfolio_tui.domain.frozen import frozen

STORED_PREFIX = "sha256:"
_STORED = re.compile(r"sha256:([0-9a-f]{64})/(.+)\Z", re.DOTALL)
_LINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@frozen
class Attachment:
    """One entry of ``Evidence.files``, parsed."""

    entry: str
    name: str
    digest: str = ""
    """The sha256 of a stored file's content ("" for a link or an old path)."""
    link: bool = False

    @property
    def stored(self) -> bool:
        return bool(self.digest)

    @property
    def type(self) -> str:
        """The file's type, guessed from its name (``application/pdf``), or ``link`` or ``unknown``."""
        if self.link:
            return "link"
        return mimetypes.guess_type(self.name, strict=False)[0] or "unknown"


def parse(entry: str) -> Attachment:
    stored = _STORED.match(entry)
    if stored:
        return Attachment(entry, stored.group(2), stored.group(1))
    return Attachment(entry, entry, link=bool(_LINK.match(entry)))


def stored_entry(digest: str, name: str) -> str:
    return f"{STORED_PREFIX}{digest}/{name}"


def is_link(text: str) -> bool:
    return bool(_LINK.match(text))


def size_text(size: int | None) -> str:
    """``12 KB``-style sizes (``?`` when the stored file is missing)."""
    if size is None:
        return "missing"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
