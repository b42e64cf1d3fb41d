"""The TUI in a real pseudo-terminal, as ``ssh -t`` gives it: a bad byte, a terminal that goes away, no terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import new_portfolio

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
REPO = Path(__file__).resolve().parents[2]


class Terminal:
    """``portfolio open FILE`` on the slave side of a pty; everything it draws is read and kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.master, slave = pty.openpty()
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
        env.pop("TEXTUAL_DRIVER", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "portfolio_tui", "open", str(path)], stdin=slave,
                                     stdout=slave, stderr=slave, cwd=REPO, env=env, start_new_session=True)
        os.close(slave)
        self.output = bytearray()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.proc.poll() is None, f"the app ended: {bytes(self.output[-500:])!r}"
            assert time.monotonic() < deadline, f"{text!r} never shown"
            time.sleep(0.05)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass


@pytest.fixture
def terminal(tmp_path: Path):  # type: ignore[no-untyped-def]
    term = Terminal(new_portfolio(tmp_path, evidence=2))
    yield term
    term.close()


def test_an_invalid_utf8_byte_from_the_terminal_does_not_end_the_app_or_the_form(terminal: Terminal) -> None:
    terminal.wait_for(b"Ava Patel")
    terminal.send(b"2")
    terminal.wait_for(b"Minutes of team meeting")
    terminal.send(b"a")  # the add-evidence form
    terminal.wait_for(b"Add evidence")
    terminal.send(b"Cost \xa3" + b"5")  # a pound sign from a Latin-1 client
    terminal.send(b"\x13")  # ctrl+s: the form, still there, saves the title with a replacement character
    terminal.wait_for(b"3 pieces")
    assert [e.title for e in PortfolioService(terminal.path).load().evidence][-1] == "Cost \ufffd5"
    assert terminal.proc.poll() is None and b"UnicodeDecodeError" not in terminal.output
    terminal.send(b"q")
    assert terminal.proc.wait(timeout=30) == 0


def test_keys_in_one_burst_each_reach_the_field_they_were_typed_for(terminal: Terminal) -> None:
    """As over a slow SSH link: the form's key, a title, three Tabs, the hours and ctrl+s in one write."""
    terminal.wait_for(b"Ava Patel")
    terminal.send(b"2")
    terminal.wait_for(b"Minutes of team meeting")
    terminal.send(b"aCall notes\t\t\t1.5\x13")
    terminal.wait_for(b"3 pieces")
    piece = PortfolioService(terminal.path).load().evidence[-1]
    assert (piece.title, piece.hours) == ("Call notes", 1.5)


def test_a_paste_holding_an_escape_reaches_the_field_whole_and_in_order(terminal: Terminal) -> None:
    """QA: a bracketed paste of "Call<ESC>notes" reached the title as the keys "^notes" and then the paste
    "Call" ("^notesCall", saved). It arrives as one paste, in order; the service refuses the ESC in one line."""
    terminal.wait_for(b"Ava Patel")
    terminal.send(b"2")
    terminal.wait_for(b"Minutes of team meeting")
    terminal.send(b"a")
    terminal.wait_for(b"Add evidence")
    terminal.send(b"\x1b[200~Call\x1bnotes\x1b[201~")
    terminal.send(b"\x13")
    terminal.wait_for(b"(U+001B)")
    terminal.send(b"\x1b[200~ and more\x1b[201~")  # a plain paste after it still arrives
    terminal.send(b"\x1b[D" * 14 + b"\x7f\x13")  # left to the ESC, delete it, save
    terminal.wait_for(b"3 pieces")
    assert PortfolioService(terminal.path).load().evidence[-1].title == "Callnotes and more"


def test_the_app_exits_when_its_terminal_goes_away(terminal: Terminal) -> None:
    terminal.wait_for(b"Ava Patel")
    os.close(terminal.master)
    terminal.proc.wait(timeout=20)


def test_without_a_terminal_the_tui_refuses_in_one_line(tmp_path: Path) -> None:
    path = new_portfolio(tmp_path)
    before = path.read_bytes()
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"}
    for argv in (["open", str(path)], ["demo", "--dir", str(tmp_path / "demo")], ["open", str(tmp_path)]):
        done = subprocess.run([sys.executable, "-m", "portfolio_tui", *argv], stdin=subprocess.DEVNULL,
                              capture_output=True, cwd=REPO, env=env, timeout=30)
        assert done.returncode == 2, done
        assert done.stdout == b"" and done.stderr.count(b"\n") == 1 and b"needs a terminal" in done.stderr
    assert path.read_bytes() == before and not (tmp_path / "demo").exists()
