"""``portfolio gateway --json``'s part for each portfolio, kept (``store.result_cache``) so that a caseload
checked again reads only the files that changed since.

Tutors run the gateway over the same caseload again and again, and most files have not changed
since the last run. An entry is used only when the file is exactly as it was read (its identity,
checked under the portfolio's lock) and everything else the entry was worked out from is the same:

* the day it was judged on (readiness, pace and milestones depend on it);
* the standard as it would be loaded now: a digest of the bytes of the files it is loaded from, imported
  standards and rules files included (``standard_files.digest``: no standard is loaded to tell);
* the app's code (a digest of every module's size and change time, and of the files of the libraries
  the rules and the output use): an upgrade, or an edit in a developer's checkout, reads everything afresh
  (the funding rules' dates are code too);
* the path as named (the entry's document says it);
* whether the file's folder has a roster and whether its group may write it (:func:`_cohort`).

What is decided about the person running it is never kept: which portfolios this account may see is
decided by the roster before anything here is asked (``caseload.readable_portfolios``), and an entry
is used only after the file itself has been opened for reading by this account. A file that cannot be
read has no entry, so it is refused in the same words as before. ``--no-cache`` reads every file.

A run whose every file has an entry that holds imports nothing of readiness, the standards' model or
orjson: a tutor's repeated check of a caseload starts in a few times the interpreter's own start-up.

The day is part of every entry's key, so a tutor's first run of each day would read every file again. Most of
what reading and judging a file yields does not depend on the day: its readiness basis
(``domain.gateway.ReadinessBasis``: coverage, the gaps, the predicted grade, the months with learning in them, and
the records the day's part reads, as readers believe them). So each file's basis is kept too (``store.kept_basis``,
in packs of their own, ``result_cache.BASIS_FOLDER``), under the file's identity checked under its lock as an
entry is, and a key of everything else it depends on (:meth:`_Bases.key`: the code, the path, the folder's roster
as it is, the trust anchors' file and the standard's files); a file whose entry does not hold but whose basis
does is only judged for the day (``domain.gateway.assess_on``). A run that needs no basis never opens their packs,
and a run over one file keeps none (reading it again costs what loading pickle's machinery would).
"""

from __future__ import annotations

import os
import sys
from functools import partial

from portfolio_tui import standard_files
from portfolio_tui.store import own_files, result_cache
from portfolio_tui.store.files import ROSTER_FILE, PathList, as_named

TYPE_CHECKING = False  # typing, and readiness (which a run answered from kept entries never needs), cost start-up
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import date
    from pathlib import Path
    from typing import Any

    from portfolio_tui.services import readiness

    Encoded = tuple[bool | None, str, tuple[str, float, float] | None, dict[str, Any] | None]
    """A portfolio's part of ``gateway --json``: whether ready (None: unreadable), its text, its aggregate mark;
    and its card, for the table (``readiness.gateway_card``)."""

_code: list[str] = []
BASES_FROM = 2
"""Files a run checks at least for their bases to be kept and used (:class:`_Bases`)."""


