"""A judgement, a sign-off or a repair in the tutor's name or power, in an entry an apprentice signs in her own
(review F3, F4).

The same cohort as ``test_os_signing`` (every key enrolled by root). The readers ask the roster whether the name a
judgement or a sign-off holds had that role then, and whether the key of the entry is its ``by``'s: app1 wrote the
tutor's name into both and signed the entry, in her own name, with her own key, so both checks passed and every
reader counted the tutor's acceptance and assessor's sign-off she made (``verify`` named them). Now a judgement
counts only when an entry in its own name made it, and a sign-off only when an entry in its own name added it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.functional import os_accounts
from tests.functional import test_os_signing as signing
from tests.functional.test_os_rewrites import gateway_entry
from tests.functional.test_os_signing import Env, verify_breaks

env = signing.env
portfolio = signing.portfolio

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

_IN_HER_ENTRY = signing._SELF_ASSESS.replace("path = sys.argv[1]", "path, tutor, how = sys.argv[1:4]").replace(
    '"feedback": "Meets every criterion", "by": me', '"feedback": "Meets every criterion", "by": tutor').replace(
    'fields = {"role": "assessor", "by": me', 'fields = {"role": "assessor", "by": tutor').replace(
    '"changes": {"judgements": {"from": before, "to": evidence["judgements"]}},',
    '"changes": {"judgements": {"from": evidence["judgements"] if how == "from" else before, '
    '"to": evidence["judgements"]}},')


@pytest.mark.parametrize("how", ["to", "from"])
def test_the_tutors_name_in_an_apprentices_entry_counts_for_no_reader(env: Env, portfolio: Path, how: str) -> None:
    """``how``: the acceptance listed as made by her entry, or listed as held before it (made by no one)."""
    forged = env.python_as("app1", _IN_HER_ENTRY, str(portfolio), env.people["tutor"], how)
    assert forged.returncode == 0, forged.stderr
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1 and ("signoffs 1", "forged") in breaks, breaks
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert {"evidence 2", "signoffs 1"} <= set(entry["changed_outside"]), (label, entry["changed_outside"])
        assert entry["coverage"]["full"] == 0 and entry["rag"] != "green", (label, entry["coverage"])
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 2" in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)
    env.ok("tutor", "repair", str(portfolio), "--reason", "app1's entry in the tutor's name kept as history, void")
    env.ok("tutor", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "Now dated")
    entry = gateway_entry(env, "mgr", portfolio)
    assert entry["changed_outside"] == [] and entry["coverage"]["full"] == 1, entry


_OWN_REPAIR = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, action = sys.argv[1:3]
doc = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
audit = doc["audit"]
entries = [e for _, e in audit_chain.ordered(audit)]
entry = {"at": at, "by": me, "action": action, "table": "meta", "record": 1 if action == "import" else None,
         "detail": "repaired: checked", audit_chain.TAKEN_IN: audit_chain.history_digest(entries)}
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


@pytest.mark.parametrize("action", ["repair", "import"])
def test_an_apprentices_own_repair_takes_nothing_in_for_the_readers(env: Env, portfolio: Path, action: str) -> None:
    """Review F4: readers took any entry called a repair (or an import) with a ``taken_in`` digest as a tutor's, and
    asked nothing again of what came before it: app1 accepted her own evidence and signed the gateway off as
    assessor (R7-8), then appended a "repair" of her own, signed with her own key, and every reader counted both.
    Only a repair or an import signed by a tutor of the portfolio then, with a key that signs in its name, counts."""
    forged = env.python_as("app1", signing._SELF_ASSESS, str(portfolio))
    assert forged.returncode == 0, forged.stderr
    repaired = env.python_as("app1", _OWN_REPAIR, str(portfolio), action)
    assert repaired.returncode == 0, repaired.stderr
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1, breaks
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert {"evidence 2", "signoffs 1"} <= set(entry["changed_outside"]), (label, entry["changed_outside"])
        assert entry["coverage"]["full"] == 0 and entry["rag"] != "green", (label, entry["coverage"])
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 2" in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)


_OWN_SEAL = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, tutor, action = sys.argv[1:4]
doc = json.load(open(path))
me, now = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
audit = doc["audit"]
added = [e["at"] for _, e in audit_chain.ordered(audit) if e.get("table") == "reviews" and e.get("action") == "add"][-1]
row = doc["reviews"]["1"]
row["confirmations"] = [*row.get("confirmations", []), {"party": "provider", "by": tutor, "at": added}]
entry = {"at": now, "by": me, "action": action, "table": "reviews", "record": 1, "detail": "recorded as found",
         "record_hash": audit_chain.record_digest(row)}
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


@pytest.mark.parametrize("action", ["seal", "migrate"])
def test_a_seal_of_an_apprentices_own_vouches_for_nothing(env: Env, portfolio: Path, action: str) -> None:
    """Review F11: a confirmation counts when the entry that added its record was in its name and moment and the
    record, walked back, held it then; a ``seal`` (a tutor's repair) or ``migrate`` entry on the way makes that walk
    "not to be told", and the confirmation was believed. app1 put the provider's confirmation, dated as the tutor's
    adding of the review, into it and appended a seal (or a migrate entry) of her own: every reader counted it."""
    env.ok("tutor", "review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "Behind on S3")
    forged = env.python_as("app1", _OWN_SEAL, str(portfolio), env.people["tutor"], action)
    assert forged.returncode == 0, forged.stderr
    assert verify_breaks(env, "mgr", str(portfolio))[0] == 1
    for label in ("tutor", "mgr", "app1"):
        assert "reviews 1" in gateway_entry(env, label, portfolio)["changed_outside"], label
    timeline = json.loads(env.ok("mgr", "timeline", str(portfolio), "--json"))
    [held] = timeline["reviews"]["held"]
    assert held["confirmations"] == [] and "provider" in held["awaiting"], held


_GONE_AND_BACK = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, table, record, fields = sys.argv[1:5]
doc = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
audit = doc["audit"]
def append(entry):
    audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT,
                                                            keys.own_signer())
row = doc[table][record]
append({"at": at, "by": me, "action": "delete", "table": table, "record": int(record), "detail": "deleted",
        "changes": {"rev": {"from": row["rev"], "to": None}}, "record_hash": None})
row.update(json.loads(fields), rev=1, created_by=me, created_at=at, updated_by=me, updated_at=at)
append({"at": at, "by": me, "action": "add", "table": table, "record": int(record), "detail": f"added {table}",
        "record_hash": audit_chain.record_digest(row)})
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


def test_a_piece_deleted_and_added_again_keeps_no_judgement(env: Env, portfolio: Path) -> None:
    """Review F12: a judgement counts when an entry in its author's name made it, on that record's id; app1 "deleted"
    the piece the tutor accepted and added it again under the same id, wider, still holding the acceptance (not a
    second add: a deletion came between), and every reader counted the tutor's acceptance for seven criteria."""
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    covered = gateway_entry(env, "tutor", portfolio)["coverage"]["full"]
    wider = json.dumps({"criteria": ["S1", "S2", "S3", "S4", "S5", "K1", "K2"]})
    forged = env.python_as("app1", _GONE_AND_BACK, str(portfolio), "evidence", "2", wider)
    assert forged.returncode == 0, forged.stderr
    assert verify_breaks(env, "mgr", str(portfolio))[0] == 1
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert "evidence 2" in entry["changed_outside"], (label, entry["changed_outside"])
        assert entry["coverage"]["full"] <= covered, (label, entry["coverage"])


def test_a_review_deleted_and_added_again_keeps_no_confirmation(env: Env, portfolio: Path) -> None:
    """Review F12, for confirmations: the tutor confirmed a review as the provider; the line manager "deleted" it and
    added it again under its id with notes of his own, the tutor's confirmation still in it, and every reader
    counted it as the provider's confirmation of what he wrote."""
    env.ok("tutor", "review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "Behind on S3")
    env.ok("tutor", "review", "confirm", str(portfolio), "1")
    forged = env.python_as("mgr", _GONE_AND_BACK, str(portfolio), "reviews", "1", json.dumps({"notes": "On track"}))
    assert forged.returncode == 0, forged.stderr
    assert verify_breaks(env, "tutor", str(portfolio))[0] == 1
    for label in ("tutor", "mgr", "app1"):
        assert "reviews 1" in gateway_entry(env, label, portfolio)["changed_outside"], label
    [held] = json.loads(env.ok("app1", "timeline", str(portfolio), "--json"))["reviews"]["held"]
    assert held["confirmations"] == [] and "provider" in held["awaiting"], held


def test_a_judgement_dated_back_before_a_repair_is_not_history(env: Env, portfolio: Path) -> None:
    """Review F13: readers leave out what a tutor's repair took in by the time a record's word claims, so once the
    file had a repair, app1's own acceptance and assessor sign-off appended after it, dated back before it, passed
    as history and counted for every reader. What changed after the repair is judged, whatever date it gives."""
    edited = env.python_as("tutor", signing._HAND_EDIT, str(portfolio), "learner", "1", "employer", '"HMRC"')
    assert edited.returncode == 0, edited.stderr
    env.ok("tutor", "repair", str(portfolio), "--reason", "the employer's name typed in by hand; checked with them")
    now = 'datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")'
    backdated = signing._SELF_ASSESS.replace(now, '"2025-05-01T09:00:00Z"')
    forged = env.python_as("app1", backdated, str(portfolio))
    assert forged.returncode == 0, forged.stderr
    assert verify_breaks(env, "mgr", str(portfolio))[0] == 1
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert {"evidence 2", "signoffs 1"} <= set(entry["changed_outside"]), (label, entry["changed_outside"])
        assert entry["coverage"]["full"] == 0, (label, entry["coverage"])
