"""The TinyDB store on real files: atomic saves, refused files, conflicts, audit, migration, cache."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.learner import Learner
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import migrations, persistence, spare, storage
from portfolio_tui.store.errors import (
    AlreadyExists,
    ConflictError,
    CorruptFile,
    LockTimeout,
    NewerVersion,
    NotFound,
    WriteFailed,
)
from portfolio_tui.store.lock import lock_path
from portfolio_tui.store.portfolio_store import PortfolioStore
from tests.functional.store_helpers import ACTOR, AS_OF, leftovers, new_portfolio

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")


def add(service: PortfolioService, title: str = "Observation with two customers") -> int:
    return service.add_evidence(title=title, date="2025-05-02", kind="observation", criteria=["S1"], as_of=AS_OF).id


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    before = path.read_bytes()
    learner = Learner("Someone Else", "odo-l3", "1", date(2025, 1, 1), date(2026, 1, 1))
    with pytest.raises(AlreadyExists, match="already exists"):
        PortfolioStore.create(path, learner)
    assert path.read_bytes() == before


def test_new_file_and_lock_file_are_never_world_readable(tmp_path: Path) -> None:
    """Private in a private folder; group read-write in a shared (setgid, group-writable) one; never world."""
    private = tmp_path / "mine"
    private.mkdir(mode=0o755)
    shared = tmp_path / "cohort"
    shared.mkdir()
    shared.chmod(0o2770)
    old_umask = os.umask(0o000)
    try:
        for folder, mode in ((private, 0o600), (shared, 0o660)):
            path = new_portfolio(folder)
            add(PortfolioService(path, ACTOR))
            for file in (path, lock_path(path)):
                assert stat.S_IMODE(file.stat().st_mode) == mode, file
                assert file.stat().st_gid == folder.stat().st_gid
    finally:
        os.umask(old_umask)


def test_a_save_takes_away_access_for_others(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    os.chmod(path, 0o664)
    add(PortfolioService(path, ACTOR))
    assert stat.S_IMODE(path.stat().st_mode) == 0o660


def test_a_save_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    os.chmod(path, 0o600)
    inode = path.stat().st_ino
    add(PortfolioService(path, ACTOR))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != inode, "a save replaces the file rather than rewriting it in place"


def test_every_change_is_audited_with_who_and_when(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path, actor="tutor7")
    evidence_id = add(service)
    service.edit_evidence(evidence_id, title="Observation: two customers at the counter")
    service.assess(evidence_id, "accept", "Clear and well evidenced.")
    entries = service.history("evidence", evidence_id)
    assert [e.action for e in entries] == ["add", "edit", "assess"]
    assert all(e.by == "tutor7" and STAMP.match(e.at) for e in entries)
    assert entries[1].changes == {"title": {"from": "Observation with two customers",
                                            "to": "Observation: two customers at the counter"}}
    judgement = service.evidence(evidence_id).judgements[-1]
    assert (judgement.outcome, judgement.by) == ("accept", "tutor7") and STAMP.match(judgement.at)
    first = service.history()[0]
    assert (first.action, first.by) == ("create", ACTOR)


def test_the_default_actor_is_the_os_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    path = new_portfolio(tmp_path)
    service = PortfolioService(path)
    add(service)
    assert service.history()[-1].by == pwd.getpwuid(os.getuid()).pw_name


def test_stale_revision_is_a_conflict_naming_who_and_when(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    mine, theirs = PortfolioService(path, actor="apprentice"), PortfolioService(path, actor="assessor1")
    evidence_id = add(mine)
    opened = mine.evidence(evidence_id)
    theirs.edit_evidence(evidence_id, opened.rev, title="Retitled by the assessor")
    before = path.read_bytes()
    with pytest.raises(ConflictError) as caught:
        mine.edit_evidence(evidence_id, opened.rev, title="My retitle")
    message = str(caught.value)
    assert "assessor1" in message and theirs.evidence(evidence_id).updated_at in message
    assert path.read_bytes() == before
    assert mine.evidence(evidence_id).title == "Retitled by the assessor"


def test_soft_delete_and_restore_keep_the_evidence_and_its_history(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    service = PortfolioService(path, ACTOR)
    service.remove_evidence(1)
    portfolio = service.load()
    assert [e.id for e in portfolio.live_evidence] == [2]
    assert [e.id for e in portfolio.evidence] == [1, 2]
    service.restore_evidence(1)
    assert [e.id for e in service.load().live_evidence] == [1, 2]
    assert [e.action for e in service.history("evidence", 1)] == ["add", "remove", "restore"]


def test_a_read_cache_never_outlives_another_writer(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    reader, writer = PortfolioService(path, ACTOR), PortfolioService(path, ACTOR)
    assert reader.load().evidence[0].title == "Minutes of team meeting 1"
    # Same length, so the file's size does not change; the generation on the first line does.
    writer.edit_evidence(1, title="Minutes of team meeting 9")
    assert reader.load().evidence[0].title == "Minutes of team meeting 9"
    add(writer)
    assert len(reader.load().evidence) == 2


ANOTHER_PROCESS_ADDS = """
import sys
from datetime import date
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
PortfolioService(sys.argv[1], "assessor1").add_evidence(
    title="Added by another process", date="2025-05-02", kind="product", criteria=["K1"], as_of=date(2026, 1, 15))
