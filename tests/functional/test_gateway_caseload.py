"""`portfolio gateway FOLDER` over a caseload big enough to be shared among worker processes.

Whether it is read in one process or several, the report is the same, in name order, and a broken
file is reported by name and reason (exit 2) while the others are still reported.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.domain.learner import Learner
from portfolio_tui.jsonfile import loads_strict
from portfolio_tui.locations import samples_dir
from portfolio_tui.services import readiness
from portfolio_tui.services.caseload import readable_portfolios
from portfolio_tui.store import records

AS_OF = "2026-11-24"
BROKEN = {
    "learner-031.json": ('"title":', '"title":"one","title":', "duplicate key 'title'"),
    "learner-052.json": ('"contracted_hours_per_week":30.0', '"contracted_hours_per_week":NaN', "NaN is not allowed"),
    "learner-077.json": ('"kind":"', '"kind":7,"was":"', "$.evidence.1.kind: expected text"),
    # deeper than orjson writes back (254) but not than it reads (1024): once a traceback for the whole folder
    "learner-088.json": ('"kind":"', '"kind":' + "[" * 260 + "]" * 260 + ',"was":"',
                         "$.evidence.1.kind: expected text"),
}


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    folder = tmp_path / "cohort"
    folder.mkdir()
    samples = sorted(p for p in samples_dir().glob("*.json"))
    for n in range(90):
        shutil.copyfile(samples[n % len(samples)], folder / f"learner-{n:03d}.json")
    for name, (old, new, _) in BROKEN.items():
        path = folder / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
    (folder / "notes.txt").write_text("not a portfolio")
    return folder


def test_a_caseload_read_by_workers_matches_one_read_in_process(caseload: Path, monkeypatch) -> None:
    paths = readable_portfolios([caseload])
    as_of = date.fromisoformat(AS_OF)
    alone = readiness.check_portfolios(paths, as_of, then=readiness.gateway_entry)
    monkeypatch.setattr(readiness, "_cpus", lambda: 2)
    shared = readiness.check_portfolios(paths, as_of, parallel=True, then=readiness.gateway_entry)
    assert shared == alone
    assert [e.document["path"] for e in shared] == [str(p) for p in paths]


def test_a_worker_looks_each_standard_up_once_for_all_the_chunks_it_is_sent(
    caseload: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    paths = readable_portfolios([caseload])
    looked_up = tmp_path / "looked-up"
    real = readiness.catalog.get_with_source

    def noted(standard_id: str):
        with looked_up.open("a") as out:  # (from a forked worker: only a file tells the test)
            out.write(f"{os.getpid()} {standard_id}\n")
        return real(standard_id)

    monkeypatch.setattr(readiness.catalog, "get_with_source", noted)
    monkeypatch.setattr(readiness, "_cpus", lambda: 2)
    monkeypatch.setattr(readiness, "CHUNK_MOST", 4)  # many chunks per worker
    shared = readiness.check_portfolios(paths, date.fromisoformat(AS_OF), parallel=True)
    assert len(shared) == len(paths)
    lookups = looked_up.read_text().splitlines()
    workers = {int(line.split()[0]) for line in lookups}
    assert len(workers) == 2 and os.getpid() not in workers
    assert len(lookups) == len(set(lookups))  # no worker looked a standard up twice


def test_gateway_over_a_caseload_reports_every_file_and_names_the_broken_ones(caseload: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "portfolio_tui", "gateway", str(caseload), "--json", "--as-of", AS_OF],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    doc = loads_strict(result.stdout)
    names = [Path(p["path"]).name for p in doc["portfolios"]]
    assert names == sorted(f"learner-{n:03d}.json" for n in range(90) if f"learner-{n:03d}.json" not in BROKEN)
    errors = {Path(e["path"]).name: e["error"] for e in doc["errors"]}
    assert set(errors) == set(BROKEN)
    for name, (_, _, reason) in BROKEN.items():
        assert reason in errors[name] and "\n" not in errors[name]
    assert doc == json.loads(result.stdout)


@pytest.mark.parametrize("sample", sorted(p.name for p in samples_dir().glob("*.json")))
def test_store_written_files_take_the_quick_way(sample: str) -> None:
    doc = loads_strict((samples_dir() / sample).read_text())
    for table, cls in records.RECORD_TABLES.items():
        assert records._layout(cls).valid(doc.get(table, {}).values()), table  # a table added later may be absent
    assert records._layout(Learner).valid(doc["learner"].values())
    assert records._audit_valid(doc["audit"].values())


def _ctrl_c_as_in_a_terminal() -> None:
    """A shell starts a program with Ctrl-C neither blocked nor ignored; the test runner may have either
    (left by another test), and a child inherits both, so put them back as a terminal would have them."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(readiness._cpus() < 2, reason="one CPU: the caseload is read in one process")
