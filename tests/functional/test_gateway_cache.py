"""``gateway --json`` keeps each file's entry (``services.gateway_cache``) and never shows a stale one.

Not timed. Each test first proves the entry is used: it forges the kept entry (a learner named
FORGED, its digest made good, as only this account could write it) and sees the forgery printed.
Then it changes what the entry depends on, as another process would, and the forgery must be gone:
the output is then byte for byte what ``--no-cache`` prints.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portfolio_tui import locations
from portfolio_tui.cli import main
from portfolio_tui.locations import samples_dir
from portfolio_tui.store import own_files, result_cache
from portfolio_tui.store.lock import lock_path

AS_OF = "2026-11-24"
SAMPLE = "odo-nearly-ready.json"
NAME = b'"name":"Priya Shah"'

# Another process changes the learner's name in place, the same size, and puts the mtime back.
IN_PLACE = """
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
before = os.stat(path)
with open(path, "r+b") as handle:
    data = handle.read()
    handle.seek(data.index(old))
    handle.write(new)
os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
"""

# Another process writes a new file beside it and renames it over the portfolio, mtime put back.
RENAME_OVER = """
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
before = os.stat(path)
with open(path, "rb") as handle:
    data = handle.read()
with open(path + ".new", "wb") as handle:
    handle.write(data.replace(old, new, 1))
