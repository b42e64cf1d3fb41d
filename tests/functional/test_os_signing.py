"""Forgery by real OS accounts in a managed cohort folder: each attack is named by verify and refused.

A tutor, a line manager and two apprentices in one cohort group, each with their own signing key
(``portfolio keys show``) enrolled by root in an allowed-signers file only root may write, as
docs/shared-server.md sets up. An apprentice then does what the group's file permissions let
them do, with Python and their own key: append a judgement or a sign-off under the tutor's name
with the chain recomputed, delete or replace the roster, set the schema version back and save,
cut the tutor's last judgement off the end. Each time ``portfolio verify`` exits 1 naming the
entry, and where the roster is concerned every change is refused. Skipped where accounts cannot be
made (not root, or no useradd); CI runs as root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.services import signing
from tests.functional import os_accounts

pytestmark = pytest.mark.skipif(os_accounts.unavailable() is not None, reason=str(os_accounts.unavailable()))

LABELS = ("tutor", "mgr", "app1", "app2")


@dataclass
class Env:
    people: os_accounts.Cohort
    runtime: os_accounts.Runtime
    folder: Path
    trust: Path
    homes: dict[str, Path]

    def run(self, label: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self._as(label, [*self.runtime.argv(*args)])

    def python_as(self, label: str, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self._as(label, [self.runtime.python, "-c", code, *args])

    def _as(self, label: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
        env = self.runtime.env(PORTFOLIO_TUI_HOME=str(self.homes[label]), PORTFOLIO_TUI_TRUST=str(self.trust))
        command = ["runuser", "-u", self.people[label], "--", *env, "sh", "-c", 'umask 007; exec "$@"', "sh", *argv]
        return subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=60)

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
        base = Path(tempfile.mkdtemp(prefix="portfolio-tui-signed-"))
        try:
            base.chmod(0o755)
            folder = base / "cohort"
            folder.mkdir()
            os.chown(folder, 0, grp.getgrnam(people.group).gr_gid)
            folder.chmod(0o2770)
            (base / "etc").mkdir(mode=0o755)
            trust = base / "etc" / "allowed_signers"
            env = Env(people, runtime, folder, trust, os_accounts.data_homes(people, base))
            for label in LABELS:  # each person shows their key; root enrols it
                shown = json.loads(env.ok(label, "keys", "show", "--json"))
                signing.enrol(people[label], shown["public_key"], "tutor" if label == "tutor" else "", trust)
            steps = [
                ("roster", "init", str(folder)),
                ("roster", "add", str(folder), people["tutor"], "--role", "tutor", "--portfolio", "*"),
                ("roster", "add", str(folder), people["app1"], "--role", "apprentice", "--portfolio", "app1"),
                ("roster", "add", str(folder), people["app2"], "--role", "apprentice", "--portfolio", "app2"),
                ("roster", "add", str(folder), people["mgr"], "--role", "line-manager", "--portfolio", "app1",
                 "--portfolio", "app2"),
            ]
            for args in steps:
                env.ok("tutor", *args)
            yield env
        finally:
            subprocess.run(["rm", "-rf", str(base)], check=False)


@pytest.fixture
def portfolio(env: Env) -> Iterator[Path]:
    """app1's portfolio: made by the tutor, evidence by app1, the tutor's judgement last."""
    path = env.folder / "app1.json"
    env.ok("tutor", "new", str(path), "--learner", "Ann One", "--standard", "odo-l3", "--start", "2025-03-03",
           "--end", "2026-09-30")
    for title in ("Letter to a customer", "Minutes of the team meeting"):
        env.ok("app1", "evidence", "add", str(path), "--title", title, "--date", "2025-04-01", "--kind", "product",
               "--criteria", "S1")
    env.ok("tutor", "evidence", "assess", str(path), "1", "--refer", "--feedback", "Add the date")
    yield path
    for leftover in env.folder.glob("app1.json*"):
        leftover.unlink()


def last_audit(path: Path) -> int:
    return max(map(int, json.loads(path.read_text())["audit"]))


def verify_breaks(env: Env, label: str, *targets: str) -> tuple[int, list[tuple[str, str]]]:
    done = env.run(label, "verify", *targets, "--json")
    report = json.loads(done.stdout)
    return done.returncode, [(b["where"], b["kind"]) for f in report["files"] for b in f["breaks"]]


_FORGE = """
import base64, json, sys
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT, signed_bytes
from portfolio_tui.store import keys
path, tutor, what = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(path))
at = "2026-01-20T09:00:00Z"
if what == "judgement":
    table, record = "evidence", 2
    doc["evidence"]["2"]["judgements"].append({"outcome": "accept", "feedback": "Fine", "by": tutor, "at": at})
