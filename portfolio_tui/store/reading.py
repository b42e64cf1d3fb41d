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
import errno
import gc
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, repeat
from operator import itemgetter

from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.jsonfile import JsonFileError, is_sure, loads_checked, loads_compact
from portfolio_tui.store import migrations
from portfolio_tui.store.errors import CorruptFile, NotFound, StoreError
from portfolio_tui.store.own_files import head_of, sole_writer, stat_key
from portfolio_tui.store.records import (
    PORTFOLIO_FIELDS,
    RECORD_TABLES,
    TABLES,
    check_audit,
    check_document,
    from_records,
)
from portfolio_tui.store.size_limit import refuse_oversized

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, BinaryIO

    from portfolio_tui.store.migrations import Document

_ID = re.compile(r"[1-9][0-9]*\Z")
_DICT = {dict}
_BATCH = 250
LAZY_TABLES = frozenset({"audit"})
"""Tables a reading keeps as lines until they are needed (see :attr:`Snapshot.lazy`)."""
CLEAN_LAZY_TABLES = frozenset({"evidence"})
"""Tables also kept as lines in a file this account saved clean (``store.verified``): nothing is checked in
them before a change while the standard's criteria are those noted, and a change appends to them."""


class Snapshot:
    """One reading of the file, valid while the file's stat key and first line are unchanged. (A plain class: nothing
    compares or shows one, and a dataclass would cost the gateway's start-up the dataclasses module.)"""

    key: tuple[int, int, int, int, int]
    head: bytes
    tables: Document
    """Every table; a :attr:`lazy` one holds only the records added since the file was read."""
    found_version: int
    original: bytes | None
    """The bytes as read, kept only while an upgraded document waits to be saved (for the backup)."""
    fragments: dict[str, dict[str, bytes]]
    next_ids: dict[str, int]
    sound: bool
    """The record passed the store's checks before a save (``store.sealing``): once per reading."""
    heads: dict[str, str]
    """Table -> the hash of its highest-id record, for chained tables, kept up to date by each insert."""
    objects: dict[str, dict[str, Any]]
    """Table -> id -> the domain object built from that record, dropped with the record's fragment when it changes."""
    portfolio: Any
    problems: list[tuple[str, str]] | None
    """What the document breaks of the schema beyond types (``store.constraints``), once asked."""
    clean: str | None
    """This account's note says a save left the file as it is, keeping the schema's rules beyond types
    (``store.verified``), known criteria checked against the criteria with this digest
    (``constraints.criteria_digest``); ``None``: the rules are checked on this reading."""
    checked_against: str | None
    """The digest of the criteria :attr:`problems` was found with (``constraints.criteria_digest``)."""
    vouched: bool
    """This account's note vouched for the file as read (``store.verified``): nobody changed it since it was checked."""
    outside: tuple[str, ...] | None
    """The records not as the audit left them (``store.audit_index.changed_outside``), once asked."""
    latest: Any
    """The newest audit entry fingerprinting each record (``store.audit_index.LatestEntries``), once a change asks."""
    last_lazy: dict[str, int]
    """A lazy table -> its highest id, once asked (0: none)."""
    lazy: set[str]
    """Tables whose records on disk are kept only as their lines (``fragments``), parsed when first needed.

    The audit is as long as everything else together, and a change needs only its newest entry (to
    chain to and to check) and its first (for receipts): it is parsed whole only for the history,
    for ``verify`` and for queries."""

    def __init__(
        self, key: tuple[int, int, int, int, int], head: bytes, tables: Document, found_version: int,
        original: bytes | None = None, *, fragments: dict[str, dict[str, bytes]] | None = None,
        lazy: set[str] | None = None, clean: str | None = None, vouched: bool = False,
    ) -> None:
        self.key, self.head, self.tables, self.found_version, self.original = key, head, tables, found_version, original
        self.fragments = {} if fragments is None else fragments
        self.lazy = set() if lazy is None else lazy
        self.clean = clean
        self.next_ids: dict[str, int] = {}
        self.sound = False
        self.heads: dict[str, str] = {}
        self.objects: dict[str, dict[str, Any]] = {}
        self.portfolio = None
        self.problems = None
        self.checked_against = None
        self.vouched = vouched
        self.outside = None
        self.latest = None
        self.last_lazy: dict[str, int] = {}

    @property
    def doc(self) -> Document:
        """The whole document, the lazy tables parsed now (once)."""
        for name in list(self.lazy):
            self.table(name)
        return self.tables

    def table(self, name: str, *, create: bool = False) -> dict[str, Any]:
        """One whole table (parsed now if it was lazy); a missing one is empty, and added if ``create``."""
        if name in self.lazy:
            added = self.tables.get(name, {})
            whole = parse_fragments(list(self.fragments[name].values()))
            whole.update(added)  # the records added since are the ones the transaction holds
            self.tables[name] = whole
            self.lazy.discard(name)
        return self.tables.setdefault(name, {}) if create else self.tables.get(name, {})

    def has(self, name: str, key: str) -> bool:
        return key in self.tables.get(name, ()) or (name in self.lazy and key in self.fragments[name])

    def record(self, name: str, key: str) -> Any:
        """One record (``None`` if there is none), without parsing the rest of a lazy table."""
        found = self.tables.get(name, {}).get(key)
        if found is None and name in self.lazy and key in self.fragments[name]:
            found = parse_fragment(self.fragments[name][key])
        return found

    def last_id(self, name: str) -> str | None:
        """The highest record id of a table (of one whose ids are all whole numbers, as a read file's are)."""
        if name not in self.lazy:
            table = self.tables.get(name, ())
            return str(max(map(int, table))) if table else None
        last = self.last_lazy.get(name)
        if last is None:
            ids = [*self.fragments[name], *self.tables.get(name, ())]
            last = self.last_lazy[name] = max(map(int, ids), default=0)
        return str(last) if last else None

    def added(self, name: str, key: str, record: Any) -> None:
        """Append a record to a lazy table (its id above every other)."""
        self.tables.setdefault(name, {})[key] = record
        self.last_lazy[name] = max(int(key), self.last_lazy.get(name) or 0)


