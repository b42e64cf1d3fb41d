"""A TinyDB storage that never half-writes a portfolio and never writes over one it could not read.

Stock ``JSONStorage`` truncates and rewrites the file in place and re-reads it on every query. Here:

* a save goes to a temp file in the same folder, is fsynced with the original's permissions (less
  any access for others), then replaces the original with ``os.replace`` and the folder is fsynced:
  a crash leaves the old file or the new one, never a mixture; a new file gets the mode and group
  ``sharing`` gives files in its folder (group read-write in a shared cohort folder, never world);
* reading is strict (:func:`~portfolio_tui.store.reading.read_snapshot`: strict JSON plus a type
  check of every record), and a file that fails is refused with its path and what is wrong; nothing
  here writes to a file that was refused, because no snapshot of it ever exists;
* the parsed document is cached only while the file's identity (:func:`~own_files.stat_key`: device,
  inode, size, mtime_ns, ctime_ns) and its first line (which holds a generation number bumped by
  every save) are unchanged, and a transaction checks that under the lock, so no cache outlives
  another process's write;
* each record is kept serialised (one record per line on disk, compact JSON written by orjson): a
  reading keeps each record's line (:func:`~portfolio_tui.store.reading.split_document`), and a save
  re-serialises only the records a transaction touched and joins the rest, so even the first save
  after a fresh open encodes almost nothing;
* the audit is kept as its lines until something needs it whole (``Snapshot.lazy``); a change needs
  only its newest entry;
* after a save or a full check, the file's identity is noted in this account's private folder
  (``store.verified``), so a fresh open of the unchanged file (the next CLI run) skips the checks; a
  save's note also says the file kept the rules beyond types (``commit(clean=...)``), so that open
  keeps the evidence as lines too, and one add appends to them without parsing any.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
from collections.abc import Collection, Iterable, Mapping
from contextlib import suppress
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from portfolio_tui.store import migrations, verified
from portfolio_tui.store.errors import BreaksSchema, WriteFailed
from portfolio_tui.store.own_files import HEAD_LIMIT, head_of, sole_writer, stat_key
from portfolio_tui.store.persistence import write_atomically
from portfolio_tui.store.reading import Snapshot, read_snapshot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from portfolio_tui.store.migrations import Document

Dirty = dict[str, set[str]]
"""Table name -> ids of the records a transaction set, changed or removed."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class AtomicJSONStorage(Storage):
    """TinyDB storage for one portfolio file; see the module docstring for what it guarantees."""

    def __init__(self, path: str | Path, **_ignored: Any):
        super().__init__()
        self.path = Path(path)
        self._snapshot: Snapshot | None = None
        self._joined: dict[str, Joined] = {}
        """Each table's lines joined as last saved (:func:`render`), for the cached snapshot only."""

    def read(self) -> Document:
        return self.snapshot().doc

    def write(self, data: Document) -> None:
        self.commit(data, None)

    @property
    def cached(self) -> Snapshot | None:
        """The snapshot in the cache, without checking that it is still current."""
        return self._snapshot

    def forget(self) -> None:
        """Drop the cache: the next read parses the file again."""
        self._snapshot = None
        self._joined = {}

    def snapshot(self) -> Snapshot:
        """The current document: from the cache when the file is unchanged, else freshly read and checked."""
        cached = self._snapshot
        if cached is not None:
            try:
                st = os.stat(self.path)
            except OSError:
                st = None
            if st is not None and stat_key(st) == cached.key and self._read_head() == cached.head:
                return cached
        self.forget()
        snap = self._snapshot = read_snapshot(self.path, noted=True)
        return snap

    def commit(self, doc: Document, dirty: Dirty | None, *, clean: str | None = None) -> Snapshot:
        """Save ``doc``; ``dirty`` names the records that changed (``None``: treat every record as changed).
        ``clean``: the caller checked that ``doc`` keeps the rules of ``store.constraints``, known criteria
        against the criteria with this digest (``constraints.criteria_digest``); noted with the file.

        ``doc`` is the cached snapshot's ``tables`` (its lazy tables holding only what was added), or
        a new document.
        """
        snap = self._snapshot if self._snapshot is not None and self._snapshot.tables is doc else None
        if snap is not None and dirty is None:
            doc = snap.doc  # everything is written anew: the lazy tables are parsed first
        fragments = snap.fragments if snap is not None and dirty is not None else {}
        lazy = snap.lazy if snap is not None else set()
        try:
            data = render(doc, fragments, dirty, lazy, self._joined if snap is not None else None)
        except (ValueError, TypeError) as exc:
            self.forget()
            where = lone_surrogate(doc)
            if where:  # put there by hand: the file breaks the schema, and the change is refused as for any such file
                raise BreaksSchema(self.path, [(where, "text that is not valid Unicode (a lone surrogate)")]) from None
            raise WriteFailed(self.path, f"a record cannot be saved as JSON ({exc})") from None
        try:
            st = write_atomically(self.path, data, spare=True)
        except OSError as exc:
            self.forget()
            raise WriteFailed(self.path, describe(exc)) from None
        identity, head = stat_key(st), head_of(data)
        if sole_writer(st) and not (snap is not None and snap.outside):  # what was written was checked: read anew,
            # it need not be (but a record changed by hand, kept, is shown on every reading)
            verified.note(self.path, identity, head, clean=clean)
        if snap is None:
            snap = Snapshot(identity, head, doc, migrations.CURRENT_VERSION, fragments=fragments, clean=clean)
            self._snapshot = snap
            return snap
        snap.key, snap.head, snap.fragments, snap.clean = identity, head, fragments, clean
        snap.found_version, snap.original, snap.portfolio = migrations.CURRENT_VERSION, None, None
        for name in lazy:  # what was added is in the table's lines now
            snap.tables[name] = {}
        if dirty is None:
            snap.objects.clear()
        else:
            for table, keys in dirty.items():
                built = snap.objects.get(table, {})
                for key in keys:
                    built.pop(key, None)
        return snap

    def _read_head(self) -> bytes | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        try:
            return head_of(os.read(fd, HEAD_LIMIT))
        except OSError:
            return None
        finally:
            os.close(fd)