os.utime(path + ".new", ns=(before.st_atime_ns, before.st_mtime_ns))
os.replace(path + ".new", path)
"""


@pytest.fixture
def cohort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The samples in a folder, read by a gateway that keeps files however recently they changed
    (the tests wait out the clock tick themselves before each change)."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    for sample in sorted(samples_dir().glob("*.json")):
        (folder / sample.name).write_bytes(sample.read_bytes())
    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    return folder


def gateway(capsys: pytest.CaptureFixture[str], *argv: object, as_of: str = AS_OF) -> tuple[int, str]:
    code = main(["gateway", *map(str, argv), "--json", "--as-of", as_of])
    out, err = capsys.readouterr()
    return code, out + err


def entry_of(path: Path) -> Path:
    return locations.data_dir() / result_cache.FOLDER / own_files.note_name(path)


def forge(path: Path) -> None:
    """Make the kept entry for ``path`` name its learner FORGED, with a digest that matches."""
    entry = entry_of(path)
    lines = entry.read_bytes().split(b"\n", 4)
    payload = lines[4].replace(b'"learner": "Priya Shah"', b'"learner": "FORGED"')
    assert payload != lines[4]
    lines[3] = hashlib.sha256(payload).hexdigest().encode()
    lines[4] = payload
    entry.write_bytes(b"\n".join(lines))
    entry.chmod(0o600)


def cached_then_forged(capsys: pytest.CaptureFixture[str], folder: Path) -> str:
    """Run once to keep the entries, forge one, and show the forgery is what the next run prints."""
    first = gateway(capsys, folder)
    forge(folder / SAMPLE)
    forged = gateway(capsys, folder)
    assert "FORGED" in forged[1] and forged[1].replace("FORGED", "Priya Shah") == first[1]
    time.sleep(0.05)  # past the file system's clock tick, as RACY_NS would wait
    return first[1]


def fresh(capsys: pytest.CaptureFixture[str], folder: Path, as_of: str = AS_OF) -> tuple[int, str]:
    return gateway(capsys, folder, "--no-cache", as_of=as_of)


def test_warm_output_is_the_cold_output_byte_for_byte(cohort: Path, capsys) -> None:
    cold = gateway(capsys, cohort)
    folder = locations.data_dir() / result_cache.FOLDER
    entries = sorted(folder.iterdir())
    assert len(entries) == len(list(cohort.glob("*.json")))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {e.stat().st_mode & 0o777 for e in entries} == {0o600}
    assert not list(cohort.glob(".*"))  # nothing written in the cohort's folder: not even a lock file
    warm = gateway(capsys, cohort)
    assert warm == cold == fresh(capsys, cohort)
    assert [e.stat().st_mtime_ns for e in sorted(folder.iterdir())] == [e.stat().st_mtime_ns for e in entries]


@pytest.mark.parametrize("writer", [IN_PLACE, RENAME_OVER], ids=["in place, same size, mtime put back", "rename over"])
def test_another_process_s_write_invalidates_the_entry(cohort: Path, capsys, writer: str) -> None:
    cached_then_forged(capsys, cohort)
    path = cohort / SAMPLE
    before = os.stat(path)
    subprocess.run([sys.executable, "-c", writer, str(path), NAME.decode(), NAME.decode().replace("Shah", "Shaw")],
                   check=True)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out and '"learner": "Priya Shaw"' in out
    assert (code, out) == fresh(capsys, cohort)
    assert gateway(capsys, cohort) == (code, out)  # kept anew, as it now is


def test_a_different_day_is_worked_out_for_that_day(cohort: Path, capsys) -> None:
    cached_then_forged(capsys, cohort)
    later = gateway(capsys, cohort, as_of="2026-11-25")
    assert "FORGED" not in later[1] and '"as_of": "2026-11-25"' in later[1]
    assert later == fresh(capsys, cohort, as_of="2026-11-25")


def test_a_changed_standard_is_worked_out_again(cohort: Path, capsys, user_standards_dir: Path) -> None:
    first = cached_then_forged(capsys, cohort)
    shipped = locations.shipped_standards_dir() / "odo-l3.json"
    (user_standards_dir / "odo-l3.json").write_bytes(shipped.read_bytes())
    (user_standards_dir / "odo-l3.rules.json").write_text('{"format": 1, "gateway_before_epa": {"months": 3}}')
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out and out != first
    assert (code, out) == fresh(capsys, cohort)


def test_a_new_version_of_the_app_works_everything_out_again(cohort: Path, capsys, monkeypatch) -> None:
    from portfolio_tui.services import gateway_cache

    cached_then_forged(capsys, cohort)
    monkeypatch.setattr(gateway_cache, "_code", ["another version"])
    code, out = gateway(capsys, cohort)
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort)


def test_a_file_being_changed_is_read_afresh(cohort: Path, capsys) -> None:
    from filelock import FileLock

    first = cached_then_forged(capsys, cohort)
    with FileLock(str(lock_path(cohort / SAMPLE))):  # a change holds it, in this process or another
        code, out = gateway(capsys, cohort)
    assert out == first


def test_a_file_changed_moments_ago_is_not_kept(cohort: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "RACY_NS", 60 * 10**9)
    os.utime(cohort / SAMPLE)  # changed now
    gateway(capsys, cohort)
    assert not entry_of(cohort / SAMPLE).exists()


def test_no_cache_neither_reads_nor_writes_entries(cohort: Path, capsys) -> None:
    fresh(capsys, cohort)
    assert not (locations.data_dir() / result_cache.FOLDER).exists()
    gateway(capsys, cohort)
    forge(cohort / SAMPLE)
    assert "FORGED" not in fresh(capsys, cohort)[1]


def _group_writable(entry: Path) -> None:
    entry.chmod(0o620)


def _world_readable(entry: Path) -> None:
    entry.chmod(0o604)


def _truncated(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[:-10])


def _payload_changed(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes().replace(b'"learner": "FORGED"', b'"learner": "FORGEX"'))


def _garbage(entry: Path) -> None:
    entry.write_bytes(b"\x00\xff" * 100)


def _empty(entry: Path) -> None:
    entry.write_bytes(b"")


def _a_link(entry: Path) -> None:
    target = entry.with_name("elsewhere")
    entry.rename(target)
    entry.symlink_to(target)


def _bad_meta(entry: Path) -> None:
    lines = entry.read_bytes().split(b"\n", 4)
    lines[4] = lines[4].replace(b'"ready":false', b'"ready":"no"', 1)
    lines[3] = hashlib.sha256(lines[4]).hexdigest().encode()
    entry.write_bytes(b"\n".join(lines))


def _folder_shared(entry: Path) -> None:
    entry.parent.chmod(0o770)


def _unreadable(entry: Path) -> None:
    entry.chmod(0o000)


@pytest.mark.parametrize("spoil", [_group_writable, _world_readable, _truncated, _payload_changed, _garbage,
                                   _empty, _a_link, _bad_meta, _folder_shared, _unreadable])
def test_a_spoiled_entry_is_ignored(cohort: Path, capsys, spoil) -> None:
    first = cached_then_forged(capsys, cohort)
    spoil(entry_of(cohort / SAMPLE))
    if spoil is _unreadable and os.geteuid() == 0:
        entry_of(cohort / SAMPLE).unlink()  # root reads whatever the mode: gone, then
    assert gateway(capsys, cohort)[1] == first


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root (CI is)")
@pytest.mark.parametrize("what", ["entry", "folder"])
def test_an_entry_another_account_owns_is_ignored(cohort: Path, capsys, what: str) -> None:
    first = cached_then_forged(capsys, cohort)
    entry = entry_of(cohort / SAMPLE)
    os.chown(entry if what == "entry" else entry.parent, 65534, 65534)
    assert gateway(capsys, cohort)[1] == first


BREAKS = {
    "a repeated key": (b'"name":"Priya Shah"', b'"name":"","name":""'),
    "NaN": (b'"contracted_hours_per_week":30.0', b'"contracted_hours_per_week":NaN '),
    "a newer schema": (b'"schema_version":3', b'"schema_version":9'),
}


@pytest.mark.parametrize("writer", [IN_PLACE, RENAME_OVER], ids=["in place", "rename over"])
@pytest.mark.parametrize("broken", list(BREAKS))
def test_a_file_broken_after_it_was_kept_is_refused_as_before(cohort: Path, capsys, broken: str, writer: str) -> None:
    cached_then_forged(capsys, cohort)
    old, new = BREAKS[broken]
    assert len(old) == len(new)
    subprocess.run([sys.executable, "-c", writer, str(cohort / SAMPLE), old.decode(), new.decode()], check=True)
    code, out = gateway(capsys, cohort)
    assert code == 2 and "FORGED" not in out and f"{cohort / SAMPLE}" in out
    assert (code, out) == fresh(capsys, cohort)


def test_a_caseload_shared_among_workers_prints_the_same_cold_warm_and_after_changes(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    from portfolio_tui.services import readiness

    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    monkeypatch.setattr(readiness, "_cpus", lambda: 2)  # worked out in two forked workers, kept by them
    folder = tmp_path / "caseload"
    folder.mkdir()
    samples = sorted(samples_dir().glob("*.json"))
    for n in range(90):
        (folder / f"learner-{n:03d}.json").write_bytes(samples[n % len(samples)].read_bytes())
    cold = gateway(capsys, folder)
    assert len(list((locations.data_dir() / result_cache.FOLDER).iterdir())) == 90
    assert gateway(capsys, folder) == cold == fresh(capsys, folder)
    time.sleep(0.05)
    for n in range(0, 90, 10):  # a day's changes: one file in ten, by another process
        path = folder / f"learner-{n:03d}.json"
        at = path.read_bytes().index(b'"name":"') + len('"name":"')
        name = path.read_bytes()[at:at + 5].decode()
        subprocess.run([sys.executable, "-c", IN_PLACE, str(path), f'"name":"{name}', f'"name":"Z{name[1:]}'],
                       check=True)
    changed = gateway(capsys, folder)
    assert changed == fresh(capsys, folder) and changed != cold
    assert changed[1].count('"learner": "Z') == 9


def test_a_standard_s_digest_is_its_data_not_what_was_worked_out_from_it() -> None:
    """A cached property in the standard's ``__dict__`` (set by whatever used it first) changes no digest,
    so two processes agree on the digest of the same standard; a changed field does."""
    import dataclasses
    from functools import cached_property

    from portfolio_tui import catalog
    from portfolio_tui.domain.standard import standard_from_dict
    from portfolio_tui.jsonfile import loads_strict
    from portfolio_tui.services.readiness import standard_digest

    shipped = locations.shipped_standards_dir() / "odo-l3.json"
    untouched = standard_from_dict(loads_strict(shipped.read_text()))
    used = catalog.load_file(shipped)
    for name, attr in vars(type(used)).items():
        if isinstance(attr, cached_property):
            getattr(used, name)
    assert used is not untouched and len(vars(used)) > len(vars(untouched))
    assert standard_digest(used) == standard_digest(untouched) != ""
    assert standard_digest(dataclasses.replace(untouched, title=untouched.title + ".")) != standard_digest(untouched)


def test_the_cache_is_bounded(cohort: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(result_cache, "MOST_ENTRIES", 4)
    first = gateway(capsys, cohort)
    folder = locations.data_dir() / result_cache.FOLDER
    assert len(list(folder.iterdir())) == 4
    assert gateway(capsys, cohort) == first == fresh(capsys, cohort)
    assert len(list(folder.iterdir())) == 4