def refuse_special(path: str | Path) -> None:
    """``OSError`` for a device or a pipe: it would be read for ever (``/dev/zero``) or block the open (a FIFO)."""
    if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
        raise OSError(errno.EINVAL, "not a regular file (a device or a pipe?), so not a portfolio file")


_UNLINKED = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def open_unlinked(path: str | Path) -> BinaryIO:
    """The file at ``path`` open for reading, never through a symbolic link at its name.

    Who may see a portfolio is decided by the name of the file that is read: a link is the file it points to
    (a store opens it so, ``persistence.link_target``; a caseload lists it so, ``services.access.viewable``),
    so a name that is a link when it comes to be read was put there after its check (review R14: a group
    member's ``app2.json`` renamed to a link to app1's portfolio) and is refused, not read."""
    try:
        fd = os.open(path, _UNLINKED)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CorruptFile(path, "it is a symbolic link now, not the file whose access was checked; nothing "
                                    "was read (open the file it points to by its own name)") from None
        raise
    return os.fdopen(fd, "rb")


def read_regular(path: Path) -> tuple[os.stat_result, bytes]:
    """The stat and the bytes of the file at ``path``. A device or a pipe is refused (``OSError`` saying so)
    before it is opened: it would be read for ever (``/dev/zero``) or block the open (a FIFO); a file over the
    size limit (:class:`~portfolio_tui.store.size_limit.TooLarge`) before it is read."""
    refuse_special(path)
    with open(path, "rb") as handle:
        opened = os.fstat(handle.fileno())
        refuse_oversized(path, opened.st_size)
        return opened, handle.read()


def parse_fragment(fragment: bytes) -> Any:
    """The record on one line of the file (``"<id>":{...}``), as checked when the file was read."""
    import orjson

    return orjson.loads(fragment[fragment.index(b'":') + 2:])


