"""Real OS accounts in a real shared cohort folder: identity from the uid, roles, and a forged roster.

Five accounts are created in a new group (a tutor, two apprentices, two line managers), the folder
is set up as docs/shared-server.md recommends, and ``portfolio`` runs as each of them through
``runuser`` with ``USER`` and ``LOGNAME`` set to someone else's name. Skipped where the runner
cannot create accounts (not root, or no useradd).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.functional import os_accounts

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

LABELS = ("tutor", "app1", "app2", "mgr1", "mgr2")


@dataclass
class Env:
    people: os_accounts.Cohort
    runtime: os_accounts.Runtime
    folder: Path

    def run(self, label: str, *args: str, umask: str = "007") -> subprocess.CompletedProcess[str]:
        """``portfolio ARGS`` as ``label``'s account, claiming in USER and LOGNAME to be the tutor (or app1)."""
        spoof = self.people["app1" if label == "tutor" else "tutor"]
        argv = [
            "runuser", "-u", self.people[label], "--",
            *self.runtime.env(USER=spoof, LOGNAME=spoof, HOME=str(self.folder.parent)),
            "sh", "-c", f'umask {umask}; exec "$@"', "sh", *self.runtime.argv(*args),
        ]
        return subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=60)

    def python_as(self, label: str, code: str) -> subprocess.CompletedProcess[str]:
        argv = ["runuser", "-u", self.people[label], "--", *self.runtime.env(), self.runtime.python, "-c", code]
        return subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=60)


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    with os_accounts.cohort(LABELS) as people, os_accounts.shared_runtime(people["tutor"]) as runtime:
        if runtime is None:
            pytest.skip("no Python interpreter the test accounts can run (the test's own lives under a private home)")
        base = Path(tempfile.mkdtemp(prefix="portfolio-tui-cohort-"))
        try:
            base.chmod(0o755)
            folder = base / "cohort"
            folder.mkdir()
            os.chown(folder, 0, _gid(people.group))
            folder.chmod(0o2770)
            yield Env(people, runtime, folder)
        finally:
            subprocess.run(["rm", "-rf", str(base)], check=False)


def _gid(group: str) -> int:
    import grp

    return grp.getgrnam(group).gr_gid


@pytest.fixture(scope="module")
def cohort(env: Env) -> Env:
    """The tutor starts the roster and adds everyone (the apprentices' portfolios are theirs)."""
    p = env.people
    steps = [
        ("roster", "init", str(env.folder)),
        ("roster", "add", str(env.folder), p["tutor"], "--role", "tutor", "--portfolio", "*"),
        ("roster", "add", str(env.folder), p["app1"], "--role", "apprentice", "--portfolio", "app1"),
        ("roster", "add", str(env.folder), p["app2"], "--role", "apprentice", "--portfolio", "app2"),
        ("roster", "add", str(env.folder), p["mgr1"], "--role", "line-manager", "--portfolio", "app1"),
        ("roster", "add", str(env.folder), p["mgr2"], "--role", "line-manager", "--portfolio", "app2"),
    ]
    for args in steps:
        done = env.run("tutor", *args)
        assert done.returncode == 0, done.stderr
    return env


