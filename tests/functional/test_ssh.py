"""A tutor over SSH: a real OpenSSH server on loopback, ``ssh -t`` from an 80x24 tmux pane, headless commands.

The tests need root (they create an OS account with a home) and Debian's ``sshd``, which ``.ci/run``
installs (``openssh-server``). They start it on a free high port of 127.0.0.1 with a throwaway host key
and log in with a throwaway client key. The session is what the issue names: TERM=xterm-256color, no
COLORTERM, LANG=C.UTF-8, 80 columns by 24 rows.

CI (``CI=true``) always runs them, and fails rather than skips when sshd or root is missing. Elsewhere
they are opt-in (``PORTFOLIO_TUI_SSH_TESTS=1``), so a developer's run does not start servers unasked, and
skip with the reason when this machine cannot run them.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.functional import os_accounts

OPT_IN = "PORTFOLIO_TUI_SSH_TESTS"
IN_CI = os.environ.get("CI") == "true"
pytestmark = [
    pytest.mark.ssh,
    pytest.mark.skipif(
        not IN_CI and os.environ.get(OPT_IN) != "1",
        reason=f"opt-in outside CI: set {OPT_IN}=1 (as root, with openssh-server) to drive a real OpenSSH server",
    ),
]
SSHD = "/usr/sbin/sshd"
DONE = "__portfolio_done__"
TUI_NEEDS_A_TERMINAL = "portfolio: the TUI needs a terminal"


class Pane:
    """One ``ssh -t`` session in its own 80x24 tmux server, as a tutor's terminal would hold it."""

    def __init__(self, tmux: list[str]) -> None:
        self.tmux = tmux

    def screen(self, history: bool = False) -> list[str]:
        """What the pane shows; with ``history``, everything since it opened, lines the terminal wrapped joined."""
        start = ["-J", "-S", "-"] if history else []
        return subprocess.run([*self.tmux, "capture-pane", "-p", *start, "-t", "tutor"],
                              capture_output=True, text=True, check=True).stdout.splitlines()

    def wait_for(self, text: str, timeout: float = 30) -> list[str]:
        """The screen once ``text`` is on it and the program has had a moment to finish drawing."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self.screen()
            if any(text in line for line in seen):
                time.sleep(0.3)
                return self.screen()
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} never appeared:\n" + "\n".join(seen))
            time.sleep(0.1)

    def send(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "tutor", *keys], check=True)

    def finished(self, timeout: float = 30) -> tuple[int, list[str]]:
        """The ssh command's exit status once it ends, and everything the pane showed."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(history=True)
            done = [line for line in screen if line.startswith(DONE)]
            if done:
                shown = [line for line in screen if not line.startswith((DONE, "Pane is dead"))]  # tmux's own
                return int(done[-1].split()[1]), shown
            if time.monotonic() > deadline:
                pytest.fail("the SSH session did not finish:\n" + "\n".join(screen))
            time.sleep(0.1)


@dataclass
class Server:
    port: int
    key: Path
    account: str
    folder: Path
    """The tutor's cohort folder (roster, and two apprentices' portfolios), made by the tutor."""

    @contextmanager
    def pane(self, command: str) -> Iterator[Pane]:
        """``command`` run through ``ssh -t`` in a new 80x24 tmux pane; leaving closes the terminal (hangs up)."""
        sock = f"portfolio-ssh-{secrets.token_hex(4)}"
        conf = self.key.parent / f"{sock}.conf"
        conf.write_text("set -g history-limit 5000\nset -g remain-on-exit on\n")
        ssh = [*self.ssh("-t", "-o", "SendEnv=LANG"), command]
        tmux = ["tmux", "-L", sock, "-f", str(conf)]
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLORTERM")}
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "tutor", "-x", "80", "-y", "24",
             "env", "TERM=xterm-256color", "LANG=C.UTF-8", "sh", "-c", f"{shlex.join(ssh)}; echo {DONE} $?"],
            check=True, env=env,
        )
        try:
            yield Pane(tmux)
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)
            conf.unlink(missing_ok=True)

    def drive(
        self, command: str, timeout: float = 60, *, wait_for: str = "", keys: tuple[str, ...] = ()
    ) -> tuple[int, list[str]]:
        """Run ``command`` through ``ssh -t`` in an 80x24 tmux pane; its exit status and the screen.

        For a full-screen program, ``wait_for`` is text to see on the screen before typing ``keys``;
        the screen returned is then the one seen at that moment.
        """
        with self.pane(command) as pane:
            seen = pane.wait_for(wait_for, timeout) if wait_for else []
            if keys:
                pane.send(*keys)
            status, screen = pane.finished(timeout)
            return status, seen or screen

    def ssh(self, *options: str) -> list[str]:
        """The ``ssh`` command line (without the remote command) that logs in as the tutor."""
        return [
            "ssh", *options, "-i", str(self.key), "-p", str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR", f"{self.account}@127.0.0.1",
        ]

    def run(self, command: str, *, stdin: bytes = b"", timeout: float = 30) -> subprocess.CompletedProcess[bytes]:
        """Run ``command`` over plain ``ssh`` with no terminal anywhere (as cron or a script would): pipes only."""
        return subprocess.run([*self.ssh("-T"), command], input=stdin, capture_output=True, timeout=timeout)


