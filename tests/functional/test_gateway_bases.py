"""A new day's first ``gateway --json`` judges each file from its kept readiness basis (``services.gateway_cache``,
``store.kept_basis``), and no kept basis is believed where a fresh reading would differ.

Not timed. Each test first proves the basis is used: it forges the kept basis (the learner named FORGED, its
digest and the pack's index made good, as only this account could write it) and sees the forgery printed on
another day. Then it changes what the basis depends on, as another process or a tutor would, and the forgery
must be gone: the output is then byte for byte what ``--no-cache`` prints that day.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portfolio_tui import locations
from portfolio_tui.cli import main
from portfolio_tui.store import kept_basis, own_files, result_cache
from tests.functional.test_gateway_cache import (
    AS_OF,
    IN_PLACE,
    NAME,
    RENAME_OVER,
    SAMPLE,
    cohort,  # noqa: F401 (a fixture)
    entries_in,
    fresh,
    gateway,
    pack_of,
    write_pack,
)

NEXT_DAY = "2026-11-25"


def basis_pack_of(path: Path) -> Path:
    return locations.data_dir() / result_cache.BASIS_FOLDER / (own_files.note_name(path.parent) + ".pack")


def kept_basis_of(path: Path):
    """The basis kept for ``path``, as loaded."""
    data = entries_in(basis_pack_of(path))[own_files.note_name(path)].split(b"\n", 4)[4].partition(b"\n")[2]
    return kept_basis.loads(data)


def forge_basis(path: Path, change=None) -> None:
    """Make the basis kept for ``path`` name its learner FORGED (or ``change`` its payload), its digests good."""
    pack = basis_pack_of(path)
    entries = entries_in(pack)
    name = own_files.note_name(path)
    lines = entries[name].split(b"\n", 4)
    standard_id, _, data = lines[4].partition(b"\n")
    if change is None:
        basis = kept_basis.loads(data)
        assert basis is not None
        portfolio = basis.portfolio
        forged = dataclasses.replace(basis, portfolio=dataclasses.replace(
            portfolio, learner=dataclasses.replace(portfolio.learner, name="FORGED")))
        payload = standard_id + b"\n" + kept_basis.dumps(forged)
    else:
        payload = standard_id + b"\n" + change
    lines[3] = hashlib.sha256(payload).hexdigest().encode()
    lines[4] = payload
    entries[name] = b"\n".join(lines)
    write_pack(pack, entries)


def kept_then_forged(capsys: pytest.CaptureFixture[str], folder: Path) -> str:
    """Run once to keep the entries and bases, forge one basis, and show the next day's run prints it."""
    first = gateway(capsys, folder)
    forge_basis(folder / SAMPLE)
    assert "FORGED" not in gateway(capsys, folder)[1]  # the same day: its entry answers
    fresh_next = fresh(capsys, folder, as_of=NEXT_DAY)[1]
    forged = gateway(capsys, folder, as_of=NEXT_DAY)[1]
    assert "FORGED" in forged and forged.replace("FORGED", "Priya Shah") == fresh_next
    time.sleep(0.05)  # past the file system's clock tick, as RACY_NS would wait
    return first[1]


def test_a_new_day_is_judged_from_the_bases_byte_for_byte(cohort: Path, capsys) -> None:  # noqa: F811
    gateway(capsys, cohort)
    folder = locations.data_dir() / result_cache.BASIS_FOLDER
    pack = basis_pack_of(cohort / SAMPLE)
    assert list(folder.iterdir()) == [pack]
    assert sorted(entries_in(pack)) == sorted(own_files.note_name(p) for p in cohort.glob("*.json"))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert pack.stat().st_mode & 0o777 == 0o600
    before = pack.stat()
    for day in ("2026-11-25", "2027-03-01", "2025-07-01"):
        assert gateway(capsys, cohort, as_of=day) == fresh(capsys, cohort, as_of=day)
        assert gateway(capsys, cohort, as_of=day) == fresh(capsys, cohort, as_of=day)  # that day's entries, kept
    after = pack.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # every basis good: not rewritten
    assert len(entries_in(pack_of(cohort / SAMPLE))) == len(list(cohort.glob("*.json")))


def test_the_basis_is_used_and_warm_runs_never_open_it(cohort: Path, capsys) -> None:  # noqa: F811
    kept_then_forged(capsys, cohort)
    (basis_pack_of(cohort / SAMPLE)).write_bytes(b"not a pack")
    os.chmod(basis_pack_of(cohort / SAMPLE), 0o600)
    assert gateway(capsys, cohort, as_of=NEXT_DAY)[1].count("FORGED") == 1  # that day's entry, kept from the basis


