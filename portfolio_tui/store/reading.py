"""Reading a portfolio file: strict JSON, the shape and type checks, and the domain objects built from it.

Nothing here writes, locks or imports TinyDB, so a command that only reads (``portfolio gateway``
over a caseload) loads just this. :class:`~portfolio_tui.store.storage.AtomicJSONStorage` reads
through :func:`read_snapshot` too, so both refuse a broken file in the same words:

* the JSON must be strict (:func:`~portfolio_tui.jsonfile.loads_strict`: no NaN, no duplicate keys);
* it must be an object of tables, each an object of id -> record, ids whole numbers from 1 up;
* an older schema version is upgraded in memory; a newer one is refused;
* every record must have the types its table's class wants (:func:`~records.check_document`).
"""

from __future__ import annotations

import codecs
import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.jsonfile import JsonFileError, is_sure, loads_checked, loads_compact
from portfolio_tui.store import migrations
from portfolio_tui.store.errors import CorruptFile, NotFound, StoreError
from portfolio_tui.store.migrations import Document
from portfolio_tui.store.records import PORTFOLIO_FIELDS, RECORD_TABLES, TABLES, check_document, from_records

HEAD_LIMIT = 4096
_ID = re.compile(r"[1-9][0-9]*\Z")
_DICT = {dict}


@dataclass
class Snapshot:
    """One reading of the file, valid while the file's stat key and first line are unchanged."""

    key: tuple[int, int, int, int, int]
    head: bytes
    doc: Document
    found_version: int
    original: bytes | None = None
    """The bytes as read, kept only while an upgraded document waits to be saved (for the backup)."""
    fragments: dict[str, dict[str, bytes]] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    sound: bool = False
    """The record passed the store's checks before a save (``store.sealing``): once per reading."""
    heads: dict[str, str] = field(default_factory=dict)
    """Table -> the hash of its highest-id record, for chained tables, kept up to date by each insert."""
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Table -> id -> the domain object built from that record, dropped with the record's fragment when it changes."""
    portfolio: Any = None
    problems: list[tuple[str, str]] | None = None
    """What the document breaks of the schema beyond types (``store.constraints``), once asked."""


def read_snapshot(path: Path, *, build: bool = False) -> Snapshot:
    """Read, check and (if older) upgrade the file at ``path``; raises :class:`StoreError` saying what is wrong.

    With ``build``, the domain objects are built as the records are checked, from the same columns
    (for a reader that wants them all at once: :func:`read_portfolio`).
    """
    try:
        with open(path, "rb") as handle:
            key = stat_key(os.fstat(handle.fileno()))
            data = handle.read()
    except FileNotFoundError:
        raise NotFound(f"{path} does not exist (create it with `portfolio new`)") from None
    except IsADirectoryError:
        raise CorruptFile(path, "it is a folder, not a portfolio file") from None
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None
    with paused_gc():
        doc = parse_document(data, path)
        version = migrations.version_of(doc, path)
        if version < migrations.CURRENT_VERSION:
            doc = migrations.upgrade(doc, version)
        built: dict[str, list[Any]] | None = {} if build else None
        problems = check_document(doc, built)
    if problems:
        where, what = problems[0]
        more = f" (and {len(problems) - 1} more; `portfolio validate` lists them)" if len(problems) > 1 else ""
        raise CorruptFile(path, f"{where}: {what}{more}")
    for table in TABLES:
        doc.setdefault(table, {})
    snap = Snapshot(key, head_of(data), doc, version, data if version < migrations.CURRENT_VERSION else None)
    if built:
        snap.objects = {table: dict(zip(doc[table], objects, strict=True)) for table, objects in built.items()}
    return snap


def read_portfolio(path: Path) -> Portfolio:
    """The portfolio at ``path`` for reading only: no lock is taken and nothing is cached or written."""
    return portfolio_of(read_snapshot(path, build=True))


