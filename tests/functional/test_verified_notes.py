"""This account's notes of the files it checked in full (``store.verified``): a fresh open of an unchanged
file skips the checks, and nothing but this account's own note for the file exactly as it is lets it.

Not timed. Each test writes the file behind the store's back as an attacker with write access to it
would: in place, same size, mtime put back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_tui import locations
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import constraints, verified
from portfolio_tui.store.errors import CorruptFile
from portfolio_tui.store.own_files import head_of, stat_key
from portfolio_tui.store.portfolio_store import PortfolioStore
from portfolio_tui.store.reading import read_portfolio, read_snapshot
from portfolio_tui.store.storage import render
from tests.functional.store_helpers import ACTOR, AS_OF, new_portfolio

# An audit entry's author made a number: the same length, so only the change time tells.
ANOTHER_PROCESS_BREAKS_AN_AUDIT_ENTRY = """
import os, sys
path = sys.argv[1]
before = os.stat(path)
with open(path, "r+b") as handle:
    data = handle.read()
    handle.seek(data.rindex(b'"by":"assessor1"') + 5)
    handle.write(b'12345678901')
os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
"""


def identity(path: Path) -> tuple[tuple[int, int, int, int, int], bytes]:
    return stat_key(os.stat(path)), head_of(path.read_bytes())


def break_in_place(path: Path) -> None:
    before = os.stat(path)
    subprocess.run([sys.executable, "-c", ANOTHER_PROCESS_BREAKS_AN_AUDIT_ENTRY, str(path)], check=True)
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


def test_a_save_notes_the_file_and_a_fresh_open_trusts_it_reading_the_same(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=3)
    assert verified.vouches(path, *identity(path))
    snap = read_snapshot(path, noted=True)
    assert snap.lazy == {"audit", "evidence"}  # saved clean: neither the audit nor the evidence was parsed
    assert snap.tables["audit"] == snap.tables["evidence"] == {}
    assert PortfolioStore(path, ACTOR).load() == read_portfolio(path)
    assert read_snapshot(path, noted=True).doc == read_snapshot(path).doc
    folder = locations.data_dir() / verified.FOLDER
    assert not folder.exists()  # notes are written when the process exits ...
    verified.flush()
    assert verified.vouches(path, *identity(path))  # ... and read back from there
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {"0o600"}


@pytest.mark.parametrize("written", [False, True], ids=["note-in-memory", "note-on-disk"])
def test_another_process_s_write_invalidates_the_note(written: bool, tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    before = identity(path)
    if written:
        verified.flush()
    assert verified.vouches(path, *before)
    break_in_place(path)
    assert identity(path)[0] != before[0]  # the change time moved, whatever was put back
    assert not verified.vouches(path, *identity(path))
    with pytest.raises(CorruptFile, match=r"\$\.audit\.\d+\.by: expected text"):
        PortfolioStore(path, ACTOR).load()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="notes are kept only where files have owners")
def test_a_note_only_this_account_could_have_written_is_trusted(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    break_in_place(path)
    verified.note(path, *identity(path))  # as if someone vouched for the broken file
    verified.flush()
    folder = locations.data_dir() / verified.FOLDER
    assert PortfolioStore(path, ACTOR).load()  # this account's own note is believed: only it can write there
    folder.chmod(0o770)  # ... unless others could have written it
    with pytest.raises(CorruptFile, match=r"\$\.audit\.\d+\.by: expected text"):
        PortfolioStore(path, ACTOR).load()
    folder.chmod(0o700)
    note = next(p for p in folder.iterdir() if not p.name.startswith("."))
    note.chmod(0o622)
    with pytest.raises(CorruptFile, match=r"\$\.audit\.\d+\.by: expected text"):
        PortfolioStore(path, ACTOR).load()


def test_a_save_notes_the_file_clean_and_a_fresh_open_checks_only_changed_criteria(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = new_portfolio(tmp_path, evidence=2)  # tagged K1 and S2, saved by a service that knows the standard's
    standing = verified.standing(path, *identity(path))
    assert verified.clean_for(standing) is not None  # a save checked every rule before writing, and says so
    assert read_snapshot(path, noted=True).clean == verified.clean_for(standing)
    assert read_snapshot(path).clean is None

    def never(*args: object) -> list:
        raise AssertionError("a file a save noted clean is not walked for the rules beyond types again")

    service = PortfolioService(path, ACTOR)
    with monkeypatch.context() as patch:
        patch.setattr(constraints, "unsafe_text", never)
        patch.setattr(constraints, "_criteria", never)
        assert service.store.problems() == []  # the same standard: nothing is checked, nothing parsed
    service.add_evidence(title="Minutes again", date="2025-06-10", kind="product", criteria=["K1"], as_of=AS_OF)
    snap = service.store._storage.cached
    assert snap is not None and {"evidence", "audit"} <= snap.lazy  # appended to (the new piece checked), not parsed
    plain = PortfolioStore(path, ACTOR)  # no standard known: no rule is left to check, nothing is parsed
    assert plain.problems() == [] and "evidence" in plain._storage.snapshot().lazy
    store = PortfolioStore(path, ACTOR)
    store.criteria = lambda: {"K1", "K3"}  # the standard changed since: known criteria are checked again
    assert store.problems() == [("$.evidence.1.criteria", "unknown criterion 'S2' for this standard"),
                                ("$.evidence.2.criteria", "unknown criterion 'S2' for this standard")]
    assert [e.title for e in PortfolioStore(path).load().evidence][-1] == "Minutes again"
    assert read_snapshot(path).doc == read_snapshot(path, noted=True).doc


def test_a_note_made_by_a_read_is_not_clean_and_a_hand_edit_leaves_no_note(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    copy = tmp_path / "copy.json"
    copy.write_bytes(path.read_bytes())  # the same bytes, never noted
    read_snapshot(copy, noted=True)  # checked in full, and noted: its types only
    assert verified.standing(copy, *identity(copy)) == verified.CHECKED
    doc = json.loads(path.read_text())
    doc["evidence"]["1"]["hours"] = -40  # well typed, against the rules: a read checks types only
    path.write_bytes(b"".join(render(doc, {}, None)))  # laid out as the store writes, as a careful editor would
    assert verified.standing(path, *identity(path)) is None
    snap = read_snapshot(path, noted=True)  # checked in full, but not noted: a record changed outside the app
    assert verified.standing(path, *identity(path)) is None  # is shown on every reading (review F6)
    assert snap.clean is None and snap.lazy == {"audit"} and snap.outside == ("evidence 1",)
    assert PortfolioStore(path, ACTOR).problems() == [("$.evidence.1.hours", "-40 is negative")]


def test_a_file_renamed_in_just_after_the_save_is_neither_noted_nor_taken_for_the_one_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group member watching the folder renames a tampered copy over the portfolio the moment the save's
    own rename lands (found by review): the note and the store's record must be of the file written."""
    import re

    from portfolio_tui.store import persistence
    from portfolio_tui.store.errors import StoreError

    path = new_portfolio(tmp_path, evidence=2)
    before = path.read_bytes()
    generation = int(re.search(rb'"generation":(\d+)', before.split(b"\n", 1)[0]).group(1))  # type: ignore[union-attr]
    evil = re.sub(rb'"hours":null', b'"hours":"lots"',
                  before.replace(b'"generation":%d' % generation, b'"generation":%d' % (generation + 1), 1), count=1)
    real, raced, old_inode = persistence.fsync_folder, [], os.stat(path).st_ino

    def attacker(folder: Path) -> None:  # after the save's os.replace, before it returns
        if not raced and os.stat(path).st_ino != old_inode:
            raced.append(True)
            (tmp_path / ".evil").write_bytes(evil)
            os.replace(tmp_path / ".evil", path)
        real(folder)

    monkeypatch.setattr(persistence, "fsync_folder", attacker)
    service = PortfolioService(path, ACTOR)
    service.add_evidence(title="Victim's piece", date=AS_OF, kind="product", criteria=["K1"], description="x",
                         as_of=AS_OF)
    assert raced and path.read_bytes() == evil and b'"hours":"lots"' in evil
    assert not verified.vouches(path, *identity(path))
    with pytest.raises(StoreError):
        read_snapshot(path, noted=True)
    with pytest.raises(StoreError):  # the open store sees the file changed, rather than its own save
        service.add_evidence(title="Next", date=AS_OF, kind="product", criteria=["K1"], as_of=AS_OF)


