"""Several processes writing one portfolio, and writers killed mid-save: nothing lost, nothing broken."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.services.portfolio_check import check_file
from portfolio_tui.store.portfolio_store import PortfolioStore
from tests.conftest import REPO
from tests.functional.store_helpers import leftovers, new_portfolio

pytestmark = pytest.mark.slow


def _cli_adds(path: str, worker: int, count: int) -> list[int]:
    """One process running ``portfolio evidence add`` ``count`` times through the CLI's main()."""
    ids = []
    for i in range(count):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["evidence", "add", path, "--title", f"Worker {worker} save {i}", "--date", "2025-05-02",
                         "--kind", "product", "--criteria", "K1,S2", "--hours", "1", "--json"])
        if code != 0:
            raise RuntimeError(f"worker {worker} add {i} exited {code}")
        ids.append(json.loads(out.getvalue())["changes"][0]["record"])
    return ids


def _assert_intact(path: Path, expected: int) -> list[int]:
    evidence = PortfolioStore(path).load().evidence
    ids = [e.id for e in evidence]
    assert len(evidence) == expected
    assert len(set(ids)) == expected
    assert check_file(path).problems == []
    return ids


def test_8_processes_by_50_adds_leave_400_records(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    # spawn, not fork: by now the test process may have threads (Textual tests) that fork would copy mid-lock.
    context = multiprocessing.get_context("spawn")
    with context.Pool(8) as pool:
        results = pool.starmap(_cli_adds, [(str(path), worker, 50) for worker in range(8)])
    printed = [i for ids in results for i in ids]
    assert sorted(printed) == list(range(1, 401)), "every add printed its own new id"
    ids = _assert_intact(path, 400)
    assert sorted(ids) == list(range(1, 401))
    titles = {e.title for e in PortfolioStore(path).load().evidence}
    assert titles == {f"Worker {w} save {i}" for w in range(8) for i in range(50)}
    assert len(PortfolioStore(path).audit("evidence")) == 400
    assert leftovers(tmp_path) == []


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def test_concurrent_runs_of_the_real_cli(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    rounds, width = 3, 8
    for r in range(rounds):
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "portfolio_tui", "evidence", "add", str(path), "--title", f"Run {r}-{w}",
                 "--date", "21/05/2025", "--kind", "witness testimony", "--criteria", "B1"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
            )
            for w in range(width)
        ]
        for run in runs:
            out, err = run.communicate(timeout=60)
            assert run.returncode == 0, err
            assert out.startswith("evidence ") and out.rstrip().endswith("(revision 1)")
    _assert_intact(path, rounds * width)


WRITER = """
import sys
from datetime import date
from portfolio_tui.services.portfolios import PortfolioService

service = PortfolioService(sys.argv[1], actor="writer")
n = int(sys.argv[2])
while True:
    n += 1
    service.add_evidence(title=f"save {n}", date="2025-05-02", kind="product", criteria=["K1"],
                         description="Minutes of the team meeting. " * 60, as_of=date(2026, 1, 15))
    print(n, flush=True)
"""


def test_writer_killed_at_random_points_never_loses_a_confirmed_save(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=20)
    chance = random.Random(20261124)
    confirmed: set[int] = set()
    next_n = 0
    for _ in range(8):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(next_n)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        first = writer.stdout.readline()
        assert first.strip().isdigit(), writer.stderr.read()
        confirmed.add(int(first))
        # Kill somewhere in the next ~25 saves: mid-write, mid-fsync, mid-rename or between saves.
        time.sleep(chance.uniform(0.0, 0.12))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        confirmed.update(int(line) for line in writer.stdout.read().split())
        writer.stdout.close()
        writer.stderr.close()
        next_n = max(confirmed) + 1000
        portfolio = PortfolioStore(path).load()
        titles = {e.title for e in portfolio.evidence}
        assert {f"save {n}" for n in confirmed} <= titles
        assert check_file(path).problems == []
    assert len(confirmed) > 8


def _confirms_review(path: str, party: str, started) -> None:  # type: ignore[no-untyped-def]
    """One process confirming review 1 as ``party`` (what the TUI's confirm form calls)."""
    from portfolio_tui.services import records
    from portfolio_tui.services.portfolios import PortfolioService

    service = PortfolioService(Path(path), actor=f"{party}-account")
    service.load()  # warm, as an open TUI is, so what follows is only the confirmation
    started.set()
    records.confirm_review(service, 1, party)


def test_two_parties_confirming_a_review_at_once_both_land(tmp_path: Path) -> None:
    """The line manager and the apprentice confirm the same review while a third process holds the
    file's lock: both wait, then each reads the review under the lock, so the second adds to the first's
    list. (Read before the lock, the second wrote back the list as it was and the first was lost.)"""
    from portfolio_tui.identity import current_user
    from portfolio_tui.services import records
    from portfolio_tui.services.portfolios import PortfolioService

    path = new_portfolio(tmp_path)
    service = PortfolioService(path)
    records.record_review(service, on="2025-06-02", attendees="Ava Patel, Sam Jones", confirm_as=["provider"],
                          as_of=date(2025, 6, 30))
    context = multiprocessing.get_context("spawn")
    started = [context.Event(), context.Event()]
    with PortfolioStore(path).transaction():  # the lock, held while both confirm
        workers = [context.Process(target=_confirms_review, args=(str(path), party, event))
                   for party, event in zip(("employer", "apprentice"), started, strict=True)]
        for worker in workers:
            worker.start()
        for event in started:
            assert event.wait(60), "a worker did not start"
        time.sleep(0.5)  # both are past their reading of the file and waiting for the lock
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    review = PortfolioService(path).load().reviews[0]
    assert sorted((c.party, c.by) for c in review.confirmations) == [
        ("apprentice", "apprentice-account"), ("employer", "employer-account"), ("provider", current_user())]
    assert check_file(path).problems == []
