"""A TinyDB storage that never half-writes a portfolio and never writes over one it could not read.

Stock ``JSONStorage`` truncates and rewrites the file in place and re-reads it on every query. Here:

* a save goes to a temp file in the same folder, is fsynced with the original's permissions (less
  any access for others), then replaces the original with ``os.replace`` and the folder is fsynced:
  a crash leaves the old file or the new one, never a mixture; a new file gets the mode and group
  ``sharing`` gives files in its folder (group read-write in a shared cohort folder, never world);
* reading is strict (:func:`~portfolio_tui.jsonfile.loads_strict` plus a type check of every
  record), and a file that fails is refused with its path and what is wrong; nothing here writes
  to a file that was refused, because no snapshot of it ever exists;
* the parsed document is cached only while ``os.stat`` (inode, mtime, size) and the file's first
  line (which holds a generation number bumped by every save) are unchanged, so no cache outlives
  another process's write;
* each record is kept serialised (one record per line on disk); a save re-serialises only the
  records a transaction touched and joins the rest, which keeps a save into a 5,000-record file in
  the low milliseconds.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from portfolio_tui import sharing
from portfolio_tui.jsonfile import JsonFileError, loads_strict
from portfolio_tui.store import migrations
from portfolio_tui.store.errors import CorruptFile, NotFound, StoreError, WriteFailed
from portfolio_tui.store.records import TABLES, check_document

Document = dict[str, dict[str, Any]]
Dirty = dict[str, set[str]]
"""Table name -> ids of the records a transaction set, changed or removed."""

WORLD_BITS = 0o007
_HEAD_LIMIT = 4096
_ID = re.compile(r"[1-9][0-9]*\Z")
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


@dataclass
class Snapshot:
    """One reading of the file, valid while the file's stat key and first line are unchanged."""

    key: tuple[int, int, int]
    head: bytes
    doc: Document
    found_version: int
    original: bytes | None = None
    """The bytes as read, kept only while an upgraded document waits to be saved (for the backup)."""
    fragments: dict[str, dict[str, bytes]] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    """Table -> the hash of its highest-id record, for chained tables, kept up to date by each insert."""
    objects: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Domain objects built from records, dropped with the record's fragment when it changes."""
    portfolio: Any = None