else:
    table, record = "signoffs", max(map(int, doc["signoffs"] or {"0": 0})) + 1
    fields = {"role": "assessor", "by": tutor, "on": "2026-01-20", "recorded_at": at, "rev": 1,
              "created_by": tutor, "created_at": at, "updated_by": tutor, "updated_at": at}
    doc["signoffs"][str(record)] = audit_chain.seal(fields, audit_chain.table_head(doc["signoffs"]))
entry = {"at": at, "by": tutor, "action": "assess" if what == "judgement" else "add", "table": table,
         "record": record, "detail": "forged", "record_hash": audit_chain.record_digest(doc[table][str(record)])}
audit = doc["audit"]
sealed = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())  # the apprentice's key
audit[str(max(map(int, audit)) + 1)] = sealed
open(path, "w").write(json.dumps(doc))
"""


@pytest.mark.parametrize("what", ["judgement", "signoff"])
def test_a_forged_judgement_or_signoff_under_the_tutors_name_is_named_and_refused(
    env: Env, portfolio: Path, what: str
) -> None:
    forged = env.python_as("app1", _FORGE, str(portfolio), env.people["tutor"], what)
    assert forged.returncode == 0, forged.stderr
    number = last_audit(portfolio)
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1
    assert (f"audit {number}", "not-enrolled") in breaks
    before = portfolio.read_bytes()
    refused = env.run("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    assert refused.returncode == 2 and f"audit {number}" in refused.stderr and refused.stderr.count("\n") == 1
    assert portfolio.read_bytes() == before


def _restore(path: Path, data: bytes, owner: int, gid: int) -> None:
    temp = path.with_suffix(".restore")
    temp.write_bytes(data)
    os.chown(temp, owner, gid)
    temp.chmod(0o660)
    os.replace(temp, path)


def test_a_deleted_roster_refuses_every_change_and_verify_names_it(env: Env, portfolio: Path) -> None:
    roster = env.folder / "roster.json"
    original, info = roster.read_bytes(), roster.stat()
    gone = env.python_as("app1", "import os, sys; os.unlink(sys.argv[1])", str(roster))
    assert gone.returncode == 0, gone.stderr
    try:
        code, breaks = verify_breaks(env, "tutor", str(env.folder))
        assert code == 1 and ("roster.json", "roster-missing") in breaks
        for label, argv in (
            ("app1", ("evidence", "add", str(portfolio), "--title", "Mine", "--date", "2025-05-01", "--kind", "product",
                      "--criteria", "S1")),
            ("tutor", ("evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")),
        ):
            refused = env.run(label, *argv)
            assert refused.returncode == 2, refused.stderr
            assert "roster.json: is missing, and this cohort folder is managed" in refused.stderr
            assert refused.stderr.count("\n") == 1
    finally:
        _restore(roster, original, info.st_uid, info.st_gid)
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")


_REPLACE_ROSTER = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import ROSTER
from portfolio_tui.store import keys
path, me, tutor = sys.argv[1], sys.argv[2], sys.argv[3]
at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
history = []
for change in ({"action": "init", "account": me},
               {"action": "add", "account": me, "role": "tutor", "portfolios": ["*"]},
               {"action": "add", "account": tutor, "role": "line-manager", "portfolios": ["app1"]}):
    history.append(keys.seal_signed({"at": at, "by": me, **change}, audit_chain.head(history), ROSTER,
                                    keys.own_signer()))
doc = {"format": "portfolio-tui roster", "version": 1, "owner": me,
       "entries": {me: {"role": "tutor", "portfolios": ["*"]}, tutor: {"role": "line-manager", "portfolios": ["app1"]}},
       "history": history}
open(path + ".new", "w").write(json.dumps(doc))
import os; os.replace(path + ".new", path)
"""


