"""TUI speed on a 20,000-evidence portfolio (``--evidence`` for another size).

* launch: from starting a new Python process to the first frame of the dashboard with its data
  (imports, reading the file, readiness, layout and render included); target at most 1.0 s. Its
  floor is the read floor (orjson parse of the same bytes, ``floors.py``) plus ``python -c pass``;
* filter: time per keystroke typing into the evidence log's filter, until the table is redrawn;
  target at most 50 ms.

Run: ``python benchmarks/bench_tui.py``. It prints figures, floors and targets; it asserts nothing.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from floors import machine, median_ms, read_floor  # noqa: E402

EVIDENCE = 20000
LAUNCH_TARGET = 1.0
KEY_TARGET = 0.050
AS_OF = date(2026, 1, 15)
WORDS = ["observation", "meeting", "letter", "review", "customer", "complaint", "process", "casework", "team"]
KINDS = ["observation", "product", "reflective-account", "witness-testimony", "coach-report", "performance-review"]
CRITERIA = ["V1", "V2", "V3", "V4", "K1", "K2", "K3", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8",
            "B1", "B2", "B3", "B4", "B5", "B6", "B7"]

CHILD = r"""
import sys, time
sys.path.insert(0, {repo!r})
from datetime import date
from portfolio_tui.tui.factory import build_app
from portfolio_tui.tui.screens.dashboard import DashboardScreen

app = build_app({path!r}, as_of=date(2026, 1, 15))
shown = DashboardScreen.show

def show(self, view):
    shown(self, view)
    def frame():
        import resource
        used = resource.getrusage(resource.RUSAGE_SELF)
        print(used.ru_utime + used.ru_stime)
        print(time.time(), flush=True)
        app.exit()
    self.call_after_refresh(frame)

DashboardScreen.show = show
app.run(headless=True, size=(80, 24))
"""


def make_big_portfolio(folder: Path, count: int) -> Path:
    """A real portfolio file (made by the service) with ``count`` evidence records written in one go."""
    from portfolio_tui.services.portfolios import PortfolioService
    from portfolio_tui.store.storage import render

    path = folder / "big.json"
    service = PortfolioService.create(path, learner="Bench Mark", standard="odo-l3", start=date(2024, 9, 2),
                                      end=date(2026, 8, 28), actor="bench")
    service.add_evidence(title="seed", date=date(2024, 9, 3), kind="product", as_of=AS_OF)
    doc = json.loads(path.read_text(encoding="utf-8"))
    template = doc["evidence"]["1"]
    for i in range(1, count + 1):
        words = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7))
        doc["evidence"][str(i)] = {
            **template,
            "title": f"Evidence {i}: {words}",
            "date": (date(2024, 9, 3) + timedelta(days=i % 480)).isoformat(),
            "kind": KINDS[i % len(KINDS)],
            "criteria": [CRITERIA[i % 22], CRITERIA[(i * 5) % 22]],
            "description": f"What happened in piece {i}; {words}.",
            "judgements": [{"outcome": "accept", "feedback": "ok", "by": "bench", "at": template["created_at"]}]
            if i % 3 == 0 else [],
        }
    path.write_bytes(b"".join(render(doc, {}, None)))  # as the store writes it
    return path


def bench_launch(path: Path, runs: int = 3) -> tuple[list[float], list[float]]:
    """Wall times to the first frame, and the CPU time the process used by then (all its threads):
    on a busy machine the wall time waits for the cores, the CPU time much less."""
    times, cpu = [], []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD.format(repo=str(REPO), path=str(path))],
                             capture_output=True, text=True, check=True)
        lines = out.stdout.strip().splitlines()
        times.append(float(lines[-1]) - start)
        cpu.append(float(lines[-2]))
    return times, cpu


async def bench_filter(path: Path, count: int, typed: str = "observation team") -> list[float]:
    """Each keystroke is inserted into the filter box as typing does; the clock stops when the frame
    after the filtered table has been rendered (Pilot's own key pacing is left out)."""
    from textual.widgets import Input

    from portfolio_tui.tui.factory import build_app
    from portfolio_tui.tui.screens.evidence_log import EvidenceLogScreen
    from portfolio_tui.tui.widgets.evidence_table import EvidenceTable

    app = build_app(path, as_of=AS_OF)
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvidenceLogScreen)
        table = screen.query_one(EvidenceTable)
        assert table.row_count == count
        box = screen.query_one("#log-filter", Input)
        box.focus()
        await pilot.pause()
        filtered = screen.apply_filter
        drawn = asyncio.Event()

        def apply_filter() -> None:
            filtered()
            screen.call_after_refresh(drawn.set)

        screen.apply_filter = apply_filter  # type: ignore[method-assign]
        edits = [lambda c=c: box.insert_text_at_cursor(c) for c in typed] + [box.action_delete_left] * len(typed)
        for edit in edits:
            drawn.clear()
            start = time.perf_counter()
            edit()
            await drawn.wait()
            times.append(time.perf_counter() - start)
            await pilot.pause()
        assert table.row_count == count
    return times


def main() -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=int, default=EVIDENCE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("PORTFOLIO_TUI_HOME", folder)
        path = make_big_portfolio(Path(folder), args.evidence)
        size = path.stat().st_size
        launch, cpu = bench_launch(path, args.runs)
        floor = median_ms(lambda: read_floor([path]), 5) / 1000
        bare = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5) / 1000
        keys = asyncio.run(bench_filter(path, args.evidence))
    median_launch, worst = statistics.median(launch), max(launch)
    median_key, worst_key = statistics.median(keys), max(keys)
    print(f"machine: {machine()}")
    print(f"portfolio: {args.evidence} evidence, {size / 1e6:.1f} MB")
    print(f"launch to first dashboard frame: median {median_launch:.3f} s, worst {worst:.3f} s of {len(launch)} "
          f"(target <= {LAUNCH_TARGET:.1f} s); floor {floor + bare:.3f} s (read floor {floor * 1000:.0f} ms + "
          f"python -c pass {bare * 1000:.0f} ms), ratio {median_launch / (floor + bare):.1f}x")
    print(f"  CPU time used by then: median {statistics.median(cpu):.3f} s (the first launch reads the file in "
          f"full; the others reopen it as this account last checked it, store/verified.py)")
    print(f"filter keystroke: median {median_key * 1000:.1f} ms, worst {worst_key * 1000:.1f} ms of {len(keys)} "
          f"(target <= {KEY_TARGET * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