def _sshd_unavailable() -> str | None:
    """Why this machine cannot run the SSH tests, or ``None`` when it can."""
    reason = os_accounts.unavailable()
    if reason:
        return reason
    missing = [tool for tool in ("tmux", "ssh", "ssh-keygen") if shutil.which(tool) is None]
    if not Path(SSHD).exists():
        missing.append(f"{SSHD} (apt-get install openssh-server, as .ci/run does)")
    return f"needs {', '.join(missing)}" if missing else None


def _cannot_run(reason: str) -> None:
    """Skip outside CI; in CI the tests are part of the bar, so a machine that cannot run them fails."""
    if IN_CI:
        pytest.fail(f"CI must run the SSH tests, but this runner cannot: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, log: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sshd stopped: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"sshd did not listen on {port}: {log.read_text()}")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    reason = _sshd_unavailable()
    if reason:
        _cannot_run(reason)
    with os_accounts.cohort(("tutor",), homes=True) as people, \
            os_accounts.shared_runtime(people["tutor"]) as runtime:
        if runtime is None:
            _cannot_run("no Python interpreter the test account can run")
            return
        account = people["tutor"]
        subprocess.run(["usermod", "-p", "*", account], check=True)  # sshd without PAM refuses "!" (locked)
        keys = Path(tempfile.mkdtemp(prefix="portfolio-ssh-keys-"))
        share = Path(tempfile.mkdtemp(prefix="portfolio-ssh-cohort-"))
        process = None
        try:
            share.chmod(0o755)
            bin_dir = _install_command(runtime)
            for name in ("host", "client"):
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
            _authorize(account, keys / "client.pub")
            port = _free_port()
            config = keys / "sshd_config"
            config.write_text(
                f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\nPidFile {keys / 'sshd.pid'}\n"
                "AuthorizedKeysFile .ssh/authorized_keys\nPasswordAuthentication no\n"
                "KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin no\n"
                f"AllowUsers {account}\nAcceptEnv LANG LC_*\nPrintMotd no\nPrintLastLog no\n"
                f"SetEnv PATH={bin_dir}:/usr/local/bin:/usr/bin:/bin\n"
            )
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
            subprocess.run([SSHD, "-t", "-f", str(config)], check=True, capture_output=True)
            log = keys / "sshd.log"
            with log.open("w") as sink:
                process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=sink)
            _wait_for(port, log, process)
            folder = _cohort_folder(share, people, runtime)
            yield Server(port, keys / "client", account, folder)
        finally:
            if process is not None:
                _stop(process)
            # Sessions run in their own process groups as the tutor: stop whatever a test left behind.
            os_accounts.stop_processes([account])
            shutil.rmtree(keys, ignore_errors=True)
            shutil.rmtree(share, ignore_errors=True)


