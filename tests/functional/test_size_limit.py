"""A portfolio (or a roster, or a member of an export) over the size limit is refused before it is read:
one line naming the file and the limit, exit 2, the file and its folder as they were, and the memory of the
process that refused it never near the file's size (a hand-made 148 MB file took the app to 817 MB)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.cli import main
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.store import size_limit
from portfolio_tui.store.errors import BadSetting
from portfolio_tui.store.reading import read_portfolio
from tests.functional.store_helpers import new_portfolio

MB = 1024 * 1024


def identity(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each entry of the folder (hidden ones too) as (inode, size, mtime): a refusal changes none of them."""
    return {e.name: (e.inode(), e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(folder)}


def sparse(path: Path, size: int) -> None:
    """``path`` grown to ``size`` bytes without writing them (a hole): a real file, as big as the test needs."""
    with open(path, "r+b" if path.exists() else "wb") as handle:
        handle.truncate(size)


def test_the_default_limit_is_far_above_a_real_portfolio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(size_limit.LIMIT_ENV, raising=False)
    assert size_limit.limit_bytes() == 64 * MB  # 7.6 times 20,000 pieces of evidence (8.4 MB)
    for raw, expected in (("0.5", MB // 2), ("", 64 * MB), (" ", 64 * MB), ("200", 200 * MB)):
        monkeypatch.setenv(size_limit.LIMIT_ENV, raw)
        assert size_limit.limit_bytes() == expected, raw
    for raw in ("nan", "1e9", "-1", "abc\x1b[2J"):
        monkeypatch.setenv(size_limit.LIMIT_ENV, raw)
        with pytest.raises(BadSetting, match=f"^{size_limit.LIMIT_ENV}: .* is not a size in megabytes") as refused:
            size_limit.limit_bytes()
        assert "\x1b" not in str(refused.value)


def test_a_portfolio_over_the_limit_is_refused_in_one_line_and_left_as_it_is(tmp_path: Path, capsys,
                                                                               monkeypatch) -> None:
    path = new_portfolio(tmp_path, evidence=3)
    assert main(["evidence", "list", str(path)]) == 0
    capsys.readouterr()
    sparse(path, 70 * MB)  # a whole real portfolio, then a hole: over the default limit of 64 MB
    before = identity(tmp_path)
    for argv in (["evidence", "list", str(path)], ["timeline", str(path)], ["gateway", str(path)],
                 ["validate", str(path)],
                 ["evidence", "add", str(path), "--title", "More", "--date", "2025-05-01", "--kind", "product",
                  "--criteria", "K1"]):
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 2, argv
        assert len(err.splitlines()) == 1 and str(path) in err, (argv, out, err)
        assert "it is 70.0 MB, more than the 64 MB a portfolio may be" in err, (argv, err)
    assert main(["verify", str(path)]) == 1  # verify's word for a file it cannot read: BROKEN, naming why
    assert "it is 70.0 MB, more than the 64 MB a portfolio may be" in capsys.readouterr().out
    assert identity(tmp_path) == before


def test_the_limit_is_set_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = new_portfolio(tmp_path, evidence=20)
    size = path.stat().st_size
    monkeypatch.setenv(size_limit.LIMIT_ENV, f"{(size + 1) / MB:.6f}")
    assert len(read_portfolio(path).evidence) == 20
    monkeypatch.setenv(size_limit.LIMIT_ENV, f"{(size - 4096) / MB:.6f}")
    before = identity(tmp_path)
    with pytest.raises(size_limit.TooLarge, match="more than the .* MB a portfolio may be"):
        read_portfolio(path)
    with pytest.raises(size_limit.TooLarge):
        PortfolioSession(path).load()
    assert identity(tmp_path) == before


def test_the_gateway_over_a_folder_names_the_oversized_file_and_reads_the_others(tmp_path: Path, capsys) -> None:
    new_portfolio(tmp_path, "ava.json", evidence=2)
    big = new_portfolio(tmp_path, "big.json")
    sparse(big, 65 * MB)
    before = identity(tmp_path)
    code = main(["gateway", str(tmp_path), "--json", "--no-cache"])
    out, _ = capsys.readouterr()
    document = json.loads(out)
    assert code == 2
    assert [p["learner"] for p in document["portfolios"]] == ["Ava Patel"]
    [error] = document["errors"]
    assert error["path"] == str(big) and "65.0 MB, more than the 64 MB a portfolio may be" in error["error"]
    assert identity(tmp_path) == before


def test_a_huge_hand_made_portfolio_is_refused_without_reading_it(tmp_path: Path) -> None:
    """148 MB, as the review made it: refused at once, the refusing process's peak memory far below the file."""
    path = tmp_path / "huge.json"
    sparse(path, 148 * MB)
    before = identity(tmp_path)
    probe = (  # VmHWM is this program's own peak (ru_maxrss also counts the test process it was forked from)
        "import re, sys\n"
        "from portfolio_tui.cli import main\n"
        "code = main(['evidence', 'list', sys.argv[1]])\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)\n"
        "print(code, int(peak) // 1024, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())
    *refusal, result = done.stderr.splitlines()
    code, peak_mb = map(int, result.split())
    assert code == 2 and refusal == [f"portfolio: cannot open {path}: it is 148.0 MB, more than the 64 MB a "
                                     f"portfolio may be (${size_limit.LIMIT_ENV} sets the limit) (the file was "
                                     "left as it is)"]
    assert peak_mb < 148, peak_mb  # nowhere near the file: it was never read
    assert identity(tmp_path) == before


def test_a_roster_over_the_limit_is_refused_before_it_is_read(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path)
    roster_io.create_roster(tmp_path, "assessor1")
    sparse(roster_io.roster_path(tmp_path), 65 * MB)
    before = identity(tmp_path)
    with pytest.raises(roster_io.RosterError, match="roster.json: it is 65.0 MB, more than the 64 MB a roster may"):
        roster_io.load_roster(tmp_path)
    code = main(["evidence", "list", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1 and "a roster may be" in err
    assert identity(tmp_path) == before


def test_an_export_whose_portfolio_is_over_the_limit_is_not_unpacked(tmp_path: Path, capsys, monkeypatch) -> None:
    source = tmp_path / "source"
    source.mkdir()
    path = new_portfolio(source, evidence=20)
    target = tmp_path / "ava.zip"
    assert main(["export", str(path), "-o", str(target)]) == 0
    dest = tmp_path / "dest"
    dest.mkdir()
    monkeypatch.setenv(size_limit.LIMIT_ENV, f"{(path.stat().st_size - 4096) / MB:.6f}")
    capsys.readouterr()
    assert main(["import", str(target), str(dest)]) == 2
    _, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and f"'ava.json' in {target}: it is " in err
    assert "a portfolio may be" in err and "nothing was written" in err
    assert os.listdir(dest) == []
    monkeypatch.delenv(size_limit.LIMIT_ENV)
    assert main(["import", str(target), str(dest)]) == 0
