"""A portfolio read a batch of records at a time, for readiness only: what ``gateway`` reads a caseload with.

Reading a file whole holds its bytes, orjson's working memory (twelve times the file, for a moment)
and the parsed document at once, then the domain objects built from it: sixteen times the file at
its peak. A tutor's check of a caseload needs none of that at once: each worker reads its files one
after another, and of each file only the tags, judgements and dates. So a file laid out as the store
writes it (one record a line, :func:`~portfolio_tui.store.storage.render`) is read here a block at a
time and parsed a batch of record lines at a time, never whole:

* each batch is strict JSON in orjson's compact form (:func:`~portfolio_tui.jsonfile.loads_compact`,
  the check a whole file passes: a repeated key, NaN, a number written another way, a raw control
  character all make it unsure), newlines kept; in the process's first file, strict JSON as the json module
  reads it (:func:`~portfolio_tui.jsonfile.loads_plain`: the same documents, orjson not imported for one file);
  its shape is :func:`~portfolio_tui.store.reading.check_shape`'s;
  ids are unique across batches, and table names across the file;
* the meta table comes first and says the current schema version;
* the records pass the same type checks, a group of them at a time (:func:`~portfolio_tui.store.records.check_tables`
  checks record by record, so the groups add up to the table; the learner's is
  :func:`~portfolio_tui.store.records.check_learner`; the evidence's are checked and outlined in one pass,
  :func:`~portfolio_tui.store.records.checked_evidence_outlines`, and only a group it does not pass goes that way);
* the evidence is built straight into :class:`~portfolio_tui.domain.portfolio.EvidenceOutline` (the
  texts readiness does not read left out), the other tables into their usual objects, comments not
  at all; the audit is checked and dropped; each group is let go once built.

Whenever any of that is not so (a hand-edited layout, a problem of any kind, an older or newer file,
a file that cannot be opened), the file is read whole by :func:`~portfolio_tui.store.reading.read_portfolio`,
which accepts or refuses it as every other reader does, in the same words, and then outlined. So this
reader refuses nothing itself: it only takes the short way where the whole reading would find
nothing wrong, and gives what the whole reading's outline is (``tests/unit/test_outline.py``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import PortfolioOutline, evidence_outline, outline
from portfolio_tui.jsonfile import is_sure, loads_compact, loads_plain
from portfolio_tui.store import migrations, roles_at
from portfolio_tui.store.audit_index import Fingerprints
from portfolio_tui.store.errors import StoreError
from portfolio_tui.store.reading import (
    _table_name,
    check_shape,
    open_unlinked,
    paused_gc,
    read_portfolio,
    refuse_special,
)
from portfolio_tui.store.records import (
    PORTFOLIO_FIELDS,
    RECORD_TABLES,
    check_learner,
    check_tables,
    checked_evidence_outlines,
    evidence_outlines,
    from_records,
)
from portfolio_tui.store.roles_at import RoleCheck
from portfolio_tui.store.size_limit import refuse_oversized
from portfolio_tui.store.untaken import begins_unsigned, in_cohort

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, BinaryIO

    from portfolio_tui.store.records import Builder

_SIMPLE_NAME = re.compile(rb'"([a-z_]{1,40})"')
"""A table's name as the store writes every one of them: nothing in it that JSON would escape."""
BATCH_BYTES = 1 << 12
"""About how many bytes of a table's lines are parsed at a time: orjson's working copy, twelve times the
batch, is what a worker holds beyond the objects kept (8 KB batches took a worker's peak RSS over the cohort
about 0.15 MB higher, in the same CPU time within 1%)."""
BLOCK_BYTES = 1 << 14
"""How much of the file is read at a time (32 KB took a worker's peak RSS over the cohort about 0.1 MB higher,
in no less time)."""
GROUP_RECORDS = 50
"""Records checked and built at a time, from batches parsed apart: the checks' cost is mostly per call,
and the records of a group are held parsed till it is built (100 at a time read the cohort's 200-piece
files some 3% faster and took a worker's peak RSS about 0.15 MB higher)."""
LINE_MOST = 1 << 20
"""The longest line read here (a table's header, tables on one line, one record): the store writes none near
it, so a longer one is a file laid out otherwise (by hand, or to hold up a caseload), read whole instead
(:func:`~portfolio_tui.store.reading.read_portfolio`), in time linear in its size."""
NOT_KEPT = frozenset({"comments"})
"""Record tables an outline does not hold (readiness reads no comment); they are checked all the same."""


class _NotSure(Exception):
    """The file is not one this reader can vouch for: it is read whole instead."""


def read_outline(path: str | Path) -> PortfolioOutline:
    """The portfolio at ``path`` as readiness reads it (:class:`PortfolioOutline`): read a batch of records
    at a time when the file is as the store writes it; otherwise read whole by :func:`read_portfolio`
    (which raises :class:`StoreError` for a file it refuses), and outlined. (A path given as text is
    read as text: no ``Path`` is made of it unless the file is read whole.)"""
    found = _outline(path)
    if found is not None:
        return found
    from pathlib import Path  # (pathlib costs a gateway run's start-up: ``path_text``)

    return outline(read_portfolio(Path(path)))


