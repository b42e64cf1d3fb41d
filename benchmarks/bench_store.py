"""Saving into and opening a 5,000-evidence portfolio, against the physical floors and stock TinyDB.

Run ``python benchmarks/bench_store.py``. Both stores start from the same file (5,000 pieces of
evidence and their audit entries) on the same disk and both fsync. Stock ``TinyDB(JSONStorage)``
re-reads and rewrites the whole file on every insert; ours adds through ``PortfolioService`` with
validation, the lock, an audit entry and an atomic replace. In one run, interleaved round by round:

* P2, warm save: one ``evidence add`` in a long-running program (the TUI). Targets: at least 10x
  faster than stock TinyDB, at most 2x the save floor (``orjson.dumps`` of the same document plus
  write and fsync, see ``floors.py``);
* the durable-write minimums (``floors.py``): the file's bytes, already encoded, written to a new temp
  file, fsynced, renamed over a file of the same size and the folder fsynced; and the same bytes
  written over the previous version kept beside the file, data synced, the names swapped and the
  folder fsynced, as the store's save does (``store.spare``). No durable save that writes the whole
  file can take less than the second on this disk, so stock TinyDB's time over it bounds the ratio
  such a save can reach (only one writing just the bytes that changed could go further);
* cold add: a fresh ``PortfolioService`` and one add, as each CLI run does (the interpreter's own
  start-up left out). Target: at most 4x the warm add;
* open: a fresh read of the whole portfolio into domain objects, against the read floor (orjson
  parse of the same bytes);
* memory: how far a fresh process's peak RSS rises while it opens the portfolio, the first time
  (every record checked) and again (this account's note says the file is as it last checked it,
  ``store/verified.py``). Target: at most 5x the file's size.

The cold add reopens a file this process saved: its note is believed, as a CLI run's would be.

Each round runs every step once, in an order shuffled afresh (seeded), so that no figure always follows
the same step. It prints figures, floors and ratios (medians); it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson  # noqa: E402
from floors import (  # noqa: E402
    durable_swap_minimum,
    durable_write_minimum,
    machine,
    peak_growth_bytes,
    ratio_line,
    read_floor,
    save_floor,
)
from tinydb import TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from portfolio_tui.domain.evidence import Evidence  # noqa: E402
from portfolio_tui.domain.learner import Learner  # noqa: E402
from portfolio_tui.services.portfolios import PortfolioService  # noqa: E402
from portfolio_tui.store import verified  # noqa: E402
from portfolio_tui.store.portfolio_store import PortfolioStore  # noqa: E402
from portfolio_tui.store.reading import read_portfolio  # noqa: E402
from portfolio_tui.store.records import to_record  # noqa: E402

AS_OF = date(2026, 6, 1)
KINDS = ("observation", "product", "reflective-account", "witness-testimony", "professional-discussion")
CRITERIA = ("K1", "K2", "K3", "S1", "S2", "S3", "S4", "S5", "B1", "B2", "B3", "V1", "V2")


def build(path: Path, count: int) -> None:
    """A portfolio of ``count`` pieces of evidence, each added (and audited) through the store."""
    learner = Learner("Ava Patel", "odo-l3", "1.0", date(2024, 9, 2), date(2026, 9, 1), employer="HMRC")
    store = PortfolioStore.create(path, learner, actor="bench")
    with store.transaction() as tx:
        for i in range(count):
            piece = Evidence(
                id=0,
                title=f"Letter to a customer about a delayed refund ({i})",
                date=date(2024, 9, 2 + i % 28),
                kind=KINDS[i % len(KINDS)],
                criteria=tuple(dict.fromkeys((CRITERIA[i % len(CRITERIA)], CRITERIA[(i * 7) % len(CRITERIA)]))),
                description="Explained the delay, the steps taken and when the refund would arrive; "
                "my line manager checked the letter before it was sent.",
                hours=1.5,
                files=(f"evidence/letter-{i}.pdf",),
                judgements=(),
            )
            tx.insert("evidence", to_record(piece), detail=f"added evidence '{piece.title}'")


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def add_one(service: PortfolioService, i: int) -> None:
    service.add_evidence(title=f"Observation with two customers ({i})", date="2025-03-04", kind="observation",
                         criteria=["S1", "B2"], description="Observed by my line manager.", hours="1", as_of=AS_OF)


STOCK_RECORD = {"title": "Observation with two customers", "date": "2025-03-04", "kind": "observation",
                "criteria": ["S1", "B2"], "description": "Observed by my line manager.", "hours": 1.0, "files": [],
                "simulated": False, "deleted": False, "judgements": [], "rev": 1}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=int, default=5000, help="pieces of evidence in the portfolio")
    parser.add_argument("--rounds", type=int, default=21, help="rounds of the interleaved measurements")
    parser.add_argument("--dir", type=Path, help="where to put the files (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-store-", dir=args.dir))
    os.environ.setdefault("PORTFOLIO_TUI_HOME", str(folder / "home"))  # keys, receipts and notes: not the user's
    try:
        ours_path, stock_path, cold_path = folder / "ours.json", folder / "stock.json", folder / "cold.json"
        minimum_path, in_place_path = folder / "minimum.json", folder / "in-place.json"
        build(ours_path, args.evidence)
        for copy in (stock_path, cold_path, minimum_path, in_place_path):
            shutil.copyfile(ours_path, copy)
        durable_swap_minimum(ours_path.read_bytes(), in_place_path)  # its spare made, as the store's first save does
        size = ours_path.stat().st_size
        warm_service = PortfolioService(ours_path, actor="bench")
        for i in range(3):  # the first add reads the file; the next fill the caches
            add_one(warm_service, -i)
        stock_db = TinyDB(stock_path, storage=JSONStorage)
        stock_table = stock_db.table("evidence")
        stock_table.insert(dict(STOCK_RECORD))
        samples: dict[str, list[float]] = {
            k: [] for k in ("warm", "save floor", "minimum", "in place", "stock", "cold", "open", "read floor")
        }
        order = random.Random(20261201)
        for i in range(args.rounds):
            data = ours_path.read_bytes()  # the file as the last warm add left it: the floors write these bytes
            doc = orjson.loads(data)
            steps = [
                ("warm", lambda i=i: add_one(warm_service, i)),
                ("save floor", lambda doc=doc: save_floor(doc, folder)),
                ("minimum", lambda data=data: durable_write_minimum(data, minimum_path)),
                ("in place", lambda data=data: durable_swap_minimum(data, in_place_path)),
                ("stock", lambda: stock_table.insert(dict(STOCK_RECORD))),
                ("cold", lambda i=i: add_one(PortfolioService(cold_path, actor="bench"), i)),
                ("open", lambda: read_portfolio(cold_path)),
                ("read floor", lambda: read_floor([cold_path])),
            ]
            # Each round in another order (seeded). A save waits for the disk work the step before it left
            # (writeback, blocks freed and discarded): in a fixed order, the step after the reads would always
            # meet an idle disk and the one after a new-file save a busy one, flattering one figure over another.
            order.shuffle(steps)
            for name, step in steps:
                samples[name].append(timed(step))
        stock_db.close()
        # A fresh process opening it the first time (every record checked, then noted) and again.
        env = {**os.environ, "PORTFOLIO_TUI_HOME": str(folder / "memory-home")}
        growth_first, growth_again = (peak_growth_bytes(
            "from portfolio_tui.store.portfolio_store import PortfolioStore",
            f"portfolio = PortfolioStore({str(cold_path)!r}, actor='bench').load()",
            env=env,
        ) for _ in range(2))
    finally:
        verified.flush()  # the notes of this run's files, kept for the exit, go now into the folder removed here
        shutil.rmtree(folder, ignore_errors=True)
    m = {k: statistics.median(v) for k, v in samples.items()}
    print(f"machine: {machine()}")
    print(f"portfolio: {args.evidence} pieces of evidence (+ audit), {size / 1e6:.1f} MB, in {folder.parent}; "
          f"medians of {args.rounds} interleaved rounds")
    print(ratio_line("P2 warm save (one evidence add, long-running)", m["warm"], m["save floor"], "(target <= 2x)"))
    print(f"{'   stock TinyDB(JSONStorage), one insert':<52} {m['stock']:9.1f} ms   "
          f"stock / ours {m['stock'] / m['warm']:5.1f}x  (target >= 10x)")
    print(f"{'   durable minimum, new file (fsync, rename, dir)':<52} {m['minimum']:9.1f} ms   "
          f"ours / it {m['warm'] / m['minimum']:5.2f}x; stock / it {m['stock'] / m['minimum']:5.1f}x")
    print(f"{'   durable minimum, in place (spare, swap, dir)':<52} {m['in place']:9.1f} ms   "
          f"ours / it {m['warm'] / m['in place']:5.2f}x; stock / it {m['stock'] / m['in place']:5.1f}x: "
          "no whole-file durable save can beat stock by more here")
    print(f"{'cold add (fresh open + one add, in-process)':<52} {m['cold']:9.1f} ms   "
          f"cold / warm {m['cold'] / m['warm']:5.2f}x  (target <= 4x)")
    print(ratio_line("open (fresh read into domain objects)", m["open"], m["read floor"]))
    for label, growth in (("first", growth_first), ("again", growth_again)):
        print(f"{f'memory: peak RSS rise opening it, fresh process, {label}':<52} {growth / 1e6:9.1f} MB   "
              f"{growth / size:.1f}x the file  (target <= 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