def test_ctrl_c_while_workers_read_a_caseload_stops_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    sample = samples_dir() / "odo-nearly-ready.json"
    for n in range(600):
        shutil.copyfile(sample, folder / f"learner-{n:03d}.json")
    command = [sys.executable, "-m", "portfolio_tui", "gateway", str(folder), "--json", "--as-of", AS_OF]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=_ctrl_c_as_in_a_terminal)
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        deadline = time.monotonic() + 20
        while process.poll() is None and not children.read_text().split() and time.monotonic() < deadline:
            time.sleep(0.002)
        if process.poll() is not None:
            pytest.skip("the caseload was read before the workers could be seen")
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, err.decode()
    assert err.decode() == ""


def test_a_caseload_is_read_by_its_paths_text(caseload: Path, monkeypatch) -> None:
    """pathlib interns every name it parses, and the interpreter's table of interned texts only grows (a
    name let go and another met take places it gives back only when it grows, by 0.2-0.4 MB): listing
    and reading a caseload make a ``Path`` of the files read whole (here the broken ones) only, not of each
    file nor of the folder (named by their text: ``path_text``); the report names each file as before."""
    made = _paths_made(monkeypatch)
    paths = readable_portfolios([caseload])
    entries = readiness.check_portfolios(paths, date.fromisoformat(AS_OF), then=readiness.gateway_entry)
    assert [entry.document["path"] for entry in entries] == [str(caseload / f"learner-{n:03d}.json") for n in range(90)]
    assert set(made) == {str(caseload / name) for name in BROKEN}


def test_the_kept_gateway_makes_no_path_of_each_file_either(
    caseload: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same for ``gateway --json`` with this account's kept entries, on a first run (each file read and its
    entry kept) and again (each entry looked up, under the file's lock)."""
    from portfolio_tui.cli import main
    from portfolio_tui.store import outline, result_cache

    monkeypatch.setattr(result_cache, "RACY_NS", 0)  # kept however recently written: the clock tick waited out
    time.sleep(0.05)
    made = _paths_made(monkeypatch)
    argv = ["gateway", str(caseload), "--json", "--as-of", AS_OF]
    assert main(argv) == 2
    first = capsys.readouterr().out
    read = []
    monkeypatch.setattr(outline, "_outline", lambda path: read.append(path))  # (read whole, then)
    assert main(argv) == 2
    assert capsys.readouterr().out == first
    assert sorted(map(os.path.basename, read)) == sorted(BROKEN)  # the others answered from their entries
    assert len(json.loads(first)["portfolios"]) == 90 - len(BROKEN)
    files = {str(caseload / f"learner-{n:03d}.json") for n in range(90)} - {str(caseload / name) for name in BROKEN}
    assert not files & set(made)


def _paths_made(monkeypatch) -> list[str]:
    """Every ``Path`` made from now on (the modules a caseload's files pass through import pathlib where they make
    one, if they do), as text."""
    import pathlib

    made: list[str] = []
    make = pathlib.Path.__new__

    def counted(cls, *parts, **given):
        made.append(os.path.join(*map(os.fspath, parts)))
        return make(cls, *parts, **given)

    monkeypatch.setattr(pathlib.Path, "__new__", counted)
    return made


def test_evidence_kinds_are_held_once_across_files_not_interned(tmp_path: Path) -> None:
    """A kind read in one file is the same text object in the next (held once, ``records._KINDS``) and is not
    put in the interpreter's table of interned texts (where, let go and met again, it would take a new place)."""
    from portfolio_tui.store.outline import read_outline

    sample = next(p for p in sorted(samples_dir().glob("*.json")) if '"kind":"reflective-account"' in p.read_text())
    copy = tmp_path / "copy.json"
    shutil.copyfile(sample, copy)
    first, second = read_outline(sample), read_outline(copy)
    kinds = {e.kind: e.kind for e in first.evidence}
    assert "reflective-account" in kinds
    for piece in second.evidence:
        assert piece.kind is kinds[piece.kind]
    text = kinds["reflective-account"]
    assert sys.intern("".join(text)) is not text
