"""A tutor over SSH: a real OpenSSH server on loopback, ``ssh -t`` from an 80x24 tmux pane, headless commands.

Opt-in (``PORTFOLIO_TUI_SSH_TESTS=1``): it needs root, creates an OS account with a home, starts
Debian's ``sshd`` (installing ``openssh-server`` with apt-get when it is missing) on a free high port
of 127.0.0.1 with a throwaway host key, and logs in with a throwaway client key. The session is
what the issue names: TERM=xterm-256color, no COLORTERM, LANG=C.UTF-8, 80 columns by 24 rows.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.functional import os_accounts

OPT_IN = "PORTFOLIO_TUI_SSH_TESTS"
pytestmark = [
    pytest.mark.ssh,
    pytest.mark.skipif(os.environ.get(OPT_IN) != "1", reason=f"opt-in: set {OPT_IN}=1 to drive a real OpenSSH server"),
]
SSHD = "/usr/sbin/sshd"
DONE = "__portfolio_done__"


@dataclass
class Server:
    port: int
    key: Path
    account: str
    folder: Path
    """The tutor's cohort folder, with one apprentice's portfolio in it."""

    def drive(
        self, command: str, timeout: float = 60, *, wait_for: str = "", keys: tuple[str, ...] = ()
    ) -> tuple[int, list[str]]:
        """Run ``command`` on the server through ``ssh -t`` in an 80x24 tmux pane; its exit status and the screen.

        For a full-screen program, ``wait_for`` is text to see on the screen before typing ``keys``;
        the screen returned is then the one seen at that moment.
        """
        sock = f"portfolio-ssh-{secrets.token_hex(4)}"
        conf = self.key.parent / f"{sock}.conf"
        conf.write_text("set -g history-limit 5000\nset -g remain-on-exit on\n")
        ssh = [
            "ssh", "-t", "-i", str(self.key), "-p", str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG", f"{self.account}@127.0.0.1", command,
        ]
        pane = f"{shlex.join(ssh)}; echo {DONE} $?"
        tmux = ["tmux", "-L", sock, "-f", str(conf)]
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLORTERM")}
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "tutor", "-x", "80", "-y", "24",
             "env", "TERM=xterm-256color", "LANG=C.UTF-8", "sh", "-c", pane],
            check=True, env=env,
        )

        def capture(history: bool = True) -> list[str]:
            start = ["-S", "-"] if history else []
            return subprocess.run([*tmux, "capture-pane", "-p", *start, "-t", "tutor"],
                                  capture_output=True, text=True, check=True).stdout.splitlines()

        try:
            deadline = time.monotonic() + timeout
            seen: list[str] = []
            while wait_for:
                seen = capture(history=False)
                if any(wait_for in line for line in seen):
                    time.sleep(0.5)
                    seen = capture(history=False)
                    subprocess.run([*tmux, "send-keys", "-t", "tutor", *keys], check=True)
                    break
                if time.monotonic() > deadline:
                    pytest.fail(f"{wait_for!r} never appeared:\n" + "\n".join(seen))
                time.sleep(0.2)
            while True:
                screen = capture()
                finished = [line for line in screen if line.startswith(DONE)]
                if finished:
                    status = int(finished[-1].split()[1])
                    return status, seen or [line for line in screen if not line.startswith(DONE)]
                if time.monotonic() > deadline:
                    pytest.fail("the SSH session did not finish:\n" + "\n".join(screen))
                time.sleep(0.1)
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)
            conf.unlink(missing_ok=True)


def _ensure_sshd() -> str | None:
    """Why sshd cannot run here, or ``None``; installs Debian's openssh-server when it is missing."""
    reason = os_accounts.unavailable()
    if reason:
        return reason
    missing = [tool for tool in ("tmux", "ssh", "ssh-keygen") if shutil.which(tool) is None]
    if missing:
        return f"needs {', '.join(missing)}"
    if not Path(SSHD).exists():
        if shutil.which("apt-get") is None:
            return "no sshd and no apt-get to install openssh-server with"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "openssh-server"]
        if subprocess.run(install, capture_output=True, env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env)
            done = subprocess.run(install, capture_output=True, text=True, env=env)
            if done.returncode != 0:
                return f"apt-get could not install openssh-server: {done.stderr.strip()[-200:]}"
    return None


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
    reason = _ensure_sshd()
    if reason:
        pytest.skip(reason)
    with os_accounts.cohort(("tutor",), homes=True) as people, \
            os_accounts.shared_runtime(people["tutor"]) as runtime:
        if runtime is None:
            pytest.skip("no Python interpreter the test account can run")
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
                process.terminate()
                process.wait(timeout=10)
            shutil.rmtree(keys, ignore_errors=True)
            shutil.rmtree(share, ignore_errors=True)


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
    ]
    for args in steps:
        argv = ["runuser", "-u", tutor, "--", *runtime.env(), "sh", "-c", 'umask 007; exec "$@"', "sh",
                *runtime.argv(*args)]
        done = subprocess.run(argv, capture_output=True, text=True, cwd="/")
        if done.returncode != 0 and args[0] == "new":
            pytest.skip(f"`portfolio new` is not usable yet: {done.stderr.strip()}")
        assert done.returncode == 0, done.stderr
    return folder


def _has_command(server: Server, name: str) -> bool:
    status, _ = server.drive(f"portfolio {name} --help >/dev/null 2>&1")
    return status == 0


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
    if not _has_command(server, "gateway"):
        pytest.skip("`portfolio gateway` is not built yet")
    status, screen = server.drive(f"portfolio gateway {server.folder}")
    text = "\n".join(screen)
    assert status == 1, text  # a new portfolio is not ready for gateway
    assert "Alice Ng" in text and "RED" in text and "Traceback" not in text
    assert max(len(line) for line in screen) <= 80


def test_the_tutor_opens_the_caseload_in_the_tui(server: Server) -> None:
    status, screen = server.drive(f"portfolio open {server.folder}", wait_for="Alice Ng", keys=("q",))
    text = "\n".join(screen)
    assert status == 0, text
    assert "Alice Ng" in text and "odo-l3" in text and "Traceback" not in text
    assert len(screen) <= 24 and max(len(line) for line in screen) <= 80
