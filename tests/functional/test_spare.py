"""A save writes into the previous version kept beside the portfolio (``store.spare``), and only when that
is as safe as a new temp file: whole files under the portfolio's name, readers left their copy, links and
odd files never written through, the same owner and mode."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import spare
from portfolio_tui.store.portfolio_store import PortfolioStore
from tests.functional.store_helpers import ACTOR, AS_OF, leftovers, new_portfolio

pytestmark = pytest.mark.skipif(not spare.exchange_supported(), reason="renameat2(RENAME_EXCHANGE) is Linux only")


def add(path: Path, title: str) -> None:
    PortfolioService(path, ACTOR).add_evidence(title=title, date="2025-05-02", kind="product", criteria=["K1"],
                                               as_of=AS_OF)


def titles(path: Path) -> list[str]:
    return [e.title for e in PortfolioStore(path).load().evidence]


def test_a_save_keeps_the_previous_version_and_the_next_writes_into_it(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    kept = spare.spare_path(path)
    add(path, "Second")
    previous, previous_inode = path.read_bytes(), path.stat().st_ino
    spare_inode = kept.stat().st_ino
    add(path, "Third")
    assert kept.read_bytes() == previous  # the version swapped out, whole
    assert kept.stat().st_ino == previous_inode
    assert path.stat().st_ino == spare_inode  # the new version went into the spare's blocks
    assert titles(path) == ["Minutes of team meeting 1", "Second", "Third"]
    assert stat.S_IMODE(kept.stat().st_mode) == stat.S_IMODE(path.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_a_reader_that_opened_the_file_before_two_saves_still_reads_its_version_whole(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=3)
    add(path, "Spare made")
    before = path.read_bytes()
    with open(path, "rb") as reader:  # opened, not yet read: its blocks become the spare at the next save
        add(path, "One")
        inode_of_reader = os.fstat(reader.fileno()).st_ino
        assert spare.spare_path(path).stat().st_ino == inode_of_reader
        add(path, "Two")  # must not write into the blocks the reader holds
        add(path, "Three")
        assert reader.read() == before
    assert titles(path)[-3:] == ["One", "Two", "Three"]
    add(path, "Four")  # with the reader gone, the spare is reused again
    assert titles(path)[-1] == "Four"


def test_a_spare_that_is_a_link_is_never_written_through(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    elsewhere = tmp_path / "precious.txt"
    elsewhere.write_text("not a portfolio")
    elsewhere.chmod(0o600)  # as a spare would be: only the link itself must stop the save
    kept = spare.spare_path(path)
    kept.unlink(missing_ok=True)
    kept.symlink_to(elsewhere)
    add(path, "Over a symlink")
    assert elsewhere.read_text() == "not a portfolio"
    assert not kept.is_symlink()
    hard = tmp_path / "hard-linked.txt"
    hard.write_text("a second name")
    hard.chmod(0o600)
    kept.unlink()
    os.link(hard, kept)
    add(path, "Over a hard link")
    assert hard.read_text() == "a second name"
    assert titles(path)[-2:] == ["Over a symlink", "Over a hard link"]


def test_a_spare_that_is_a_fifo_or_has_another_mode_is_replaced_not_used(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    kept = spare.spare_path(path)
    kept.unlink(missing_ok=True)
    os.mkfifo(kept)
    done = threading.Event()
    saver = threading.Thread(target=lambda: (add(path, "Beside a FIFO"), done.set()), daemon=True)
    saver.start()
    assert done.wait(30), "a FIFO at the spare's name blocked the save"
    assert stat.S_ISREG(kept.lstat().st_mode)
    os.chmod(kept, 0o644)
    add(path, "Beside a readable spare")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert titles(path)[-2:] == ["Beside a FIFO", "Beside a readable spare"]


def test_without_the_exchange_a_save_replaces_the_file_and_keeps_no_spare(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = new_portfolio(tmp_path, evidence=1)
    kept = spare.spare_path(path)
    kept.unlink(missing_ok=True)
    monkeypatch.setattr(spare, "exchange", lambda first, second: False)  # a file system that refuses it
    add(path, "Replaced")
    assert not kept.exists()
    assert titles(path)[-1] == "Replaced"
    assert leftovers(tmp_path) == []


def test_a_save_failing_after_writing_the_spare_leaves_the_portfolio_and_removes_the_spare(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = new_portfolio(tmp_path, evidence=2)
    before = path.read_bytes()
    kept = spare.spare_path(path)
    assert kept.exists()

    def refused(first: object, second: object) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(spare, "exchange", refused)
    with pytest.raises(Exception, match="permission denied"):
        add(path, "Never saved")
    assert path.read_bytes() == before
    assert not kept.exists()


def test_where_leases_are_refused_no_spare_is_used_or_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    path = new_portfolio(tmp_path, evidence=1)
    kept = spare.spare_path(path)
    assert kept.exists()
    real_fcntl = fcntl.fcntl

    def no_leases(fd: int, cmd: int, arg: int = 0) -> object:
        if cmd == fcntl.F_SETLEASE:  # as on a file system without leases, or with them turned off
            raise OSError(22, "Invalid argument")
        return real_fcntl(fd, cmd, arg)

    monkeypatch.setattr(fcntl, "fcntl", no_leases)
    monkeypatch.setattr(spare, "_leases", True)  # restored after: other tests see the real system again
    add(path, "Without leases")
    assert not kept.exists()  # the spare could not be known unread: removed, not written
    add(path, "Still without")
    assert not kept.exists()  # and none is kept while leases are refused
    assert titles(path)[-2:] == ["Without leases", "Still without"]
    assert leftovers(tmp_path) == []
