"""Adding files to evidence: a typed path becomes a file kept in the portfolio's file store.

The CLI's ``--file`` and the TUI's Files field both come here, so both keep the same copy and
refuse the same things in one line: a path that is not there, a folder, a file over the limit.
Links are kept as typed; entries the evidence already holds are kept as they are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from portfolio_tui.domain import attachments
from portfolio_tui.domain.attachments import Attachment
from portfolio_tui.services.errors import InputError
from portfolio_tui.store import file_store

FIELD = "file"
_WEB_LINK = re.compile(r"https?://[^\s/?#@]+[^\s]*\Z", re.IGNORECASE)
_WEB_SCHEME = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Pending:
    """Files checked and ready to keep: ``entries`` are what the record will hold, once ``sources`` are copied."""

    entries: tuple[str, ...]
    sources: tuple[tuple[Path, str], ...] = ()
    """``(typed path, digest)`` for each file still to copy."""


def check(portfolio: Path, typed: Iterable[str], already: Iterable[str] = ()) -> Pending:
    """Check each typed entry; a path is hashed now (so a refusal touches nothing) and copied by :func:`keep`."""
    kept = set(already)
    entries: list[str] = []
    sources: list[tuple[Path, str]] = []
    limit = file_store.limit_bytes()
    for text in typed:
        if text in kept or attachments.is_link(text) or text.startswith(attachments.STORED_PREFIX):
            if text.startswith(attachments.STORED_PREFIX) and text not in kept:
                parsed = attachments.parse(text)
                if not parsed.stored or file_store.size_of(portfolio, parsed.digest) is None:
                    raise InputError(FIELD, f"{text[:40]}… is not a file kept in this portfolio")
            entries.append(text)
            continue
        path = Path(os.path.expanduser(text))
        if not path.exists():
            raise InputError(FIELD, f"{text}: no such file")
        if path.is_dir():
            raise InputError(FIELD, f"{text} is a folder; add the files in it one by one")
        if not path.is_file():
            raise InputError(FIELD, f"{text} is not a regular file")
        try:
            size = path.stat().st_size
            if size > limit:
                raise InputError(
                    FIELD, f"{text} is {attachments.size_text(size)}, over the limit of "
                           f"{attachments.size_text(limit)} (set {file_store.LIMIT_ENV} to change it)")
            digest = file_store.digest_of(path)
        except OSError as exc:
            raise InputError(FIELD, f"{text} cannot be read ({exc.strerror or exc})") from None
        entry = attachments.stored_entry(digest, path.name)
        if entry not in entries:
            entries.append(entry)
            sources.append((path, digest))
    return Pending(tuple(entries), tuple(sources))


def keep(portfolio: Path, pending: Pending) -> None:
    """Copy the checked files into the store (before the record that names them is written)."""
    for source, digest in pending.sources:
        try:
            kept = file_store.keep(portfolio, source)
        except OSError as exc:
            raise InputError(FIELD, f"{source} could not be kept ({exc.strerror or exc})") from None
        if kept != digest:
            raise InputError(FIELD, f"{source} changed while it was being added; add it again")


@dataclass(frozen=True)
class ShownFile:
    """One attachment as the screens and ``evidence show`` present it."""

    attachment: Attachment
    size: int | None
    location: str
    """Where it is: the stored copy's path, the link, or the old path as typed."""

    @property
    def size_text(self) -> str:
        return attachments.size_text(self.size) if self.attachment.stored else "-"


def shown(portfolio: Path, entries: Iterable[str]) -> list[ShownFile]:
    files = []
    for entry in entries:
        parsed = attachments.parse(entry)
        if parsed.stored:
            files.append(ShownFile(parsed, file_store.size_of(portfolio, parsed.digest),
                                   str(file_store.blob_path(portfolio, parsed.digest))))
        else:
            files.append(ShownFile(parsed, None, entry))
    return files


def viewing_copy(portfolio: Path, shown: ShownFile) -> Path | str:
    """A private copy of the kept file for the system's viewer, or why there is none (missing, a planted link
    or pipe, changed content: read through :func:`file_store.read_blob`, so the viewer never opens, say, a link
    an apprentice put in place of their file pointing at the tutor's private key, or a FIFO that would hang it).

    The viewer is handed this copy, never the kept file: the file is checked as it is read, but the viewer
    would open the kept file's name later, by when a group member could have put a link to the tutor's
    private key in its place (review R15/R8's race). The copy is written, while hashed, into a folder only
    this account may read, named by the file's digest and its extension (the viewer picks a program by it)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="portfolio-tui-view-"))  # 0700, this account's own
    suffix = re.sub(r"[^A-Za-z0-9]", "", Path(shown.attachment.name).suffix)[:10]
    copy = folder / (shown.attachment.digest[:16] + (f".{suffix}" if suffix else ""))
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            file_store.read_blob(portfolio, shown.attachment.digest, out.write)
    except file_store.BadBlob as exc:
        copy.unlink(missing_ok=True)
        folder.rmdir()
        return str(exc)
    return copy


def web_link(text: str) -> bool:
    """Whether a link may be handed to the system's viewer: http or https to a host, one printable line.
    Any other scheme an apprentice typed (``smb://``, ``file://``, a desktop's own handlers) is shown,
    never opened."""
    return not link_refusal(text)


def link_refusal(text: str) -> str:
    """Why a link is not handed to the system's viewer, in a sentence for the person who pressed ``o`` ("" when
    it may be). One reason for all of them read "only http and https links are" over an https link with a
    space in it (QA Q4)."""
    if not _WEB_SCHEME.match(text):
        return "Only http and https links are opened"
    if not text.isprintable() or any(ch.isspace() for ch in text):
        return "A link with a space or a control character in it is not opened"
    if not _WEB_LINK.match(text):
        return "A link that names no host is not opened"
    return ""
