"""Gateway over a tutor's caseload, measured: ``python benchmarks/bench_gateway.py``.

Generates a synthetic cohort (500 portfolios x 200 evidence, ODO standard, realistic record
sizes) in a temp folder, then in one run times:

1. ``portfolio gateway FOLDER --json`` (a fresh process, as a tutor runs it) against a raw
   ``json.loads`` of the same files in one process. Target: at most 2x the raw parse.
2. The start-up of ``portfolio gateway ONE_FILE --json`` against ``python -c pass``.
   Target: at most 5x.

Figures are medians of several runs. It prints; it asserts nothing.

The commands are timed as an installed program runs, from compiled bytecode (pip compiles a package
on install): a warm-up run writes the bytecode, into the temp folder. Where
``PYTHONDONTWRITEBYTECODE`` is set, as in some sandboxes, it is ignored for the timed commands
(``python -c pass`` included), since otherwise every run would compile the package from source
again and that is what would be timed; the benchmark says so when it does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

AS_OF = "2026-11-24"


def make_cohort(folder: Path, portfolios: int, evidence: int) -> None:
    from portfolio_tui import catalog
    from portfolio_tui.services.portfolios import PortfolioService

    criteria = [c.id for c in catalog.get("odo-l3").all_criteria()]
    template = folder / "template.json"
    svc = PortfolioService.create(
        template, learner="Template", standard="odo-l3", start="2025-06-02", end="2027-01-29",
        employer="HM Revenue and Customs", line_manager="Priya Shah", tutor="Tom Jones", actor="bench",
    )
    kinds = ["product", "observation", "reflective-account", "line-manager-feedback", "performance-review"]
    with svc.store.transaction() as tx:
        for i in range(evidence):
            day = date(2025, 6, 2) + timedelta(days=i % 500)
            tx.insert(
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
                    "judgements": [{"outcome": "accept", "feedback": "Clear and courteous.",
                                    "by": "tom.jones", "at": f"{day.isoformat()}T10:00:00Z"}] if i % 3 else [],
                },
            )
    doc = json.loads(template.read_text())
    template.unlink()
    for n in range(portfolios):
        doc["learner"]["1"]["name"] = f"Learner {n:03d}"
        (folder / f"learner-{n:03d}.json").write_text(json.dumps(doc))


def raw_parse(folder: Path) -> float:
    started = time.perf_counter()
    for path in sorted(folder.glob("*.json")):
        json.loads(path.read_bytes())
    return time.perf_counter() - started


def child_environment(folder: Path) -> dict[str, str]:
    """The environment of the timed commands: bytecode written once, to ``folder``, and read back."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(folder)}


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed: {result.stderr.decode()}")
    return elapsed


def median(fn, runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portfolios", type=int, default=500)
    parser.add_argument("--evidence", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    os.environ.setdefault("PORTFOLIO_TUI_HOME", str(folder / "home"))
    env = child_environment(folder / "pycache")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: ignored for the timed commands, which run from cached bytecode")
    try:
        cohort = folder / "cohort"
        cohort.mkdir()
        make_cohort(cohort, args.portfolios, args.evidence)
        size = sum(p.stat().st_size for p in cohort.glob("*.json")) / 1e6
        print(f"cohort: {args.portfolios} portfolios x {args.evidence} evidence, {size:.1f} MB")

        cli = [sys.executable, "-m", "portfolio_tui"]
        timed([*cli, "gateway", str(cohort), "--json", "--as-of", AS_OF], env)  # warm the page cache and .pyc files
        gateway = median(lambda: timed([*cli, "gateway", str(cohort), "--json", "--as-of", AS_OF], env), args.runs)
        parse = median(lambda: raw_parse(cohort), args.runs)
        ratio = gateway / parse
        print(f"gateway --json over the cohort: {gateway * 1000:.0f} ms (median of {args.runs})")
        print(f"raw json parse of the same files: {parse * 1000:.0f} ms")
        print(f"ratio: {ratio:.2f}x  (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})")

        one = next(iter(sorted(cohort.glob("*.json"))))
        bare = median(lambda: timed([sys.executable, "-c", "pass"], env), args.runs * 2)
        startup = median(lambda: timed([*cli, "gateway", str(one), "--json", "--as-of", AS_OF], env), args.runs * 2)
        ratio = startup / bare
        print(f"start-up, gateway on one file: {startup * 1000:.0f} ms; python -c pass: {bare * 1000:.0f} ms")
        print(f"ratio: {ratio:.2f}x  (target <= 5x: {'met' if ratio <= 5 else 'NOT met'})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
