"""An apprentice's planted file store, attacked by real OS accounts (review R1, R2).

The apprentice owns the kept copies of their own attachments (``app1.files/ab/<sha256>``), so they
can put anything in their place: a symbolic link to the tutor's private signing key (which the
tutor's ``export`` would copy into the zip handed back to the apprentice), a FIFO or a link to
``/dev/zero`` (which would hang the tutor's ``verify`` of the whole cohort). Each is refused by
the tutor's own commands in one line, read by nobody, and the rest of the cohort is still checked.
Skipped where accounts cannot be made (not root, or no useradd); CI runs as root.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.functional import os_accounts

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

LABELS = ("tutor", "app1", "app2")
CV = b"Curriculum vitae: two years on the service desk.\n"


@dataclass
class Env:
    people: os_accounts.Cohort
    runtime: os_accounts.Runtime
    base: Path
    folder: Path
    homes: dict[str, Path]

    def run(self, label: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return self._as(label, [*self.runtime.argv(*args)], timeout)

    def python_as(self, label: str, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self._as(label, [self.runtime.python, "-c", code, *args])

    def _as(self, label: str, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = self.runtime.env(PORTFOLIO_TUI_HOME=str(self.homes[label]))
        command = ["runuser", "-u", self.people[label], "--", *env, "sh", "-c", 'umask 007; exec "$@"', "sh", *argv]
        return subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=timeout)

    def ok(self, label: str, *args: str) -> str:
        done = self.run(label, *args)
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    import grp

    with os_accounts.cohort(LABELS) as people, os_accounts.shared_runtime(people["tutor"]) as runtime:
        if runtime is None:
            pytest.skip("no Python interpreter the test accounts can run (the test's own lives under a private home)")
        base = Path(tempfile.mkdtemp(prefix="portfolio-tui-blobs-"))
        try:
            base.chmod(0o755)
            folder = base / "cohort"
            folder.mkdir()
            os.chown(folder, 0, grp.getgrnam(people.group).gr_gid)
            folder.chmod(0o2770)
            env = Env(people, runtime, base, folder, os_accounts.data_homes(people, base))
            env.ok("tutor", "keys", "show")  # the tutor's private signing key, in the tutor's 0700 data folder
            for args in (("roster", "init", str(folder)),
                         ("roster", "add", str(folder), people["tutor"], "--role", "tutor", "--portfolio", "*"),
                         ("roster", "add", str(folder), people["app1"], "--role", "apprentice", "--portfolio", "app1"),
                         ("roster", "add", str(folder), people["app2"], "--role", "apprentice", "--portfolio", "app2")):
                env.ok("tutor", *args)
            cv = base / "cv.txt"
            cv.write_bytes(CV)
            cv.chmod(0o644)
            for label in ("app1", "app2"):
                path = str(folder / f"{label}.json")
                env.ok("tutor", "new", path, "--learner", f"Learner {label}", "--standard", "odo-l3",
                       "--start", "2025-03-03", "--end", "2026-09-30")
                env.ok(label, "evidence", "add", path, "--title", "CV letter", "--date", "2025-04-01",
                       "--kind", "product", "--criteria", "S1", "--file", str(cv))
            yield env
        finally:
            subprocess.run(["rm", "-rf", str(base)], check=False)


def _blob(env: Env) -> Path:
    digest = hashlib.sha256(CV).hexdigest()
    return env.folder / "app1.files" / digest[:2] / digest


@pytest.fixture
def planted(env: Env) -> Iterator[Path]:
    """app1's kept CV, put back as app1's own plain file after the test has planted something there."""
    blob = _blob(env)
    assert blob.read_bytes() == CV
    yield blob
    blob.unlink()
    blob.write_bytes(CV)
    shutil.chown(blob, env.people["app1"], env.people.group)


_PLANT = """
import os, sys
blob, what = sys.argv[1], sys.argv[2]
os.remove(blob)
if what == "fifo":
    os.mkfifo(blob, 0o660)
else:
    os.symlink(what, blob)
"""


def test_an_apprentices_link_to_the_tutors_private_key_never_reaches_the_export(env: Env, planted: Path) -> None:
    """R1: the tutor's export refuses in one line (exit 2, no zip), and nothing of the key is anywhere in it."""
    key = env.homes["tutor"] / "keys" / "ed25519"
    secret = key.read_bytes()
    assert secret and env.python_as("app1", "open(__import__('sys').argv[1]).read()", str(key)).returncode != 0
    assert env.python_as("app1", _PLANT, str(planted), str(key)).returncode == 0
    assert planted.is_symlink()
    out = env.homes["tutor"] / "app1-export.zip"
    done = env.run("tutor", "export", str(env.folder / "app1.json"), "-o", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "file cv.txt" in done.stderr and "link" in done.stderr, done.stderr
    assert not out.exists() and not list(env.homes["tutor"].glob("*.zip")) and not list(env.homes["tutor"].glob(".*"))
    code, breaks = _verify(env, str(env.folder / "app1.json"))
    assert code == 1 and ("file cv.txt", "stored-file") in breaks

    # app2's export, with its real file, still goes: and holds the CV, not a key.
    good = env.homes["tutor"] / "app2-export.zip"
    env.ok("tutor", "export", str(env.folder / "app2.json"), "-o", str(good))
    with zipfile.ZipFile(good) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    assert CV in members.values() and not any(secret.strip() in data for data in members.values())
    good.unlink()


def _verify(env: Env, *targets: str) -> tuple[int, list[tuple[str, str]]]:
    done = env.run("tutor", "verify", *targets, "--json")
    report = json.loads(done.stdout)
    return done.returncode, [(b["where"], b["kind"]) for f in report["files"] for b in f["breaks"]]


@pytest.mark.parametrize("what", ["fifo", "/dev/zero"])
def test_a_planted_pipe_or_device_is_a_broken_file_not_a_hung_cohort(env: Env, planted: Path, what: str) -> None:
    """R2: ``verify FOLDER`` finishes at once with a BROKEN line for the file, every other portfolio checked;
    export and report refuse in one line instead of reading for ever."""
    assert env.python_as("app1", _PLANT, str(planted), what).returncode == 0
    started = time.monotonic()
    done = env.run("tutor", "verify", str(env.folder), timeout=20)  # it hung for ever: TimeoutExpired
    assert time.monotonic() - started < 20
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("BROKEN") and "app1.json" in line for line in lines), done.stdout
    assert any("file cv.txt:" in line and ("not a regular file" in line or "link" in line) for line in lines)
    assert any(line.startswith("ok") and "app2.json" in line for line in lines), done.stdout
    assert any(line.startswith("ok") and "roster.json" in line for line in lines), done.stdout

    out = env.homes["tutor"] / "hung.zip"
    refused = env.run("tutor", "export", str(env.folder / "app1.json"), "-o", str(out), timeout=20)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "file cv.txt" in refused.stderr
    assert not out.exists()
    pack = env.homes["tutor"] / "app1.html"
    report = env.run("tutor", "report", str(env.folder / "app1.json"), "-o", str(pack), timeout=20)
    assert report.returncode == 0, report.stderr  # it ends, and the pack says the file is broken
    shown = pack.read_text()
    assert "cv.txt" in shown and ("not a regular file" in shown or "is a link" in shown), shown
    pack.unlink()
