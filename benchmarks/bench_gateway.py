"""Gateway over a tutor's caseload, measured: ``python benchmarks/bench_gateway.py``.

Generates a synthetic cohort (500 portfolios x 200 evidence, ODO standard, realistic record sizes, two pieces in
three accepted, each in an entry of its own as the tutor's acceptance is; each file written by the store as the app
writes it) in a temp folder, then in one run times:

1. P1: ``portfolio gateway FOLDER --json`` (a fresh process, as a tutor runs it) pinned to one core
   with ``taskset``, against the read floor: ``orjson.loads`` of the same files' bytes in one
   process on one core (``floors.py``). Target: at most 2x. The same command on all cores is
   printed too, with the floor shared out over them for comparison. Each in four states of this
   account's gateway cache (``store/result_cache.py``): cold (no valid entry: what a first run costs,
   each folder's packs of entries and readiness bases written besides), warm (every file unchanged since the last
   run), a day (a tenth of the files rewritten by another process since the last run), a new day (the
   next day judged, no file changed: every entry yesterday's, every file's readiness basis kept, as a tutor's first
   run of a day), and ``--no-cache`` (every file read, nothing kept: what a cold run costs less the cache's
   own part).
2. Start-up: ``portfolio gateway ONE_FILE`` (its table, and ``--json``; each again on the unchanged file,
   a first run and ``--no-cache``) against ``python -c pass``, run in turn so that both meet the same
   load. Target: at most 4x. It runs the installed ``portfolio`` script, as a user does
   (its wrapper imports ``re`` and ``sys``, then ``portfolio_tui.cli``), where there is one beside the
   interpreter; else ``python -m portfolio_tui``. Run from a development checkout (an editable install),
   it first makes a regular install of the checkout in its temp folder (``regular_install``) and times
   that first: the figure a user sees. And whether a headless command imported Textual (it must not).
3. Memory per worker against the largest single file (target: at most 2x), every file read
   (``--no-cache``): the peak RSS of a fresh process over the whole caseload above its fixed cost (the
   same command over one portfolio of one piece), on one core (one process: the only worker) and the
   biggest process on all cores; beside it the largest file alone and as many one-piece portfolios;
   in process, above itself warmed up, read record by record (as the store writes files) and read
   whole (a hand-edited layout); and what one file costs, part by part (``tracemalloc``).
4. Where one core's time goes, in process: the reading as gateway reads a caseload (``store/outline.py``) with
   its parts told apart (parse and strictness, the type checks and outlines, the record-hash check of review
   F6), readiness and the JSON document, each against the same floor.

Figures are medians of several runs. It prints; it asserts nothing.

The commands are timed as an installed program runs, from compiled bytecode (pip compiles a package
on install): a warm-up run writes the bytecode, into the temp folder. Where
``PYTHONDONTWRITEBYTECODE`` is set, as in some sandboxes, it is ignored for the timed commands
(``python -c pass`` included), since otherwise every run would compile the package from source
again and that is what would be timed; the benchmark says so when it does.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors import machine, median_ms, ratio_line, read_floor  # noqa: E402

AS_OF = "2026-11-24"


def make_cohort(folder: Path, portfolios: int, evidence: int) -> None:
    from portfolio_tui import catalog
    from portfolio_tui.services.portfolios import PortfolioService
    from portfolio_tui.store.reading import read_snapshot
    from portfolio_tui.store.storage import render

    criteria = [c.id for c in catalog.get("odo-l3").all_criteria()]
    template = folder / "template.json"
    svc = PortfolioService.create(
        template, learner="Ava Patel", standard="odo-l3", start="2025-06-02", end="2027-01-29",
        employer="HM Revenue and Customs", line_manager="Priya Shah", tutor="Tom Jones", actor="bench",
    )
    kinds = ["product", "observation", "reflective-account", "line-manager-feedback", "performance-review"]
    with svc.store.transaction() as tx:
        for i in range(evidence):
            day = date(2025, 6, 2) + timedelta(days=i % 500)
            piece = tx.insert(
                "evidence",
                {
                    "title": f"Letter to a customer about a delayed refund, case {i}",
                    "date": day.isoformat(),
                    "kind": kinds[i % len(kinds)],
                    "criteria": criteria[i % 22: i % 22 + 3],
                    "description": "Drafted and sent a reply explaining the delay, the next steps and "
                    "the customer's right to complain; checked by my line manager before sending.",
                    "hours": 1.5,
                    "files": [f"letters/refund-{i}.pdf"],
                    "simulated": False,
                    "deleted": False,
                    "judgements": [],
                },
            )
            if i % 3:  # accepted as the app accepts a piece: in an entry of the tutor's that lists the judgement
                tx.update("evidence", piece, {"judgements": [{"outcome": "accept", "feedback": "Clear and courteous.",
                                                              "by": tx.actor, "at": tx.now}]}, action="assess")
    doc = read_snapshot(template).doc
    template.unlink()
    # Every file as the app wrote it, the learner's name included: a name set by hand here would be a record
    # changed outside the app, which the gateway names (and reads the file whole to be sure of).
    data = b"".join(render(doc, {}, None))
    for n in range(portfolios):
        (folder / f"learner-{n:03d}.json").write_bytes(data)


def child_environment(folder: Path) -> dict[str, str]:
    """The environment of the timed commands: bytecode written once, to ``folder``, and read back."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(folder)}