def test_a_roster_replaced_by_an_apprentice_refuses_every_change(env: Env, portfolio: Path) -> None:
    roster = env.folder / "roster.json"
    original, info = roster.read_bytes(), roster.stat()
    by_the_app = env.run("app1", "roster", "init", str(env.folder), "--force")
    assert by_the_app.returncode == 1 and "this folder is managed" in by_the_app.stderr
    assert roster.read_bytes() == original
    replaced = env.python_as("app1", _REPLACE_ROSTER, str(roster), env.people["app1"], env.people["tutor"])
    assert replaced.returncode == 0, replaced.stderr
    try:
        code, breaks = verify_breaks(env, "mgr", str(env.folder))
        assert code == 1 and ("roster.json", "roster") in breaks
        shown = env.run("mgr", "verify", str(env.folder))
        assert "roster change 1 started the roster as" in shown.stdout
        for label in ("app1", "tutor"):
            refused = env.run(label, "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Mine")
            assert refused.returncode == 2 and "roster.json" in refused.stderr and refused.stderr.count("\n") == 1
        assert json.loads(portfolio.read_text())["evidence"]["2"]["judgements"] == []
    finally:
        _restore(roster, original, info.st_uid, info.st_gid)


_DOWNGRADE = """
import json, sys
doc = json.load(open(sys.argv[1]))
doc["meta"]["1"]["schema_version"] = 1
open(sys.argv[1], "w").write(json.dumps(doc))
"""


def test_a_downgraded_schema_is_not_resealed_on_save(env: Env, portfolio: Path) -> None:
    assert env.python_as("app1", _DOWNGRADE, str(portfolio)).returncode == 0
    before = portfolio.read_bytes()
    saved = env.run("app1", "evidence", "add", str(portfolio), "--title", "After", "--date", "2025-05-01",
                    "--kind", "product", "--criteria", "S1")
    assert saved.returncode == 2 and "the version was set back outside the app" in saved.stderr
    assert portfolio.read_bytes() == before
    assert not list(env.folder.glob("app1.json.v1*.bak")), "no upgrade, so no backup to delete"
    code, breaks = verify_breaks(env, "mgr", str(portfolio))
    assert code == 1 and ("meta 1", "downgraded") in breaks
    refused = env.run("app1", "repair", str(portfolio), "--reason", "mine")
    assert refused.returncode == 1 and "only an assessor (tutor) may repair the record of app1.json" in refused.stderr
    env.ok("tutor", "repair", str(portfolio), "--reason", "schema set back by hand; the record checked with Ann")
    env.ok("app1", "evidence", "add", str(portfolio), "--title", "After", "--date", "2025-05-01", "--kind", "product",
           "--criteria", "S1")
    assert env.run("mgr", "verify", str(portfolio)).returncode == 0


_CUT_LAST_JUDGEMENT = """
import json, sys
doc = json.load(open(sys.argv[1]))
audit = doc["audit"]
last = audit.pop(str(max(map(int, audit))))
ordered = [e for _, e in sorted(audit.items(), key=lambda i: int(i[0]))]
before = [e for e in ordered if e["table"] == "evidence" and e["record"] == 1][-1]
record = doc["evidence"]["1"]
record.update(judgements=last["changes"]["judgements"]["from"], rev=record["rev"] - 1,
              updated_by=before["by"], updated_at=before["at"])
open(sys.argv[1], "w").write(json.dumps(doc))
"""


def test_the_tutors_last_judgement_cut_off_is_named_by_the_tutors_verify(env: Env, portfolio: Path) -> None:
    number = last_audit(portfolio)
    cut = env.python_as("app1", _CUT_LAST_JUDGEMENT, str(portfolio))
    assert cut.returncode == 0, cut.stderr
    assert json.loads(portfolio.read_text())["evidence"]["1"]["judgements"] == []
    code, breaks = verify_breaks(env, "tutor", str(portfolio))
    assert code == 1 and breaks == [(f"audit {number}", "missing")]


def unpacked_export(env: Env, label: str, portfolio: Path, where: Path) -> tuple[Path, Path]:
    """``label`` exports ``portfolio``; the zip is unpacked in ``where`` (an assessment organisation's machine)
    with a copy of the allowed-signers file: returns the unpacked portfolio and that copy."""
    target = env.folder / f"{portfolio.stem}-export.zip"
    env.ok(label, "export", str(portfolio), "-o", str(target))
    try:
        with zipfile.ZipFile(target) as zf:
            zf.extractall(where)
    finally:
        target.unlink()
    trust = where / "allowed_signers"
    shutil.copy(env.trust, trust)
    trust.chmod(0o644)
    return where / portfolio.name, trust


