"""A cohort's roster deleted, or replaced by a copy a group member made, gives no one any role (review F2).

The same cohort as ``test_os_signing`` (every key enrolled by root). app1 accepts her own evidence and signs the
gateway off as assessor in entries signed with her own key (or the tutor's acceptance in an entry "by" the tutor,
signed with her key): the roster, as it stood, names her an apprentice, so no reader counted them. Readers took no
roster as "no role to check": deleting ``roster.json``, or renaming a copy of it over itself (the copy hers, so
refused), which any group member may do, made every reader count them. Now a cohort folder whose roster is missing
or refused believes no judgement, sign-off or confirmation at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.functional import os_accounts
from tests.functional import test_os_signing as signing
from tests.functional.test_os_signing import Env
from tests.functional.test_os_users import _ACCEPT_AS

env = signing.env
portfolio = signing.portfolio

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

_GONE = {
    "deleted": "import os, sys; os.unlink(sys.argv[1])",
    "copied over": ("import os, shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[1] + '.new'); "
                    "os.replace(sys.argv[1] + '.new', sys.argv[1])"),
}


@pytest.mark.parametrize("how", sorted(_GONE))
@pytest.mark.parametrize("forged", ["her own acceptance and sign-off", "the tutor's acceptance with her key"])
def test_a_roster_taken_away_counts_no_forged_judgement(env: Env, portfolio: Path, how: str, forged: str) -> None:
    if forged == "her own acceptance and sign-off":
        done, pieces = env.python_as("app1", signing._SELF_ASSESS, str(portfolio)), {"evidence 2", "signoffs 1"}
    else:
        done, pieces = env.python_as("app1", _ACCEPT_AS, str(portfolio), env.people["tutor"]), {"evidence 1"}
    assert done.returncode == 0, done.stderr
    roster = env.folder / "roster.json"
    original, info = roster.read_bytes(), roster.stat()
    gone = env.python_as("app1", _GONE[how], str(roster))
    assert gone.returncode == 0, gone.stderr
    try:
        for label in ("tutor", "mgr", "app1"):
            shown = _shown(env, label, "gateway", str(portfolio), "--json")
            if shown is not None:
                entry = shown["portfolios"][0] if "portfolios" in shown else shown
                assert pieces <= set(entry["changed_outside"]), (label, entry["changed_outside"])
                assert entry["coverage"]["full"] == 0 and entry["rag"] != "green", (label, entry["coverage"])
            listed = _shown(env, label, "evidence", "list", str(portfolio), "--json")
            assert listed is None or pieces & set(listed["changed_outside"]), (label, listed)
    finally:
        signing._restore(roster, original, info.st_uid, info.st_gid)


def _shown(env: Env, label: str, *argv: str) -> dict | None:
    """What a reader shows (``None``: it refused, in one line, and showed nothing)."""
    done = env.run(label, *argv)
    if done.returncode == 2:
        assert done.stdout == "" and done.stderr.count("\n") == 1 and "roster.json" in done.stderr, done.stderr
        return None
    assert done.returncode in (0, 1), (label, argv, done.stderr)
    return json.loads(done.stdout)