def test_identity_comes_from_the_uid_not_a_spoofed_user(cohort: Env) -> None:
    shown = cohort.run("app1", "roster", "show", str(cohort.folder), "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["you"] == {"account": cohort.people["app1"], "role": "apprentice", "portfolios": ["app1.json"]}
    assert document["roster"]["owner"] == cohort.people["tutor"]
    assert {h["by"] for h in document["history"]} == {cohort.people["tutor"]}


def test_an_apprentice_cannot_accept_their_own_evidence(cohort: Env) -> None:
    refused = cohort.run("app1", "roster", "check", str(cohort.folder), "evidence.assess", "app1.json")
    assert refused.returncode == 1
    assert refused.stdout == (
        f"no: only an assessor (tutor) may accept or refer evidence in app1.json: {cohort.people['tutor']}\n"
    )
    assert cohort.run("tutor", "roster", "check", str(cohort.folder), "evidence.assess", "app1.json").returncode == 0
    assert cohort.run("app1", "roster", "check", str(cohort.folder), "evidence.add", "app1.json").returncode == 0


def test_a_line_manager_cannot_see_another_managers_apprentices(cohort: Env) -> None:
    assert cohort.run("mgr1", "roster", "check", str(cohort.folder), "view", "app1.json").returncode == 0
    refused = cohort.run("mgr1", "roster", "check", str(cohort.folder), "view", "app2.json")
    assert refused.returncode == 1
    assert cohort.people["mgr2"] in refused.stdout and cohort.people["mgr1"] not in refused.stdout.split(":")[-1]


def test_signoffs_belong_to_their_roles(cohort: Env) -> None:
    folder = str(cohort.folder)
    assert cohort.run("app1", "roster", "check", folder, "signoff.assessor", "app1").returncode == 1
    assert cohort.run("tutor", "roster", "check", folder, "signoff.assessor", "app1").returncode == 0
    assert cohort.run("mgr1", "roster", "check", folder, "signoff.employer", "app1").returncode == 0
    assert cohort.run("mgr2", "roster", "check", folder, "signoff.employer", "app1").returncode == 1


def test_only_the_owner_or_a_tutor_edits_the_roster(cohort: Env) -> None:
    roster = cohort.folder / "roster.json"
    before = roster.read_bytes()
    refused = cohort.run("app1", "roster", "add", str(cohort.folder), cohort.people["app1"], "--role", "tutor",
                         "--portfolio", "*")
    assert refused.returncode == 1
    assert "only the roster's owner or a tutor may edit the roster" in refused.stderr
    assert roster.read_bytes() == before


def test_files_are_group_read_write_in_the_folders_group_and_doctor_agrees(cohort: Env) -> None:
    for name in ("roster.json", ".roster.json.lock"):
        info = (cohort.folder / name).stat()
        assert stat.S_IMODE(info.st_mode) == 0o660, name
        assert info.st_gid == _gid(cohort.people.group)
    checked = cohort.run("mgr2", "doctor", str(cohort.folder))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.splitlines()[-1] == "all checks passed"
    assert "PROBLEM  umask" in cohort.run("mgr2", "doctor", str(cohort.folder), umask="022").stdout


def test_without_a_roster_only_the_files_owner_may_change_it(env: Env) -> None:
    loose = env.folder.parent / "no-roster"
    loose.mkdir(exist_ok=True)
    os.chown(loose, 0, _gid(env.people.group))
    loose.chmod(0o2770)
    create = f"import os; os.close(os.open({str(loose / 'app2.json')!r}, os.O_CREAT | os.O_WRONLY, 0o660))"
    made = env.python_as("app2", create)
    assert made.returncode == 0, made.stderr
    assert env.run("app2", "roster", "check", str(loose), "evidence.assess", "app2.json").returncode == 0
    refused = env.run("app1", "roster", "check", str(loose), "evidence.add", "app2.json")
    assert refused.returncode == 1
    assert refused.stdout.startswith("no: this folder has no roster, so only the file's owner may add evidence to")
    hint = "(a tutor can set one up with `portfolio roster init`)"
    assert refused.stdout.rstrip().endswith(f": {env.people['app2']} {hint}")


_FORGE = """
import json, os, sys
sys.path.insert(0, os.environ["PYTHONPATH"])
from portfolio_tui.domain import audit_chain
path = sys.argv[1]
data = json.load(open(path))
me, claim = sys.argv[2], sys.argv[3]
data["entries"][me] = {"role": "tutor", "portfolios": ["*"]}
if claim:
    change = {"at": "2026-01-01T00:00:00Z", "by": claim, "action": "add", "account": me, "role": "tutor",
              "portfolios": ["*"]}
    data["history"].append(audit_chain.seal(change, audit_chain.head(data["history"])))
tmp = path + ".forged"
json.dump(data, open(tmp, "w"))
os.replace(tmp, path)
"""


def test_an_apprentice_who_forges_the_roster_is_found_out(cohort: Env) -> None:
    roster = cohort.folder / "roster.json"
    original = roster.read_bytes()
    owner = roster.stat().st_uid
    me, tutor = cohort.people["app2"], cohort.people["tutor"]
    try:
        argv = ["runuser", "-u", me, "--", *cohort.runtime.env(), cohort.runtime.python, "-c", _FORGE, str(roster),
                me, ""]
        assert subprocess.run(argv, capture_output=True, cwd="/").returncode == 0
        shown = cohort.run("app2", "roster", "check", str(cohort.folder), "evidence.assess", "app2")
        assert shown.returncode == 2 and "not what its history says: changed outside the app" in shown.stderr

        argv[-1] = tutor  # now also a history entry, properly sealed, claiming the tutor made the change
        assert subprocess.run(argv, capture_output=True, cwd="/").returncode == 0
        shown = cohort.run("tutor", "roster", "show", str(cohort.folder))
        assert shown.returncode == 2
        assert f"last written by {me}, but its last recorded change is by {tutor}" in shown.stderr
        assert cohort.run("tutor", "verify", str(cohort.folder)).returncode == 1
    finally:
        tmp = roster.with_suffix(".restore")
        tmp.write_bytes(original)
        os.chown(tmp, owner, _gid(cohort.people.group))
        tmp.chmod(0o660)
        os.replace(tmp, roster)
    assert cohort.run("tutor", "roster", "show", str(cohort.folder)).returncode == 0
