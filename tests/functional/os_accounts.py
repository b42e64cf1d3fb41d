"""Real OS accounts for tests: create a cohort group and its people, run ``portfolio`` as each, clean up.

Creating accounts needs root, ``useradd`` and ``runuser``; CI runs as root, so there the tests run.
Elsewhere :func:`unavailable` says why they are skipped.

The other accounts cannot read root's home, where the test's own interpreter and virtual
environment may live, so :func:`shared_runtime` copies the app and its dependencies into a
world-readable folder and picks an interpreter they can run.
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import portfolio_tui

TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "runuser")


def unavailable() -> str | None:
    """Why this runner cannot create OS accounts, or ``None`` when it can."""
    if os.name != "posix" or not hasattr(os, "geteuid"):
        return "OS accounts are tested on POSIX systems only"
    if os.geteuid() != 0:
        return "creating OS accounts needs root (CI runs as root; run the suite as root to include these tests)"
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        return f"this system has no {', '.join(missing)} to create accounts with"
    return None


@dataclass
class Cohort:
    group: str
    people: dict[str, str]
    """Short label (``tutor``) -> the account name created for it."""

    def __getitem__(self, label: str) -> str:
        return self.people[label]


@contextmanager
def cohort(labels: tuple[str, ...], *, homes: bool = False) -> Iterator[Cohort]:
    """A new group and one new account per label (in that group); all removed afterwards."""
    token = secrets.token_hex(3)
    group = f"pt{token}g"
    made: list[str] = []
    _run(["groupadd", group])
    try:
        people = {}
        for label in labels:
            name = f"pt{token}{label}"[:32]
            home = ["--create-home"] if homes else ["--no-create-home", "--home-dir", "/nonexistent"]
            _run(["useradd", *home, "--gid", group, "--shell", "/bin/sh", name])
            made.append(name)
            people[label] = name
        yield Cohort(group, people)
    finally:
        # A process left behind (an SSH session, a TUI a test gave up on) would keep userdel from removing
        # its account and keep running as a stranger's uid once the number is reused: stop them all first.
        stop_processes(made)
        for name in made:
            subprocess.run(["userdel", *(["--remove"] if homes else []), name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


def processes_of(accounts: list[str]) -> list[int]:
    """The ids of the running processes whose real uid is one of ``accounts``."""
    import pwd

    uids = set()
    for name in accounts:
        try:
            uids.add(pwd.getpwnam(name).pw_uid)
        except KeyError:
            continue
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # it ended while we looked
            continue
        uid = re.search(r"^Uid:\s+(\d+)", status, re.MULTILINE)
        zombie = re.search(r"^State:\s+Z", status, re.MULTILINE)  # already dead, waiting for its parent
        if uid and int(uid.group(1)) in uids and not zombie:
            found.append(int(entry.name))
    return found


def stop_processes(accounts: list[str], timeout: float = 5.0) -> None:
    """Kill every process the throwaway ``accounts`` still run, and wait until they are gone."""
    import signal
    import time

    deadline = time.monotonic() + timeout
    while (pids := processes_of(accounts)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def data_homes(people: Cohort, base: Path) -> dict[str, Path]:
    """A private data folder per person (owned by them, mode 0700) for ``PORTFOLIO_TUI_HOME``: their
    signing key and receipts live there, as they would in their own home on a real server."""
    import pwd

    homes = {}
    for label, account in people.people.items():
        home = base / f"home-{label}"
        home.mkdir(mode=0o700)
        entry = pwd.getpwnam(account)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        homes[label] = home
    return homes


@dataclass(frozen=True)
class Runtime:
    python: str
    path: Path
    """The folder to put on ``PYTHONPATH``: the app and its dependencies, readable by every account."""

    def argv(self, *args: str) -> list[str]:
        return [self.python, "-m", "portfolio_tui", *args]

    def env(self, **extra: str) -> list[str]:
        """``env -i`` arguments: a clean environment with only what the app needs, plus ``extra``."""
        base = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(self.path),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        return ["env", "-i", *(f"{k}={v}" for k, v in {**base, **extra}.items())]


@contextmanager
def shared_runtime(probe_account: str) -> Iterator[Runtime | None]:
    """Copy the app and its dependencies where every account can read them; ``None`` without an interpreter."""
    root = Path(tempfile.mkdtemp(prefix="portfolio-tui-runtime-"))
    try:
        root.chmod(0o755)
        _copy_app(root)
        python = _interpreter(probe_account, root)
        yield None if python is None else Runtime(python, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _interpreter(account: str, root: Path) -> str | None:
    """This interpreter when ``account`` can run it, else the system's one of the same version."""
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys.executable, f"/usr/bin/{minor}", f"/usr/local/bin/{minor}"):
        probe = subprocess.run(
            ["runuser", "-u", account, "--", "env", "-i", f"PYTHONPATH={root}", candidate, "-c", "import tinydb, rich"],
            capture_output=True,
            cwd="/",
        )
        if probe.returncode == 0:
            return candidate
    return None


def _copy_app(root: Path) -> None:
    package = Path(portfolio_tui.__file__).parent
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(package, root / "portfolio_tui", ignore=ignore)
    for extra in ("schemas", "sample_portfolios"):
        source = package.parent / extra
        if source.is_dir():
            shutil.copytree(source, root / extra, ignore=ignore)
    for dist in _dependencies("portfolio-tui"):
        for file in dist.files or ():
            source = Path(dist.locate_file(file))
            if ".." in file.parts or "__pycache__" in file.parts or not source.is_file():
                continue
            target = root / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _dependencies(name: str) -> list[metadata.Distribution]:
    """The installed distributions ``name`` needs at run time (its extras left out), recursively."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        for requirement in metadata.requires(current) or []:
            if "extra ==" in requirement:
                continue
            dep = re.match(r"[A-Za-z0-9_.-]+", requirement)
            if dep is None:
                continue
            key = dep.group(0).lower().replace("_", "-")
            if key in seen:
                continue
            try:
                seen[key] = metadata.distribution(key)
            except metadata.PackageNotFoundError:
                continue
            todo.append(key)
    return list(seen.values())


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True)