def _outline(path: str | Path) -> PortfolioOutline | None:
    try:
        refuse_special(path)  # (a FIFO would block the open)
        with open_unlinked(path) as handle, paused_gc():
            refuse_oversized(path, os.fstat(handle.fileno()).st_size)  # (read_portfolio says so)
            return _read(handle, path)
    except (OSError, StoreError, _NotSure):
        return None


def _read(handle: BinaryIO, path: str | Path) -> PortfolioOutline:
    reader = _Reader(handle)
    first = reader.line()
    if first[:1] != b"{":
        raise _NotSure
    outline = _Outline(path)
    # The process's first file is parsed by the json module (audit_index.Fingerprints.plain), the others by orjson.
    reader.parse = loads_plain if outline.prints.plain else loads_compact
    line, more = first[1:], True
    while more:
        body = line[:-1] if line[-1:] == b"\n" else line
        if body[-2:] == b":{":  # a table's header: its records follow, one a line, then "}," or "}}"
            name = _name(body[:-2])
            if name is None:
                raise _NotSure
            outline.chunk(name, {}, whole=False)
            group: dict[str, Any] = {}
            for found in reader.records():
                size = len(group) + len(found)
                group.update(found)
                if len(group) != size:  # an id repeated
                    raise _NotSure
                if size >= GROUP_RECORDS:
                    outline.chunk(name, group, whole=False)
                    group = {}
            if group:
                outline.chunk(name, group, whole=False)
            closing = reader.line()
            if closing not in _CLOSING:
                raise _NotSure
            more = closing[:2] == b"},"
        elif body[-4:] == b":{}," and (name := _name(body[:-4])) is not None:  # an empty table
            outline.chunk(name, {}, whole=True)
        else:  # one or more whole tables on one line, and a comma if more follow
            more = body[-1:] == b","
            if not more and body[-1:] != b"}":  # the file's last line closes the document
                raise _NotSure
            tables = reader.parse(b"{" + body[:-1] + b"}")
            if not is_sure(tables) or type(tables) is not dict or not tables:
                raise _NotSure
            for name, table in tables.items():
                outline.chunk(name, table, whole=True)
        line = reader.line() if more else b""
        if more and not line:
            raise _NotSure
    if reader.line():  # anything after the document's end
        raise _NotSure
    return outline.portfolio()


_CLOSING = (b"},\n", b"}}\n", b"}}")
"""The line that closes a multi-line table: another table follows, or the document ends."""


class _Reader:
    """The file read a block at a time, as lines (a table's header, one-line tables) or as batches of a
    table's record lines, cut between records; never more than about two blocks of it held."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.parse: Callable[[bytes], Any] = loads_compact
        """Strict JSON's document, or what :func:`~portfolio_tui.jsonfile.is_sure` is not sure of: by orjson
        (:func:`~portfolio_tui.jsonfile.loads_compact`) or the json module (``loads_plain``)."""
        self.data = b""
        self.at = 0

    def _loads(self, records: memoryview) -> dict[str, Any] | None:
        """Records as a table's lines hold them (newlines kept: a raw one inside a text is no JSON), or None."""
        found = self.parse(b"".join((b"{", records, b"}")))
        return found if is_sure(found) else None

    def _more(self, want: int) -> bool:
        """Read on until ``want`` bytes are pending (from ``at``) or the file ends; False if nothing more came.

        The pending bytes and the blocks read are joined once, so a long line costs its length, not its
        length again for every block (a 40 MB one-line file took a minute so)."""
        blocks: list[Any] = [memoryview(self.data)[self.at:]]
        pending = len(blocks[0])
        while pending < want:
            block = self.handle.read(BLOCK_BYTES)
            if not block:
                break
            blocks.append(block)
            pending += len(block)
        if len(blocks) == 1:
            return False
        self.data, self.at = b"".join(blocks), 0
        return True

    def line(self) -> bytes:
        """The next line, with its newline (b"" at the end of the file). :class:`_NotSure` once it is longer than
        :data:`LINE_MOST`. Each byte is searched once: what was searched, with no newline, is not again."""
        searched = self.at
        while (end := self.data.find(b"\n", searched)) < 0:
            pending = len(self.data) - self.at
            if pending > LINE_MOST:
                raise _NotSure
            if not self._more(pending + max(pending, BLOCK_BYTES)):  # twice as much each time: linear in all
                end = len(self.data) - 1
                break
            searched = pending
        line = self.data[self.at:end + 1]
        self.at = end + 1
        return line

    def records(self) -> Iterator[dict[str, Any]]:
        """A multi-line table's records, parsed about :data:`BATCH_BYTES` of lines at a time, up to the line
        that closes the table (``}`` first on its line) and no further.

        A batch is cut after a record's line (at the last comma and newline in its window, found from
        the window's end), so the file is not scanned for the table's end: a batch that holds the
        closing line cannot parse (its ``}`` closes the batch's object early), and only then is the
        batch looked through for where the table ends. A record longer than a batch widens the window.
        """
        size = BATCH_BYTES
        while True:
            if len(self.data) - self.at < size + 2:
                self._more(size + 2)
            if self.at >= len(self.data):
                raise _NotSure  # the file ended inside the table
            if self.data[self.at:self.at + 1] == b"}":  # the line that closes the table
                return
            cut = self.data.rfind(b",\n", self.at, self.at + size + 2)
            found = self._loads(memoryview(self.data)[self.at:cut]) if cut >= 0 else None
            if found is not None:
                self.at, size = cut + 2, BATCH_BYTES
                yield found
                continue
            end = self.data.find(b"\n}", self.at, cut + 2 if cut >= 0 else self.at + size + 2)
            if end >= 0:  # the table's last records, and the line that closes it
                last = self._loads(memoryview(self.data)[self.at:end])
                if last is None:
                    raise _NotSure
                self.at = end + 1
                yield last
                return
            if cut >= 0 or self.at + size + 2 >= len(self.data) or size > LINE_MOST:
                raise _NotSure
            size *= 2  # no record ends in the window: a long one (each window searched once: linear in all)