def portfolio_of(snap: Snapshot) -> Portfolio:
    """The whole portfolio as immutable domain objects (rebuilt only for records that changed)."""
    if snap.portfolio is None:
        with paused_gc():
            tables = {name: objects_of(snap, table, RECORD_TABLES[table]) for table, name in PORTFOLIO_FIELDS.items()}
            snap.portfolio = Portfolio(learner=object_of(snap, "learner", Learner, "1"), **tables)
    return snap.portfolio


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a file is read and turned into objects.

    Reading makes many objects and no reference cycles, so the collector would only walk the growing
    heap again and again (a third of the time of opening a 20,000-evidence portfolio). It is paused,
    not forced: another thread may pause it too, and whoever paused it first turns it back on.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            # What was read is long-lived and has no cycles: moved out of the collector's sight (reference
            # counting still frees it), it spares the full collection that turning it back on would start.
            gc.freeze()
            gc.enable()


def objects_of(snap: Snapshot, table: str, cls: type) -> tuple[Any, ...]:
    """Every record of a table as objects; the ones not built yet are built together, which is much faster."""
    records = snap.doc.get(table, {})
    built = snap.objects.setdefault(table, {})
    missing = [key for key in records if key not in built] if built else list(records)
    if missing:
        made = from_records(cls, list(map(int, missing)), [records[key] for key in missing])
        built.update(zip(missing, made, strict=True))
    return tuple(map(built.__getitem__, records))


def object_of(snap: Snapshot, table: str, cls: type, key: str) -> Any:
    """One record as an object, built once per reading of the record."""
    built = snap.objects.setdefault(table, {})
    obj = built.get(key)
    if obj is None:
        obj = built[key] = from_records(cls, [int(key)], [snap.doc[table][key]])[0]
    return obj


def stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """The file's identity and version: (device, inode, size, mtime_ns) and the inode's change time.

    Every save here replaces the file (a new inode) and bumps the generation on its first line. A
    program writing in place may keep the size and even put the mtime back; it cannot put back the
    change time, which the kernel sets on every write and every ``utime``.
    """
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def head_of(data: bytes | list[bytes]) -> bytes:
    """The file's first line (it holds the generation number every save bumps), from its bytes or chunks."""
    if isinstance(data, list):
        start, size = [], 0
        for chunk in data:
            start.append(chunk[:HEAD_LIMIT])
            size += len(chunk)
            if b"\n" in chunk or size >= HEAD_LIMIT:
                break
        data = b"".join(start)
    head = data[:HEAD_LIMIT]
    end = head.find(b"\n")
    return head if end < 0 else head[: end + 1]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


_ZERO_FIRST = methodcaller("startswith", "0")


def _all_ids(keys: dict[str, Any]) -> bool:
    """Is every key a record id (:data:`_ID`: ASCII digits, no leading zero)? All the keys joined are checked
    at once, in C: a regular expression run key by key cost a third of the parse."""
    if not keys:
        return True
    joined = "".join(keys)
    return joined.isascii() and joined.isdigit() and "" not in keys and not any(map(_ZERO_FIRST, keys))


def parse_document(data: bytes, path: Path) -> Document:
    """Strict JSON with the shape of a TinyDB file (an object of tables, each an object of id -> object)."""
    if not data or data.isspace():  # (strip would copy the whole file)
        raise CorruptFile(path, "the file is empty")
    doc = loads_compact(data[3:] if data.startswith(codecs.BOM_UTF8) else data)
    if not is_sure(doc):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CorruptFile(path, f"not UTF-8 text (bad byte at offset {exc.start})") from None
        try:
            doc = loads_checked(text)
        except JsonFileError as exc:
            raise CorruptFile(path, str(exc)) from None
    if not isinstance(doc, dict):
        raise CorruptFile(path, f"expected an object of tables, found {_kind(doc)}")
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise CorruptFile(path, f"$.{name}: a table must be an object, found {_kind(table)}")
        if not _all_ids(table):
            key = next(k for k in table if not _ID.match(k))
            raise CorruptFile(path, f"$.{name}: record id '{key}' is not a whole number from 1 up")
        if not set(map(type, table.values())) <= _DICT:
            key, record = next((k, r) for k, r in table.items() if not isinstance(r, dict))
            raise CorruptFile(path, f"$.{name}.{key}: a record must be an object, found {_kind(record)}")
    return doc
