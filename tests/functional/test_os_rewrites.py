"""Records rewritten by entries a group member signs with her own key (review R7): each is named and not counted.

The same cohort as ``test_os_signing`` (a tutor, a line manager, two apprentices, every key enrolled by root).
An account writes, with Python and the app's own code, an entry the app never writes: a second ``add`` of a
record that exists (R7-13), an ``edit`` that lists no change (R7-14). Its signature is its own and verifies, so
only what the entry does gives it away: ``portfolio verify`` names it, and no reader (``gateway``, ``evidence
list``) counts the record it rewrote.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.functional import os_accounts
from tests.functional import test_os_signing as signing
from tests.functional.test_os_signing import _HAND_EDIT, Env, last_audit, verify_breaks
from tests.functional.test_os_users import _ACCEPT_AS, _ROSTER_CHANGE_OF_MY_OWN

env = signing.env
portfolio = signing.portfolio

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

_REWRITE = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, table, record, how, fields = sys.argv[1:6]
doc = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
row = doc[table][record]
row.update(json.loads(fields))
if how == "add":  # the record made again, as if it were new
    row.update(rev=1, created_by=me, created_at=at, updated_by=me, updated_at=at)
elif how == "empty-changes":
    row.update(rev=row["rev"] + 1, updated_by=me, updated_at=at)
# (an edit listing no change leaves who last changed it as it was: nothing names the entry's signer)
entry = {"at": at, "by": me, "action": "add" if how == "add" else "edit", "table": table, "record": int(record),
         "detail": f"added {table} {record}" if how == "add" else "changed",
         "record_hash": audit_chain.record_digest(row)}
if how == "empty-changes":
    entry["changes"] = {}
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:  # in place: the file keeps its owner
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""

WIDER = json.dumps({"criteria": ["S1", "S2", "S3", "S4", "S5", "K1", "K2"]})


def gateway_entry(env: Env, label: str, path: Path) -> dict:
    done = env.run(label, "gateway", str(path), "--json")
    report = json.loads(done.stdout)
    return report["portfolios"][0] if "portfolios" in report else report


def rewrite(env: Env, label: str, path: Path, table: str, record: str, how: str, fields: str) -> int:
    done = env.python_as(label, _REWRITE, str(path), table, record, how, fields)
    assert done.returncode == 0, done.stderr
    return last_audit(path)


def assert_named_and_not_counted(env: Env, path: Path, number: int, record: str, covered: int | None) -> None:
    """verify names audit ``number`` and every reader leaves ``record`` out (``covered``: the criteria the gateway
    may still count as covered, when the rewrite was of evidence)."""
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(path))
        assert code == 1 and (f"audit {number}", "forged") in breaks, (label, breaks)
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, path)
        assert record in entry["changed_outside"] and entry["rag"] != "green", (label, entry)
        if covered is not None:
            assert entry["coverage"]["full"] <= covered, (label, entry["coverage"])
        listed = env.run(label, "evidence", "list", str(path), "--json")
        assert record in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)


def test_an_accepted_piece_added_again_wider_is_named_and_not_counted(env: Env, portfolio: Path) -> None:
    """R7-13: app1's own signed `add` of evidence 2, which the tutor accepted for S1, now tagged to seven
    criteria and still holding the acceptance: an add, which app1 may make, in place of an edit after acceptance."""
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    covered = gateway_entry(env, "tutor", portfolio)["coverage"]["full"]
    number = rewrite(env, "app1", portfolio, "evidence", "2", "add", WIDER)
    assert_named_and_not_counted(env, portfolio, number, "evidence 2", covered)
    before = portfolio.read_bytes()
    refused = env.run("tutor", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "ok")
    assert refused.returncode == 2 and f"audit {number}" in refused.stderr, refused.stderr
    assert refused.stderr.count("\n") == 1 and portfolio.read_bytes() == before


def test_a_review_added_again_by_the_line_manager_is_named(env: Env, portfolio: Path) -> None:
    """R7-13: the tutor records a review; the line manager, who may record reviews, `add`s it again with notes of
    his own: the tutor's record replaced, not a review recorded."""
    env.ok("tutor", "review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "Behind on S3")
    number = rewrite(env, "mgr", portfolio, "reviews", "1", "add", json.dumps({"notes": "On track"}))
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(portfolio))
        assert code == 1 and (f"audit {number}", "forged") in breaks, (label, breaks)
    assert "reviews 1" in gateway_entry(env, "tutor", portfolio)["changed_outside"]


