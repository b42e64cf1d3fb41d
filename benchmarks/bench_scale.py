"""How open, save and gateway grow with a portfolio's size: 1k, 5k, 20k and 50k pieces of evidence.

Run ``python benchmarks/bench_scale.py`` (``--sizes 1000 5000`` for fewer). Each portfolio is built
through the store (every piece added and audited). For each size, in one run:

* open: a fresh read of the whole portfolio into domain objects; floor: orjson parse of the bytes;
* save: one evidence add in a long-running program; floor: orjson dumps + write + fsync of the document;
* gateway: one portfolio's ``gateway --json`` entry, in-process; floor: the same read floor.

Growth should be linear in the file's size, with no quadratic step: the ms-per-MB columns stay
level. Medians; it prints and asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson  # noqa: E402
from bench_store import add_one, build  # noqa: E402
from floors import machine, median_ms, read_floor, save_floor  # noqa: E402

from portfolio_tui.cli.readiness_cmds import _encoded_entry  # noqa: E402
from portfolio_tui.services import readiness  # noqa: E402
from portfolio_tui.services.portfolios import PortfolioService  # noqa: E402
from portfolio_tui.store.reading import read_portfolio  # noqa: E402

AS_OF = date(2026, 6, 1)


def measure(folder: Path, count: int, runs: int) -> tuple[int, float, float, float, float, float, float]:
    path = folder / f"p{count}.json"
    build(path, count)
    size = path.stat().st_size / 1e6
    floor = median_ms(lambda: read_floor([path]), runs)
    opened = median_ms(lambda: read_portfolio(path), runs)
    gateway = median_ms(lambda: _encoded_entry(readiness.check_portfolio(path, AS_OF)), runs)
    service = PortfolioService(path, actor="bench")
    add_one(service, 0)
    saved = median_ms(lambda: add_one(service, 1), runs)
    doc = orjson.loads(path.read_bytes())
    save = median_ms(lambda: save_floor(doc, folder), runs)
    path.unlink()
    return count, size, opened, floor, saved, save, gateway


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 50000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    rows = []
    try:
        for count in args.sizes:
            rows.append(measure(folder, count, args.runs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"machine: {machine()}; medians of {args.runs}")
    print(f"{'evidence':>8} {'MB':>6} | {'open ms':>8} {'x floor':>7} {'ms/MB':>6} | {'save ms':>8} {'x floor':>7} "
          f"{'ms/MB':>6} | {'gateway ms':>10} {'x floor':>7} {'ms/MB':>6}")
    for count, size, opened, floor, saved, save, gateway in rows:
        print(f"{count:>8} {size:>6.1f} | {opened:>8.1f} {opened / floor:>6.2f}x {opened / size:>6.1f} | "
              f"{saved:>8.1f} {saved / save:>6.2f}x {saved / size:>6.1f} | "
              f"{gateway:>10.1f} {gateway / floor:>6.2f}x {gateway / size:>6.1f}")
    print("read floor: orjson parse of the same bytes; save floor: orjson dumps + write + fsync of the same document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
