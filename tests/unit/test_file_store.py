"""The file store is read and written without following a link planted inside it (review R1, R2).

The OS-account tests (tests/functional/test_os_blobs.py) play the apprentice and the tutor; these
check the store's own functions quickly: a link, a FIFO or a changed file at a kept file's name is
refused by :func:`file_store.read_blob`, and :func:`file_store.keep` replaces a planted link instead
of writing through it, and refuses a planted link where a folder of the store should be.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from portfolio_tui.store import file_store
from portfolio_tui.store.errors import BadSetting

CONTENT = b"minutes of the team meeting\n"
DIGEST = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    source = tmp_path / "minutes.txt"
    source.write_bytes(CONTENT)
    path = tmp_path / "cohort" / "ann.json"
    path.parent.mkdir()
    assert file_store.keep(path, source) == DIGEST
    return path


def test_a_kept_file_is_read_whole_and_hashed(portfolio: Path) -> None:
    chunks: list[bytes] = []
    assert file_store.read_blob(portfolio, DIGEST, chunks.append) == len(CONTENT)
    assert b"".join(chunks) == CONTENT and file_store.size_of(portfolio, DIGEST) == len(CONTENT)
    assert file_store.check(portfolio, [(DIGEST, "minutes.txt")]) == []


@pytest.mark.parametrize("plant", ["link", "fifo", "devzero", "changed", "folder", "linked-folder"])
def test_whatever_is_planted_at_a_kept_files_name_is_refused_not_read(portfolio: Path, tmp_path: Path,
                                                                     plant: str) -> None:
    secret = tmp_path / "private-key"
    secret.write_bytes(CONTENT)  # even the right content behind a link is not followed
    blob = file_store.blob_path(portfolio, DIGEST)
    blob.unlink()
    if plant == "link":
        blob.symlink_to(secret)
    elif plant == "fifo":
        os.mkfifo(blob)  # opened for reading without a writer: it would block for ever
    elif plant == "devzero":
        blob.symlink_to("/dev/zero")
    elif plant == "changed":
        blob.write_bytes(CONTENT + b"forged")
    elif plant == "folder":
        blob.mkdir()
    else:  # the whole ab/ folder is a link to a folder holding a file of that name
        blob.parent.rmdir()
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / DIGEST).write_bytes(CONTENT)
        blob.parent.symlink_to(elsewhere)
    chunks: list[bytes] = []
    with pytest.raises(file_store.BadBlob) as refused:
        file_store.read_blob(portfolio, DIGEST, chunks.append)
    assert str(blob) in str(refused.value) and "\n" not in str(refused.value)
    assert chunks == [] or plant == "changed"
    assert file_store.size_of(portfolio, DIGEST) is None or plant == "changed"
    [problem] = file_store.check(portfolio, [(DIGEST, "minutes.txt")])
    assert problem.name == "minutes.txt" and problem.message == str(refused.value)


def test_keep_replaces_a_planted_link_and_never_writes_through_it(portfolio: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"the tutor's own file\n")
    blob = file_store.blob_path(portfolio, DIGEST)
    blob.unlink()
    blob.symlink_to(victim)
    source = tmp_path / "minutes.txt"
    assert file_store.keep(portfolio, source) == DIGEST
    assert victim.read_bytes() == b"the tutor's own file\n"
    assert not blob.is_symlink() and blob.read_bytes() == CONTENT
    assert sorted(p.name for p in blob.parent.iterdir()) == [DIGEST]  # no temp file left


def test_keep_refuses_a_planted_link_where_a_store_folder_should_be(tmp_path: Path) -> None:
    source = tmp_path / "minutes.txt"
    source.write_bytes(CONTENT)
    path = tmp_path / "cohort" / "ann.json"
    (path.parent / "ann.files").mkdir(parents=True)
    elsewhere = tmp_path / "tutor-home"
    elsewhere.mkdir()
    (path.parent / "ann.files" / DIGEST[:2]).symlink_to(elsewhere)
    with pytest.raises(OSError, match="link where a folder should be"):
        file_store.keep(path, source)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "1e9", "1e999", "1_000", "-5", "0x10", "１０", "9" * 400])
def test_a_limit_that_is_not_a_plain_decimal_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    """Review R9: ``nan`` and ``inf`` were tracebacks (``int(nan)``), ``1_000`` was taken as 1000; then each was the
    default without a word. Now one line naming the variable (``BadSetting``, exit 2 at the interfaces)."""
    monkeypatch.setenv(file_store.LIMIT_ENV, raw)
    with pytest.raises(BadSetting, match=f"^{file_store.LIMIT_ENV}: .* is not a size in megabytes"):
        file_store.limit_bytes()


@pytest.mark.parametrize("raw", ["", "  "])
def test_an_empty_limit_is_the_default(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(file_store.LIMIT_ENV, raw)
    assert file_store.limit_bytes() == file_store.DEFAULT_LIMIT_MB * 1024 * 1024


@pytest.mark.parametrize(("raw", "expected"), [("0.5", 512 * 1024), ("100", 100 << 20), (" 2 ", 2 << 20), ("0", 0)])
def test_a_plain_decimal_limit_is_read(monkeypatch: pytest.MonkeyPatch, raw: str, expected: int) -> None:
    monkeypatch.setenv(file_store.LIMIT_ENV, raw)
    assert file_store.limit_bytes() == expected