@pytest.mark.parametrize(("label", "how"), [("app1", "no-changes"), ("app1", "empty-changes"),
                                            ("app2", "no-changes"), ("mgr", "no-changes")])
def test_an_edit_that_lists_no_change_is_named_and_not_counted(env: Env, portfolio: Path, label: str,
                                                               how: str) -> None:
    """R7-14: an `edit` of accepted evidence 2 whose `changes` are missing or empty needed no permission at all:
    app1 widened it round the reopen rule, and app2 (not on app1's portfolio) or the line manager could too."""
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    covered = gateway_entry(env, "tutor", portfolio)["coverage"]["full"]
    number = rewrite(env, label, portfolio, "evidence", "2", how, WIDER)
    assert_named_and_not_counted(env, portfolio, number, "evidence 2", covered)


_FORGE_CONFIRMATION = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain, employer_decisions
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
from portfolio_tui.store.records import from_record
path, table, record, field, party, account, listed = sys.argv[1:8]
doc = json.load(open(path))
me, now = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
row = doc[table][record]
# any entry of the account on the record lends its moment to the confirmation
at = [e["at"] for _, e in audit_chain.ordered(doc["audit"]) if e.get("table") == table
      and str(e.get("record")) == record and e.get("by") == account][-1]
if table == "learner":
    made = {"decision": "prior-learning", "party": party, "by": account, "at": at,
            "terms": employer_decisions.terms(from_record(Learner, 1, row), "prior-learning")}
else:
    made = {"party": party, "by": account, "at": at}
row[field] = [*row.get(field, []), made]  # put in, not listed among the changes
name, value = listed.split("=", 1)
changes = {name: {"from": row.get(name), "to": value}}
row.update({name: value, "rev": row["rev"] + 1, "updated_by": me, "updated_at": now})
entry = {"at": now, "by": me, "action": "edit", "table": table, "record": int(record), "detail": f"changed {name}",
         "changes": changes, "record_hash": audit_chain.record_digest(row)}
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


@pytest.mark.parametrize("repaired", [False, True])
def test_the_employers_confirmation_put_in_by_the_tutor_is_forged_and_not_counted(
    env: Env, portfolio: Path, repaired: bool
) -> None:
    """R7-18: the line manager confirms the employer's English and maths decision; the tutor then puts the
    employer's confirmation of the prior learning (300 hours off the target) into the learner's record in an edit of
    their own that lists another field, dated as the line manager's entry. A confirmation counted if any entry of
    its account touched the record: it must be the entry that makes it. ``repaired``: the tutor first repairs the
    file (a field of the record changed by hand), so no record of the learner before the edit is walked back."""
    path = str(portfolio)
    env.ok("tutor", "learner", "set", path, "--age-at-start", "19", "--english-maths", "not-required",
           "--english-maths-decided-by", "Mona M (employer)", "--prior-learning-hours", "300",
           "--prior-learning-reason", "Level 2 award", "--prior-learning-agreed-by", "Mona M (employer)")
    env.ok("mgr", "learner", "confirm", path, "english-maths")
    if repaired:
        edited = env.python_as("tutor", _HAND_EDIT, path, "learner", "1", "employer", '"HMRC"')
        assert edited.returncode == 0, edited.stderr
        env.ok("tutor", "repair", path, "--reason", "the employer's name typed in by hand; checked with them")
    assert verify_breaks(env, "mgr", path) == (0, [])
    forged = env.python_as("tutor", _FORGE_CONFIRMATION, path, "learner", "1", "employer_confirmations", "employer",
                           env.people["mgr"], "employer=HM Revenue and Customs")
    assert forged.returncode == 0, forged.stderr
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, path)
        assert code == 1 and ("learner 1", "forged") in breaks, (label, breaks)
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert "learner 1" in entry["changed_outside"] and entry["otj"]["prior_learning"] == 0, (label, entry["otj"])
        assert "prior-learning" in entry["awaiting_employer"], (label, entry)
    decisions = env.run("app1", "learner", "decisions", path)
    assert "prior-learning" in decisions.stdout and "confirmed by the employer" not in decisions.stdout.split(
        "prior-learning", 1)[1].split("\n", 1)[0], decisions.stdout