def run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed: {result.stderr.decode()}")


def children_cpu_ms() -> float:
    """The CPU time (user + sys) of the waited-for child processes so far, in milliseconds."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (used.ru_utime + used.ru_stime) * 1000


def peak_rss(argv: list[str], env: dict[str, str]) -> int:
    """The peak RSS in bytes of the biggest process ``argv`` runs (itself or one of its workers)."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, check=True)
    return int(out.stdout.strip()) * 1024


def startup(one: Path, env: dict[str, str], runs: int, pythons: list[str], homes: Path) -> None:
    """``portfolio gateway ONE_FILE`` as a user runs it (the table, output not a terminal, and ``--json``), against
    ``python -c pass``, in turn.

    For each interpreter given (a regular install of this checkout first, when this one is a development
    checkout's; ``--also-python`` adds the interpreter of another installation), its own ``portfolio``
    script against its own ``python -c pass``. A development checkout's editable install adds an import
    finder that ``site`` loads in every interpreter start (pathlib, re, urllib.parse...): that makes
    ``python -c pass`` about twice as slow, the command hardly slower (it imports those modules anyway),
    and the ratio lower than what a user of a regular install sees. The benchmark says which is which.

    Each form is timed three ways, all interleaved: run again on the unchanged file (answered from the entry
    this account kept), a first run (no entry kept: the portfolio read and judged, its entry written), and
    ``--no-cache`` (read and judged, nothing kept: what a changed file costs less the entry's writing).
    Each installation keeps its results in a data folder of its own under ``homes``, as two users' would be:
    each is keyed by its own code, so in one folder each would throw out the other's entry.
    """
    from portfolio_tui.store.result_cache import BASIS_FOLDER, FOLDER, RACY_NS

    wait_ns = one.stat().st_ctime_ns + RACY_NS - time.time_ns()
    if wait_ns > 0:  # a file changed moments ago is not kept (a small cohort is made just before)
        time.sleep(wait_ns / 1e9)
    # (what, python, floor, command, env, run before each timing)
    commands: list[tuple[str, str, list[str], list[str], dict[str, str], Callable[[], object] | None]] = []
    for n, python in enumerate(pythons):
        home = homes / f"home-{n}"
        own = env | {"PORTFOLIO_TUI_HOME": str(home)}
        script = Path(python).parent / "portfolio"
        command = [str(script)] if script.is_file() else [python, "-m", "portfolio_tui"]
        cached = "--no-cache" in subprocess.run([*command, "gateway", "--help"], capture_output=True, text=True,
                                                env=own).stdout
        bare = [python, "-c", "pass"]
        def forget(home: Path = home) -> None:  # the day's entries and the bases: a first run reads the file
            for kept in (FOLDER, BASIS_FOLDER):
                shutil.rmtree(home / kept, ignore_errors=True)

        for form in ([], ["--json"]):
            argv = [*command, "gateway", str(one), *form, "--as-of", AS_OF]
            what = f"gateway ONE_FILE{' --json' if form else ' (table)'}"
            if not cached:  # an installation from before the cache
                commands.append((what, python, bare, argv, own, None))
                continue
            # Run once untimed first: another command's first run may have just forgotten every entry.
            commands.append((f"{what}, again (kept)", python, bare, argv, own, partial(run, argv, own)))
            commands.append((f"{what}, first run", python, bare, argv, own, forget))
            commands.append((f"{what} --no-cache", python, bare, [*argv, "--no-cache"], own, None))
            run(argv, own)  # its bytecode written (and its result kept)
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for (_what, _python, bare, argv, own, before), pairs in zip(commands, samples, strict=True):
            floor = median_ms(partial(run, bare, own), 1)
            if before is not None:
                before()
            pairs.append((floor, median_ms(partial(run, argv, own), 1)))
    for python in dict.fromkeys(python for _what, python, *_ in commands):
        for (what, ran, *_), pairs in zip(commands, samples, strict=True):
            if ran != python:
                continue
            floor, figure = (statistics.median(times) for times in zip(*pairs, strict=True))
            quartiles = statistics.quantiles([command / bare for bare, command in pairs])
            print(ratio_line(f"start-up: {what}", figure, floor,
                             f"(floor: python -c pass; target <= 4x; run in turn {runs} times, "
                             f"ratio quartiles {quartiles[0]:.2f}x-{quartiles[2]:.2f}x)"))
        print(f"   ran: {python}" + (
            "\n   NOTE: this interpreter loads an editable install's import finder at every start, which inflates "
            "the floor;\n   the regular install's ratio is the one a user sees" if _editable(python) else
            " (a regular install)"))
    print(f"   load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


def regular_install(folder: Path) -> str | None:
    """The interpreter of a regular install of this checkout (``pip install .``, not editable) made in
    ``folder``; ``None``, saying why, when pip cannot build one here.

    A venv without pip of its own: its site-packages gets the package as pip installs it (the files
    copied, the ``portfolio`` script beside the interpreter) and a path line naming this interpreter's
    site-packages for the libraries. A path line only adds its folder to ``sys.path``; the editable
    install's finder there is started by a ``.pth`` file of that folder, which only ``site`` runs, for
    the interpreter's own site-packages: so the new interpreter starts as a user's does.
    """
    import sysconfig

    venv = folder / "regular-install"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    built = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
                            str(Path(__file__).resolve().parents[1])], capture_output=True, text=True)
    if built.returncode != 0 or not (venv / "bin" / "portfolio").is_file():
        print(f"start-up: no regular install could be made here ({built.stderr.strip().splitlines()[-1:]}):"
              " the figures below are the development checkout's")
        return None
    return str(python)