@pytest.mark.parametrize("writer", [IN_PLACE, RENAME_OVER], ids=["in place, same size, mtime put back", "rename over"])
def test_another_process_s_write_invalidates_the_basis(cohort: Path, capsys, writer: str) -> None:  # noqa: F811
    kept_then_forged(capsys, cohort)
    path = cohort / SAMPLE
    subprocess.run([sys.executable, "-c", writer, str(path), NAME.decode(), NAME.decode().replace("Shah", "Shaw")],
                   check=True)
    code, out = gateway(capsys, cohort, as_of="2026-11-26")
    assert "FORGED" not in out and '"learner": "Priya Shaw"' in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-26")
    assert gateway(capsys, cohort, as_of="2026-11-27") == fresh(capsys, cohort, as_of="2026-11-27")  # kept anew


def test_a_hand_edited_file_is_read_again_and_named_changed_outside(cohort: Path, capsys) -> None:  # noqa: F811
    kept_then_forged(capsys, cohort)
    path = cohort / SAMPLE
    data = path.read_bytes()
    edited = data.replace(b'"outcome":"accept"', b'"outcome":"refer"', 1)  # a judgement changed by hand
    assert edited != data
    path.write_bytes(edited)
    code, out = gateway(capsys, cohort, as_of="2026-11-26")
    assert "FORGED" not in out and "changed outside" in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-26")


def test_a_roster_started_or_changed_invalidates_the_basis(cohort: Path, capsys) -> None:  # noqa: F811
    from portfolio_tui.identity import current_user

    kept_then_forged(capsys, cohort)
    assert main(["roster", "init", str(cohort)]) == 0  # the folder becomes a cohort's
    capsys.readouterr()
    code, out = gateway(capsys, cohort, as_of="2026-11-26")
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-26")

    assert main(["roster", "add", str(cohort), current_user(), "--role", "tutor", "--portfolio", "*"]) == 0
    capsys.readouterr()
    assert gateway(capsys, cohort, as_of="2026-11-27") == fresh(capsys, cohort, as_of="2026-11-27")
    forge_basis(cohort / SAMPLE)  # kept again under this roster: forged, it is used...
    assert "FORGED" in gateway(capsys, cohort, as_of="2026-11-28")[1]
    time.sleep(0.05)
    assert main(["roster", "add", str(cohort), "nobody", "--role", "line-manager", "--portfolio", SAMPLE]) == 0
    capsys.readouterr()
    code, out = gateway(capsys, cohort, as_of="2026-11-29")  # ...and no longer once the roster changed
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-29")


def test_a_changed_standard_file_invalidates_the_basis(cohort: Path, capsys, user_standards_dir: Path) -> None:  # noqa: F811
    kept_then_forged(capsys, cohort)
    shipped = locations.shipped_standards_dir() / "odo-l3.json"
    (user_standards_dir / "odo-l3.json").write_bytes(shipped.read_bytes())
    (user_standards_dir / "odo-l3.rules.json").write_text('{"format": 1, "gateway_before_epa": {"months": 3}}')
    code, out = gateway(capsys, cohort, as_of="2026-11-26")
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-26")


