"""Entries made in the same second as a roster change (review D16), by real OS accounts in one cohort group.

Every time the app writes is to the second, and a portfolio's entries and its roster's changes are in two files,
so nothing tells which of an entry and a roster change of one second came first. Readers, ``verify`` and the
store's check before a save judged such an entry by the roster after the change: an honest flow within one second
(the apprentice's last piece and the tutor's acceptance of it, then the tutor's roster change) had the acceptance
not counted and every later save refused until a repair. Each account here runs the app with its clock held at one
second (the store's one clock, ``store.persistence.utc_now``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.functional import os_accounts
from tests.functional import test_os_signing as signing
from tests.functional.test_os_signing import Env, last_audit, verify_breaks

env = signing.env

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

_AT = """
import sys
from datetime import datetime
from portfolio_tui.store import persistence
moment = datetime.fromisoformat(sys.argv[1])
class Held(datetime):
    @classmethod
    def now(cls, tz=None):
        return moment
persistence.datetime = Held
from portfolio_tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def at(env: Env, label: str, moment: str, *args: str) -> str:
    """Run ``portfolio ARGS`` as ``label`` with the app's clock held at ``moment``."""
    done = env.python_as(label, _AT, moment, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def gateway_entry(env: Env, label: str, path: Path) -> dict:
    report = json.loads(env.run(label, "gateway", str(path), "--json").stdout)
    return report["portfolios"][0] if "portfolios" in report else report


@pytest.fixture
def portfolio(env: Env) -> Iterator[Path]:
    path = env.folder / "app1.json"
    env.ok("tutor", "new", str(path), "--learner", "Ann One", "--standard", "odo-l3", "--start", "2025-03-03",
           "--end", "2026-09-30")
    yield path
    for leftover in env.folder.glob("app1.json*"):
        leftover.unlink()


def test_an_honest_flow_within_the_second_of_a_roster_change_counts_and_later_saves_go_on(env: Env,
                                                                                          portfolio: Path) -> None:
    """app1 adds her piece and the tutor accepts it, then the tutor hands app1's portfolio to nobody (her own cover
    narrowed to app2's) and takes app1 off the roster, all in one second; then puts both back. The piece and its
    acceptance were made while the roster allowed them: verify finds nothing, the gateway counts the acceptance,
    and the next saves of both are taken."""
    folder, people = str(env.folder), env.people
    moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    at(env, "app1", moment, "evidence", "add", str(portfolio), "--title", "Letter to a customer", "--date",
       "2025-04-01", "--kind", "product", "--criteria", "S1")
    at(env, "tutor", moment, "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "Good")
    try:
        at(env, "tutor", moment, "roster", "remove", folder, people["app1"])
        at(env, "tutor", moment, "roster", "add", folder, people["tutor"], "--role", "tutor", "--portfolio", "app2")
    finally:
        env.ok("tutor", "roster", "add", folder, people["tutor"], "--role", "tutor", "--portfolio", "*")
        env.ok("tutor", "roster", "add", folder, people["app1"], "--role", "apprentice", "--portfolio", "app1")
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(portfolio))
        assert code == 0 and breaks == [], (label, breaks)
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert entry["changed_outside"] == [] and entry["coverage"]["full"] == 1, (label, entry)
    env.ok("app1", "evidence", "add", str(portfolio), "--title", "Minutes", "--date", "2025-04-02", "--kind",
           "product", "--criteria", "S2")
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--refer", "--feedback", "Add the date")
    assert last_audit(portfolio) == 5


def test_a_judgement_made_a_second_after_its_tutor_was_taken_off_is_still_not_counted(env: Env,
                                                                                       portfolio: Path) -> None:
    """The other side of the second's doubt: a tutor taken off a portfolio's cover at one second and accepting a
    piece at the next (written with Python, dated as she likes) is not allowed it, nor counted."""
    folder, people = str(env.folder), env.people
    seconds = [datetime.fromtimestamp(int(time.time()) - 60 + n, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for n in range(3)]
    at(env, "app1", seconds[0], "evidence", "add", str(portfolio), "--title", "Letter", "--date", "2025-04-01",
       "--kind", "product", "--criteria", "S1")
    try:
        at(env, "tutor", seconds[0], "roster", "add", folder, people["tutor"], "--role", "tutor", "--portfolio", "app2")
        forged = _accept_as_tutor_at(env, portfolio, seconds[1])
    finally:
        at(env, "tutor", seconds[2], "roster", "add", folder, people["tutor"], "--role", "tutor", "--portfolio", "*")
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1 and (f"audit {forged}", "not-allowed") in breaks, breaks
    entry = gateway_entry(env, "mgr", portfolio)
    assert "evidence 1" in entry["changed_outside"] and entry["coverage"]["full"] == 0, entry


_ACCEPT_AT = """
import json, sys
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, at = sys.argv[1:3]
doc = json.load(open(path))
me = current_user()
piece = doc["evidence"]["1"]
before = list(piece["judgements"])
piece["judgements"].append({"outcome": "accept", "feedback": "Fine", "by": me, "at": at})
piece.update(rev=piece["rev"] + 1, updated_by=me, updated_at=at)
entry = {"at": at, "by": me, "action": "assess", "table": "evidence", "record": 1, "detail": "accepted",
         "changes": {"judgements": {"from": before, "to": piece["judgements"]}},
         "record_hash": audit_chain.record_digest(piece)}
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


def _accept_as_tutor_at(env: Env, portfolio: Path, moment: str) -> int:
    """The tutor's own acceptance of evidence 1, signed with her key and dated ``moment``, written with Python (the
    app would refuse it: she no longer covers the portfolio)."""
    done = env.python_as("tutor", _ACCEPT_AT, str(portfolio), moment)
    assert done.returncode == 0, done.stderr
    return last_audit(portfolio)