def _editable(python: str) -> bool:
    """Does ``python`` load a setuptools editable-install finder at start-up (a development checkout)?"""
    code = "import sys; print(any(name.startswith('__editable__') for name in sys.modules))"
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip() == "True"


def imports_textual(argv: list[str], env: dict[str, str]) -> bool:
    code = (
        "import runpy, sys; sys.argv = sys.argv[1:]\n"
        "try:\n    runpy.run_module('portfolio_tui', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('textual' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, "portfolio", *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    return out.stderr.strip().endswith("True")


MEMORY_SETUP = """
import os, sys
from portfolio_tui.cli import main
def quietly(*argv):
    shown, sys.stdout = sys.stdout, open(os.devnull, "w")
    try:
        main(["gateway", *argv, "--json", "--as-of", {as_of!r}, *{cold!r}])
    finally:
        sys.stdout.close()
        sys.stdout = shown
os.sched_setaffinity(0, {{{core}}})  # one core: the caseload is read in this process, as one worker reads its share
if {whole!r}:  # every file read whole, as a file not laid out as the store writes it is
    from portfolio_tui.store import outline, reading
    outline.read_outline = reading.read_portfolio
quietly({tiny!r})  # warm: the code imported, the standard loaded, portfolios of one piece read
"""


def one_piece_portfolios(source: Path, folder: Path, count: int) -> Path:
    """A folder of ``count`` portfolios of one piece of evidence and one audit entry each, on the same standard
    as ``source``."""
    from portfolio_tui.store.reading import read_snapshot
    from portfolio_tui.store.storage import render

    doc = read_snapshot(source).doc
    for table in ("evidence", "audit"):
        doc[table] = dict(list(doc[table].items())[:1])
    folder.mkdir()
    data = b"".join(render(doc, {}, None))
    for n in range(count):
        (folder / f"one-piece-{n:03d}.json").write_bytes(data)
    return folder


def memory(cohort: Path, paths: list[Path], core: int, pin: list[str], cli: list[str], env: dict[str, str],
           runs: int = 3) -> None:
    """Gateway memory per worker, against the largest single file (target: at most 2x), and what it is made of.

    A worker's memory is what it holds beyond its fixed cost: the interpreter, the code and libraries imported
    and the standard loaded. That cost is measured as the peak RSS of the same command over TWO portfolios of
    one piece (a fresh process, pinned to one core: a process reading one file only loads no OpenSSL, whose
    SHA-256 is 3 MB of the process and is loaded from its second file on, ``store.audit_index``), and each
    figure is the peak RSS of a fresh process above it:

    * one core (``taskset``: one process, the only worker, reads the whole caseload): the whole cohort; the
      largest file alone (with one one-piece portfolio: the floor of what reading it costs); as many one-piece
      portfolios as the cohort
      has (what the caseload's count costs, apart from its files' size);
    * all cores, the biggest process, over a folder of one-piece portfolios big enough to start the workers
      (their fixed cost: a worker is forked from the parent);
    * in process, above the process itself warmed up on one-piece portfolios (what a long-lived worker adds,
      freed memory reused): record by record (files as the store writes them, ``store.outline``) and every
      file read whole (as a hand-edited layout is);
    * what one file costs, by ``tracemalloc`` (Python's and orjson's allocations, not the allocator's
      slack): read whole, its bytes, orjson's working memory while it parses, the parsed document and
      the domain objects; read record by record, the peak and what is kept (the outline).

    Peak RSS depends on where the allocator happens to put things, which a change anywhere moves (the size of
    the environment the process starts with alone moves a figure by 0.1-0.2 MB, and as much from one version of
    the code to the next): so each figure is the median of ``runs``, the commands run in turn, each round with
    an environment of another size (a variable of 0 to 8 KB, the same for every command of the round). Where
    the gateway keeps its results, the commands run with ``--no-cache`` (every file read, nothing kept), and
    a first run keeping them (the default; no entry yet) is measured beside them.
    """
    from floors import peak_growth_bytes

    from portfolio_tui.services.readiness import PARALLEL_FROM

    cold = ["--no-cache"] if "--no-cache" in subprocess.run(
        [*cli, "gateway", "--help"], capture_output=True, text=True, env=env).stdout else []
    largest = max(paths, key=lambda p: p.stat().st_size)
    size = largest.stat().st_size
    folders = {
        "cohort": cohort,
        "alone": cohort.parent / "largest-alone",
        "one": one_piece_portfolios(largest, cohort.parent / "one-piece", 2),
        "count": one_piece_portfolios(largest, cohort.parent / "one-piece-each", len(paths)),
        "workers": one_piece_portfolios(largest, cohort.parent / "one-piece-workers", 2 * PARALLEL_FROM),
    }
    folders["alone"].mkdir()
    (folders["alone"] / largest.name).write_bytes(largest.read_bytes())
    shutil.copy(next(folders["one"].iterdir()), folders["alone"])  # (its second file: see the docstring)

    def gateway(folder: Path) -> list[str]:
        return [*cli, "gateway", str(folder), "--json", "--as-of", AS_OF, *cold]

    commands = {f"one core {name}": [*pin, *gateway(folder)] for name, folder in folders.items() if name != "workers"}
    commands |= {"all cores cohort": gateway(cohort), "all cores workers": gateway(folders["workers"])}
    if cold:  # the default, keeping results: a first run (each with a data folder of its own, so no entry yet)
        commands |= {f"kept {name}": [*pin, *gateway(folders[name])[:-len(cold)]] for name in ("one", "cohort")}
    peaks: dict[str, list[int]] = {what: [] for what in commands}
    homes = Path(tempfile.mkdtemp(prefix="homes-", dir=cohort.parent))

    def first_run(what: str) -> dict[str, str]:
        return env | {"PORTFOLIO_TUI_HOME": tempfile.mkdtemp(dir=homes)} if what.startswith("kept") else env

    for what, argv in commands.items():
        run(argv, first_run(what))  # bytecode written, files in the page cache
    layouts = random.Random(15)
    for _ in range(runs):
        pad = {"BENCH_LAYOUT": "x" * layouts.randrange(8192)}  # this run's layout, the same for every command
        for what, argv in commands.items():
            peaks[what].append(peak_rss(argv, first_run(what) | pad))
    peak = {what: statistics.median(found) for what, found in peaks.items()}

    def in_process(folder: Path, whole: bool) -> float:
        setup = MEMORY_SETUP.format(core=core, tiny=str(folders["workers"]), as_of=AS_OF, whole=whole, cold=cold)
        return statistics.median(peak_growth_bytes(setup, f"quietly({str(folder)!r})", env) for _ in range(runs))

    streamed, whole = in_process(cohort, False), in_process(cohort, True)
    parts = file_memory(largest)
    mb = 1e6
    fixed = peak["one core one"]

    def x(n: float) -> str:
        return f"{n / mb:5.2f} MB {n / size:4.1f}x"

    print(f"memory per worker, floor: the largest file {size / mb:.2f} MB (target <= 2x); a fresh process's peak RSS "
          f"above its fixed cost, medians of {runs}:")
    print(f"   one core, one process (the only worker): the whole cohort {x(peak['one core cohort'] - fixed)}   "
          f"(peak RSS {peak['one core cohort'] / mb:.1f} MB; fixed cost, two one-piece portfolios: "
          f"{fixed / mb:.1f} MB)")
    print(f"      the largest file alone {x(peak['one core alone'] - fixed)}   {len(paths)} one-piece portfolios "
          f"{x(peak['one core count'] - fixed)}")
    if cold:
        print(f"   one core, a first run keeping its results (the default; no entry yet): the whole cohort "
              f"{x(peak['kept cohort'] - peak['kept one'])}   (above the same over two one-piece portfolios, "
              f"{peak['kept one'] / mb:.1f} MB)")
    shared, started = peak["all cores cohort"], peak["all cores workers"]
    print(f"   all cores, the biggest process: the whole cohort {x(shared - started)}  (peak RSS {shared / mb:.1f} MB; "
          f"over {2 * PARALLEL_FROM} one-piece portfolios, workers started, {started / mb:.1f} MB)")
    print(f"   in process, one core, above itself warmed up: record by record {x(streamed)}   "
          f"every file read whole {x(whole)}")
    print(f"   one file read whole (tracemalloc): its bytes {x(parts['bytes'])}, orjson's working memory at its peak "
          f"{x(parts['orjson'])},")
    print(f"      the parsed document {x(parts['document'])}, the domain objects {x(parts['objects'])}; "
          f"peak {x(parts['whole peak'])}")
    print(f"   one file read record by record (tracemalloc): peak {x(parts['outline peak'])}, kept (the outline) "
          f"{x(parts['outline'])}")
    print("   (record by record: files as the store writes them, one record a line; a file laid out otherwise, "
          "as by hand, is read whole)")


def file_memory(path: Path) -> dict[str, int]:
    """What reading one file costs in memory, part by part (``tracemalloc``, after a warm-up reading)."""
    import gc
    import tracemalloc

    import orjson

    from portfolio_tui.store.outline import read_outline
    from portfolio_tui.store.reading import read_portfolio

    def traced(fn, *args):
        gc.collect()
        tracemalloc.start()
        try:
            made = fn(*args)
            held, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return made, held, peak

    read_portfolio(path), read_outline(path)  # warm: caches, lazy imports
    parts = {"bytes": path.stat().st_size}
    doc, parts["document"], peak = traced(orjson.loads, path.read_bytes())
    parts["orjson"] = peak - parts["document"]
    del doc
    _, parts["objects"], parts["whole peak"] = traced(read_portfolio, path)
    _, parts["outline"], parts["outline peak"] = traced(read_outline, path)
    return parts


CACHE_STATES = {
    "cold": "no valid entry: a first run",
    "warm": "every file unchanged since the last run",
    "a day": "1 file in 10 changed since the last run",
    "new day": "every file unchanged since yesterday's run: judged for the day from its kept readiness basis",
    "--no-cache": "every file read, nothing kept or looked up",
}


def p1(paths: list[Path], gateway: list[str], pin: list[str], core: int, cores: list[int], env: dict[str, str],
       runs: int) -> None:
    """P1: ``gateway --json`` on one core and on all, cold, warm, after a day's changes and with ``--no-cache``,
    against the read floor.

    Interleaved run by run, so that every figure meets the same load from others. Cold: this account's
    cache folder removed first (the run writes it again, as a first run does). Warm: straight after, every
    entry valid. A day: a tenth of the files (a different tenth each time) rewritten first, as a learner's
    save would (same bytes, a new change time), then a wait of ``RACY_NS``, so that they changed "since
    the last run", not a moment before the gateway reads them (a file changed a moment ago is read but
    not kept: ``store/result_cache.py``). A new day: straight after, the day after the last one judged
    (``--as-of``), no file changed: every entry is the day before's, every file's readiness basis kept, so
    only the day's part of readiness is worked out (a tutor's first run of the day).
    """
    from portfolio_tui import locations
    from portfolio_tui.store import result_cache

    folders = [locations.data_dir() / result_cache.FOLDER, locations.data_dir() / result_cache.BASIS_FOLDER]
    tenth = max(1, len(paths) // 10)
    turn = [0]

    def a_day() -> None:
        start = turn[0] * tenth % len(paths)
        turn[0] += 1
        for path in (paths * 2)[start:start + tenth]:
            path.write_bytes(path.read_bytes())
        time.sleep(result_cache.RACY_NS / 1e9)

    def cold() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)

    days = [0]

    def new_day() -> None:  # the day after the last judged (``--as-of``): the entries are yesterday's
        days[0] += 1

    prepare = {"cold": cold, "warm": lambda: None, "a day": a_day, "new day": new_day,
               "--no-cache": lambda: None}
    places_pinned = [*pin, *gateway]
    places = {f"one core ({'taskset' if pin else 'NOT pinned'})": places_pinned, f"all {len(cores)} cores": gateway}
    time.sleep(result_cache.RACY_NS / 1e9)  # the cohort was written a moment ago
    floors: list[float] = []
    floors_cpu: list[float] = []
    samples: dict[tuple[str, str], list[float]] = {}
    cpu: dict[str, list[float]] = {}  # one core's runs: CPU time (user + sys), which others' load does not share out
    for _ in range(runs):
        os.sched_setaffinity(0, {core})  # the floor on the same one core
        try:
            started = time.process_time()
            floors.append(median_ms(lambda: read_floor(paths), 1))
            floors_cpu.append((time.process_time() - started) * 1000)
        finally:
            os.sched_setaffinity(0, cores)
        for place, argv in places.items():
            for state in CACHE_STATES:
                prepare[state]()
                command = [*argv, "--no-cache"] if state == "--no-cache" else argv
                if state == "new day":
                    day = (date.fromisoformat(AS_OF) + timedelta(days=days[0])).isoformat()
                    command = [day if word == AS_OF else word for word in argv]
                before = children_cpu_ms()
                samples.setdefault((place, state), []).append(median_ms(lambda argv=command: run(argv, env), 1))
                if argv is places_pinned:
                    cpu.setdefault(state, []).append(children_cpu_ms() - before)
    floor = statistics.median(floors)
    for n, place in enumerate(places):
        shared = floor if n == 0 else floor / len(cores)
        for state, meaning in CACHE_STATES.items():
            figure = statistics.median(samples[place, state])
            if n == 0:
                target = f"(target <= 2x: {'met' if figure <= 2 * floor else 'NOT met'}; {meaning})"
            else:
                target = f"(floor / {len(cores)} cores; {meaning})"
            print(ratio_line(f"{'P1' if n == 0 else '  '} gateway --json, {place}, {state}", figure, shared, target))
    floor_cpu = statistics.median(floors_cpu)
    for state in CACHE_STATES:
        print(ratio_line(f"   one core, {state}, CPU time (user + sys)", statistics.median(cpu[state]),
                         floor_cpu, "(the floor's CPU time; on a loaded machine the wall times above share it out)"))


def phases(paths: list[Path], core: int, runs: int) -> None:
    """Where one core's time goes, in process, over the cohort, read as ``gateway`` reads it (``store/outline.py``,
    then readiness and the JSON document): CPU time, medians of ``runs``, each pass over the whole cohort.

    The reading's parts are told apart by turning parts off, the real code otherwise: its reading alone (blocks,
    batches of record lines parsed and each batch written back to compare, the strictness check: nothing taken
    in), then everything but the record-hash check (review F6: ``audit_index.Fingerprints``), then all of it. So
    the shape, ids and type checks with the outlines' building, and the F6 check, are each the difference of
    two passes.
    """
    import gc
    from contextlib import ExitStack
    from unittest import mock

    from portfolio_tui.cli.readiness_cmds import _encoded_entry
    from portfolio_tui.services import readiness
    from portfolio_tui.store import outline
    from portfolio_tui.store.audit_index import Fingerprints

    as_of = date.fromisoformat(AS_OF)
    named = [str(p) for p in paths]  # (a caseload's files are read by their text, as gateway reads them)

    def cpu_ms(fn: Callable[[], object]) -> float:
        started = time.process_time()
        fn()
        return (time.process_time() - started) * 1000

    def read_all() -> None:
        for path in named:
            outline.read_outline(path)

    def parse_only() -> None:
        with mock.patch.object(outline._Outline, "chunk", lambda *a, **k: None), \
                mock.patch.object(outline._Outline, "portfolio", lambda self: None):
            for path in named:
                with open(path, "rb") as handle:
                    outline._read(handle, path)

    def without_f6() -> None:
        with ExitStack() as off:
            for method in ("records", "entries"):
                off.enter_context(mock.patch.object(Fingerprints, method, lambda *a, **k: None))
            off.enter_context(mock.patch.object(Fingerprints, "changed", lambda *a, **k: ()))
            read_all()

    standards: readiness.Standards = {}
    outlines = [outline.read_outline(path) for path in named]
    standard = readiness.catalog.get_with_source(outlines[0].learner.standard_id)[0]
    reports = [readiness.assess(standard, found, as_of) for found in outlines]
    steps: dict[str, Callable[[], object]] = {
        "orjson floor (read + parse whole files)": lambda: read_floor(paths),
        "reading alone: blocks, batches parsed, round trip": parse_only,
        "reading without the F6 record-hash check": without_f6,
        "reading, all of it (read_outline)": read_all,
        "readiness (assess_readiness)": lambda: [readiness.assess(standard, found, as_of) for found in outlines],
        "JSON document (_encoded_entry)": lambda: [_encoded_entry(readiness.Checked(path, report))
                                                   for path, report in zip(named, reports, strict=True)],
        "check_portfolio (reading + readiness + identity)": lambda: [
            readiness.check_portfolio(path, as_of, standards) for path in named],
    }
    samples: dict[str, list[float]] = {}
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    gc.disable()
    try:
        for _ in range(runs):
            for name, step in steps.items():
                samples.setdefault(name, []).append(cpu_ms(step))
    finally:
        gc.enable()
        os.sched_setaffinity(0, cores)
    took = {name: statistics.median(values) for name, values in samples.items()}
    print(f"where one core's time goes (in process, CPU time, medians of {runs}; {len(paths)} files):")
    for name, ms in took.items():
        print(f"   {name:<52} {ms:8.1f} ms")
    whole = took["reading, all of it (read_outline)"]
    parsed = took["reading alone: blocks, batches parsed, round trip"]
    no_f6 = took["reading without the F6 record-hash check"]
    print(f"   = shape, ids, type checks and outlines built       {no_f6 - parsed:8.1f} ms")
    print(f"   = the F6 record-hash check                          {whole - no_f6:8.1f} ms")
    rest = took["check_portfolio (reading + readiness + identity)"] - whole - took["readiness (assess_readiness)"]
    print(f"   = per file: stats, identity line, standard looked up {rest:8.1f} ms")


PARTS = ("p1", "startup", "memory", "phases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portfolios", type=int, default=500)
    parser.add_argument("--evidence", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--core", type=int, default=None, help="the core to pin to (default: the last one)")
    parser.add_argument("--also-python", action="append", default=[], metavar="PYTHON",
                        help="also time start-up with this interpreter and its portfolio script (a regular install)")
    parser.add_argument("--startup-only", action="store_true", help="time start-up alone (with --portfolios 4: quick)")
    parser.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                        help=f"run only this part (repeatable; default all: {', '.join(PARTS)})")
    args = parser.parse_args()
    parts = {"startup"} if args.startup_only else set(args.only or PARTS)

    folder = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    os.environ.setdefault("PORTFOLIO_TUI_HOME", str(folder / "home"))
    env = child_environment(folder / "pycache")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: ignored for the timed commands, which run from cached bytecode")
    cores = sorted(os.sched_getaffinity(0))
    core = args.core if args.core is not None else cores[-1]
    pin = ["taskset", "-c", str(core)] if shutil.which("taskset") else []
    try:
        cohort = folder / "cohort"
        cohort.mkdir()
        make_cohort(cohort, args.portfolios, args.evidence)
        paths = sorted(cohort.glob("*.json"))
        sizes = [p.stat().st_size for p in paths]
        print(f"machine: {machine()}")
        print(f"cohort: {args.portfolios} portfolios x {args.evidence} evidence, {sum(sizes) / 1e6:.1f} MB")

        cli = [sys.executable, "-m", "portfolio_tui"]
        gateway = [*cli, "gateway", str(cohort), "--json", "--as-of", AS_OF]
        run([*gateway, "--no-cache"], env)  # warm the page cache and .pyc files
        if "p1" in parts:
            p1(paths, gateway, pin, core, cores, env, args.runs)
        if "startup" in parts:
            one = paths[0]
            regular = regular_install(folder) if _editable(sys.executable) else None
            startup(one, env, args.runs * 4, [*filter(None, [regular]), sys.executable, *args.also_python], folder)
            headless = imports_textual(["gateway", str(one), "--json", "--as-of", AS_OF], env)
            print(f"   headless gateway imported Textual: {'YES' if headless else 'no'}")
        if "memory" in parts:
            memory(cohort, paths, core, pin, cli, env, max(9, args.runs))  # (layouts vary: more rounds)
        if "phases" in parts:
            phases(paths, core, max(3, args.runs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