def _name(label: bytes) -> str | None:
    """The table named by ``label`` (a JSON string as orjson writes it), or None."""
    simple = _SIMPLE_NAME.fullmatch(label)
    return simple[1].decode() if simple else _table_name(label)



class _Outline:
    """What a reading keeps: the version, the learner, the objects built so far; checked as each chunk comes."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self.version: int | None = None
        self.learner: dict[str, Any] = {}
        self.ids: dict[str, set[str]] = {}
        self.objects: dict[str, list[Any]] = {}
        self.prints = Fingerprints(doubtful=True)  # (a record that differs: read whole, which decides)
        held = roles_at.for_portfolio(path)
        if held is not None:  # who held which role, for the judgements, sign-offs and confirmations (R7-8)
            self.prints.role_check = RoleCheck(held)

    def chunk(self, name: str, records: Any, *, whole: bool) -> None:
        """Check a table's next records (all of them, if ``whole``), keep their objects, let them go."""
        ids = self.ids.get(name)
        if ids is None:
            ids = self.ids[name] = set()
        elif whole or not records:  # a table named twice
            raise _NotSure
        if self.version is None:  # the meta table first, saying the current version
            if name != "meta" or not records:
                raise _NotSure  # (an old file without one is upgraded whole)
            check_shape({name: records}, self.path)
            self.version = migrations.version_of({"meta": records}, self.path)
            if self.version != migrations.CURRENT_VERSION:
                raise _NotSure
        if type(records) is dict and not records:  # an empty table, or the start of a long one
            return
        check_shape({name: records}, self.path)  # (CorruptFile: read whole, and refused in its words)
        if not whole:
            if not ids.isdisjoint(records):
                raise _NotSure
            ids.update(records)
        if name == "audit":
            if begins_unsigned(records.get("1")) and in_cohort(self.path):
                raise _NotSure  # (not counted until a tutor takes it in: the whole reading says; outside, it counts)
            self.prints.entries(records)
        else:
            self.prints.records(name, records, counted=True)
        if name == "learner":
            self.learner.update(records)
            return
        if name == "evidence":
            outlines = checked_evidence_outlines(records)
            if outlines is not None:
                self.objects.setdefault(name, []).extend(outlines)
                return
        built: dict[str, list[Any]] = {}
        if check_tables({name: records}, built, _BUILDERS):
            raise _NotSure
        cls = RECORD_TABLES.get(name)
        if cls is None or name in NOT_KEPT or not records:
            return
        made = built.get(name)
        if made is None:  # records the quick way does not take (a field left out), built one by one
            made = from_records(cls, list(map(int, records)), list(records.values()))
            if cls is Evidence:
                made = list(map(evidence_outline, made))
        self.objects.setdefault(name, []).extend(made)

    def portfolio(self) -> PortfolioOutline:
        if self.version is None or check_learner(self.learner):
            raise _NotSure
        learner = from_records(Learner, [1], [self.learner["1"]])[0]
        tables = {field: tuple(self.objects.get(table, ())) for table, field in PORTFOLIO_FIELDS.items()}
        tables["comments"] = ()
        changed = self.prints.changed()
        if changed is None:  # a record may hold what the quick hash writes otherwise: the whole reading decides
            raise _NotSure
        return PortfolioOutline(learner=learner, **tables, changed_outside=changed)



_BUILDERS: dict[str, Builder] = {"evidence": evidence_outlines}