def _stop(process: subprocess.Popen) -> None:
    """Stop sshd and everything it started: the listener, each connection's monitor (which runs in a
    session of its own, so a process-group signal misses it) and their children. SIGTERM first, then
    SIGKILL for whatever is still there after 5 seconds."""
    import signal

    tree = [process.pid, *_descendants(process.pid)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in tree:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(pid) for pid in tree[1:]):
            time.sleep(0.05)
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            continue
        if not any(_alive(pid) for pid in tree[1:]):
            return


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` in the process tree, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _install_command(runtime: os_accounts.Runtime) -> Path:
    """A ``portfolio`` command on the server's PATH, running the shared copy of the app."""
    bin_dir = runtime.path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "portfolio"
    command.write_text(
        f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(runtime.path))} PYTHONDONTWRITEBYTECODE=1 "
        f'exec {shlex.quote(runtime.python)} -m portfolio_tui "$@"\n'
    )
    command.chmod(0o755)
    return bin_dir


def _authorize(account: str, public_key: Path) -> None:
    import pwd

    user = pwd.getpwnam(account)
    ssh_dir = Path(user.pw_dir) / ".ssh"
    ssh_dir.mkdir(mode=0o700, exist_ok=True)
    keys = ssh_dir / "authorized_keys"
    keys.write_text(public_key.read_text())
    keys.chmod(0o600)
    for path in (ssh_dir, keys):
        os.chown(path, user.pw_uid, user.pw_gid)


def _cohort_folder(share: Path, people: os_accounts.Cohort, runtime: os_accounts.Runtime) -> Path:
    """A cohort folder set up as docs/shared-server.md says, with a roster and one portfolio, made by the tutor."""
    import grp

    folder = share / "cohort"
    folder.mkdir()
    os.chown(folder, 0, grp.getgrnam(people.group).gr_gid)
    folder.chmod(0o2770)
    tutor = people["tutor"]
    steps = [
        ("roster", "init", str(folder)),
        ("roster", "add", str(folder), tutor, "--role", "tutor", "--portfolio", "*"),
        ("new", str(folder / "alice.json"), "--learner", "Alice Ng", "--standard", "odo-l3",
         "--start", "2025-01-06", "--end", "2026-07-06"),
        ("new", str(folder / "bob.json"), "--learner", "Bob Okafor", "--standard", "csp-l2",
         "--start", "2025-09-01", "--end", "2027-03-01"),
    ]
    for args in steps:
        argv = ["runuser", "-u", tutor, "--", *runtime.env(), "sh", "-c", 'umask 007; exec "$@"', "sh",
                *runtime.argv(*args)]
        done = subprocess.run(argv, capture_output=True, text=True, cwd="/")
        assert done.returncode == 0, done.stderr
    return folder


def test_the_session_is_the_one_the_issue_names(server: Server) -> None:
    status, screen = server.drive('echo "TERM=$TERM COLORTERM=${COLORTERM:-unset} LANG=$LANG"; stty size')
    assert status == 0
    assert "TERM=xterm-256color COLORTERM=unset LANG=C.UTF-8" in screen
    assert "24 80" in screen


def test_standards_list_fits_80_columns(server: Server) -> None:
    status, screen = server.drive("portfolio standards list")
    text = "\n".join(screen)
    assert status == 0, text
    assert "Installed standards" in text and "odo-l3" in text and "Traceback" not in text
    assert max(len(line) for line in screen) <= 80


def test_identity_over_ssh_is_the_login_account(server: Server) -> None:
    spoofed = "USER=root LOGNAME=root"
    status, screen = server.drive(f"{spoofed} portfolio roster check {server.folder} evidence.assess alice")
    assert status == 0, "\n".join(screen)
    assert f"yes: {server.account} is an assessor (tutor) on alice.json" in screen


def test_the_tutors_gateway_check_of_a_caseload(server: Server) -> None:
    status, screen = server.drive(f"portfolio gateway {server.folder}")
    text = "\n".join(screen)
    assert status == 1, text  # new portfolios are not ready for gateway
    assert "Alice Ng" in text and "Bob Okafor" in text and "RED" in text and "Traceback" not in text
    assert max(len(line) for line in screen) <= 80


def test_the_tutors_scripted_gateway_check_needs_no_terminal(server: Server) -> None:
    """``ssh host portfolio gateway --json FOLDER`` from a script: one JSON document, no escape sequence."""
    done = server.run(f"portfolio gateway --json {server.folder}")
    assert done.returncode == 1, done.stderr  # not ready, and the document still printed
    assert b"\x1b" not in done.stdout and done.stderr == b""
    report = json.loads(done.stdout)
    learners = {row["learner"]: row for row in report["portfolios"]}
    assert set(learners) == {"Alice Ng", "Bob Okafor"}
    assert learners["Alice Ng"]["standard"] == "odo-l3" and learners["Bob Okafor"]["standard"] == "csp-l2"
    assert not any(row["ready"] for row in learners.values())


def test_the_tutor_reads_a_learners_gateway_in_the_tui(server: Server) -> None:
    """Caseload, Enter on the first learner, ``5`` for the gateway screen, ``q``: all over ``ssh -t`` at 80x24."""
    with server.pane(f"portfolio open {server.folder}") as pane:
        pane.wait_for("Alice Ng")
        pane.send("Enter")
        pane.wait_for("2 Evidence")  # the learner's tabs
        pane.send("5")
        screen = pane.wait_for("Sign-offs:")  # the gateway screen's own text, not its tab
        pane.send("q")
        status, _ = pane.finished()
    text = "\n".join(screen)
    assert status == 0, text
    assert "RED" in text and "Every criterion fully covered" in text and "0 of 22 criteria" in text, text
    assert "✔ done" in text and "✗ open" in text and "Traceback" not in text
    assert len(screen) <= 24 and max(len(line) for line in screen) <= 80


@pytest.mark.parametrize(
    "how, command",
    [
        ("ssh without -t", "portfolio open {folder}"),
        ("ssh without -t, no arguments", "portfolio"),
        ("stdin from a pipe, as cron or a script", "echo q | portfolio open {folder}"),
        ("stdin closed", "portfolio open {folder} </dev/null"),
    ],
)
def test_without_a_terminal_the_tui_refuses_in_one_line(server: Server, how: str, command: str) -> None:
    """Issue 9: no terminal means one line on stderr and exit 2, at once: no spinning, no escapes."""
    started = time.monotonic()
    done = server.run(command.format(folder=server.folder), stdin=b"q\n")
    elapsed = time.monotonic() - started
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, (how, done.returncode, err)
    assert done.stdout == b"", how
    assert len(err.splitlines()) == 1 and err.startswith(TUI_NEEDS_A_TERMINAL), (how, err)
    assert "\x1b" not in err and "Traceback" not in err
    assert elapsed < 20, (how, elapsed)  # a refusal, not a TUI spinning until the timeout


def test_with_a_terminal_but_stdout_piped_the_tui_refuses_in_one_line(server: Server) -> None:
    """``ssh -t host 'portfolio open FOLDER > file'``: stdin is a terminal but stdout is not."""
    status, screen = server.drive(f"portfolio open {server.folder} >/dev/null")
    lines = [line for line in screen if line.strip()]
    assert status == 2, screen
    assert len(lines) == 1 and lines[0].startswith(TUI_NEEDS_A_TERMINAL), screen


def test_the_tui_exits_when_the_terminal_goes_away(server: Server) -> None:
    """Closing the terminal mid-session (a dropped connection) leaves no portfolio process running."""
    with server.pane(f"portfolio open {server.folder}") as pane:
        pane.wait_for("Alice Ng")
        assert _portfolio_processes(server.account), "the TUI should be running before the hang-up"
    deadline = time.monotonic() + 10
    while (left := _portfolio_processes(server.account)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"still running after the terminal went away: {left}"


def _portfolio_processes(account: str) -> list[str]:
    """The command lines of the app's processes that ``account`` runs."""
    found = []
    for pid in os_accounts.processes_of([account]):
        try:
            argv = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"portfolio_tui" in argv:
            found.append(" ".join(part.decode("utf-8", "replace") for part in argv).strip())
    return found


def test_the_tutor_opens_the_caseload_in_the_tui(server: Server) -> None:
    status, screen = server.drive(f"portfolio open {server.folder}", wait_for="Alice Ng", keys=("q",))
    text = "\n".join(screen)
    assert status == 0, text
    assert "Alice Ng" in text and "Public Service Operational Delivery Officer" in text, text
    assert "Traceback" not in text
    assert len(screen) <= 24 and max(len(line) for line in screen) <= 80