def parse_fragments(fragments: list[bytes]) -> dict[str, Any]:
    """The records on these lines of the file, by id, as checked when the file was read: parsed a batch of
    lines at a time, as one object each (much faster than line by line)."""
    import orjson

    records: dict[str, Any] = {}
    was_on = gc.isenabled()
    gc.disable()  # no cycles are made; unlike paused_gc, nothing is frozen (a long-running program calls this)
    try:
        for start in range(0, len(fragments), _BATCH):
            records.update(orjson.loads(b"{" + b",".join(fragments[start:start + _BATCH]) + b"}"))
    finally:
        if was_on:
            gc.enable()
    return records


def read_snapshot(path: Path, *, noted: bool = False, build: bool = False) -> Snapshot:
    """Read, check and (if older) upgrade the file at ``path``; raises :class:`StoreError` saying what is wrong.

    ``noted``: this account's notes of the files it checked in full (``store.verified``) are
    consulted, and written after a full check, so that reopening an unchanged file skips the checks.
    With ``build``, the domain objects are built as the records are checked, from the same columns
    (for a reader that wants them all at once: :func:`read_portfolio`).
    """
    try:
        refuse_special(path)
        with open_unlinked(path) as handle:
            opened = os.fstat(handle.fileno())
            refuse_oversized(path, opened.st_size)  # before a byte is read (``store.size_limit``)
            key = stat_key(opened)
            data = handle.read()
            # No one wrote to it while it was read, and no one else can write to it at all: a note is
            # only kept or believed for a file only this account can write (see own_files.sole_writer).
            steady = stat_key(os.fstat(handle.fileno())) == key and sole_writer(opened)
    except FileNotFoundError:
        raise NotFound(f"{path} does not exist (create it with `portfolio new`)") from None
    except IsADirectoryError:
        raise CorruptFile(path, "it is a folder, not a portfolio file") from None
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None
    head = head_of(data)
    standing = clean = None
    if noted and steady:  # the notes (and hashlib, secrets) are imported by the readers that keep them, not gateway
        from portfolio_tui.store import verified

        standing = verified.standing(path, key, head)
        clean = verified.clean_for(standing)
    trusted = standing is not None
    lazy = LAZY_TABLES if clean is None else LAZY_TABLES | CLEAN_LAZY_TABLES
    # The file split at its newlines: one record a line, as the store writes it (see split_document).
    # ``data`` goes at once, so that at no time are the bytes held twice beside the document.
    # A reader that builds every object now and keeps nothing (``build``) parses the file whole: the lines
    # only pay for a store that keeps them to save record by record, and splitting costs a caseload more
    # than parsing does.
    lines = data.split(b"\n") if data.endswith(b"}\n") and not build else None
    if lines is not None:
        del data
    fragments: dict[str, dict[str, bytes]] = {}
    problems: list[tuple[str, str]] = []
    with paused_gc():
        released: list[tuple[int, list[bytes]]] = []
        split = split_document(lines, lazy, trusted, released) if lines is not None else None
        if split is None:
            trusted = False
            data = b"\n".join(lines) if lines is not None else data
            doc = parse_document(data, path)
        else:
            doc, fragments, problems = split
            check_shape({name: table for name, table in doc.items() if name not in fragments}, path)
        version = migrations.version_of(doc, path)
        if version < migrations.CURRENT_VERSION:  # upgraded whole, in memory; the bytes are kept for the backup
            if split is not None and lines is not None:
                restore_lines(lines, released)
                data = b"\n".join(lines)
                for name in lazy.intersection(fragments):
                    doc[name] = {key: parse_fragment(line) for key, line in fragments[name].items()}
            doc, fragments, problems, trusted = migrations.upgrade(doc, version), {}, [], False
        lines = None
        built: dict[str, list[Any]] | None = {} if build else None
        if not trusted:
            problems[:0] = check_document(doc, built)
    if problems:
        where, what = problems[0]
        more = f" (and {len(problems) - 1} more; `portfolio validate` lists them)" if len(problems) > 1 else ""
        raise CorruptFile(path, f"{where}: {what}{more}")
    for table in TABLES:
        doc.setdefault(table, {})
    if version < migrations.CURRENT_VERSION:
        snap = Snapshot(key, head, doc, version, data)
    else:
        snap = Snapshot(key, head, doc, version, fragments=fragments, lazy=set(lazy.intersection(fragments)),
                        clean=clean if trusted else None, vouched=trusted)
        if noted and steady and not trusted and split is not None:  # (only a file read by lines is ever trusted)
            from portfolio_tui.store.audit_index import changed_outside

            if not changed_outside(snap, path):  # a record changed by hand is checked (and shown) on every reading
                verified.note(path, key, head)
    if built:
        snap.objects = {table: dict(zip(doc[table], objects, strict=True)) for table, objects in built.items()}
    return snap