def test_a_signed_copy_verifies_with_only_the_allowed_signers_file(
    env: Env, portfolio: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(portfolio, alone / "app1.json")
    shutil.copy(env.trust, alone / "allowed_signers")
    assert main(["verify", str(alone / "app1.json"), "--trust", str(alone / "allowed_signers")]) == 1
    assert "has no roster with it, so who was allowed to make each change cannot be checked" in (
        capsys.readouterr().out)  # F20: a bare copy cannot say who was allowed: not "ok"
    elsewhere = tmp_path / "assessment-org"
    elsewhere.mkdir()
    copy, trust = unpacked_export(env, "app1", portfolio, elsewhere)
    assert (elsewhere / "cohort-roster.json").is_file()
    assert main(["verify", str(copy), "--trust", str(trust)]) == 0, capsys.readouterr().out
    capsys.readouterr()
    data = bytearray(copy.read_bytes())
    at = data.index(b'"feedback":"Good"') + len(b'"feedback":"')
    data[at] = ord("g")
    copy.write_bytes(bytes(data))
    assert main(["verify", str(copy), "--trust", str(trust)]) == 1
    assert "evidence 2: is not as audit" in capsys.readouterr().out


_OWN_KEY_FORGE = """
import json, sys
from datetime import UTC, datetime, timedelta
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, other, what = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(path))
me, now = current_user(), datetime.now(UTC)
at = (now - timedelta(hours=1) if what == "backdate" else now).strftime("%Y-%m-%dT%H:%M:%SZ")
if what == "migrate":  # the tutor's acceptance, listed as already there, under an upgrade entry
    table, record, action = "evidence", 2, "migrate"
    evidence = doc["evidence"]["2"]
    evidence["judgements"].append({"outcome": "accept", "feedback": "Meets every criterion", "by": other, "at": at})
    changes = {"judgements": {"from": evidence["judgements"], "to": evidence["judgements"]}}
elif what == "signoff":  # a sign-off naming someone else, added by the apprentice's own entry
    table, record, action, changes = "signoffs", max(map(int, doc["signoffs"] or {"0": 0})) + 1, "add", None
    fields = {"role": "apprentice", "by": other, "on": at[:10], "recorded_at": at, "reason": "x", "rev": 1,
              "created_by": me, "created_at": at, "updated_by": me, "updated_at": at}
    doc["signoffs"][str(record)] = audit_chain.seal(fields, audit_chain.table_head(doc["signoffs"]))
else:  # the apprentice's own edit, dated an hour back
    table, record, action = "evidence", 2, "edit"
    evidence = doc["evidence"]["2"]
    changes = {"title": {"from": evidence["title"], "to": "Minutes, v2"}}
    evidence.update(title="Minutes, v2", rev=evidence["rev"] + 1, updated_by=me, updated_at=at)
entry = {"at": at, "by": me, "action": action, "table": table, "record": record, "detail": what,
         "record_hash": audit_chain.record_digest(doc[table][str(record)])}
if changes is not None:
    entry["changes"] = changes
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
open(path, "w").write(json.dumps(doc))
"""


@pytest.mark.parametrize(("what", "other", "where", "kind"), [
    ("migrate", "tutor", "audit", "forged"),
    ("signoff", "mgr", "signoffs", "forged"),
    ("backdate", "tutor", "audit", "order"),
])
def test_an_apprentices_own_signed_entry_in_someone_elses_name_or_back_dated_is_named(
    env: Env, portfolio: Path, what: str, other: str, where: str, kind: str
) -> None:
    """F21, F9, F3: app1's own enrolled key signs; the entry is theirs, what it says is not."""
    if what == "signoff":
        env.ok("tutor", "signoff", str(portfolio), "--role", "assessor", "--reason", "early")
    forged = env.python_as("app1", _OWN_KEY_FORGE, str(portfolio), env.people[other], what)
    assert forged.returncode == 0, forged.stderr
    number = last_audit(portfolio)
    code, breaks = verify_breaks(env, "tutor", str(portfolio))
    assert code == 1
    assert (f"audit {number}" if where == "audit" else "signoffs 2", kind) in breaks, breaks
    if what == "migrate":
        assert ("evidence 2", "judgement") in breaks
    if what == "backdate":
        before = portfolio.read_bytes()
        refused = env.run("app1", "evidence", "edit", str(portfolio), "1", "--title", "Letter, v2")
        assert refused.returncode == 2 and f"audit {number} is dated" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1 and portfolio.read_bytes() == before


_IMPORT_FORGE = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, other, what = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(path))
at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
entry = {"at": at, "by": current_user(), "action": "import", "table": "meta", "record": 1,
         "detail": "imported from mine.zip", "source": "mine.zip", "sha256": "0" * 64}
