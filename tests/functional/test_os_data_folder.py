"""A tutor's own data folder, on a server where their primary group is the cohort's and the umask is
007 (as docs/shared-server.md recommends): review F8. The app used to make ``~/.local/share`` and the
data folder group-writable on the way to a signing key, and a cohort member then planted a doctored
``odo-l3`` in the tutor's standards, which overrode the shipped one (22 criteria became 2)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio_tui.locations import shipped_standards_dir
from tests.functional import os_accounts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def people() -> Iterator[tuple[os_accounts.Cohort, os_accounts.Runtime]]:
    reason = os_accounts.unavailable()
    if reason:
        pytest.skip(reason)
    with os_accounts.cohort(("tutor", "mallory"), homes=True) as cohort, \
            os_accounts.shared_runtime(cohort["tutor"]) as runtime:
        if runtime is None:
            pytest.skip("no Python interpreter the test accounts can run")
        yield cohort, runtime


def _home(account: str) -> Path:
    import pwd

    return Path(pwd.getpwnam(account).pw_dir)


def run(people: tuple[os_accounts.Cohort, os_accounts.Runtime], label: str, *argv: str
        ) -> subprocess.CompletedProcess[str]:
    cohort, runtime = people
    account = cohort[label]
    command = ["runuser", "-u", account, "--", *runtime.env(HOME=str(_home(account)), COLUMNS="300"),
               "sh", "-c", 'umask 007; exec "$@"', "sh", *argv]
    return subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=60)


def test_the_data_folder_and_every_folder_made_above_it_are_the_accounts_alone(people) -> None:
    cohort, runtime = people
    made = run(people, "tutor", *runtime.argv("keys", "show"))
    assert made.returncode == 0, made.stderr
    home = _home(cohort["tutor"])
    for level in (home / ".local", home / ".local" / "share", home / ".local" / "share" / "portfolio-tui"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level


def test_a_standard_another_account_planted_in_a_group_writable_folder_is_not_used(people) -> None:
    """The folders an older version left group-writable: a cohort member plants an odo-l3 with 2 of its
    22 criteria. The tutor's app lists it as not used, and the shipped odo-l3 stands."""
    cohort, runtime = people
    home = _home(cohort["tutor"])
    data = home / ".local" / "share" / "portfolio-tui"
    standards = data / "standards"
    made = run(people, "tutor", "mkdir", "-p", str(standards))
    assert made.returncode == 0, made.stderr
    for level in (home / ".local", home / ".local" / "share", data, standards):
        level.chmod(0o770)  # as Path.mkdir(parents=True) left them under umask 007
    doctored = json.loads((shipped_standards_dir() / "odo-l3.json").read_text())
    for group in doctored["groups"]:
        group["criteria"] = [c for c in group["criteria"] if c["id"] in ("S1", "S2")]
    doctored["groups"] = [g for g in doctored["groups"] if g["criteria"]]
    planted = run(people, "mallory", runtime.python, "-c",
                  f"import json, sys; open({str(standards / 'odo-l3.json')!r}, 'w').write(sys.argv[1])",
                  json.dumps(doctored))
    assert planted.returncode == 0, planted.stderr
    shown = run(people, "tutor", *runtime.argv("standards", "show", "odo-l3", "--json"))
    assert shown.returncode == 0, shown.stderr
    criteria = [c["id"] for g in json.loads(shown.stdout)["groups"] for c in g["criteria"]]
    assert len(criteria) == 22
    listed = run(people, "tutor", *runtime.argv("standards", "list"))
    assert "not used: other accounts can change it" in listed.stdout + listed.stderr
    for level in (home / ".local", home / ".local" / "share", data, standards):
        level.chmod(0o700)
    (standards / "odo-l3.json").unlink()
    os.rmdir(standards)