def read_portfolio(path: Path) -> Portfolio:
    """The portfolio at ``path`` for reading only: no lock is taken and nothing is cached or written."""
    return portfolio_of(read_snapshot(path, build=True), path)


def portfolio_of(snap: Snapshot, path: Path) -> Portfolio:
    """The whole portfolio at ``path`` as immutable domain objects (rebuilt only for records that changed). What
    it does not believe (``changed_outside``): records not as the audit left them, and in a cohort folder those
    written by a history from before signing that no tutor took in (``store.untaken``)."""
    if snap.portfolio is None:
        from portfolio_tui.store.audit_index import changed_outside
        from portfolio_tui.store.untaken import not_taken_in

        with paused_gc():
            tables = {name: objects_of(snap, table, RECORD_TABLES[table]) for table, name in PORTFOLIO_FIELDS.items()}
            outside = changed_outside(snap, path)
            untaken = tuple(name for name in not_taken_in(snap, path) if name not in outside)
            snap.portfolio = Portfolio(learner=object_of(snap, "learner", Learner, "1"), **tables,
                                       changed_outside=outside + untaken)
    return snap.portfolio


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a file is read and turned into objects.

    Reading makes many objects and no reference cycles, so the collector would only walk the growing
    heap again and again (a third of the time of opening a 20,000-evidence portfolio). It is paused,
    not forced: another thread may pause it too, and whoever paused it first turns it back on.

    Turned back on, it would start by walking everything made meanwhile, still in its youngest
    generation: what is alive is frozen instead (reference counting still frees it), which spares
    a cold add a sixth of its work. Frozen, garbage cycles alive at that moment are never collected;
    a one-command CLI run ends first, and the only long-running readers, the TUI apps, freeze their
    views themselves and unfreeze and collect when a screen closes (``tui/app.py``).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.freeze()
            gc.enable()


def objects_of(snap: Snapshot, table: str, cls: type) -> tuple[Any, ...]:
    """Every record of a table as objects; the ones not built yet are built together, which is much faster."""
    records = snap.table(table)
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
        record = snap.record(table, key)  # one line of a lazy table is parsed, not the table
        if record is None:
            raise KeyError(key)
        obj = built[key] = from_records(cls, [int(key)], [record])[0]
    return obj


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _all_ids(keys: dict[str, Any]) -> bool:
    """Is every key a record id (:data:`_ID`: ASCII digits, no leading zero)? All the keys joined are checked
    at once, in C: a regular expression run key by key cost a third of the parse. Of keys that are all digits,
    the least (as text) begins with 0 if any does, so only that one is looked at (each key asked
    ``startswith("0")`` cost the gateway's reading 30 ms over 500 x 200)."""
    if not keys:
        return True
    joined = "".join(keys)
    return joined.isascii() and joined.isdigit() and "" not in keys and min(keys)[0] != "0"


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
    check_shape(doc, path)
    return doc