if what == "import-change":  # the tutor's acceptance, passed off as what an import brought
    evidence = doc["evidence"]["2"]
    evidence["judgements"].append({"outcome": "accept", "feedback": "Meets every criterion", "by": other, "at": at})
    entry.update(table="evidence", record=2, record_hash=audit_chain.record_digest(evidence))
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
open(path, "w").write(json.dumps(doc))
"""


@pytest.mark.parametrize(("what", "kind"), [("import", "not-allowed"), ("import-change", "forged")])
def test_an_apprentices_own_import_entry_is_named(env: Env, portfolio: Path, what: str, kind: str) -> None:
    """An import is a tutor's change (it starts a portfolio in the cohort): app1's own signed `import` entry is not
    allowed, and one that changes a record (the tutor's acceptance) is no import the app writes."""
    forged = env.python_as("app1", _IMPORT_FORGE, str(portfolio), env.people["tutor"], what)
    assert forged.returncode == 0, forged.stderr
    number = last_audit(portfolio)
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(portfolio))
        assert code == 1 and (f"audit {number}", kind) in breaks, breaks


def test_an_apprentice_editing_accepted_work_leaves_a_file_that_verifies(env: Env, portfolio: Path) -> None:
    """F10: the app's own reopen mark, by the apprentice, is part of the edit (verify with roster and anchors)."""
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    assert "awaiting assessment again" in env.ok("app1", "evidence", "edit", str(portfolio), "2", "--title", "v2")
    for label in ("tutor", "mgr", "app1"):
        assert verify_breaks(env, label, str(portfolio)) == (0, [])


_HAND_EDIT = """
import json, sys
path, table, record, field, value = sys.argv[1:]
doc = json.load(open(path))
doc[table][record][field] = json.loads(value)
open(path, "w").write(json.dumps(doc))
"""


@pytest.mark.parametrize(("editor", "table", "record", "field", "value", "saver", "argv"), [
    # F1: app1 widens what the tutor accepted, then their own next save would sign the widened criteria
    ("app1", "evidence", "2", "criteria", '["S1", "S2", "S4", "S5", "K1", "K2"]', "app1",
     ("evidence", "edit", "{p}", "2", "--hours", "3")),
    # ... and a group member's prior learning would be vouched for by the tutor's own `learner set`
    ("app2", "learner", "1", "prior_learning_hours", "300", "tutor",
     ("learner", "set", "{p}", "--age-at-start", "19")),
])
def test_a_hand_edit_is_never_signed_over_by_the_apps_next_save(
    env: Env, portfolio: Path, editor: str, table: str, record: str, field: str, value: str, saver: str,
    argv: tuple[str, ...],
) -> None:
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    edited = env.python_as(editor, _HAND_EDIT, str(portfolio), table, record, field, value)
    assert edited.returncode == 0, edited.stderr
    before = portfolio.read_bytes()
    refused = env.run(saver, *(part.replace("{p}", str(portfolio)) for part in argv))
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.count("\n") == 1
    assert f"{table} {record}: changed outside the app since audit" in refused.stderr
    assert portfolio.read_bytes() == before
    code, breaks = verify_breaks(env, "tutor", str(portfolio))
    assert code == 1 and (f"{table} {record}", "record-changed") in breaks, breaks


def test_a_judgement_appended_by_hand_is_flagged_wherever_it_shows_and_no_signoff_is_taken(
    env: Env, portfolio: Path
) -> None:
    """F6: app2 (a group member with Python) appends the tutor's accept to app1's evidence 2, in place."""
    forged = env.python_as("app2", _HAND_EDIT, str(portfolio), "evidence", "2", "judgements", json.dumps(
        [{"outcome": "accept", "feedback": "Fine", "by": env.people["tutor"], "at": "2026-01-20T09:00:00Z",
          "criterion": ""}]))
    assert forged.returncode == 0, forged.stderr
    for label in ("tutor", "mgr", "app1"):
        report = json.loads(env.run(label, "gateway", str(portfolio), "--json").stdout)
        entry = report["portfolios"][0] if "portfolios" in report else report
        assert entry["changed_outside"] == ["evidence 2"] and entry["rag"] != "green", (label, entry)
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert json.loads(listed.stdout)["changed_outside"] == ["evidence 2"]
        assert "changed outside the app: evidence 2" in listed.stderr
    before = portfolio.read_bytes()
    refused = env.run("tutor", "signoff", str(portfolio), "--role", "assessor", "--reason", "looks covered")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "no sign-off is taken" in refused.stderr
    assert portfolio.read_bytes() == before