def test_trust_anchors_enrolled_invalidate_the_basis(cohort: Path, capsys, tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    anchors = tmp_path / "trust" / "allowed_signers"
    anchors.parent.mkdir()
    monkeypatch.setenv("PORTFOLIO_TUI_TRUST", str(anchors))
    kept_then_forged(capsys, cohort)
    anchors.write_text("")
    code, out = gateway(capsys, cohort, as_of="2026-11-26")
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-26")


def test_a_new_version_of_the_app_invalidates_the_basis(cohort: Path, capsys, monkeypatch) -> None:  # noqa: F811
    from portfolio_tui.services import gateway_cache

    kept_then_forged(capsys, cohort)
    monkeypatch.setattr(gateway_cache, "_code", ["another version"])
    code, out = gateway(capsys, cohort, as_of="2026-11-26")
    assert "FORGED" not in out
    assert (code, out) == fresh(capsys, cohort, as_of="2026-11-26")


class _Marker:
    """A pickle that would make a folder when loaded, if anything but the domain's records were made."""

    def __init__(self, where: Path) -> None:
        self.where = where

    def __reduce__(self):
        return (os.mkdir, (str(self.where),))


@pytest.mark.parametrize("payload", ["code", "garbage", "a portfolio", "coverage not a mapping", "no grade"])
def test_a_basis_that_is_not_one_is_ignored(cohort: Path, capsys, tmp_path: Path, payload: str) -> None:  # noqa: F811
    marker = tmp_path / "made"
    gateway(capsys, cohort)
    basis = kept_basis_of(cohort / SAMPLE)
    assert basis is not None
    change = {
        "code": pickle.dumps(dataclasses.replace(basis, gaps=(_Marker(marker),))),
        "garbage": b"\x80\x05not a pickle",
        "a portfolio": pickle.dumps(basis.portfolio),  # a record, not a basis
        "coverage not a mapping": pickle.dumps(dataclasses.replace(basis, criteria=list(basis.criteria.values()))),
        "no grade": pickle.dumps(dataclasses.replace(basis, prediction=None)),
    }[payload]
    forge_basis(cohort / SAMPLE, change)
    assert (kept_basis.loads(change), marker.exists()) == (None, False)
    assert gateway(capsys, cohort, as_of=NEXT_DAY) == fresh(capsys, cohort, as_of=NEXT_DAY)
    assert not marker.exists()


def test_no_cache_keeps_no_basis(cohort: Path, capsys) -> None:  # noqa: F811
    fresh(capsys, cohort)
    fresh(capsys, cohort, as_of=NEXT_DAY)
    assert not (locations.data_dir() / result_cache.BASIS_FOLDER).exists()


def test_every_sample_s_basis_comes_back_as_it_was() -> None:
    from portfolio_tui import catalog
    from portfolio_tui.domain.gateway import readiness_basis
    from portfolio_tui.locations import samples_dir
    from portfolio_tui.store.outline import read_outline

    for sample in sorted(samples_dir().glob("*.json")):
        outline = read_outline(sample)
        basis = readiness_basis(catalog.get(outline.learner.standard_id), outline)
        assert kept_basis.loads(kept_basis.dumps(basis)) == basis, sample.name
    assert AS_OF != NEXT_DAY


def test_the_anchors_are_looked_for_where_the_store_finds_them(tmp_path: Path, monkeypatch) -> None:
    from portfolio_tui.services import gateway_cache
    from portfolio_tui.store import trust

    for value in (None, "", str(tmp_path / "signers"), "~/signers"):
        if value is None:
            monkeypatch.delenv(gateway_cache.TRUST_ENV, raising=False)
        else:
            monkeypatch.setenv(gateway_cache.TRUST_ENV, value)
        assert gateway_cache.anchors_path() == str(trust.trust_path())


def test_bases_kept_by_workers_answer_a_new_day_and_a_day_s_changes(tmp_path: Path, capsys, monkeypatch) -> None:
    from portfolio_tui.locations import samples_dir
    from portfolio_tui.services import readiness

    monkeypatch.setattr(result_cache, "RACY_NS", 0)
    monkeypatch.setattr(readiness, "_cpus", lambda: 2)  # read in two forked workers, their bases kept here
    folder = tmp_path / "caseload"
    folder.mkdir()
    samples = sorted(samples_dir().glob("*.json"))
    for n in range(90):
        (folder / f"learner-{n:03d}.json").write_bytes(samples[n % len(samples)].read_bytes())
    gateway(capsys, folder)
    assert len(entries_in(basis_pack_of(folder / "learner-000.json"))) == 90
    assert gateway(capsys, folder, as_of=NEXT_DAY) == fresh(capsys, folder, as_of=NEXT_DAY)
    time.sleep(0.05)
    for n in range(0, 90, 10):  # one file in ten changed by another process, then another day
        path = folder / f"learner-{n:03d}.json"
        at = path.read_bytes().index(b'"name":"') + len('"name":"')
        name = path.read_bytes()[at:at + 5].decode()
        subprocess.run([sys.executable, "-c", IN_PLACE, str(path), f'"name":"{name}', f'"name":"Z{name[1:]}'],
                       check=True)
    changed = gateway(capsys, folder, as_of="2026-11-26")
    assert changed == fresh(capsys, folder, as_of="2026-11-26") and changed[1].count('"learner": "Z') == 9
    assert gateway(capsys, folder, as_of="2026-11-27") == fresh(capsys, folder, as_of="2026-11-27")


def test_a_run_over_one_file_keeps_no_basis_and_loads_no_pickle(cohort: Path, capsys, tmp_path: Path) -> None:  # noqa: F811
    """Reading one file again costs about what loading the pickle machinery would (start-up: issue 15)."""
    gateway(capsys, cohort / SAMPLE)
    gateway(capsys, cohort / SAMPLE, as_of=NEXT_DAY)
    assert not (locations.data_dir() / result_cache.BASIS_FOLDER).exists()
    script = (
        "import contextlib, io, sys\nfrom portfolio_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['gateway', {str(cohort / SAMPLE)!r}, '--json'])\n"
        "print('pickle' in sys.modules, 'portfolio_tui.services.readiness' in sys.modules)\n"
    )
    env = os.environ | {"PORTFOLIO_TUI_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["False", "True"], done.stderr