def _fragment(key: str, record: Any) -> bytes:
    return orjson.dumps(key) + b":" + dumps_record(record)


def dumps_record(record: Any) -> bytes:
    """One record as compact JSON, in the form :func:`~portfolio_tui.jsonfile.loads_compact` reads quickly.

    orjson writes NaN and Infinity as ``null`` where the json module refuses them; a record holding
    one is refused here too, so nothing is silently changed on its way to disk. An integer beyond
    64 bits, which orjson cannot write, goes the json module's way.
    """
    try:
        data = orjson.dumps(record)
    except TypeError:
        return _ENCODER.encode(record).encode()
    if b"null" in data and not _finite(record):
        raise ValueError("NaN and Infinity cannot be saved")
    return data


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(map(_finite, value.values()))
    if isinstance(value, (list, tuple)):
        return all(map(_finite, value))
    return True


def table_fragments(table: dict[str, Any], checked: Iterable[str] | None) -> dict[str, bytes]:
    """Every record of a table as its line of the file, encoded in C as far as possible.

    ``checked`` names the records that may hold NaN or Infinity (``None``: any of them). Records
    read from the file cannot: the strict reading refuses both, and so a fresh open followed by one
    change re-encodes the whole file without looking into every record.
    """
    try:
        bodies = list(map(orjson.dumps, table.values()))
    except TypeError:
        return {key: _fragment(key, record) for key, record in table.items()}
    keys = list(table)
    suspects = keys if checked is None else [key for key in checked if key in table]
    if suspects:
        body_of = dict(zip(keys, bodies, strict=True))
        for key in suspects:
            if b"null" in body_of[key] and not _finite(table[key]):
                raise ValueError("NaN and Infinity cannot be saved")
    if all(map(str.isdigit, keys)):  # record ids: nothing in them needs escaping
        prefixes = [b'"' + key.encode() + b'":' for key in keys]
    else:
        prefixes = [orjson.dumps(key) + b":" for key in keys]
    return dict(zip(keys, map(bytes.__add__, prefixes, bodies), strict=True))


class Joined:
    """One table's lines as the file holds them, joined into a few large pieces kept between saves.

    Joining 5,000 lines anew costs more than a save's own writing: a save that only appended to a
    table writes these pieces and the new lines after them. ``source`` is the table's fragments the
    pieces were joined from, ``count`` how many of them; they are used only with that same mapping
    grown by appending alone. Each piece is at least as long as the one after it (a new piece merges
    into the one before while it is as long), so there are few pieces and each byte is copied a few
    times over a long session, not once per save.
    """

    __slots__ = ("source", "count", "pieces")

    def __init__(self, source: dict[str, bytes], count: int, pieces: list[bytes]):
        self.source, self.count, self.pieces = source, count, pieces