def each_entry(
    paths: Sequence[Path], as_of: date, encode: Callable[[readiness.Checked], Encoded]
) -> Iterator[Encoded]:
    """``encode`` of each portfolio's check, in the order of ``paths``: kept entries where they still hold,
    the others worked out (shared among worker processes when many) and kept for next time; a file whose
    readiness basis is kept (:class:`_Bases`: it was read on another day) is not read again, only judged for the day.

    Only whether each file has an entry is noted at first, not the entry: it is read again as its turn
    comes, so that the caseload's documents (and bases) are never all held at once. What is worked out is
    kept here, not in the workers: each folder's pack is written once, when the caseload is done. (``--no-cache``
    reads each file through ``readiness.each_checked``, without this module: ``cli.readiness_cmds``.)
    """
    from portfolio_tui import locations, path_text

    cache = result_cache.Cache()
    digests: dict[str, str] = {}  # the standards as they are now, looked up once per run
    cohorts: dict[str, str] = {}  # each folder as a cohort (_cohort), looked up once per run, before any reading
    named = as_named(paths)
    # One file is read again in about the time loading the bases' machinery takes (pickle): none kept for it.
    bases = (_Bases(result_cache.Cache(path_text.joined(locations.data_folder(), result_cache.BASIS_FOLDER)), digests,
                    cohorts)
             if len(named) >= BASES_FROM else None)
    try:
        kept = [_likely_kept(cache, path, as_of, digests, cohorts) for path in named]
        # Of the others, those read on another day: only judged again, not read.
        based = [not hit and bases is not None and bases.likely(path) for path, hit in zip(named, kept, strict=True)]
        missing = PathList(path for path, hit, known in zip(named, kept, based, strict=True) if not (hit or known))
        worked_out = _worked_out(missing, as_of, encode, keep_basis=bases is not None)
        standards: readiness.Standards = {}
        for path, hit, known in zip(named, kept, based, strict=True):
            if hit:
                found = _kept(cache, path, as_of, digests, cohorts)
                if found is not None:
                    cache.hold(path)
                    yield found
                    continue
            if hit or known:
                judged = bases.judged(path, as_of, standards) if known and bases is not None else None
                if judged is None:  # changed since it was first looked at: read now, as it is
                    judged = _checked_now(path, as_of, standards, keep_basis=bases is not None)
                result, reading, basis = _encoded(encode, judged)
            else:
                result, reading, basis = next(worked_out)
            if reading is not None:
                _keep(cache, path, as_of, result, reading, _anchors_once(digests), cohorts)
                if basis is not None and bases is not None:
                    bases.keep(path, reading, basis)
            yield result
        cache.save()
        if bases is not None:
            bases.cache.save()
    finally:
        cache.close()
        if bases is not None:
            bases.cache.close()


def _worked_out(
    paths: Sequence[Path], as_of: date, encode: Callable[[readiness.Checked], Encoded], *, keep_basis: bool
) -> Iterator[tuple[Encoded, readiness.Reading | None, bytes | None]]:
    """The files with no entry that holds, checked (shared among worker processes when many); with none,
    readiness is not even imported."""
    if not paths:
        return iter(())
    from portfolio_tui.services import readiness

    return readiness.each_checked(paths, as_of, parallel=True, then=partial(_encoded, encode),
                                  keep_basis=keep_basis)


def _checked_now(
    path: str | Path, as_of: date, standards: readiness.Standards, *, keep_basis: bool
) -> readiness.Checked:
    """A file whose entry no longer held when its turn came (it changed meanwhile), read as it is now."""
    from portfolio_tui.services import readiness

    return readiness.check_portfolio(path, as_of, standards, keep_basis=keep_basis)