def check_shape(doc: Document, path: str | Path) -> None:
    """Each table an object of id -> object, ids whole numbers from 1 up; raises :class:`CorruptFile`."""
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise CorruptFile(path, f"$.{name}: a table must be an object, found {_kind(table)}")
        if not _all_ids(table):
            key = next(k for k in table if not _ID.match(k))
            raise CorruptFile(path, f"$.{name}: record id '{key}' is not a whole number from 1 up")
        if not set(map(type, table.values())) <= _DICT:
            key, record = next((k, r) for k, r in table.items() if not isinstance(r, dict))
            raise CorruptFile(path, f"$.{name}.{key}: a record must be an object, found {_kind(record)}")


if TYPE_CHECKING:
    Split = tuple[Document, dict[str, dict[str, bytes]], list[tuple[str, str]]]


def split_document(
    lines: list[bytes], lazy: frozenset[str] = frozenset(), trusted: bool = False,
    released: list[tuple[int, list[bytes]]] | None = None,
) -> Split | None:
    """The document, and each record's line by table, if the file (split at its newlines) is laid out as
    the store writes it (:func:`~portfolio_tui.store.storage.render`) and every record is in orjson's
    compact form; ``None`` when it is not sure, and then :func:`parse_document` decides.

    Each record is parsed from its own line and written back to compare (the check
    :func:`~portfolio_tui.jsonfile.loads_compact` makes of a whole file: a repeated key comes back
    shorter), so the lines are the records' fragments a save joins again without encoding them, and
    the parser never holds a working copy of the whole file. A one-line table (``meta``, an empty one)
    is parsed whole; its shape is left to :func:`check_shape`. Ids are checked here, as whole numbers
    from 1 up, and every record must be an object.

    The records of a ``lazy`` table are kept only as lines (its entry in the document is empty):
    parsed, checked and dropped one batch at a time, or, when the file is ``trusted`` (this account
    checked it in full, ``store.verified``), not parsed at all; a trusted file's records are not
    written back to compare either. Also returns the type problems found in lazy tables.

    Each table's lines are let go from ``lines`` once read (the file is not held twice over); they are
    put back if the reading fails, and noted in ``released`` for :func:`restore_lines` otherwise.
    """
    import orjson

    released = [] if released is None else released
    try:
        found = _split(lines, lazy, trusted, released)
    except orjson.JSONEncodeError:  # a record nested deeper than orjson writes (254): not sure, the slow way
        found = None
    if found is None:  # the lines of the tables read so far were let go: put them back for the whole reading
        restore_lines(lines, released)
    return found


def restore_lines(lines: list[bytes], released: list[tuple[int, list[bytes]]]) -> None:
    """Put back the lines :func:`split_document` let go (see ``released`` there)."""
    for start, stripped in released:
        lines[start:start + len(stripped)] = [*(line + b"," for line in stripped[:-1]), stripped[-1]]
    released.clear()


def _split(
    lines: list[bytes], lazy: frozenset[str], trusted: bool, released: list[tuple[int, list[bytes]]]
) -> Split | None:
    import orjson

    last = len(lines) - 2
    if last < 0 or lines[-1] or lines[0][:1] != b"{":
        return None
    doc: Document = {}
    fragments: dict[str, dict[str, bytes]] = {}
    problems: list[tuple[str, str]] = []
    i, more = 0, True
    while more:
        if i > last:
            return None
        line = lines[i]
        if i == 0:
            line = line[1:]
        if i == last:
            line = line[:-1]
        more = line[-1:] == b","
        if more:
            line = line[:-1]
        if line[-2:] == b":{" and not more:  # a table's header: its records follow, one a line
            name = _table_name(line[:-2])
            if name is None or name in doc:
                return None
            found = _records(lines, i + 1, last, name in lazy, trusted, problems, released)
            if found is None:
                return None
            table, frags, i, more = found
            doc[name], fragments[name] = table, frags
            continue
        whole = b"{" + line + b"}"  # one or more tables on one line
        try:
            tables = orjson.loads(whole)
        except orjson.JSONDecodeError:
            return None
        if type(tables) is not dict or not tables or orjson.dumps(tables) != whole or not tables.keys().isdisjoint(doc):
            return None
        doc.update(tables)
        i += 1
    return (doc, fragments, problems) if i == last + 1 else None