_NO_REOPEN = """
import sys
import portfolio_tui.services.portfolios as portfolios
portfolios.reopening = lambda *args, **kwargs: None  # the reopen rule taken out of the client
from portfolio_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_accepted_work_widened_by_a_client_without_the_reopen_rule_is_named_and_not_counted(
    env: Env, portfolio: Path
) -> None:
    """F1, repro A: app1 runs the app's own code with the reopen rule stubbed out; the signed edit is one app1
    may make (evidence.edit), but the tutor's acceptance no longer covers the piece."""
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--accept", "--feedback", "Good")
    widened = env.python_as("app1", _NO_REOPEN, "evidence", "edit", str(portfolio), "2", "--criteria",
                            "S1,S2,S3,S4,S5,K1,K2")
    assert widened.returncode == 0 and "awaiting assessment" not in widened.stdout + widened.stderr, widened.stderr
    code, breaks = verify_breaks(env, "tutor", str(portfolio))
    assert code == 1 and ("evidence 2", "judgement") in breaks, breaks
    report = json.loads(env.run("tutor", "gateway", str(portfolio), "--json").stdout)
    entry = report["portfolios"][0] if "portfolios" in report else report
    assert entry["changed_outside"] == ["evidence 2"] and entry["coverage"]["full"] == 0, entry