class AtomicJSONStorage(Storage):
    """TinyDB storage for one portfolio file; see the module docstring for what it guarantees."""

    def __init__(self, path: str | Path, **_ignored: Any):
        super().__init__()
        self.path = Path(path)
        self._snapshot: Snapshot | None = None

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

    def snapshot(self) -> Snapshot:
        """The current document: from the cache when the file is unchanged, else freshly read and checked."""
        cached = self._snapshot
        if cached is not None:
            try:
                st = os.stat(self.path)
            except OSError:
                st = None
            if st is not None and _key(st) == cached.key and self._read_head() == cached.head:
                return cached
        self._snapshot = None
        try:
            with open(self.path, "rb") as handle:
                key = _key(os.fstat(handle.fileno()))
                data = handle.read()
        except FileNotFoundError:
            raise NotFound(f"{self.path} does not exist (create it with `portfolio new`)") from None
        except IsADirectoryError:
            raise CorruptFile(self.path, "it is a folder, not a portfolio file") from None
        except OSError as exc:
            raise StoreError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        doc = parse_document(data, self.path)
        version = migrations.version_of(doc, self.path)
        if version < migrations.CURRENT_VERSION:
            doc = migrations.upgrade(doc, version)
        problems = check_document(doc)
        if problems:
            where, what = problems[0]
            more = f" (and {len(problems) - 1} more; `portfolio validate` lists them)" if len(problems) > 1 else ""
            raise CorruptFile(self.path, f"{where}: {what}{more}")
        for table in TABLES:
            doc.setdefault(table, {})
        snap = Snapshot(key, _head_of(data), doc, version, data if version < migrations.CURRENT_VERSION else None)
        self._snapshot = snap
        return snap

    def commit(self, doc: Document, dirty: Dirty | None) -> Snapshot:
        """Save ``doc``; ``dirty`` names the records that changed (``None``: treat every record as changed)."""
        snap = self._snapshot if self._snapshot is not None and self._snapshot.doc is doc else None
        fragments = snap.fragments if snap is not None and dirty is not None else {}
        try:
            data = render(doc, fragments, dirty)
        except (ValueError, TypeError) as exc:
            self.forget()
            raise WriteFailed(self.path, f"a record cannot be saved as JSON ({exc})") from None
        try:
            st = write_atomically(self.path, data)
        except OSError as exc:
            self.forget()
            raise WriteFailed(self.path, describe(exc)) from None
        if snap is None:
            snap = Snapshot(_key(st), _head_of(data), doc, migrations.CURRENT_VERSION, fragments=fragments)
            self._snapshot = snap
            return snap
        snap.key, snap.head, snap.fragments = _key(st), _head_of(data), fragments
        snap.found_version, snap.original, snap.portfolio = migrations.CURRENT_VERSION, None, None
        if dirty is None:
            snap.objects.clear()
        else:
            for table, keys in dirty.items():
                for key in keys:
                    snap.objects.pop((table, key), None)
        return snap

    def _read_head(self) -> bytes | None:
        try:
            with open(self.path, "rb") as handle:
                return _head_of(handle.read(_HEAD_LIMIT))
        except OSError:
            return None


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _head_of(data: bytes | list[bytes]) -> bytes:
    if isinstance(data, list):
        start, size = [], 0
        for chunk in data:
            start.append(chunk[:_HEAD_LIMIT])
            size += len(chunk)
            if b"\n" in chunk or size >= _HEAD_LIMIT:
                break
        data = b"".join(start)
    head = data[:_HEAD_LIMIT]
    end = head.find(b"\n")
    return head if end < 0 else head[: end + 1]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def parse_document(data: bytes, path: Path) -> Document:
    """Strict JSON with the shape of a TinyDB file (an object of tables, each an object of id -> object)."""
    if not data.strip():
        raise CorruptFile(path, "the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptFile(path, f"not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        doc = loads_strict(text)
    except JsonFileError as exc:
        raise CorruptFile(path, str(exc)) from None
    if not isinstance(doc, dict):
        raise CorruptFile(path, f"expected an object of tables, found {_kind(doc)}")
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise CorruptFile(path, f"$.{name}: a table must be an object, found {_kind(table)}")
        for key, record in table.items():
            if not _ID.match(key):
                raise CorruptFile(path, f"$.{name}: record id '{key}' is not a whole number from 1 up")
            if not isinstance(record, dict):
                raise CorruptFile(path, f"$.{name}.{key}: a record must be an object, found {_kind(record)}")
    return doc


def _fragment(key: str, record: Any) -> bytes:
    return f'"{key}":{_ENCODER.encode(record)}'.encode()


def render(doc: Document, fragments: dict[str, dict[str, bytes]], dirty: Dirty | None) -> list[bytes]:
    """The file's bytes as chunks: ``meta`` on the first line, then one record per line.

    Unchanged records reuse their cached fragment; ``fragments`` is updated in place to match
    ``doc``. The chunks are written one after another, never joined into one copy of the file.
    """
    names = ["meta", *(n for n in doc if n != "meta")] if "meta" in doc else list(doc)
    chunks = [b"{"]
    kept = {}
    for name in names:
        table = doc[name]
        frags = fragments.get(name)
        if dirty is None or frags is None:
            frags = {key: _fragment(key, record) for key, record in table.items()}
        else:
            keys = dirty.get(name, ())
            for key in keys:
                if key in table:
                    frags[key] = _fragment(key, table[key])
                else:
                    frags.pop(key, None)
            if len(frags) != len(table):
                frags = {key: _fragment(key, record) for key, record in table.items()}
            elif keys and _tail(frags, len(keys)) != _tail(table, len(keys)):
                # New or re-inserted records sit at the table's end; keep the file in the table's order.
                frags = {key: frags[key] for key in table}
        kept[name] = frags
        if len(chunks) > 1:
            chunks.append(b",\n")
        label = _ENCODER.encode(name).encode()
        if name == "meta" or not frags:
            chunks.append(label + b":{" + b",".join(frags.values()) + b"}")
        else:
            chunks.extend((label, b":{\n", b",\n".join(frags.values()), b"\n}"))
    chunks.append(b"}\n")
    fragments.clear()
    fragments.update(kept)
    return chunks


def _tail(mapping: dict[str, Any], count: int) -> list[str]:
    return list(islice(reversed(mapping), count))


def _write_all(fd: int, chunks: list[bytes]) -> None:
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view):]


def write_atomically(path: Path, data: bytes | list[bytes], mode: int | None = None) -> os.stat_result:
    """Replace ``path`` with ``data`` (bytes, or chunks written in order) all at once.

    Temp file in the same folder, same permissions, fsync, ``os.replace``, fsync the folder.

    An existing file keeps its mode, less any access for others, and its owner and group where the
    OS allows. A new file gets :func:`sharing.prepare_new_file`'s mode and the folder's group, or
    ``mode`` (less access for others) when given. On any failure the temp file is removed and
    ``path`` is as it was.
    """
    folder = path.parent
    try:
        existing: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        existing = None
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        try:
            _copy_permissions(fd, temp, existing, mode)
            _write_all(fd, [data] if isinstance(data, bytes) else data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)
    return os.stat(path)


def _copy_permissions(fd: int, temp: str, existing: os.stat_result | None, mode: int | None) -> None:
    if existing is None:
        sharing.prepare_new_file(fd, Path(temp).parent)
        if mode is not None:
            _chmod(fd, temp, mode & ~WORLD_BITS)
        return
    _chmod(fd, temp, stat.S_IMODE(existing.st_mode) & ~WORLD_BITS)
    if hasattr(os, "fchown"):
        current = os.fstat(fd)
        if (existing.st_uid, existing.st_gid) == (current.st_uid, current.st_gid):
            return
        try:
            os.fchown(fd, existing.st_uid, existing.st_gid)
        except OSError:
            # Only root can give the file away; anyone may keep its group when they belong to it.
            with suppress(OSError):
                os.fchown(fd, -1, existing.st_gid)


def _chmod(fd: int, temp: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(temp, mode)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; best effort, since the new file is already complete and in place."""
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files a killed writer left; only call with the portfolio's lock held."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp\Z")
    with suppress(OSError):
        for entry in os.scandir(path.parent):
            if pattern.match(entry.name):
                with suppress(OSError):
                    os.unlink(entry.path)


def describe(exc: OSError) -> str:
    """An OS error in words a user can act on."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: "permission denied (is the folder read-only?)",
        errno.EPERM: "permission denied (is the folder read-only?)",
        errno.EROFS: "the file system is read-only",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))