def _table_name(label: bytes) -> str | None:
    import orjson

    try:
        name = orjson.loads(label)
    except orjson.JSONDecodeError:
        return None
    return name if type(name) is str and orjson.dumps(name) == label else None


def _records(
    lines: list[bytes], i: int, last: int, lazy: bool, trusted: bool, problems: list[tuple[str, str]],
    released: list[tuple[int, list[bytes]]],
) -> tuple[dict[str, Any], dict[str, bytes], int, bool] | None:
    """A multi-line table's records, from line ``i`` to the line that closes the table; then the line
    after that, and whether a comma says another table follows. ``None`` when the layout is not the store's.

    Each line is parsed as a whole JSON object (``{`` + line + ``}``: one id and its record), so a line
    holds exactly one record, and written back to compare; all in C, a batch of lines at a time.
    A ``lazy`` table's records are checked, their problems added to ``problems``, and not kept. A
    ``trusted`` file (``store.verified``) is laid out as the store writes it and was checked as it is:
    its lines are parsed a batch at a time as one object, and a lazy table's not at all. The table's
    lines are then let go from ``lines`` (noted in ``released``, to be put back if the reading fails).
    """
    import orjson

    ends = [j for j in (_index(lines, b"},", i), _index(lines, b"}", i)) if j is not None]
    if lines[last] == b"}}":
        ends.append(last)
    if not ends:
        return None
    j = min(ends)
    if j == last and lines[j] != b"}}":  # the last line closes the table and the file
        return None
    if j == i:
        return {}, {}, j + 1, lines[j] == b"},"
    # every line but the table's last ends with the comma between records; none holds a newline
    if sum(map(bytes.endswith, lines[i:j], repeat(b","))) != j - 1 - i or lines[j - 1][-1:] == b",":
        return None
    stripped = list(map(_BUT_LAST, lines[i:j - 1]))
    stripped.append(lines[j - 1])
    table: dict[str, Any] = {}
    if trusted and lazy:  # only the ids, from each line's start: "<id>":{...}
        frags = dict(zip([line.split(b'"', 2)[1].decode() for line in stripped], stripped, strict=True))
    elif trusted:
        try:
            for start in range(0, len(stripped), _BATCH):
                table.update(orjson.loads(b"{" + b",".join(stripped[start:start + _BATCH]) + b"}"))
        except orjson.JSONDecodeError:
            return None
        if len(table) != len(stripped):
            return None
        frags = dict(zip(table, stripped, strict=True))
    else:
        frags = {}
        for start in range(0, len(stripped), _BATCH):
            part = stripped[start:start + _BATCH]
            wrapped = list(map(b"{%b}".__mod__, part))
            try:
                singles = list(map(orjson.loads, wrapped))
            except orjson.JSONDecodeError:
                return None
            if list(map(orjson.dumps, singles)) != wrapped:  # a repeated key, a number written another way, ...
                return None
            if set(map(len, singles)) != {1}:  # an empty line, or two records on one
                return None
            found = dict(chain.from_iterable(map(dict.items, singles)))
            if len(found) != len(part):  # an id repeated within the batch
                return None
            if not _all_ids(found) or not set(map(type, found.values())) <= _DICT:
                return None
            frags.update(zip(found, part, strict=True))
            if lazy:
                problems.extend(check_audit(found))
            else:
                table.update(found)
        if len(frags) != len(stripped):  # an id repeated across batches (checked once: per batch it was quadratic)
            return None
    # The table's lines are let go (each record's line lives on, without its comma, as its fragment),
    # so that the file is not held twice over while the rest is read.
    lines[i:j] = repeat(b"", j - i)
    released.append((i, stripped))
    return table, frags, j + 1, lines[j] == b"},"


_BUT_LAST = itemgetter(slice(None, -1))


def _index(lines: list[bytes], line: bytes, start: int) -> int | None:
    try:
        return lines.index(line, start)
    except ValueError:
        return None