def render(
    doc: Document, fragments: dict[str, dict[str, bytes]], dirty: Dirty | None, lazy: Collection[str] = (),
    joined: dict[str, Joined] | None = None,
) -> list[bytes]:
    """The file's bytes as chunks: ``meta`` on the first line, then one record per line.

    Unchanged records reuse their cached fragment; ``fragments`` is updated in place to match
    ``doc``. A ``lazy`` table (``reading.Snapshot.lazy``) is its fragments, in ``doc`` only the
    records added since, which go at its end. The chunks are written one after another, never
    joined into one copy of the file; ``joined`` (updated in place) keeps each table's lines joined
    between saves (:class:`Joined`), so a save that appends re-joins only what it added.
    """
    names = ["meta", *(n for n in doc if n != "meta")] if "meta" in doc else list(doc)
    joined = {} if joined is None else joined
    chunks = [b"{"]
    kept = {}
    for name in names:
        table = doc[name]
        frags = fragments.get(name)
        keys = () if dirty is None else dirty.get(name, ())
        appended = frags is not None and dirty is not None and not any(key in frags for key in keys)
        if name in lazy and frags is not None and dirty is not None:
            for key in keys:
                frags[key] = _fragment(key, table[key])
        elif dirty is None or frags is None:
            frags = table_fragments(table, None if dirty is None else keys)
        else:
            for key in keys:
                if key in table:
                    frags[key] = _fragment(key, table[key])
                else:
                    frags.pop(key, None)
            if len(frags) != len(table):
                frags = table_fragments(table, None)
            elif keys and _tail(frags, len(keys)) != _tail(table, len(keys)):
                # New or re-inserted records sit at the table's end; keep the file in the table's order.
                frags = {key: frags[key] for key in table}
        kept[name] = frags
        if len(chunks) > 1:
            chunks.append(b",\n")
        label = orjson.dumps(name)
        if name == "meta" or not frags:
            chunks.append(label + b":{" + b",".join(frags.values()) + b"}")
            joined.pop(name, None)
        else:
            chunks.extend((label, b":{\n", *_joined_lines(name, frags, len(keys) if appended else None, joined),
                           b"\n}"))
    chunks.append(b"}\n")
    fragments.clear()
    fragments.update(kept)
    for name in set(joined).difference(kept):
        del joined[name]
    return chunks


def _joined_lines(name: str, frags: dict[str, bytes], appended: int | None, joined: dict[str, Joined]) -> list[bytes]:
    """A table's lines, joined: the kept pieces plus the last ``appended`` lines when that is all that changed."""
    cached = joined.get(name)
    if appended is not None and cached is not None and cached.source is frags and cached.count + appended == len(frags):
        pieces = cached.pieces
        if appended:
            new = list(islice(reversed(frags.values()), appended))
            new.reverse()
            pieces.append(b",\n" + b",\n".join(new))
            while len(pieces) > 1 and len(pieces[-1]) >= len(pieces[-2]):
                last = pieces.pop()
                pieces[-1] += last
    else:
        pieces = [b",\n".join(frags.values())]
    joined[name] = Joined(frags, len(frags), pieces)
    return pieces


def _tail(mapping: dict[str, Any], count: int) -> list[str]:
    return list(islice(reversed(mapping), count))


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files a killed writer left; only call with the portfolio's lock held."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp\Z")
    with suppress(OSError):
        for entry in os.scandir(path.parent):
            if pattern.match(entry.name):
                with suppress(OSError):
                    os.unlink(entry.path)


def lone_surrogate(value: Any, where: str = "$") -> str:
    """Where in ``value`` a string holds a lone surrogate (``$.learner.1.name``), or ""; looked for only
    once a save has failed, so reading never pays for it."""
    if isinstance(value, str):
        return where if any("\ud800" <= ch <= "\udfff" for ch in value) else ""
    if isinstance(value, Mapping):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return ""
    for key, item in items:
        found = lone_surrogate(key, where) or lone_surrogate(item, f"{where}.{key}")
        if found:
            return found
    return ""


def describe(exc: OSError) -> str:
    """An OS error in words a user can act on."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: "permission denied (is the folder read-only?)",
        errno.EPERM: "permission denied (is the folder read-only?)",
        errno.EROFS: "the file system is read-only",
    }
    return (reasons.get(exc.errno) if exc.errno is not None else None) or exc.strerror or str(exc)