_LEGACY_SWAP = """
import json, sys
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.store import keys
path, tutor, me, mgr, how = sys.argv[1:6]
doc = json.load(open(path))
audit = [e for _, e in audit_chain.ordered(doc["audit"])]
for entry in audit:
    entry.pop("key", None), entry.pop("sig", None)
at = "2026-01-20T09:00:0{}Z"
def add(entry):
    audit.append({"at": at.format(len(audit) % 10), **entry})
evidence = doc["evidence"]["2"]
evidence["judgements"] = [{"outcome": "accept", "feedback": "Meets every criterion", "by": tutor,
                           "at": at.format(len(audit) % 10)}]
add({"by": tutor, "action": "assess", "table": "evidence", "record": 2, "detail": "accepted",
     "changes": {"judgements": {"from": [], "to": evidence["judgements"]}},
     "record_hash": audit_chain.record_digest(evidence)})
head = audit_chain.GENESIS
for number, (role, who) in enumerate((("assessor", tutor), ("apprentice", me), ("employer", mgr)), 1):
    fields = {"role": role, "by": who, "on": "2026-01-20", "recorded_at": at.format(number), "rev": 1,
              "created_by": who, "created_at": at.format(number), "updated_by": who, "updated_at": at.format(number)}
    doc["signoffs"][str(number)] = sealed = audit_chain.seal(fields, head)
    head = sealed["hash"]
    add({"by": who, "action": "add", "table": "signoffs", "record": number, "detail": "signed off",
         "record_hash": audit_chain.record_digest(sealed)})
head, doc["audit"] = audit_chain.GENESIS, {}
for number, entry in enumerate(audit, 1):
    doc["audit"][str(number)] = sealed = audit_chain.seal(entry, head)
    head = sealed["hash"]
doc["meta"]["1"]["schema_version"] = 1
if how == "signed-on-top":  # and an upgrade entry signed with the apprentice's own key, as the app writes one
    doc["meta"]["1"]["schema_version"] = 3
    entry = {"at": at.format(9), "by": me, "action": "migrate", "table": "meta", "record": 1, "detail": "upgraded"}
    doc["audit"][str(len(audit) + 1)] = keys.seal_signed(entry, head, AUDIT, keys.own_signer())
with open(path, "r+") as f:  # in place: the file keeps its owner
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


@pytest.mark.parametrize("how", ["legacy", "signed-on-top"])
def test_a_hand_made_history_from_before_signing_vouches_for_nothing_and_is_not_built_on(
    env: Env, portfolio: Path, how: str
) -> None:
    """F13: app1 swaps their signed portfolio for a "legacy" one in which the tutor accepted evidence and all
    three signed off, written in place with Python; verify counts none of it and no save builds on it."""
    people = env.people
    forged = env.python_as("app1", _LEGACY_SWAP, str(portfolio), people["tutor"], people["app1"], people["mgr"], how)
    assert forged.returncode == 0, forged.stderr
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(portfolio))
        assert code == 1
        assert {("evidence 2", "not-vouched"), ("signoffs 1", "not-vouched"), ("signoffs 3", "not-vouched")} <= set(
            breaks), breaks
    for label in ("tutor", "mgr"):  # the roster's record of how app1.json began (and the tutor's receipts)
        assert ("app1.json", "replaced") in verify_breaks(env, label, str(portfolio))[1]
    for label in ("tutor", "mgr", "app1"):  # nor does any reader count it (genesis gap a): not believed, red
        report = json.loads(env.run(label, "gateway", str(portfolio), "--json").stdout)
        entry = report["portfolios"][0] if "portfolios" in report else report
        assert entry["coverage"]["full"] == 0 and entry["rag"] == "red", (label, entry)
        assert {"evidence 2", "signoffs 1", "signoffs 3"} <= set(entry["changed_outside"]), (label, entry)
        listed = env.run(label, "evidence", "list", str(portfolio), "--json")
        assert "evidence 2" in json.loads(listed.stdout)["changed_outside"], listed.stderr
    before = portfolio.read_bytes()
    for label, args in (("app1", ("evidence", "add", str(portfolio), "--title", "More", "--date", "2025-05-01",
                                  "--kind", "product", "--criteria", "S1")),
                        ("tutor", ("evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "ok"))):
        refused = env.run(label, *args)
        assert refused.returncode == 2 and "before signing" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1
    assert portfolio.read_bytes() == before
    assert not list(env.folder.glob("app1.json.v*.bak"))
    refused = env.run("app1", "repair", str(portfolio), "--reason", "mine")
    assert refused.returncode == 1 and "only an assessor (tutor) may repair" in refused.stderr
    assert portfolio.read_bytes() == before


_SELF_ASSESS = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path = sys.argv[1]
doc = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
audit = doc["audit"]
def append(entry):
    audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT,
                                                            keys.own_signer())
evidence = doc["evidence"]["2"]
before = list(evidence["judgements"])
evidence["judgements"].append({"outcome": "accept", "feedback": "Meets every criterion", "by": me, "at": at})
evidence.update(rev=evidence["rev"] + 1, updated_by=me, updated_at=at)
append({"at": at, "by": me, "action": "assess", "table": "evidence", "record": 2, "detail": "accepted",
        "changes": {"judgements": {"from": before, "to": evidence["judgements"]}},
        "record_hash": audit_chain.record_digest(evidence)})
fields = {"role": "assessor", "by": me, "on": at[:10], "recorded_at": at, "reason": "ready", "rev": 1,
          "created_by": me, "created_at": at, "updated_by": me, "updated_at": at}
number = max(map(int, doc["signoffs"] or {"0": 0})) + 1
doc["signoffs"][str(number)] = sealed = audit_chain.seal(fields, audit_chain.table_head(doc["signoffs"]))
append({"at": at, "by": me, "action": "add", "table": "signoffs", "record": number, "detail": "signed off",
        "record_hash": audit_chain.record_digest(sealed)})
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


def test_an_exported_self_assessed_portfolio_fails_the_assessment_organisations_check(
    env: Env, portfolio: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F20: app1 accepts their own evidence and signs off as assessor with their own enrolled key, exports, and
    the assessment organisation checks the unpacked copy with only the allowed-signers file."""
    forged = env.python_as("app1", _SELF_ASSESS, str(portfolio))
    assert forged.returncode == 0, forged.stderr
    elsewhere = tmp_path / "assessment-org"
    elsewhere.mkdir()
    copy, trust = unpacked_export(env, "app1", portfolio, elsewhere)
    last = last_audit(copy)

    def checked() -> tuple[int, set[tuple[str, str]]]:
        code = main(["verify", str(copy), "--trust", str(trust), "--json"])
        report = json.loads(capsys.readouterr().out)
        return code, {(b["where"], b["kind"]) for f in report["files"] for b in f["breaks"]}

    code, found = checked()  # by the roster the export carries: app1 is the apprentice
    assert code == 1 and {(f"audit {last - 1}", "not-allowed"), (f"audit {last}", "not-allowed")} <= found, found
    (elsewhere / "cohort-roster.json").write_text("{}")  # the roster swapped: its sha256 is the manifest's no more
    code, found = checked()
    assert code == 1 and ("cohort-roster.json", "roster") in found, found
    (elsewhere / "cohort-roster.json").unlink()
    (elsewhere / "portfolio-export.json").unlink()  # no roster at all: the keys' enrolled roles still speak
    code, found = checked()
    assert code == 1 and {("app1.json", "roster-missing"), (f"audit {last - 1}", "not-allowed"),
                          (f"audit {last}", "not-allowed")} <= found, found