"""

ANOTHER_PROCESS_EDITS_IN_PLACE = """
import os, sys
path = sys.argv[1]
before = os.stat(path)
with open(path, "r+b") as handle:
    data = handle.read()
    handle.seek(data.index(b"Minutes of team meeting 1"))
    handle.write(b"Minutes of team meeting 7")
os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
"""


def test_another_process_s_write_invalidates_the_cache(tmp_path: Path) -> None:
    """Not timed: the cache of a long-running program (the TUI) after other programs write the file."""
    path = new_portfolio(tmp_path, evidence=1)
    reader = PortfolioService(path, ACTOR)
    assert [e.title for e in reader.load().evidence] == ["Minutes of team meeting 1"]
    subprocess.run([sys.executable, "-c", ANOTHER_PROCESS_ADDS, str(path)], check=True)
    assert [e.title for e in reader.load().evidence] == ["Minutes of team meeting 1", "Added by another process"]
    # Written in place by a program that takes no lock: same inode, size, first line and mtime.
    before = os.stat(path)
    subprocess.run([sys.executable, "-c", ANOTHER_PROCESS_EDITS_IN_PLACE, str(path)], check=True)
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert reader.load().evidence[0].title == "Minutes of team meeting 7"
    # A transaction checks the cache under the lock too: its change lands on the file as it now is.
    add(reader, "Added here")
    titles = [e.title for e in PortfolioService(path, ACTOR).load().evidence]
    assert titles == ["Minutes of team meeting 7", "Added by another process", "Added here"]


def test_the_file_is_one_record_per_line_and_plain_tinydb_reads_it(tmp_path: Path) -> None:
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage

    path = new_portfolio(tmp_path, evidence=3)
    lines = path.read_text().splitlines()
    assert lines[0].startswith('{"meta":{"1":{"schema_version":3')
    assert sum(1 for line in lines if line.startswith('"') and '"title":' in line) == 3
    db = TinyDB(path, storage=JSONStorage, access_mode="r")
    assert len(db.table("evidence")) == 3
    db.close()


def test_atomic_storage_works_as_a_plain_tinydb_storage(tmp_path: Path) -> None:
    from tinydb import TinyDB

    path = new_portfolio(tmp_path)
    db = TinyDB(path, storage=storage.AtomicJSONStorage)
    db.table("reviews").insert({"date": "2025-06-02"})
    assert PortfolioStore(path).load().reviews[0].date == date(2025, 6, 2)


CORRUPTIONS = {
    "empty": lambda text: "",
    "whitespace": lambda text: "  \n",
    "truncated": lambda text: text[: len(text) // 2],
    "trailing-garbage": lambda text: text + "\n}garbage",
    "nan": lambda text: text.replace('"contracted_hours_per_week":30.0', '"contracted_hours_per_week":NaN'),
    "duplicate-key": lambda text: text.replace('"title":', '"title":"one","title":', 1),
    "top-level-list": lambda text: "[]",
    "table-not-object": lambda text: text.replace('"reviews":{}', '"reviews":[]'),
    "record-not-object": lambda text: re.sub(r'"1":\{"title".*\}', '"1":"a string"', text),
    "date-wrong-type": lambda text: text.replace('"date":"2025-04-01"', '"date":20250401'),
    "criteria-wrong-type": lambda text: text.replace('"criteria":["K1","S2"]', '"criteria":"K1"'),
    "impossible-date": lambda text: text.replace('"date":"2025-04-01"', '"date":"2025-02-30"'),
    "bad-record-id": lambda text: text.replace('"1":{"title"', '"one":{"title"'),
    "no-learner": lambda text: re.sub(r'"learner":\{\n[^\n]*\n\}', '"learner":{}', text),
    "not-utf8": lambda text: text.replace("Ava", "\udcff"),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_hand_broken_files_are_refused_and_left_untouched(tmp_path: Path, name: str) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    broken = CORRUPTIONS[name](path.read_text())
    path.write_bytes(broken.encode("utf-8", "surrogateescape"))
    before = path.read_bytes()
    assert before != b"" or name == "empty"
    service = PortfolioService(path, ACTOR)
    with pytest.raises(CorruptFile) as caught:
        service.load()
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    with pytest.raises(CorruptFile):
        add(service)
    with pytest.raises(CorruptFile):
        service.remove_evidence(1)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_corrupt_messages_say_what_is_wrong(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    cases = {
        "": "the file is empty",
        path.read_text() + "}x": "not valid JSON at line",
        path.read_text().replace("30.0", "NaN"): "NaN is not allowed",
        path.read_text().replace('"title":', '"title":"x","title":', 1): "duplicate key 'title'",
        path.read_text().replace('"reviews":{}', '"reviews":[]'): "$.reviews: a table must be an object",
        path.read_text().replace('"date":"2025-04-01"', '"date":5'): "$.evidence.1.date: expected a date",
    }
    for text, expected in cases.items():
        path.write_text(text)
        with pytest.raises(CorruptFile, match=re.escape(expected)):
            PortfolioStore(path).load()


def test_a_newer_schema_version_is_refused_untouched(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    path.write_text(path.read_text().replace('"schema_version":3', '"schema_version":4'))
    before = path.read_bytes()
    service = PortfolioService(path, ACTOR)
    with pytest.raises(NewerVersion, match="newer portfolio-tui"):
        service.load()
    with pytest.raises(NewerVersion):
        add(service)
    assert path.read_bytes() == before


VERSION_0 = {
    "learner": {"1": {"name": "Ben Okafor", "standard_id": "odo-l3", "standard_version": "1.0",
                      "start": "2025-01-06", "planned_end": "2026-07-06"}},
    "evidence": {
        "1": {"title": "Letter to a customer", "date": "2025-02-03", "kind": "product", "criteria": "K1, S2"},
        "2": {"title": "Observation", "date": "2025-02-10", "kind": "observation", "criteria": ""},
    },
}


def test_an_older_file_is_read_then_upgraded_with_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "ben.json"
    path.write_text(json.dumps(VERSION_0, indent=1))
    original = path.read_bytes()
    service = PortfolioService(path, ACTOR)
    portfolio = service.load()
    assert portfolio.evidence[0].criteria == ("K1", "S2") and portfolio.evidence[1].criteria == ()
    assert path.read_bytes() == original, "reading alone does not rewrite the file"
    add(service)
    backup = tmp_path / "ben.json.v0.bak"
    assert backup.read_bytes() == original
    doc = json.loads(path.read_text())
    assert doc["meta"]["1"]["schema_version"] == 3
    # The learner and both pieces of evidence are sealed as found, then come the change and the upgrade.
    assert [(e["action"], e["table"], e["record"]) for e in doc["audit"].values()] == [
        ("seal", "learner", 1), ("seal", "evidence", 1), ("seal", "evidence", 2), ("add", "evidence", 3),
        ("migrate", "meta", 1)]
    assert "ben.json.v0.bak" in doc["audit"]["5"]["detail"]
    assert audit_chain.verify_document(doc) == []
    assert len(service.load().evidence) == 3
    # A second old file of the same name never overwrites the first backup.
    path.write_bytes(original)
    add(PortfolioService(path, ACTOR))
    assert backup.read_bytes() == original
    assert len(list(tmp_path.glob("ben.json.v0*.bak"))) == 2


def test_a_version_1_file_is_sealed_as_found_on_upgrade(tmp_path: Path) -> None:
    """Before version 2 nothing was chained: the upgrade chains the old entries and sign-offs as they are
    and fingerprints every record, so from then on a change outside the app shows."""
    path = new_portfolio(tmp_path, evidence=2)
    service = PortfolioService(path, ACTOR)
    service.add_record("signoffs", {"role": "assessor", "by": ACTOR, "on": "2025-06-01"})
    doc = json.loads(path.read_text())
    doc["meta"]["1"]["schema_version"] = 1
    for table in ("audit", "signoffs"):
        for entry in doc[table].values():
            for key in ("prev", "hash", "record_hash", "key", "sig"):
                entry.pop(key, None)
    path.write_text(json.dumps(doc))
    old_entries = len(doc["audit"])
    add(PortfolioService(path, ACTOR))
    upgraded = json.loads(path.read_text())
    assert (tmp_path / "ava.json.v1.bak").exists()
    assert audit_chain.verify_document(upgraded) == []
    actions = [e["action"] for e in upgraded["audit"].values()]
    assert actions[old_entries:] == ["seal"] * 4 + ["add", "migrate"]  # learner, 2 evidence, 1 sign-off
    assert upgraded["signoffs"]["1"]["prev"] == audit_chain.GENESIS
    upgraded["evidence"]["2"]["title"] = "Changed by hand"
    assert [b.where for b in audit_chain.verify_document(upgraded)] == ["evidence 2"]


def test_failed_write_standing_in_for_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    before = path.read_bytes()
    service = PortfolioService(path, ACTOR)
    service.load()

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(persistence.os, "write", full)
        patch.setattr(persistence.os, "writev", full, raising=False)  # a save writes its chunks in one call
        with pytest.raises(WriteFailed) as caught:
            add(service, "Never saved")
    assert "disk is full" in str(caught.value) and str(path) in str(caught.value)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []
    # The failed change is not kept in memory either: the next save holds only what succeeded.
    add(service, "Saved later")
    titles = [e.title for e in PortfolioStore(path).load().evidence]
    assert "Never saved" not in titles and "Saved later" in titles


def test_failed_fsync_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(persistence.os, "fsync", failing)
    monkeypatch.setattr(persistence.os, "fdatasync", failing, raising=False)  # a save into the spare syncs its data
    with pytest.raises(WriteFailed, match="could not save"):
        add(PortfolioService(path, ACTOR))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    path = new_portfolio(folder, evidence=1)
    before = path.read_bytes()
    if os.geteuid() == 0:
        # root writes to read-only folders anyway, so stand in for one: creating files there fails.
        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as the writer calls it
        monkeypatch.setattr(spare, "exchange", refuse)  # a save into the spare swaps names in the folder
    else:
        folder.chmod(0o555)
    try:
        with pytest.raises(WriteFailed, match="read-only"):
            add(PortfolioService(path, ACTOR))
        assert PortfolioService(path, ACTOR).load().evidence[0].title == "Minutes of team meeting 1"
    finally:
        folder.chmod(0o755)
    assert path.read_bytes() == before
    assert leftovers(folder) == []


def test_read_only_folder_without_a_lock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    path = new_portfolio(folder, evidence=1)
    lock_path(path).unlink()
    before = path.read_bytes()
    if os.geteuid() == 0:
        real_open = os.open

        def refuse_new_files(file: object, flags: int, *args: object, **kwargs: object) -> int:
            if flags & os.O_CREAT and Path(str(file)).parent == folder:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
            return real_open(file, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse_new_files)
    folder.chmod(0o555)
    try:
        with pytest.raises(WriteFailed, match="read-only"):
            add(PortfolioService(path, ACTOR))
    finally:
        folder.chmod(0o755)
    assert path.read_bytes() == before


def test_stale_temp_files_from_a_killed_writer_are_cleared(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    stale = tmp_path / f".{path.name}.abcd1234.tmp"
    stale.write_text("half a portfolio")
    unrelated = tmp_path / ".other.json.abcd1234.tmp"
    unrelated.write_text("someone else's")
    add(PortfolioService(path, ACTOR))
    assert not stale.exists() and unrelated.exists()


def test_missing_file_and_missing_record(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        PortfolioService(tmp_path / "nope.json").load()
    path = new_portfolio(tmp_path)
    with pytest.raises(NotFound, match="no evidence 9"):
        PortfolioService(path, ACTOR).remove_evidence(9)


def test_generic_records_for_other_tables(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    service = PortfolioService(path, ACTOR)
    review_id = service.add_record("reviews", {"date": "2025-06-02", "attendees": ["Ava Patel", "Sam Jones"]})
    service.update_record("reviews", review_id, {"notes": "Agreed the project topic."}, expected_rev=1)
    with pytest.raises(ConflictError):
        service.update_record("reviews", review_id, {"notes": "Stale"}, expected_rev=1)
    otj_id = service.add_record("otj", {"date": "2025-06-03", "hours": 3.5, "category": "teaching"})
    service.delete_record("otj", otj_id)
    portfolio = service.load()
    review = portfolio.reviews[0]
    assert (review.notes, review.recorded_by) == ("Agreed the project topic.", ACTOR)
    assert portfolio.otj == ()
    assert [e.action for e in service.history("otj")] == ["add", "delete"]
    with pytest.raises(InputError, match="^hours: expected a number of hours"):
        service.add_record("otj", {"date": "2025-06-03", "hours": "lots", "category": "teaching"})


def test_bad_input_inside_a_transaction_writes_nothing(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    store = PortfolioStore(path, ACTOR)
    with pytest.raises(RuntimeError, match="stop"):
        with store.transaction() as tx:
            tx.insert("evidence", {"title": "Half done", "date": "2025-05-01", "kind": "product"})
            raise RuntimeError("stop")
    assert path.read_bytes() == before
    assert [e.title for e in store.load().evidence] == ["Minutes of team meeting 1"]


def test_backup_names_never_collide(tmp_path: Path) -> None:
    path = tmp_path / "ava.json"
    first = migrations.backup_path(path, 0)
    assert first.name == "ava.json.v0.bak"
    first.write_text("old")
    second = migrations.backup_path(path, 0)
    assert second != first and second.name.startswith("ava.json.v0.") and second.suffix == ".bak"


def test_a_full_rewrite_refreshes_every_cached_record(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    store = PortfolioStore(path, ACTOR)
    with store.transaction() as tx:
        tx.db.drop_table("reviews")
        tx.table("evidence").update({"title": "Changed in a full rewrite"}, doc_ids=[1])
    with store.transaction() as tx:
        tx.update("evidence", 2, {"title": "Changed afterwards"})
    assert store.load().reviews == ()
    titles = [e.title for e in PortfolioStore(path).load().evidence]
    assert titles == ["Changed in a full rewrite", "Changed afterwards"]


HOLD_THE_LOCK_WITH_FILELOCK = """
import sys
from filelock import FileLock
with FileLock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_save_waits_for_a_lock_another_process_holds_then_gives_up_with_nothing_written(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    before = path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK_WITH_FILELOCK, str(lock_path(path))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"  # filelock, as other tools lock
        store = PortfolioStore(path, ACTOR, lock_timeout=0.3)
        with pytest.raises(LockTimeout, match="being saved by another program; gave up after 0.3 s"):
            with store.transaction() as tx:
                tx.update("learner", 1, {"employer": "Never saved"})
        assert path.read_bytes() == before
    finally:
        holder.communicate("\n", timeout=10)
    add(PortfolioService(path, ACTOR), "Saved once the other process let go")
    assert path.read_bytes() != before and leftovers(tmp_path) == []


def test_a_file_system_without_flock_still_lets_a_save_take_the_lock(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Where flock is refused (ENOSYS: some network file systems), filelock's fallback takes over, whose
    lock file is there only while held: the one made to try flock must not read as held (found by review)."""
    import errno
    import fcntl
    import warnings

    from portfolio_tui.store.persistence import FileLockGuard

    def no_flock(fd: int, operation: int) -> None:
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    guard, taken = FileLockGuard(tmp_path / ".ava.json.lock", 0.5), 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(2):
            with guard.held(busy=lambda: TimeoutError("busy"), failed=lambda why: OSError(why)):
                taken += 1
    assert taken == 2
