"""Readiness for gateway, one learner or a caseload: the one entry point the CLI and the TUI share.

The TUI shows the :class:`ReadinessReport` object; ``portfolio gateway --json`` prints
:func:`report_document` of the same object, so neither recomputes what the other shows.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from portfolio_tui import catalog
from portfolio_tui.domain.frozen import frozen
from portfolio_tui.domain.gateway import ReadinessBasis, ReadinessReport, assess_on, assess_readiness, readiness_basis
from portfolio_tui.domain.grading import Prediction
from portfolio_tui.domain.portfolio import Portfolio
from portfolio_tui.domain.standard import Standard
from portfolio_tui.store.files import as_named

TYPE_CHECKING = False  # (typing and pathlib cost the gateway's start-up)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def assess(standard: Standard, portfolio: Portfolio, as_of: date) -> ReadinessReport:
    return assess_readiness(standard, portfolio, as_of)


@frozen
class Reading:
    """What a report was worked out from, for ``services.gateway_cache`` to key it by: the file as it was
    read (``store.result_cache``'s identity line; the reading began at ``read_at_ns``) and the standard
    (``standard_files.digest`` of the files it was loaded from)."""

    line: bytes
    read_at_ns: int
    standard_id: str
    standard_digest: str


@frozen
class Checked:
    """One portfolio's report, or why it could not be read."""

    file: str | Path
    """The file as it was named: a caseload's as text (see :func:`each_checked`)."""
    report: ReadinessReport | None = None
    error: str = ""
    reading: Reading | None = None
    """Set when the file did not change while it was read (so the report may be kept for it)."""
    basis: bytes | None = None
    """The readiness basis the report was worked out from, when asked for (``keep_basis``), as bytes
    (``store.kept_basis``): with :attr:`reading` set, ``services.gateway_cache`` keeps it, so that another day's
    report is worked out without reading the file."""

    @property
    def path(self) -> Path:
        from pathlib import Path

        return Path(self.file)


Standards = dict[str, tuple[Standard, str]]
"""The standards looked up across a caseload, by id, each with the digest of its files (``catalog.get_with_source``)."""


def check_portfolio(
    path: str | Path, as_of: date, standards: Standards | None = None, *, keep_basis: bool = False
) -> Checked:
    """One portfolio's report; ``standards`` keeps the standards already looked up, across a caseload.
    ``keep_basis``: the readiness basis it was worked out from is given with it (:attr:`Checked.basis`), as bytes
    made once the file's outline is let go, before the report is worked out (so neither the outline's evidence nor
    the pickler's working memory is held beside the report)."""
    from portfolio_tui.store import result_cache
    from portfolio_tui.store.errors import StoreError
    from portfolio_tui.store.outline import read_outline

    read_at = result_cache.now_ns()
    before = result_cache.stat_before(path)
    try:
        portfolio = read_outline(path)  # record by record, the texts left out: readiness reads none
    except StoreError as exc:
        return Checked(path, error=str(exc))
    held = _standard(path, portfolio.learner.standard_id, standards)
    if isinstance(held, Checked):
        return held
    try:
        basis = readiness_basis(held[0], portfolio)
    except (ArithmeticError, ValueError) as exc:
        return _not_worked_out(path, exc)
    del portfolio
    kept = None
    if keep_basis:
        from portfolio_tui.store import kept_basis

        kept = kept_basis.dumps(basis)
    judged = _judged(path, basis, held, as_of)
    if judged.report is None or judged.reading is None:
        return judged
    line = result_cache.reading_identity(path, before)
    reading = Reading(line, read_at, judged.reading.standard_id, judged.reading.standard_digest) if line else None
    return Checked(path, judged.report, reading=reading, basis=kept if reading else None)


def check_basis(path: str | Path, basis: ReadinessBasis, as_of: date, standards: Standards | None = None) -> Checked:
    """The report on ``as_of`` of a portfolio whose readiness basis is kept (``services.gateway_cache``: from a reading
    of the file exactly as it is). Its :attr:`Checked.reading` names the standard only (its ``line`` empty): the
    file's identity is the caller's to say."""
    held = _standard(path, basis.portfolio.learner.standard_id, standards)
    return held if isinstance(held, Checked) else _judged(path, basis, held, as_of)


def _standard(path: str | Path, standard_id: str, standards: Standards | None) -> tuple[Standard, str] | Checked:
    """The standard ``standard_id`` and the digest of its files, looked up once a caseload; or why it cannot be."""
    from portfolio_tui.store.errors import StoreError

    try:
        held = standards.get(standard_id) if standards is not None else None
        if held is None:
            held = catalog.get_with_source(standard_id)
            if standards is not None:
                standards[standard_id] = held
    except (StoreError, catalog.StandardNotFound) as exc:
        return Checked(path, error=str(exc))
    return held


def _judged(path: str | Path, basis: ReadinessBasis, held: tuple[Standard, str], as_of: date) -> Checked:
    standard, digest = held
    try:
        report = assess_on(standard, basis, as_of)
    except (ArithmeticError, ValueError) as exc:
        return _not_worked_out(path, exc)
    standard_id = basis.portfolio.learner.standard_id  # (as the portfolio names it: its key looks it up so)
    return Checked(path, report, reading=Reading(b"", 0, standard_id, digest) if digest else None)


def _not_worked_out(path: str | Path, exc: Exception) -> Checked:
    """A sum of dates out of the calendar, from values no check foresaw: this learner's row says so, and the rest of
    the caseload is still checked (the store keeps dates in years 1900-2199, so none is known)."""
    from portfolio_tui.domain.text import clean_text

    why = clean_text(str(exc))
    return Checked(path, error=f"{clean_text(str(path))}: its readiness cannot be worked out ({why})")


PARALLEL_FROM = 40
"""Portfolios per worker process below which a caseload is read in this process (a fork costs a few ms)."""
CHUNK_MOST = 16
"""Portfolios sent to a worker at a time, at most."""


def check_portfolios(
    paths: Sequence[Path], as_of: date, *, parallel: bool = False, then: Callable[[Checked], Any] | None = None
) -> list[Any]:
    """Each portfolio's report, in the order of ``paths``, or what ``then`` makes of it (see :func:`each_checked`)."""
    return list(each_checked(paths, as_of, parallel=parallel, then=then))


def each_checked(
    paths: Sequence[Path], as_of: date, *, parallel: bool = False, then: Callable[[Checked], Any] | None = None,
    keep_basis: bool = False,
) -> Iterator[Any]:
    """Each portfolio's report, in the order of ``paths``, or what ``then`` makes of it, as each is ready.

    A caller that uses each result and lets it go (``gateway --json`` prints it) holds one portfolio's
    report at a time, not the caseload's. A :class:`~portfolio_tui.store.files.PathList`'s files are read
    by their text, and so named in the results (``Checked.file``; :func:`~portfolio_tui.store.files.as_named`).

    With ``parallel``, a big caseload is shared among worker processes, one per CPU core this process
    may use. They are forked, so they start without importing anything again; only call it so from a
    program that runs no threads (the CLI; not the TUI), since forking a threaded process is unsafe.
    ``then`` runs in the workers too, so that its work is shared out and only its result is sent back.
    ``keep_basis``: see :func:`check_portfolio` (``then`` should make what it keeps of it small).
    """
    workers = min(_cpus(), len(paths) // PARALLEL_FROM) if parallel else 1
    if workers < 2 or not _can_fork():
        standards: Standards = {}
        for path in as_named(paths):
            result = check_portfolio(path, as_of, standards, keep_basis=keep_basis)
            if then is not None:  # (the report, and the basis, let go before the next file is read)
                result = then(result)
            yield result
            del result
            _let_go()
        return
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor

    # A few chunks each, so a slow chunk does not leave a core idle; and small ones, since a worker
    # holds a chunk's results until the chunk is done.
    size = min(-(-len(paths) // (workers * 4)), CHUNK_MOST)
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    try:
        # Ctrl-C reaches every process in the terminal's group. A worker stopped by it mid-way could
        # leave the pool's queues locked and this process waiting for ever, so workers ignore it; they
        # are forked with it blocked, so that not even one arriving as they start can stop them. Here
        # it raises KeyboardInterrupt as usual: chunks not started are cancelled, started ones finish.
        unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            futures = [pool.submit(_check_all, chunk, as_of, then, keep_basis) for chunk in chunks]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
        futures.reverse()
        while futures:  # each chunk's results let go once used, not held till the last is
            yield from futures.pop().result()
    finally:
        pool.shutdown(cancel_futures=True)


def _can_fork() -> bool:
    import multiprocessing
    import signal

    return "fork" in multiprocessing.get_all_start_methods() and hasattr(signal, "pthread_sigmask")


def _start_worker() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_standards.clear()


_worker_standards: Standards = {}
"""The standards a worker process has looked up, kept across the chunks it is sent (a worker lives for one
caseload, as the process that reads a caseload alone keeps them for all of it): each was loaded again for
every chunk of 16 portfolios before."""


def _check_all(
    paths: Sequence[Path], as_of: date, then: Callable[[Checked], Any] | None, keep_basis: bool = False
) -> list[Any]:
    standards = _worker_standards
    done = []
    for path in as_named(paths):
        checked = check_portfolio(path, as_of, standards, keep_basis=keep_basis)
        done.append(checked if then is None else then(checked))  # each report let go once used, with ``then``
        del checked  # (and let go before the next file is read)
        _let_go()
    return done


def _let_go() -> None:
    """Give back the memory the interpreter keeps for reuse once a portfolio is checked.

    Reading a file makes and drops thousands of small tuples, and the interpreter keeps up to 2,000
    of each size for reuse: without a full collection (a caseload is checked with the cyclic
    collector paused) those lists only grow, a few KB a portfolio, until they hold more than the
    largest file. A full collection empties them; with what is alive frozen first, it walks only
    what this portfolio left behind (nothing, since reading makes no cycles), so it costs microseconds.
    """
    gc.freeze()
    gc.collect()


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def report_document(path: str | Path, report: ReadinessReport) -> dict[str, Any]:
    """The public JSON shape for one learner (keys are a public interface: add, never rename)."""
    return {"path": os.fspath(path), **report.to_dict()}


@frozen
class Entry:
    """One portfolio as ``gateway --json`` prints it: its part of the document, and whether it is ready."""

    document: dict[str, Any]
    ready: bool | None
    """None when the file could not be read; the document then says why."""


def gateway_entry(checked: Checked) -> Entry:
    """What ``gateway --json`` shows of one portfolio: its report, or why it could not be read."""
    if checked.report is None:
        return Entry({"path": os.fspath(checked.file), "error": checked.error}, None)
    return Entry(report_document(checked.file, checked.report), checked.report.ready)


def gateway_card(report: ReadinessReport) -> dict[str, Any]:
    """What ``portfolio gateway`` shows of one learner, as plain data: ``title`` (learner, standard) and
    ``rows`` of [label, value, label's tone, value's tone]: the RAG's colour, an item due later (warning) or
    overdue, or none (``gateway_cache.TONES``).

    Data, not a rendering, so that it can be kept beside the JSON document (``services.gateway_cache``)
    and shown again at any width, with or without Rich. The texts are as recorded: the CLI cleans them.
    """
    as_of = report.as_of
    rows: list[list[str]] = []

    def row(label: str, value: str, label_tone: str = "", value_tone: str = "") -> None:
        rows.append([label, value, label_tone, value_tone])

    row("RAG", report.rag.upper() + (" ready" if report.ready else " not ready"), "", report.rag)
    cov = report.coverage
    row("Coverage", f"{cov.full} of {cov.total} full, {cov.partial} partial, {cov.none} none")
    missing = report.missing
    row("Missing", ", ".join(missing[:12]) + (f" (+{len(missing) - 12} more)" if len(missing) > 12 else "") or "none")
    if report.duties:
        blocked = [f"{d.duty_id} ({', '.join(d.missing)})" for d in report.duties if d.missing]
        row("Duties blocked", "; ".join(blocked) or f"none of {len(report.duties)}")
    nxt = report.next_milestone
    row("Next milestone",
        f"{nxt.title}: {nxt.date} ({(nxt.date - as_of).days} days, {nxt.status})" if nxt else "none")
    otj = report.otj
    target = f"{otj.target:g}" if otj.target is not None else "unknown"
    pace = f"; {otj.pace:.1f} h a week still owed" if otj.pace is not None and not otj.met else ""
    rule = f"; rule {otj.rule.id}" if otj.rule is not None else ""
    row("Off-the-job", f"{otj.logged:g} of {target} hours ({otj.state}){pace}{rule}")
    for item in report.open_items:
        detail = item.detail + (f" [rule {item.rule.id}]" if item.rule is not None else "")
        row(item.title, detail, "warning" if item.due and item.due > as_of else "overdue")
    if report.quiet_months:
        months = ", ".join(m.strftime("%b %Y") for m in report.quiet_months)
        row("No learning", f"{months}: record a break in learning if none was planned", "warning")
    row("Predicted grade", grade_line(report.prediction))
    for s in report.signoffs:
        what = "withdrew the sign-off" if s.withdrawal else "signed off"
        why = f" ({'why' if s.withdrawal else 'items open'}: {s.reason})" if s.reason else ""
        row(f"Sign-off: {s.role}", f"{s.by} {what} on {s.on.isoformat()}{why}")
    return {"title": [report.learner, report.standard_id], "rows": rows}


def grade_line(prediction: Prediction) -> str:
    """ "Pass (provisional): reason", without repeating a grade the reason already starts with."""
    grade = prediction.grade + (" (provisional)" if prediction.provisional else "")
    reason = prediction.reason
    if reason.startswith(prediction.grade):
        reason = reason[len(prediction.grade) :].lstrip(" :")
    return f"{grade}: {reason}" if reason else grade


def aggregate_of(report: ReadinessReport | None) -> tuple[str, float, float] | None:
    """(standard, weighted aggregate mark, top percent) where every weighted component has a result; else None."""
    if report is None:
        return None
    from portfolio_tui.domain.grading import aggregate_mark

    mark, top = aggregate_mark(report.prediction.details)
    return None if mark is None else (report.standard_id, mark, top)
