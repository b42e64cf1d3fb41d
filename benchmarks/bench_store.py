"""How long one ``evidence add`` takes in a 5,000-evidence portfolio: our store against stock TinyDB.

Run ``python benchmarks/bench_store.py``. Both sides start from the same file (5,000 pieces of
evidence and their audit entries) on the same disk and both fsync. Stock ``TinyDB(JSONStorage)``
re-reads and rewrites the whole file on every insert; ours adds through ``PortfolioService`` with
validation, the lock, an audit entry and an atomic replace. "Warm" is a long-running program (the
TUI) adding evidence; "cold" opens the portfolio afresh for each add (a CLI run, without the
interpreter's start-up), shown for information.

Targets: warm median at most 25 ms, and at least 10 times faster than stock.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from portfolio_tui.domain.evidence import Evidence  # noqa: E402
from portfolio_tui.domain.learner import Learner  # noqa: E402
from portfolio_tui.services.portfolios import PortfolioService  # noqa: E402
from portfolio_tui.store.portfolio_store import PortfolioStore  # noqa: E402
from portfolio_tui.store.records import to_record  # noqa: E402

TARGET_MS = 25.0
TARGET_RATIO = 10.0
AS_OF = date(2026, 6, 1)
KINDS = ("observation", "product", "reflective-account", "witness-testimony", "professional-discussion")
CRITERIA = ("K1", "K2", "K3", "S1", "S2", "S3", "S4", "S5", "B1", "B2", "B3", "V1", "V2")


def build(path: Path, count: int) -> None:
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
            )
            tx.insert("evidence", to_record(piece), detail=f"added evidence '{piece.title}'")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_ours(path: Path, rounds: int) -> float:
    service = PortfolioService(path, actor="bench")
    samples = []
    for i in range(rounds + 3):
        start = time.perf_counter()
        service.add_evidence(title=f"Observation with two customers ({i})", date="2025-03-04", kind="observation",
                             criteria=["S1", "B2"], description="Observed by my line manager.", hours="1",
                             as_of=AS_OF)
        samples.append(time.perf_counter() - start)
    return median_ms(samples[3:])


def time_ours_cold(path: Path, rounds: int) -> float:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        PortfolioService(path, actor="bench").add_evidence(
            title=f"Minutes of the team meeting ({i})", date="2025-03-05", kind="product", criteria=["K1"],
            as_of=AS_OF,
        )
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


def time_stock(path: Path, rounds: int) -> float:
    record = {"title": "Observation with two customers", "date": "2025-03-04", "kind": "observation",
              "criteria": ["S1", "B2"], "description": "Observed by my line manager.", "hours": 1.0, "files": [],
              "simulated": False, "deleted": False, "judgements": [], "rev": 1}
    db = TinyDB(path, storage=JSONStorage)
    table = db.table("evidence")
    samples = []
    for _ in range(rounds + 1):
        start = time.perf_counter()
        table.insert(dict(record))
        samples.append(time.perf_counter() - start)
    db.close()
    return median_ms(samples[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=int, default=5000, help="pieces of evidence in the portfolio")
    parser.add_argument("--rounds", type=int, default=50, help="adds timed on each side")
    parser.add_argument("--dir", type=Path, help="where to put the files (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-store-", dir=args.dir))
    try:
        ours_path = folder / "ours.json"
        build(ours_path, args.evidence)
        stock_path = folder / "stock.json"
        shutil.copyfile(ours_path, stock_path)
        size = ours_path.stat().st_size
        warm = time_ours(ours_path, args.rounds)
        cold = time_ours_cold(ours_path, max(5, args.rounds // 5))
        stock = time_stock(stock_path, args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ratio = stock / warm
    print(f"portfolio: {args.evidence} pieces of evidence, {size / 1e6:.1f} MB, in {folder.parent}")
    print(f"our store, one evidence add (median of {args.rounds}):   {warm:7.2f} ms")
    print(f"stock TinyDB(JSONStorage), one insert (median):  {stock:7.2f} ms")
    print(f"ratio (stock / ours):                            {ratio:7.1f}x")
    print(f"our store, cold (fresh open per add, for information): {cold:.2f} ms")
    print(f"target: <= {TARGET_MS:g} ms median: {'met' if warm <= TARGET_MS else 'NOT met'}")
    print(f"target: >= {TARGET_RATIO:g}x faster than stock: {'met' if ratio >= TARGET_RATIO else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