def test_a_change_its_signer_was_not_allowed_stops_saves_until_a_tutor_repairs_it(env: Env, portfolio: Path) -> None:
    """F4: verify called the file BROKEN, saves went on building on it, and repair found nothing to repair."""
    forged = env.python_as("app1", _SELF_ASSESS, str(portfolio))
    assert forged.returncode == 0, forged.stderr
    last = last_audit(portfolio)
    before = portfolio.read_bytes()
    for label, args in (("tutor", ("evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "ok")),
                        ("mgr", ("review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "on track"))):
        refused = env.run(label, *args)  # nobody else's save builds on it
        assert refused.returncode == 2 and f"audit {last} is by {env.people['app1']}" in refused.stderr, (
            refused.stderr)
        assert "who was not allowed to then" in refused.stderr and refused.stderr.count("\n") == 1
    assert portfolio.read_bytes() == before
    repaired = env.ok("tutor", "repair", str(portfolio), "--reason",
                      "checked with app1: their own acceptance kept as history, referred now")
    assert f"audit {last} is by {env.people['app1']}" in repaired
    for label in ("tutor", "mgr"):
        assert verify_breaks(env, label, str(portfolio)) == (0, [])
    notes = json.loads(env.ok("mgr", "verify", str(portfolio), "--json"))["files"][0]["notes"]
    assert any(f"taken in as found by {env.people['tutor']}" in note for note in notes)
    env.ok("app1", "otj", "add", str(portfolio), "--date", "2025-05-01", "--hours", "2", "--category", "self-study")
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--refer", "--feedback", "Your own acceptance: void")
    assert verify_breaks(env, "tutor", str(portfolio)) == (0, [])


_APPEND_ALLOWED = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path = sys.argv[1]
doc = json.load(open(path))
audit = doc["audit"]
entry = {"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "by": current_user(), "action": "migrate",
         "table": "meta", "record": 1, "detail": "upgraded"}
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


@pytest.mark.parametrize("bad", ["self-assessed", "forged"])
def test_an_allowed_entry_appended_on_top_of_a_bad_one_does_not_make_the_file_sound(
    env: Env, portfolio: Path, bad: str
) -> None:
    """Genesis gap (b): the store judged only the newest entry. app1 accepts their own evidence and signs off
    as assessor with their own key (or appends a judgement in the tutor's name), then puts an entry anybody may
    make on top: through the app's own `otj add` (app1's client builds on app1's own entries) or, where the
    app refuses even app1 (the forged entry names the tutor), as an upgrade note signed with Python. Nobody
    else's save builds on it; verify stays BROKEN at the bad entry; the tutor's repair takes it in."""
    if bad == "self-assessed":
        forged = env.python_as("app1", _SELF_ASSESS, str(portfolio))
        assert forged.returncode == 0, forged.stderr
        named = last_audit(portfolio)  # the sign-off as assessor, newest of the two
        env.ok("app1", "otj", "add", str(portfolio), "--date", "2025-05-01", "--hours", "2", "--category",
               "self-study")
        kind, why = "not-allowed", "who was not allowed to then"
    else:
        forged = env.python_as("app1", _FORGE, str(portfolio), env.people["tutor"], "judgement")
        assert forged.returncode == 0, forged.stderr
        named = last_audit(portfolio)
        refused = env.run("app1", "otj", "add", str(portfolio), "--date", "2025-05-01", "--hours", "2",
                          "--category", "self-study")
        assert refused.returncode == 2 and f"audit {named}" in refused.stderr, refused.stderr
        on_top = env.python_as("app1", _APPEND_ALLOWED, str(portfolio))
        assert on_top.returncode == 0, on_top.stderr
        kind, why = "not-enrolled", "not enrolled"
    assert last_audit(portfolio) == named + 1
    for label in ("tutor", "mgr"):
        code, breaks = verify_breaks(env, label, str(portfolio))
        assert code == 1 and (f"audit {named}", kind) in breaks, breaks
        assert not any(where == f"audit {named + 1}" for where, _ in breaks), breaks
    before = portfolio.read_bytes()
    for label, args in (("tutor", ("evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "ok")),
                        ("mgr", ("review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "on track"))):
        refused = env.run(label, *args)  # nobody else's save builds on it, whatever is on top
        assert refused.returncode == 2 and f"audit {named} " in refused.stderr and why in refused.stderr, (
            label, refused.stderr)
        assert refused.stderr.count("\n") == 1
    assert portfolio.read_bytes() == before
    env.ok("tutor", "repair", str(portfolio), "--reason", "checked with app1: what they put in is history, now void")
    env.ok("mgr", "review", "add", str(portfolio), "--date", "2025-06-01", "--notes", "on track")
    env.ok("tutor", "evidence", "assess", str(portfolio), "2", "--refer", "--feedback", "Your own acceptance: void")
    assert verify_breaks(env, "tutor", str(portfolio)) == (0, [])