class _Bases:
    """The readiness bases kept for a run (``result_cache.BASIS_FOLDER``), each for the file exactly as it was read
    and under everything else a basis depends on (:meth:`key`); what that is for each folder is looked up once."""

    def __init__(self, cache: result_cache.Cache, digests: dict[str, str], cohorts: dict[str, str]) -> None:
        self.cache = cache
        self.digests = digests
        self.cohorts = cohorts
        self.folders: dict[str, str] = {}
        self.anchors: list[str] = []

    def kept(self, path: str | Path) -> tuple[bytes, bytes] | None:
        """The identity line of the file at ``path`` and its basis's bytes (``store.kept_basis``), kept from a
        reading of the file exactly as it is now (``result_cache``: its identity, checked under its lock), if what
        else the basis depends on is the same (:meth:`key`); else None."""
        found = self.cache.fetch_as_read(path)
        if found is None:
            return None
        line, key, payload = found
        standard_id, newline, basis = payload.partition(b"\n")
        try:
            standard = _standard_now(standard_id.decode("ascii"), self.digests) if newline else ""
        except UnicodeDecodeError:
            return None
        return (line, basis) if standard and key == self.key(path, standard) else None

    def likely(self, path: str | Path) -> bool:
        """Whether :meth:`kept` will most likely find a basis for ``path``: its entry's key holds and the file's
        stat is the one it names (``result_cache.Cache.peek``; the lock, the file's first line and the entry's
        digest are for :meth:`kept` to check, when the basis is used)."""
        head = self.cache.peek(path)
        if head is None:
            return False
        parts = head.split(b"\n", 5)  # the format, the file's identity, the key, the digest, the standard, the rest
        if len(parts) < 6:
            return False
        key, standard_id = parts[2], parts[4]
        try:
            standard = _standard_now(standard_id.decode("ascii"), self.digests)
        except UnicodeDecodeError:
            return False
        return bool(standard) and key == self.key(path, standard)

    def keep(self, path: str | Path, reading: readiness.Reading, basis: bytes) -> None:
        if reading.standard_id.isascii() and "\n" not in reading.standard_id:  # (every standard's id is)
            payload = reading.standard_id.encode("ascii") + b"\n" + basis
            self.cache.keep(path, reading.line, reading.read_at_ns, self.key(path, reading.standard_digest), payload)

    def key(self, path: str | Path, standard_digest: str) -> bytes:
        """Everything a file's readiness basis depends on besides the file, and more: not the day (a basis is what
        readiness makes of the file's records as read and checked, whatever the day, and what readers do not
        believe, ``changed_outside``); the app's code (how it reads, what it believes and how readiness counts), the
        path, the folder as a cohort (:func:`_cohort`), its roster as it is now (:func:`_roster_now`: who holds which
        role decides what readers believe), the trust anchors' file (in a group-writable folder with no roster,
        anchors make it a cohort's, ``store.untaken.in_cohort``), and the standard the portfolio names, as its
        files are now (coverage and the grade are counted against it)."""
        from portfolio_tui.store import kept_basis

        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self.folders:
            self.folders[folder] = _roster_now(folder)
        if not self.anchors:
            self.anchors.append(_anchors_now())
        parts = (kept_basis.FORMAT, code_digest(), os.fsencode(path).hex(), _cohort(path, self.cohorts),
                 self.folders[folder], self.anchors[0], standard_digest)
        return own_files.digest("\0".join(parts).encode()).encode()

    def judged(self, path: str | Path, as_of: date, standards: readiness.Standards) -> readiness.Checked | None:
        """The report worked out on ``as_of`` from the basis kept for ``path``, for the file as it is now (the
        basis kept on: the result's :attr:`~readiness.Checked.basis` is left unset); None if none holds now."""
        from portfolio_tui.services import readiness
        from portfolio_tui.store import kept_basis

        found = self.kept(path)
        basis = None if found is None else kept_basis.loads(found[1])
        if found is None or basis is None:
            return None
        self.cache.hold(path)
        judged = readiness.check_basis(path, basis, as_of, standards)
        if judged.report is None or judged.reading is None:
            return judged
        reading = readiness.Reading(found[0], result_cache.now_ns(), judged.reading.standard_id,
                                    judged.reading.standard_digest)
        return readiness.Checked(path, judged.report, reading=reading)


def _roster_now(folder: str) -> str:
    """The roster in ``folder`` as it is now: the identity of the file it names (a link followed), as a portfolio's
    is kept (every write, ``utime`` or rename sets a change time no one but root can set back); ``-`` when there is
    none. Not read: a group member's roster made a FIFO, or a gigabyte, would hold up the tutor's run."""
    try:
        st = os.stat(os.path.join(folder, ROSTER_FILE))
    except FileNotFoundError:
        return "-"
    except OSError as exc:
        return type(exc).__name__
    return " ".join(map(str, (*own_files.stat_key(st), st.st_mode, st.st_uid)))


TRUST_ENV, TRUST_FILE = "PORTFOLIO_TUI_TRUST", "/etc/portfolio-tui/allowed_signers"
"""Where ``store.trust.trust_path`` finds the anchors (held equal by ``tests/functional/test_gateway_bases.py``):
``store.trust`` itself is not imported, as its import costs a first run over one file a tenth of its start-up."""


def anchors_path() -> str:
    """``store.trust.trust_path()`` (with no ``--trust``), as text."""
    return os.path.expanduser(os.environ.get(TRUST_ENV) or TRUST_FILE)


def _anchors_now() -> str:
    """The trust anchors' file as it is now (``store.trust``): its identity and its folder's owner and mode."""
    path = anchors_path()
    found = []
    for place, whole in ((path, True), (os.path.dirname(path), False)):  # (the folder: who may write in it)
        try:
            st = os.stat(place)
        except OSError as exc:
            found.append(f"{type(exc).__name__}")
            continue
        found.append(" ".join(map(str, (*(own_files.stat_key(st) if whole else ()), st.st_mode, st.st_uid))))
    return ";".join(found)