def test_a_file_others_of_its_group_may_write_is_never_noted_and_always_checked(tmp_path: Path) -> None:
    """In a shared cohort (mode 0660) a group member who ignores the lock could write in the same clock
    tick as a save or a read; only a file this account alone can write is noted."""
    path = new_portfolio(tmp_path, evidence=2)
    os.chmod(path, 0o660)
    PortfolioService(path, ACTOR).add_evidence(title="Shared", date=AS_OF, kind="product", criteria=["K1"],
                                               as_of=AS_OF)
    assert os.stat(path).st_mode & 0o777 == 0o660
    assert not verified.vouches(path, *identity(path))
    snap = read_snapshot(path, noted=True)
    assert not snap.lazy & {"evidence"} and snap.tables["evidence"]  # parsed and checked, not trusted
    assert not verified.vouches(path, *identity(path))
    os.chmod(path, 0o600)  # its owner alone again: a full read notes it
    read_snapshot(path, noted=True)
    assert verified.vouches(path, *identity(path))


def test_a_note_from_a_version_that_checked_less_vouches_for_nothing(tmp_path: Path) -> None:
    """Review F14: a note vouches for what its maker's readers checked. One in the form notes had before the
    readers checked more (a record changed by hand here stands for whatever an older reader missed) spared the file
    every check of this version for as long as it did not change; it vouches for nothing now."""
    path = new_portfolio(tmp_path, evidence=1)
    verified.flush()  # (the save's own note, on disk: the one below takes its place)
    doc = json.loads(path.read_text())
    doc["evidence"]["1"]["hours"] = 40.0
    path.write_bytes(b"".join(render(doc, {}, None)))
    key, head = identity(path)
    folder = locations.data_dir() / verified.FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    note = folder / verified._name(path)
    note.write_bytes(verified.identity_line(key, head))  # as the notes were written before
    note.chmod(0o600)
    assert verified.standing(path, key, head) is None
    assert read_snapshot(path, noted=True).outside == ("evidence 1",)