def test_the_providers_confirmation_of_a_review_put_in_by_the_line_manager_is_forged(env: Env,
                                                                                     portfolio: Path) -> None:
    """R7-18: the tutor records a review; the line manager edits its notes and puts in the provider's confirmation
    dated as the tutor's entry that recorded it."""
    env.ok("tutor", "review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "Behind on S3")
    forged = env.python_as("mgr", _FORGE_CONFIRMATION, str(portfolio), "reviews", "1", "confirmations", "provider",
                           env.people["tutor"], "notes=On track")
    assert forged.returncode == 0, forged.stderr
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(portfolio))
        assert code == 1 and ("reviews 1", "forged") in breaks, (label, breaks)
    assert "reviews 1" in gateway_entry(env, "app1", portfolio)["changed_outside"]
    timeline = json.loads(env.ok("app1", "timeline", str(portfolio), "--json"))
    [held] = timeline["reviews"]["held"]
    assert held["confirmations"] == [] and "provider" in held["awaiting"], held


@pytest.mark.parametrize("how", ["promote", "unassign"])
def test_an_apprentices_own_signed_roster_change_is_refused_under_anchors(env: Env, portfolio: Path,
                                                                         how: str) -> None:
    """R7-15 with trust anchors (already closed: each change must be by someone the roster as it stood let edit
    it): app2's own change, signed with her enrolled key and written by rename, is refused by every command."""
    roster = env.folder / "roster.json"
    original, info = roster.read_bytes(), roster.stat()
    done = env.python_as("app2", _ROSTER_CHANGE_OF_MY_OWN, str(roster), how, env.people["tutor"])
    assert done.returncode == 0, done.stderr
    try:
        for label in ("tutor", "app2", "mgr"):
            shown = env.run(label, "roster", "show", str(env.folder))
            assert shown.returncode == 2 and "could not edit the roster then" in shown.stderr, (label, shown.stderr)
        code, breaks = verify_breaks(env, "mgr", str(env.folder))
        assert code == 1 and ("roster.json", "roster") in breaks, breaks
        refused = env.run("app2", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "mine")
        assert refused.returncode == 2 and "roster.json" in refused.stderr, refused.stderr
    finally:
        signing._restore(roster, original, info.st_uid, info.st_gid)


_JUDGE_BY_CRITERION = """
import sys
from portfolio_tui.services.portfolios import PortfolioService
PortfolioService(sys.argv[1]).assess_criteria(int(sys.argv[2]), {"S1": "accept", "S2": "refer"},
                                              "S1 met; S2 needs an example of your own")
"""