def _kept(
    cache: result_cache.Cache, path: str | Path, as_of: date, digests: dict[str, str], cohorts: dict[str, str]
) -> Encoded | None:
    """The entry kept for ``path`` if it holds for the file as it is and for everything else it depends on."""
    import json  # not orjson: for one short line, its import would cost more than all the rest of a kept run

    found = cache.fetch(path)
    if found is None:
        return None
    key, payload = found
    end = payload.find(b"\n")
    try:
        meta = json.loads(payload[:end])
        ready, aggregate, standard_id, card = meta["ready"], meta["aggregate"], meta["standard"], meta["card"]
        text = payload[end + 1:].decode("utf-8", "surrogatepass")
    except (ValueError, KeyError, TypeError):  # json's and UnicodeDecodeError are ValueErrors
        return None
    if (type(ready) is not bool or type(standard_id) is not str or not _aggregate_ok(aggregate)
            or not _card_ok(card)):
        return None
    digest = _standard_now(standard_id, digests)
    if not digest or key != _key(path, as_of, digest, _anchors_once(digests), cohorts):
        return None
    return ready, text, None if aggregate is None else (aggregate[0], aggregate[1], aggregate[2]), card


def _likely_kept(
    cache: result_cache.Cache, path: str | Path, as_of: date, digests: dict[str, str], cohorts: dict[str, str]
) -> bool:
    """Whether :func:`_kept` will most likely find the entry for ``path`` holds: the file's stat is the one it names
    and its key is the one the day would have (``result_cache.Cache.peek``; the lock, the file's first line, the
    entry's digest and the entry itself are for :func:`_kept` to check, when its file's turn comes). Yesterday's
    entries are told from the head alone, not each read whole under the file's lock to be refused."""
    import json

    head = cache.peek(path, 512)
    parts = None if head is None else head.split(b"\n", 4)  # the format, the identity, the key, the digest, the rest
    if parts is None or len(parts) < 5:
        return False
    at = parts[4].find(b',"standard":"')
    try:  # (the entry's first line, its JSON, names the standard before the card: see _keep)
        standard_id = json.JSONDecoder().raw_decode(parts[4].decode("utf-8", "replace"), at + len(',"standard":'))[0]
    except ValueError:
        return False
    digest = _standard_now(standard_id, digests) if at > 0 and type(standard_id) is str else ""
    return bool(digest) and parts[2] == _key(path, as_of, digest, _anchors_once(digests), cohorts)


def _aggregate_ok(aggregate: object) -> bool:
    return aggregate is None or (
        type(aggregate) is list and len(aggregate) == 3 and type(aggregate[0]) is str
        and all(type(n) in (int, float) for n in aggregate[1:])
    )


def _card_ok(card: object) -> bool:
    """A card as ``readiness.gateway_card`` makes it: a title of two texts, rows of four (the tones known)."""
    if type(card) is not dict or card.keys() != {"title", "rows"}:
        return False
    title, rows = card["title"], card["rows"]
    return (
        type(title) is list and len(title) == 2 and all(type(t) is str for t in title) and type(rows) is list
        and all(type(row) is list and len(row) == 4 and all(type(t) is str for t in row)
                and row[2] in TONES and row[3] in TONES for row in rows)
    )


TONES = ("", "green", "amber", "red", "warning", "overdue")
"""The tones of a card's texts (``readiness.gateway_card``): none, the RAG's colour, an item due later or overdue."""


def _encoded(
    encode: Callable[[readiness.Checked], Encoded], checked: readiness.Checked
) -> tuple[Encoded, readiness.Reading | None, bytes | None]:
    """``encode(checked)`` (where it was checked: a worker, maybe), and what it was worked out from when it
    may be kept: the reading, and the basis's bytes (``store.kept_basis``) when there is one to keep."""
    result = encode(checked)
    if result[0] is None or checked.reading is None:
        return result, None, None
    return result, checked.reading, checked.basis


def _keep(
    cache: result_cache.Cache, path: str | Path, as_of: date, result: Encoded, reading: readiness.Reading, anchors: str,
    cohorts: dict[str, str],
) -> None:
    import json  # (one short line: orjson's import would cost a one-file run more than it saves)

    meta = json.dumps({"ready": result[0], "aggregate": result[2], "standard": reading.standard_id,
                       "card": result[3]}, separators=(",", ":"))
    payload = meta.encode() + b"\n" + result[1].encode("utf-8", "surrogatepass")
    cache.keep(path, reading.line, reading.read_at_ns, _key(path, as_of, reading.standard_digest, anchors, cohorts),
               payload)


