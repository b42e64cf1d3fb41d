"""Every file the app writes gets the mode its folder's sharing gives (``sharing``), whatever the umask: in a
shared cohort folder (2770) files 0660 and folders 2770 with the folder's group, so the cohort reads them; in a
private one files 0600 and folders 0700. One test per kind of file: kept attachments, reports, exports, imports,
backups, spare files, lock files."""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import new_portfolio
from tests.functional.test_taken_in import legacy_file


@pytest.fixture(params=["shared", "private"])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A cohort folder (2770) or a private one (0700) of the group ``users``, written with a umask that would give
    others access (022)."""
    cohort = tmp_path / request.param
    cohort.mkdir()
    cohort.chmod(0o2770 if request.param == "shared" else 0o700)
    os.chown(cohort, -1, grp.getgrnam("users").gr_gid)  # not this account's own group: it is given, not inherited
    old = os.umask(0o022)
    try:
        yield cohort
    finally:
        os.umask(old)


def assert_as_folder_says(folder: Path, *paths: Path) -> None:
    shared = folder.name == "shared"
    for path in paths:
        info = path.lstat()
        want = (0o2770 if shared else 0o700) if stat.S_ISDIR(info.st_mode) else (0o660 if shared else 0o600)
        assert (oct(stat.S_IMODE(info.st_mode)), info.st_gid) == (oct(want), folder.stat().st_gid), path


def _with_attachment(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    path = new_portfolio(folder)
    attached = folder.parent / "minutes.txt"
    attached.write_text("minutes")
    assert main(["evidence", "add", str(path), "--title", "Minutes", "--date", "2025-04-01", "--kind", "product",
                 "--criteria", "K1", "--file", str(attached)]) == 0
    capsys.readouterr()
    return path, next((folder / "ava.files").glob("*/*"))


def test_kept_attachments_and_their_folders(folder: Path, capsys) -> None:
    _, blob = _with_attachment(folder, capsys)
    assert_as_folder_says(folder, folder / "ava.files", blob.parent, blob)


def test_reports_and_a_caseload_reports_folder(folder: Path, capsys) -> None:
    path = new_portfolio(folder)
    assert main(["report", str(path), "-o", str(folder / "ava.html")]) == 0
    assert main(["report", str(path), "--format", "md", "-o", str(folder / "ava.md")]) == 0
    assert main(["report", str(folder), "-o", str(folder / "caseload")]) == 0
    assert_as_folder_says(folder, folder / "ava.html", folder / "ava.md", folder / "caseload",
                          folder / "caseload" / "index.html", folder / "caseload" / "ava.html")


def test_exports(folder: Path, capsys) -> None:
    path, _ = _with_attachment(folder, capsys)
    assert main(["export", str(path), "-o", str(folder / "ava.zip")]) == 0
    assert_as_folder_says(folder, folder / "ava.zip")


def test_imports_their_kept_files_and_a_folder_made_for_them(folder: Path, tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path, _ = _with_attachment(home, capsys)
    assert main(["export", str(path), "-o", str(tmp_path / "ava.zip")]) == 0
    dest = folder / "restored"
    assert main(["import", str(tmp_path / "ava.zip"), str(dest)]) == 0
    blob = next((dest / "ava.files").glob("*/*"))
    assert_as_folder_says(folder, dest, dest / "ava.json", dest / "ava.files", blob.parent, blob)


def test_backups_of_an_upgraded_file(folder: Path, capsys) -> None:
    path = legacy_file(folder)
    path.chmod(0o660 if folder.name == "shared" else 0o600)  # (written by hand above: as the app wrote it)
    PortfolioService(path).add_evidence(title="More", date=date(2025, 4, 2), kind="product", criteria=["K1"])
    assert_as_folder_says(folder, path, folder / "ava.json.v2.bak")


def test_spare_and_lock_files(folder: Path, capsys) -> None:
    path = new_portfolio(folder, evidence=2)
    assert_as_folder_says(folder, path, folder / ".ava.json.spare", folder / ".ava.json.lock")
