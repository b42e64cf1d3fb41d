"""How long and how much memory ``portfolio standards import`` takes to pick one standard out of the full list.

Run ``python benchmarks/bench_import.py``. It writes a synthetic list in the Skills England API's shape
(about 75 MB: three versions of each of about 1,150 standards, each with 46 KSBs and 12 duties, as the live
list has) and imports one standard from it, each run in a fresh process so peak memory is that process's own.

Floors, measured in the same way on the same file:
* time: ``orjson.loads`` of the whole file on one core (reading it included), the fastest way to parse it;
* memory: the file's size (the import maps it from disk rather than reading a copy).

Targets: import at most 2x the time floor; peak memory growth (resident set above an interpreter that has
loaded the same modules) at most 3x the file size. The orjson parse's own growth is shown for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_TIME_RATIO = 2.0
TARGET_MEMORY_RATIO = 3.0
WORDS = (
    "the apprentice will understand and apply principles of safe working practice customer data quality "
    "legislation systems team communication organisational policy risk stakeholder digital tools"
).split()

_MEASURE = r"""
import json, os, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
import orjson
from portfolio_tui.services import standards_import
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
started = time.perf_counter()
if mode == "orjson":
    with open(path, "rb") as handle:
        data = orjson.loads(handle.read())
    detail = len(data)
elif mode == "import":
    result = standards_import.import_standard(path, sys.argv[3])
    detail = result.standard_id
else:
    detail = "idle"
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": elapsed, "peak": peak, "base": base, "detail": detail}))
"""


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def record(rng: random.Random, number: int, version: int) -> dict:
    ks = [{"knowledgeId": _guid(rng), "detail": _text(rng, 25)} for _ in range(20)]
    ss = [{"skillId": _guid(rng), "detail": _text(rng, 25)} for _ in range(20)]
    bs = [{"behaviourId": _guid(rng), "detail": _text(rng, 15)} for _ in range(6)]
    duties = [
        {
            "dutyId": _guid(rng),
            "dutyDetail": _text(rng, 20),
            "isThisACoreDuty": 1,
            "mappedKnowledge": [k["knowledgeId"] for k in rng.sample(ks, 5)],
            "mappedSkills": [s["skillId"] for s in rng.sample(ss, 5)],
            "mappedBehaviour": [b["behaviourId"] for b in rng.sample(bs, 2)],
            "mappedOptions": [],
        }
        for _ in range(12)
    ]
    return {
        "referenceNumber": f"ST{number:04d}",
        "larsCode": number,
        "version": f"1.{version}",
        "title": _text(rng, 4),
        "level": 3,
        "status": "Approved for delivery" if version == 2 else "Retired",
        "typicalDuration": 18,
        "earliestStartDate": "2023-01-01T00:00:00",
        "latestStartDate": None,
        "latestEndDate": None,
        "assessmentPlanUrl": f"https://example.invalid/st{number:04d}/plan.pdf",
        "standardPageUrl": f"https://example.invalid/st{number:04d}",
        "options": [],
        "coreAndOptions": False,
        "qualifications": [],
        "knowledges": ks,
        "skills": ss,
        "behaviours": bs,
        "duties": duties,
        "minimumHoursForCompliance": "278",
        "ePALength": 3,
        "englishAndMathsQualifications": "Level 2",
        "overviewOfRole": _text(rng, 40),
        "typicalJobTitles": _text(rng, 8),
    }


def write_list(path: Path, megabytes: float) -> int:
    """A list of about ``megabytes`` MB, written record by record; returns the number of standards."""
    rng = random.Random(11)
    size, number = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        while size < megabytes * 1_000_000:
            for version in range(3):
                text = json.dumps(record(rng, number, version), separators=(",", ":"))
                out.write(("," if size else "") + text)
                size += len(text) + 1
            number += 1
        out.write("]")
    return number


def measure(mode: str, path: Path, reference: str = "") -> dict:
    env = dict(os.environ, PORTFOLIO_TUI_STANDARDS=str(path.parent / "standards"))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, mode, str(path), reference],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=75.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "apprenticeshipstandards.json"
        count = write_list(path, args.megabytes)
        size = path.stat().st_size
        reference = f"ST{count // 2:04d}"
        print(f"synthetic list: {size / 1e6:.1f} MB, {count} standards x 3 versions; importing {reference}")
        idle = min(measure("idle", path)["peak"] for _ in range(args.repeat))
        floor = [measure("orjson", path) for _ in range(args.repeat)]
        runs = [measure("import", path, reference) for _ in range(args.repeat)]
        floor_s = min(r["seconds"] for r in floor)
        import_s = min(r["seconds"] for r in runs)
        floor_growth = min(r["peak"] for r in floor) - idle
        import_growth = max(r["peak"] for r in runs) - idle
        time_ratio = import_s / floor_s
        memory_ratio = import_growth / size
        print(f"time:   import {import_s:.3f} s; floor (orjson parse of the whole file, one core) {floor_s:.3f} s")
        print(f"        ratio {time_ratio:.2f}x (target at most {TARGET_TIME_RATIO:g}x)")
        print(
            f"memory: import peak growth {import_growth / 1e6:.1f} MB; floor (file size) {size / 1e6:.1f} MB; "
            f"orjson parse of the whole list grows {floor_growth / 1e6:.1f} MB ({floor_growth / size:.1f}x)"
        )
        print(f"        ratio {memory_ratio:.2f}x (target at most {TARGET_MEMORY_RATIO:g}x)")
        print(f"imported: {runs[0]['detail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