@pytest.mark.parametrize("client", ["the app", "without the reopen rule"])
def test_an_edit_after_a_referral_of_one_criterion_does_not_leave_the_other_accepted(
    env: Env, portfolio: Path, client: str
) -> None:
    """R7-20: the reopen rule and the readers followed only a whole piece accepted. The tutor accepts S1 of a piece
    and refers S2 (criterion by criterion, as the assess dialog does), which sends it back for that change; the
    apprentice then rewrites the piece (another title and description). The app added no reopen mark (the piece
    was "referred", not accepted) and S1 stayed accepted over what the tutor never saw, in verify and the gateway.
    Now the app's edit reopens a piece with any criterion accepted, and an edit without the mark (a client with the
    rule taken out) is named by verify and not counted."""
    path = str(portfolio)
    env.ok("app1", "evidence", "add", path, "--title", "Report on the complaints backlog", "--date", "2025-04-02",
           "--kind", "project", "--criteria", "S1,S2")
    judged = env.python_as("tutor", _JUDGE_BY_CRITERION, path, "3")
    assert judged.returncode == 0, judged.stderr
    assert gateway_entry(env, "tutor", portfolio)["coverage"]["full"] == 1
    argv = ("evidence", "edit", path, "3", "--title", "Another report", "--description", "Not what was assessed")
    if client == "the app":
        env.ok("app1", *argv)
        assert json.loads(portfolio.read_text())["evidence"]["3"]["judgements"][-1]["outcome"] == "reopen"
        assert verify_breaks(env, "tutor", path) == (0, [])
    else:
        edited = env.python_as("app1", signing._NO_REOPEN, *argv)
        assert edited.returncode == 0, edited.stderr
        code, breaks = verify_breaks(env, "tutor", path)
        assert code == 1 and ("evidence 3", "judgement") in breaks, breaks
        assert "evidence 3" in gateway_entry(env, "tutor", portfolio)["changed_outside"]
    for label in ("tutor", "mgr", "app1"):
        assert gateway_entry(env, label, portfolio)["coverage"]["full"] == 0, label


def test_a_portfolio_begun_elsewhere_and_imported_by_the_tutor_is_sound_for_everyone(env: Env) -> None:
    """D12: app2 keeps her portfolio in a folder of her own (no roster: she made it and added to it, with her own
    enrolled key), exports it and the tutor imports it into the cohort. Her entries were made where no roster stood,
    yet every entry after the cohort's roster began was judged by that roster by its name: verify called the
    honest import BROKEN ("audit 1 is by app2, who was not allowed to then") and every account but the tutor was
    refused on its next save. The tutor's signed import takes in the history it checked (as a repair does)."""
    own = env.homes["app2"]  # (her own data folder: no roster, nobody else can enter it)
    target = env.folder / "app2.json"
    zipped = env.folder / "app2-export.zip"
    env.ok("app2", "new", str(own / "app2.json"), "--learner", "Bea Two", "--standard", "odo-l3", "--start",
           "2025-03-03", "--end", "2026-09-30")
    env.ok("app2", "evidence", "add", str(own / "app2.json"), "--title", "Minutes", "--date", "2025-04-01",
           "--kind", "product", "--criteria", "S1")
    env.ok("app2", "export", str(own / "app2.json"), "-o", str(zipped))
    try:
        env.ok("tutor", "import", str(zipped), str(env.folder))
        for label in ("tutor", "mgr", "app2"):
            assert verify_breaks(env, label, str(target)) == (0, []), label
        env.ok("app2", "evidence", "add", str(target), "--title", "Letter", "--date", "2025-05-01", "--kind",
               "product", "--criteria", "S2")
        env.ok("tutor", "evidence", "assess", str(target), "1", "--accept", "--feedback", "Good")
        env.ok("mgr", "review", "add", str(target), "--date", "2025-06-01", "--notes", "On track")
        for label in ("tutor", "mgr", "app2"):
            assert verify_breaks(env, label, str(target)) == (0, []), label
    finally:
        for leftover in (*env.folder.glob("app2.json*"), zipped):
            leftover.unlink(missing_ok=True)


