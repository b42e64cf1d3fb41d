"""Gateway over a tutor's caseload, measured: ``python benchmarks/bench_gateway.py``.

Generates a synthetic cohort (500 portfolios x 200 evidence, ODO standard, realistic record sizes,
each file written by the store as the app writes it) in a temp folder, then in one run times:

1. P1: ``portfolio gateway FOLDER --json`` (a fresh process, as a tutor runs it) pinned to one core
   with ``taskset``, against the read floor: ``orjson.loads`` of the same files' bytes in one
   process on one core (``floors.py``). Target: at most 2x. The same command on all cores is
   printed too, with the floor shared out over them for comparison.
2. Start-up: ``portfolio gateway ONE_FILE --json`` against ``python -c pass``. Target: at most 4x.
   And whether a headless command imported Textual (it must not).
3. Memory: how far the peak RSS of the one-core gateway rises above that of the same command on
   the smallest portfolio, against the largest single file. Target: at most 2x.

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
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
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
    doc = read_snapshot(template).doc
    template.unlink()
    for n in range(portfolios):
        doc["learner"]["1"]["name"] = f"Learner {n:03d}"
        (folder / f"learner-{n:03d}.json").write_bytes(b"".join(render(doc, {}, None)))


def child_environment(folder: Path) -> dict[str, str]:
    """The environment of the timed commands: bytecode written once, to ``folder``, and read back."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(folder)}


def run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed: {result.stderr.decode()}")


def peak_rss(argv: list[str], env: dict[str, str]) -> int:
    """The peak RSS in bytes of the biggest process ``argv`` runs (itself or one of its workers)."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, check=True)
    return int(out.stdout.strip()) * 1024


def imports_textual(argv: list[str], env: dict[str, str]) -> bool:
    code = (
        "import runpy, sys; sys.argv = sys.argv[1:]\n"
        "try:\n    runpy.run_module('portfolio_tui', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('textual' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, "portfolio", *argv], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    return out.stderr.strip().endswith("True")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portfolios", type=int, default=500)
    parser.add_argument("--evidence", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--core", type=int, default=None, help="the core to pin to (default: the last one)")
    args = parser.parse_args()

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
        run(gateway, env)  # warm the page cache and .pyc files
        samples: dict[str, list[float]] = {"floor": [], "one core": [], "all cores": []}
        for _ in range(args.runs):  # interleaved, so that all three meet the same load from others
            os.sched_setaffinity(0, {core})  # the floor on the same one core
            try:
                samples["floor"].append(median_ms(lambda: read_floor(paths), 1))
            finally:
                os.sched_setaffinity(0, cores)
            samples["one core"].append(median_ms(lambda: run([*pin, *gateway], env), 1))
            samples["all cores"].append(median_ms(lambda: run(gateway, env), 1))
        floor, one_core, all_cores = (statistics.median(samples[k]) for k in ("floor", "one core", "all cores"))
        print(ratio_line(f"P1 gateway --json, one core ({'taskset' if pin else 'NOT pinned'})", one_core, floor,
                         "(target <= 2x)"))
        print(ratio_line(f"   gateway --json, all {len(cores)} cores", all_cores, floor / len(cores),
                         f"(floor / {len(cores)} cores)"))

        one = paths[0]
        bare = median_ms(lambda: run([sys.executable, "-c", "pass"], env), args.runs * 2)
        startup = median_ms(lambda: run([*cli, "gateway", str(one), "--json", "--as-of", AS_OF], env), args.runs * 2)
        print(ratio_line("start-up: gateway ONE_FILE --json", startup, bare, "(floor: python -c pass; target <= 4x)"))
        headless = imports_textual(["gateway", str(one), "--json", "--as-of", AS_OF], env)
        print(f"   headless gateway imported Textual: {'YES' if headless else 'no'}")

        small = folder / "small.json"
        shutil.copyfile(sorted(Path(__file__).resolve().parents[1].glob("sample_portfolios/*.json"))[0], small)
        base = peak_rss([*cli, "gateway", str(small), "--json", "--as-of", AS_OF], env)
        peak_one = peak_rss([*pin, *gateway], env) - base
        peak_all = peak_rss(gateway, env) - base
        largest = max(sizes)
        print(f"memory: peak RSS above a one-small-file run: one core {peak_one / 1e6:.1f} MB, "
              f"all cores (biggest process) {peak_all / 1e6:.1f} MB; largest file {largest / 1e6:.2f} MB: "
              f"{peak_one / largest:.1f}x and {peak_all / largest:.1f}x (target <= 2x per worker)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
