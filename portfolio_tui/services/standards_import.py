"""``portfolio standards import``: one standard from the Skills England data, installed in the user's folder.

The source is a file or an http(s) URL holding one record or a list of them. A list is scanned record by
record (``json_records``) from a memory map, so the 75 MB list of every standard is never parsed whole nor
held twice; only records naming the reference asked for are parsed. Whatever goes wrong is one
:class:`ImportRefused` line and nothing is written: the standard file is written atomically, and only once
it has passed the schema and the model's own checks.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from portfolio_tui import catalog, locations
from portfolio_tui.domain import skills_england
from portfolio_tui.domain.standard import StandardError, standard_from_dict
from portfolio_tui.json_records import NotAList, first_byte, records
from portfolio_tui.services.errors import InputError, ServiceError

SIZE_LIMIT = 512 * 1024 * 1024
"""Seven times today's full list; anything larger is not the standards data."""
DEFAULT_TIMEOUT = 60.0
_CHUNK = 1 << 20


LONGEST_TIMEOUT = 86_400.0
"""The longest a download may be waited for: a day (a socket's timeout overflows near 1e300 seconds)."""


class ImportRefused(ServiceError):
    """The source or the record cannot be imported; one line saying what and where."""


@dataclass(frozen=True)
class ImportResult:
    standard_id: str
    path: Path
    changed: bool
    """False when the same version was already installed with the same content."""
    replaced: bool = False
    """True when an unreadable copy of the same version was put right (a readable one that differs is refused)."""


def import_standard(
    source: str,
    reference: str | None = None,
    version: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    size_limit: int = SIZE_LIMIT,
) -> ImportResult:
    """Read ``source``, pick the record, map and check it, and install it unless it is already there."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= LONGEST_TIMEOUT:
        raise InputError("timeout", f"must be more than 0 and at most {LONGEST_TIMEOUT:g} seconds (a day), not "
                                    f"{timeout!r}")
    with _opened(source, timeout, size_limit) as buffer:
        record = _pick(buffer, source, reference, version)
    try:
        document = skills_england.to_standard_document(record, source)
    except skills_england.RecordProblem as exc:
        raise ImportRefused(str(exc)) from None
    problems = catalog.schema_problems(document, "standard.schema.json")
    try:
        standard_from_dict(document)
    except StandardError as exc:
        problems += exc.problems
    if problems:
        path, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ImportRefused(f"{source}: the record does not make a valid standard: {path}: {message}{more}")
    return _install(document)


def _install(document: dict[str, Any]) -> ImportResult:
    import orjson

    from portfolio_tui.store.persistence import write_atomically

    folder = locations.user_standards_dir()
    target = folder / f"{document['id']}.json"
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    replaced = False
    if target.exists():
        try:
            installed = orjson.loads(target.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            installed = None  # unreadable: the import puts a sound copy in its place
        if _content(installed) == _content(document):
            return ImportResult(document["id"], target, changed=False)
        if isinstance(installed, dict):
            raise ImportRefused(
                f"{document['id']} is installed with different content ({_difference(installed, document)}); a "
                "version learners are on does not change under them, so nothing was written. If Skills England "
                f"corrected it, remove {target} and import again")
        replaced = True
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
    except OSError as exc:
        raise ImportRefused(f"{target}: cannot write the standard: {exc.strerror or exc}") from None
    return ImportResult(document["id"], target, changed=True, replaced=replaced)


def _difference(installed: dict[str, Any], document: dict[str, Any]) -> str:
    """What an import of the same version would change, in a few words: the criteria whose text differs, else
    the fields (review R17: a re-import silently gave K1 another text under evidence already accepted for it)."""

    def texts(doc: dict[str, Any]) -> dict[str, Any]:
        groups = doc.get("groups")
        groups = groups if isinstance(groups, list) else []
        return {str(c.get("id")): c.get("text") for g in groups if isinstance(g, dict)
                for c in g.get("criteria") or [] if isinstance(c, dict)}

    old, new = texts(installed), texts(document)
    criteria = [cid for cid in dict.fromkeys([*old, *new]) if old.get(cid) != new.get(cid)]
    fields = [k for k in dict.fromkeys([*installed, *document])
              if k not in ("notes", "source", "groups") and installed.get(k) != document.get(k)]
    parts = ([f"criteria {', '.join(criteria[:6])}{' …' if len(criteria) > 6 else ''}"] if criteria else []) + (
        [", ".join(fields[:4])] if fields else [])
    return skills_england.shown(" and ".join(parts) + " differ", 120) if parts else "its content differs"


def _content(document: Any) -> Any:
    """The standard as published: what it says, not where this copy was read from."""
    return {k: v for k, v in document.items() if k not in ("notes", "source")} if isinstance(document, dict) else None


# --- picking the record ---------------------------------------------------------------------------------


def _pick(buffer: mmap.mmap, source: str, reference: str | None, version: str | None) -> Any:
    import orjson

    start = first_byte(buffer)
    head = bytes(buffer[start : start + 1])
    if head == b"{":
        record = _loads(orjson, buffer[:], source)
        if reference is not None and skills_england.reference_of(record) != reference.strip().upper():
            held = skills_england.shown(skills_england.reference_of(record)) or "no reference"
            raise ImportRefused(f"--reference: {source} holds {held}")
        if version is not None and isinstance(record, dict) and skills_england.version_of(record) != version:
            held = skills_england.shown(skills_england.version_of(record))
            raise ImportRefused(f"--version: {source} holds version {held}")
        return record
    if head != b"[":
        raise ImportRefused(f"{source}: malformed JSON: expected a standard record or a list of them")
    wanted = (reference or "").strip().upper()
    needle = b'"' + wanted.encode() + b'"'
    found, count = [], 0
    try:
        for begin, end in records(buffer):
            count += 1
            if reference is not None and buffer.find(needle, begin, end) != -1:
                record = _loads(orjson, buffer[begin:end], source, offset=begin)
                if skills_england.reference_of(record) == wanted:
                    found.append(record)
    except NotAList as exc:
        raise ImportRefused(f"{source}: malformed JSON: {exc}") from None
    if reference is None:
        raise ImportRefused(
            f"{source}: holds a list of {count} records; say which standard with --reference (e.g. ST0116)"
        )
    return _choose(found, wanted, version)


def _choose(found: list[Any], reference: str, version: str | None) -> Any:
    try:
        return skills_england.choose(found, reference, version)
    except skills_england.RecordProblem as exc:
        raise ImportRefused(str(exc)) from None


def _loads(orjson: Any, data: bytes, source: str, offset: int = 0) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ImportRefused(f"{source}: malformed JSON at byte {offset + exc.pos}: {exc.msg}") from None


# --- reading the source ---------------------------------------------------------------------------------


@contextmanager
def _opened(source: str, timeout: float, size_limit: int) -> Iterator[mmap.mmap]:
    """The source's bytes, memory-mapped; a URL is first downloaded to a temporary file."""
    if source.startswith(("http://", "https://")):
        with tempfile.TemporaryFile() as spool:
            _download(source, spool, timeout, size_limit)
            with _mapped(spool, source) as view:
                yield view
        return
    if "://" in source:
        raise ImportRefused(f"{source}: only a file or an http(s) URL can be imported")
    path = Path(source)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportRefused(f"{source}: not a file")
    except OSError as exc:
        raise ImportRefused(f"{source}: cannot read: {exc.strerror}") from None
    if size > size_limit:
        raise ImportRefused(f"{source}: {size:,} bytes is over the {size_limit:,}-byte limit for standards data")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportRefused(f"{source}: cannot read: {exc.strerror}") from None
    with handle, _mapped(handle, source) as view:
        yield view