_UNSIGNED_ACCEPT = """
import json, sys
from portfolio_tui.domain import audit_chain
path, tutor, at = sys.argv[1:4]
doc = json.load(open(path))
piece = doc["evidence"]["2"]
before = list(piece["judgements"])
piece["judgements"].append({"outcome": "accept", "feedback": "Meets every criterion", "by": tutor, "at": at})
piece.update(rev=piece["rev"] + 1, updated_by=tutor, updated_at=at)
entry = {"at": at, "by": tutor, "action": "assess", "table": "evidence", "record": 2, "detail": "accepted",
         "changes": {"judgements": {"from": before, "to": piece["judgements"]}},
         "record_hash": audit_chain.record_digest(piece)}
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = audit_chain.seal(entry, audit_chain.table_head(audit))  # chained, not signed
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


def test_an_unsigned_entry_after_signing_began_is_not_counted(env: Env, portfolio: Path) -> None:
    """R7-9: app2 (a group member) appends the tutor's acceptance of app1's evidence 2 as an entry with no signature,
    the chain and the record's hash recomputed: verify names it (unsigned, already so), and no reader counts it."""
    forged = env.python_as("app2", _UNSIGNED_ACCEPT, str(portfolio), env.people["tutor"], "2026-01-20T09:00:00Z")
    assert forged.returncode == 0, forged.stderr
    number = last_audit(portfolio)
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1 and (f"audit {number}", "unsigned") in breaks, breaks
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert "evidence 2" in entry["changed_outside"] and entry["coverage"]["full"] == 0, (label, entry)
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 2" in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)


def test_an_apprentices_own_acceptance_and_assessor_signoff_are_not_counted(env: Env, portfolio: Path) -> None:
    """R7-8: app1 accepts her own evidence and signs the gateway off as assessor, each in an entry signed with her own
    enrolled key and in her own name: verify calls both not allowed (already so), and now no reader counts them
    either (the roster, as it stood then, did not make her a tutor). The tutor's own acceptance counts as before."""
    forged = env.python_as("app1", signing._SELF_ASSESS, str(portfolio))
    assert forged.returncode == 0, forged.stderr
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1 and sum(kind == "not-allowed" for _, kind in breaks) == 2, breaks
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert {"evidence 2", "signoffs 1"} <= set(entry["changed_outside"]), (label, entry["changed_outside"])
        assert entry["coverage"]["full"] == 0 and entry["rag"] != "green", (label, entry["coverage"])
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 2" in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)
    env.ok("tutor", "repair", str(portfolio), "--reason", "app1's own acceptance and sign-off kept as history, void")
    env.ok("tutor", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "Now dated")
    entry = gateway_entry(env, "mgr", portfolio)
    assert entry["changed_outside"] == [] and entry["coverage"]["full"] == 1, entry


def test_a_judgement_in_the_tutors_name_signed_with_the_apprentices_key_is_not_counted(env: Env,
                                                                                    portfolio: Path) -> None:
    """R7-6: app1 appends the tutor's acceptance of her evidence 1, now, in an entry "by" the tutor signed with her
    own enrolled key (chain recomputed). verify named it (not enrolled for the tutor, already so); the readers, who
    do not check signatures, counted it. Now the key an entry names must be one enrolled for its ``by``."""
    forged = env.python_as("app1", _ACCEPT_AS, str(portfolio), env.people["tutor"])
    assert forged.returncode == 0, forged.stderr
    number = last_audit(portfolio)
    assert (f"audit {number}", "not-enrolled") in verify_breaks(env, "mgr", str(portfolio))[1]
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert "evidence 1" in entry["changed_outside"] and entry["coverage"]["full"] == 0, (label, entry)
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 1" in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)


_WIDER_UNDER_HOURS = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path = sys.argv[1]
doc = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
piece = doc["evidence"]["2"]
changes = {"hours": {"from": piece.get("hours"), "to": 2.0}}
piece.update(hours=2.0, criteria=["S1", "S2", "S3", "S4", "S5", "K1", "K2"])  # the criteria not listed
piece.update(rev=piece["rev"] + 1, updated_by=me, updated_at=at)
entry = {"at": at, "by": me, "action": "edit", "table": "evidence", "record": 2, "detail": "changed hours",
         "changes": changes, "record_hash": audit_chain.record_digest(piece)}
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