def _key(path: str | Path, as_of: date, standard_digest: str, anchors: str, cohorts: dict[str, str]) -> bytes:
    """Everything an entry depends on besides the file, in one digest: the trust anchors' file as it is
    (:func:`_anchors_now`) among it, as for a basis (review F5: an entry outlived root's enrolling or revoking a
    key all day, though the keys that sign in each name, and whether the roster is refused, follow them); ``cohorts``:
    see :func:`_cohort`."""
    parts = (as_of.isoformat(), code_digest(), standard_digest, os.fsencode(path).hex(), _cohort(path, cohorts),
             anchors)
    return own_files.digest("\0".join(parts).encode()).encode()


def _cohort(path: str | Path, cohorts: dict[str, str]) -> str:
    """Whether the file's folder has a roster, which one, and whether its group may write it: in a cohort folder a
    history from before signing that no tutor took in counts for nothing (``store.untaken``), and a judgement, a
    sign-off or a confirmation counts only by an account the roster gave that role then (``store.roles_at``), so an
    entry worked out under one roster, or before the folder had one, no longer holds under another (the roster's
    file identity: every change to it is a new file, by rename). (Trust anchors enrolled later, for a shared
    folder with no roster, are not followed: such a folder refuses every change until a roster is started.)

    Looked up once per folder a run (``cohorts``), when the run first asks, before it reads any of the folder's files:
    an entry or a basis worked out after a change to the roster during the run is then kept under the roster before
    it, which the next run does not find (it reads the file again): never one worked out under a roster kept under
    another."""
    folder = os.path.dirname(os.fspath(path)) or "."
    found = cohorts.get(folder)
    if found is None:
        found = cohorts[folder] = _cohort_now(folder)
    return found


def _cohort_now(folder: str) -> str:
    try:
        shared = os.stat(folder).st_mode & 0o020
    except OSError:
        return "?"
    try:
        st = os.stat(os.path.join(folder, ROSTER_FILE), follow_symlinks=False)
    except OSError:
        return f"0{int(bool(shared))}"
    return f"1{int(bool(shared))} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


_ANCHORS = "\0anchors"
"""Where a run's look-ups (``digests``) hold :func:`_anchors_now`, looked at once per run: no standard's id."""


def _anchors_once(digests: dict[str, str]) -> str:
    """:func:`_anchors_now`, once per run (its look-ups, ``digests``)."""
    if _ANCHORS not in digests:
        digests[_ANCHORS] = _anchors_now()
    return digests[_ANCHORS]


def _standard_now(standard_id: str, digests: dict[str, str]) -> str:
    """The digest of the files the standard would be loaded from now; ``""`` if one cannot be read."""
    if "\0" in standard_id:  # (no standard's id: where the run's other look-ups are held)
        return ""
    if standard_id not in digests:
        digests[standard_id] = standard_files.digest(standard_id)
    return digests[standard_id]


LIBRARIES = ("orjson",)
"""The libraries whose code decides what an entry holds: the output's encoder (the rules' date arithmetic is the
app's own since ``domain.months``: dateutil only reads the dates people type)."""


def code_digest() -> str:
    """The app's code as installed: every module's name, size and change time, Python's version, and the
    files of the libraries the rules and the output use (found, not imported: an upgrade rewrites them).
    Worked out once per process (a millisecond or two)."""
    if not _code:
        try:  # importlib.machinery's own PathFinder, without importing importlib (0.7 ms of a gateway run's start-up)
            from _frozen_importlib_external import PathFinder  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # (an interpreter that does not bootstrap its imports so)
            from importlib.machinery import PathFinder

        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        lines = [sys.version]
        for library in LIBRARIES:
            spec = PathFinder.find_spec(library)
            where = os.path.dirname(spec.origin) if spec is not None and spec.origin else None
            lines.append(f"{library} {where} {_files(where) if where else []}")
        folders = [package]
        while folders:
            folder = folders.pop()
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    lines.append(f"{entry.path[len(package):]} {st.st_size} {st.st_mtime_ns}")
        _code.append(own_files.digest("\n".join(lines).encode()))
    return _code[0]


def _files(folder: str) -> list[tuple[str, int, int]]:
    """Each file in ``folder`` (not below it): its name, size and change time."""
    with os.scandir(folder) as entries:
        return sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file())