@contextmanager
def _mapped(handle: IO[bytes], source: str) -> Iterator[mmap.mmap]:
    handle.seek(0, os.SEEK_END)
    if handle.tell() == 0:
        raise ImportRefused(f"{source}: malformed JSON: the source is empty")
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


def _download(url: str, spool: IO[bytes], timeout: float, size_limit: int) -> None:
    """Fetch ``url`` into ``spool``: JSON only, at most ``size_limit`` bytes, all within ``timeout`` seconds."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            final = response.geturl()
            kind = response.headers.get_content_type()
            if "json" not in kind:
                moved = f" (redirected to {final})" if final != url else ""
                raise ImportRefused(f"{url}: the server sent {kind}, not JSON{moved}")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > size_limit:
                raise ImportRefused(f"{url}: {int(length):,} bytes is over the {size_limit:,}-byte limit")
            received = 0
            while chunk := response.read(_CHUNK):
                received += len(chunk)
                if received > size_limit:
                    raise ImportRefused(f"{url}: more than the {size_limit:,}-byte limit for standards data")
                if time.monotonic() > deadline:
                    raise ImportRefused(f"{url}: timed out after {timeout:g} seconds")
                spool.write(chunk)
    except urllib.error.HTTPError as exc:
        raise ImportRefused(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise ImportRefused(f"{url}: timed out after {timeout:g} seconds") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise ImportRefused(f"{url}: timed out after {timeout:g} seconds") from None
        raise ImportRefused(f"{url}: cannot fetch: {reason}") from None
    except (OSError, ValueError) as exc:
        raise ImportRefused(f"{url}: cannot fetch: {exc}") from None
    with suppress(OSError):
        spool.flush()