def test_an_accepted_piece_widened_in_an_edit_that_lists_its_hours_is_not_counted(env: Env, portfolio: Path) -> None:
    """An edit signed by app1, who may edit her evidence, lists a change of hours (no judged field, so no reopen is
    due) and widens the accepted piece's criteria unlisted: verify names it (unstated, already so); the readers took
    the acceptance as standing over seven criteria. The app's own edit of the hours alone still counts."""
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    env.ok("app1", "evidence", "edit", str(portfolio), "2", "--hours", "1.5")
    entry = gateway_entry(env, "tutor", portfolio)
    assert entry["changed_outside"] == [] and entry["coverage"]["full"] == 1, entry
    forged = env.python_as("app1", _WIDER_UNDER_HOURS, str(portfolio))
    assert forged.returncode == 0, forged.stderr
    code, breaks = verify_breaks(env, "tutor", str(portfolio))
    assert code == 1 and ("evidence 2", "unstated") in breaks, breaks
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert "evidence 2" in entry["changed_outside"] and entry["coverage"]["full"] == 0, (label, entry)


_IN_THE_TUTORS_NAME = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT, signed_bytes
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, tutor, how = sys.argv[1:4]
doc = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
tutors_key = next(e["key"] for e in doc["audit"].values() if e.get("by") == tutor and "key" in e)
audit = doc["audit"]
def append(entry):
    if how == "bad-signature":  # in the tutor's name, naming the tutor's key, over a signature that is not hers
        sealed = {**entry, "by": tutor, "prev": audit_chain.table_head(audit), "key": tutors_key}
        sealed["sig"] = keys.own_signer().sign(signed_bytes(AUDIT, sealed))
        sealed["hash"] = audit_chain.entry_hash(sealed)
    else:  # in her own name, signed with her own key: it verifies
        sealed = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
    audit[str(max(map(int, audit)) + 1)] = sealed
by = tutor if how == "bad-signature" else me
piece = doc["evidence"]["2"]
before = list(piece["judgements"])
piece["judgements"].append({"outcome": "accept", "feedback": "Meets every criterion", "by": tutor, "at": at})
piece.update(rev=piece["rev"] + 1, updated_by=by, updated_at=at)
append({"at": at, "by": by, "action": "assess" if how == "bad-signature" else "edit", "table": "evidence",
        "record": 2, "detail": "accepted", "changes": {"judgements": {"from": before, "to": piece["judgements"]}},
        "record_hash": audit_chain.record_digest(piece)})
fields = {"role": "assessor", "by": tutor, "on": at[:10], "recorded_at": at, "reason": "ready", "rev": 1,
          "created_by": by, "created_at": at, "updated_by": by, "updated_at": at}
number = max(map(int, doc["signoffs"] or {"0": 0})) + 1
doc["signoffs"][str(number)] = sealed = audit_chain.seal(fields, audit_chain.table_head(doc["signoffs"]))
append({"at": at, "by": by, "action": "add", "table": "signoffs", "record": number, "detail": "signed off",
        "record_hash": audit_chain.record_digest(sealed)})
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


@pytest.mark.parametrize("how", ["bad-signature", "own-entry"])
def test_the_tutors_acceptance_and_signoff_written_by_an_apprentice_are_not_counted(env: Env, portfolio: Path,
                                                                                    how: str) -> None:
    """R7-6: app1 appends the tutor's acceptance of her evidence 2 and the tutor's assessor sign-off (chain and
    records' hashes made good), either in the tutor's name naming the tutor's own enrolled key over a signature
    that is not hers (``bad-signature``), or in entries of her own, signed with her own key (``own-entry``: the
    judgement and the sign-off name the tutor). verify named both (already so); the gateway and the evidence log
    counted the first, since readers checked the key an entry names but not its signature (the second, review F3,
    no longer counted either). Now neither counts, for anyone."""
    forged = env.python_as("app1", _IN_THE_TUTORS_NAME, str(portfolio), env.people["tutor"], how)
    assert forged.returncode == 0, forged.stderr
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1 and breaks, breaks
    for label in ("tutor", "mgr", "app1"):
        entry = gateway_entry(env, label, portfolio)
        assert {"evidence 2", "signoffs 1"} <= set(entry["changed_outside"]), (label, entry["changed_outside"])
        assert entry["coverage"]["full"] == 0 and entry["rag"] != "green", (label, entry["coverage"])
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 2" in json.loads(listed.stdout)["changed_outside"], (label, listed.stdout)
