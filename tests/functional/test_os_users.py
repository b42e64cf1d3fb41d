"""Real OS accounts in a real shared cohort folder: identity from the uid, roles, and a forged roster.

Five accounts are created in a new group (a tutor, two apprentices, two line managers), the folder
is set up as docs/shared-server.md recommends, and ``portfolio`` runs as each of them through
``runuser`` with ``USER`` and ``LOGNAME`` set to someone else's name: the roster's checks, then real
commands on a real portfolio (who may assess, confirm and sign off; the files' modes; ``verify`` on
what the store wrote and on hand-edited copies). Skipped where the runner cannot create accounts
(not root, or no useradd).
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
    homes: dict[str, Path]

    def run(self, label: str, *args: str, umask: str = "007") -> subprocess.CompletedProcess[str]:
        """``portfolio ARGS`` as ``label``'s account, claiming in USER and LOGNAME to be the tutor (or app1)."""
        spoof = self.people["app1" if label == "tutor" else "tutor"]
        argv = [
            "runuser", "-u", self.people[label], "--",
            *self.runtime.env(USER=spoof, LOGNAME=spoof, HOME=str(self.folder.parent),
                              PORTFOLIO_TUI_HOME=str(self.homes[label])),
            "sh", "-c", f'umask {umask}; exec "$@"', "sh", *self.runtime.argv(*args),
        ]
        return subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=60)

    def python_as(self, label: str, code: str) -> subprocess.CompletedProcess[str]:
        env = self.runtime.env(PORTFOLIO_TUI_HOME=str(self.homes[label]))
        argv = ["runuser", "-u", self.people[label], "--", *env, self.runtime.python, "-c", code]
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
            yield Env(people, runtime, folder, os_accounts.data_homes(people, base))
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
    for name, mode in (("roster.json", 0o640), (".roster.json.lock", 0o660)):
        info = (cohort.folder / name).stat()
        assert stat.S_IMODE(info.st_mode) == mode, name
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
        assert f"roster change 7 ({tutor} at 2026-01-01T00:00:00Z) is not signed, but the changes before it " \
            "were: it was added outside the app" in shown.stderr
        assert cohort.run("tutor", "verify", str(cohort.folder)).returncode == 1
    finally:
        tmp = roster.with_suffix(".restore")
        tmp.write_bytes(original)
        os.chown(tmp, owner, _gid(cohort.people.group))
        tmp.chmod(0o640)
        os.replace(tmp, roster)
    assert cohort.run("tutor", "roster", "show", str(cohort.folder)).returncode == 0


_FORGE_SIGNED_IN_PLACE = """
import json, os, sys
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import ROSTER
from portfolio_tui.store import keys
path, me, claim = sys.argv[1], sys.argv[2], sys.argv[3]
data = json.load(open(path))
data["entries"][me] = {"role": "tutor", "portfolios": ["*"]}
change = {"at": "2026-01-01T00:00:00Z", "by": claim, "action": "add", "account": me, "role": "tutor",
          "portfolios": ["*"]}
data["history"].append(keys.seal_signed(change, audit_chain.head(data["history"]), ROSTER, keys.own_signer()))
try:
    with open(path, "r+") as f:  # in place: the file keeps its owner, the tutor
        f.truncate(0)
        f.write(json.dumps(data))
    print("WRITTEN")
except PermissionError:
    print("REFUSED")
"""


def test_a_group_member_cannot_rewrite_the_roster_in_place_nor_sign_as_the_tutor(cohort: Env) -> None:
    """Review F2 and F7: the roster was 0660, so a member wrote it in place (keeping the tutor as its
    owner) with a change "by" the tutor, signed with their own key, and without trust anchors nothing
    noticed. Now the roster is 0640; and on a roster left group-writable by an older version, a change
    signed as the tutor with another key than the tutor's own is refused."""
    roster = cohort.folder / "roster.json"
    assert stat.S_IMODE(roster.stat().st_mode) == 0o640
    me, tutor = cohort.people["app2"], cohort.people["tutor"]
    original, owner = roster.read_bytes(), roster.stat().st_uid
    code = _FORGE_SIGNED_IN_PLACE.replace("sys.argv[1], sys.argv[2], sys.argv[3]",
                                          f"{str(roster)!r}, {me!r}, {tutor!r}")
    tried = cohort.python_as("app2", code)
    assert tried.stdout.strip() == "REFUSED", tried.stderr
    assert roster.read_bytes() == original
    try:
        roster.chmod(0o660)  # as an older version left it
        tried = cohort.python_as("app2", code)
        assert tried.stdout.strip() == "WRITTEN", tried.stderr
        assert roster.stat().st_uid == owner
        shown = cohort.run("tutor", "roster", "show", str(cohort.folder))
        assert shown.returncode == 2
        assert f"is signed as {tutor} with a key other than the one {tutor} signed the roster with" in shown.stderr
        assert "PROBLEM  roster mode" in cohort.run("tutor", "doctor", str(cohort.folder)).stdout
    finally:
        tmp = roster.with_suffix(".restore")
        tmp.write_bytes(original)
        os.chown(tmp, owner, _gid(cohort.people.group))
        tmp.chmod(0o640)
        os.replace(tmp, roster)
    assert cohort.run("tutor", "roster", "show", str(cohort.folder)).returncode == 0


@pytest.fixture(scope="module")
def portfolio(cohort: Env) -> Path:
    """app1's portfolio, started by the tutor and given a piece of evidence by app1 (both with umask 022)."""
    path = cohort.folder / "app1.json"
    made = cohort.run("tutor", "new", str(path), "--learner", "Ann One", "--standard", "odo-l3",
                      "--start", "2025-03-03", "--end", "2026-09-30", umask="022")
    assert made.returncode == 0, made.stderr
    added = cohort.run("app1", "evidence", "add", str(path), "--title", "Letter to a customer", "--date",
                       "2025-04-01", "--kind", "product", "--criteria", "S1", umask="022")
    assert added.returncode == 0, added.stderr
    return path


def test_portfolios_and_their_locks_are_group_read_write_whatever_the_umask(cohort: Env, portfolio: Path) -> None:
    for file in (portfolio, cohort.folder / ".app1.json.lock"):
        info = file.stat()
        assert stat.S_IMODE(info.st_mode) == 0o660, file
        assert info.st_gid == _gid(cohort.people.group), file
    assert portfolio.stat().st_uid == _uid(cohort.people["app1"]), "the last writer owns the file"


def test_an_apprentice_cannot_accept_their_own_evidence_through_the_real_command(
    cohort: Env, portfolio: Path
) -> None:
    before = portfolio.read_bytes()
    refused = cohort.run("app1", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "Mine")
    assert refused.returncode == 1
    assert refused.stderr == (
        f"portfolio: only an assessor (tutor) may accept or refer evidence in app1.json: {cohort.people['tutor']}\n"
    )
    assert portfolio.read_bytes() == before
    accepted = cohort.run("tutor", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "Clear")
    assert accepted.returncode == 0, accepted.stderr
    judgement = json.loads(portfolio.read_text())["evidence"]["1"]["judgements"][-1]
    assert judgement["by"] == cohort.people["tutor"], "the judgement names the OS account, not the spoofed USER"


_DELETE_AND_REWRITE = """
import sys
from portfolio_tui.services.portfolios import PortfolioService
service = PortfolioService(sys.argv[1])
for attempt in (lambda: service.delete_record("evidence", 1),
                lambda: service.update_record("comments", int(sys.argv[2]), {"text": "Competent: S1 clearly shown."}),
                lambda: service.delete_record("comments", int(sys.argv[2]))):
    try:
        attempt()
        print("DONE")
    except Exception as exc:
        print(type(exc).__name__, exc)
"""


def test_a_group_member_with_python_cannot_delete_evidence_or_rewrite_the_tutors_comment(
    cohort: Env, portfolio: Path
) -> None:
    """Review F18/F19, as the apprentice's own OS account calling the services a group member can import:
    no hard delete of a piece (it would not be in the bin), no rewriting of the tutor's comment, which
    would still show as the tutor's."""
    said = cohort.python_as("tutor", "from portfolio_tui.services import records, portfolios\n"
                            f"service = portfolios.PortfolioService({str(portfolio)!r})\n"
                            "print(records.add_comment(service, 1, 'Not yet competent: S1 is not shown.'))")
    assert said.returncode == 0, said.stderr
    comment = int(said.stdout)
    before = portfolio.read_bytes()
    code = _DELETE_AND_REWRITE.replace("sys.argv[1]", repr(str(portfolio))).replace("sys.argv[2]", repr(str(comment)))
    for label in ("app1", "mgr1", "tutor"):
        tried = cohort.python_as(label, code)
        assert tried.returncode == 0, tried.stderr
        lines = tried.stdout.splitlines()
        assert lines[0] == "InputError evidence: evidence is never deleted: removing it puts it in the bin", lines
        assert lines[1].startswith("NotAllowed no one may change a comment already made in app1.json"), lines
        assert lines[2].startswith("NotAllowed no one may delete records from app1.json"), lines
    assert portfolio.read_bytes() == before


_PRE_ACCEPTED = """
from portfolio_tui.services.portfolios import PortfolioService
service = PortfolioService({path!r})
accepted = [{{"outcome": "accept", "feedback": "All shown", "by": {tutor!r}, "at": "2026-11-30T10:00:00Z"}}]
piece = {{"title": "Everything", "date": "2025-06-01", "kind": "product", "criteria": ["K1", "S1"],
         "description": "", "hours": None, "files": [], "simulated": False, "deleted": False, "judgements": accepted}}
for attempt in (lambda: service.add_record("evidence", piece),
                lambda: service.update_record("evidence", 1, {{"criteria": ["K1", "K2", "S1", "S2"]}}),
                lambda: service.update_record("evidence", 1, {{"judgements": accepted}})):
    try:
        attempt()
        print("DONE")
    except Exception as exc:
        print(type(exc).__name__, exc)
"""


def test_a_group_member_with_python_cannot_add_a_piece_already_accepted_or_edit_round_the_reopen_rule(
    cohort: Env, portfolio: Path
) -> None:
    """Review R7, as the apprentice's own OS account calling the services a group member can import: the
    generic record calls would add a piece that arrives "accepted by" the tutor, or widen an accepted piece's
    criteria without sending it back for assessment, in entries signed by her own key. Evidence changes only
    through its own calls, which keep those rules; the file is untouched."""
    before = portfolio.read_bytes()
    code = _PRE_ACCEPTED.format(path=str(portfolio), tutor=cohort.people["tutor"])
    tried = cohort.python_as("app1", code)
    assert tried.returncode == 0, tried.stderr
    lines = tried.stdout.splitlines()
    assert len(lines) == 3, lines
    for line in lines:
        assert line.startswith("NotAllowed evidence is added, changed and judged only through its own calls"), lines
    assert portfolio.read_bytes() == before


def test_a_link_an_apprentice_plants_where_the_tutors_report_goes_is_replaced_not_written_through(
    cohort: Env, portfolio: Path
) -> None:
    """Review R8: the folder is the group's, so app2 can plant ``app1.html`` pointing at a file only the tutor
    may write (here in the tutor's private data folder); the tutor's report replaces the link and leaves the
    file it pointed to as it was."""
    victim = cohort.homes["tutor"] / "notes.txt"
    made = cohort.python_as("tutor", f"open({str(victim)!r}, 'w').write('precious tutor notes')")
    assert made.returncode == 0, made.stderr
    planted = cohort.folder / "app1.html"
    done = cohort.python_as("app2", f"import os; os.symlink({str(victim)!r}, {str(planted)!r})")
    assert done.returncode == 0, done.stderr
    try:
        wrote = cohort.run("tutor", "report", str(portfolio), "-o", str(planted))
        assert wrote.returncode == 0, wrote.stderr
        assert victim.read_text() == "precious tutor notes"
        assert not planted.is_symlink() and planted.stat().st_uid == os.stat(victim).st_uid
    finally:
        planted.unlink(missing_ok=True)


def test_a_roster_swapped_for_a_link_to_another_cohorts_roster_is_refused(cohort: Env) -> None:
    """Review R10: another cohort of the same tutor has its own signed roster, which app2 cannot read but the
    tutor's account can. app2 renames a link to it over this cohort's roster.json: every command refuses the
    roster in one line, instead of giving the other cohort's people this cohort's portfolios."""
    p = cohort.people
    folders = {}
    for name in ("r10-here", "r10-other"):
        folder = cohort.folder.parent / name
        folder.mkdir()
        os.chown(folder, 0, _gid(p.group))
        folder.chmod(0o2770)
        folders[name] = folder
    (folders["r10-other"]).chmod(0o2700)  # the other cohort's folder: only its owner (root) and the tutor below
    os.chown(folders["r10-other"], os.stat(cohort.homes["tutor"]).st_uid, _gid(p.group))
    try:
        for folder, portfolio in ((folders["r10-here"], "app1"), (folders["r10-other"], "app2")):
            for args in (("roster", "init", str(folder)),
                         ("roster", "add", str(folder), p["app2"], "--role", "apprentice", "--portfolio", portfolio)):
                done = cohort.run("tutor", *args)
                assert done.returncode == 0, done.stderr
        here = folders["r10-here"] / "roster.json"
        other, new, name = str(folders["r10-other"] / "roster.json"), f"{here}.new", str(here)
        planted = cohort.python_as("app2", f"import os; os.symlink({other!r}, {new!r}); os.replace({new!r}, {name!r})")
        assert planted.returncode == 0, planted.stderr
        for label, args in (("tutor", ("roster", "show", str(folders["r10-here"]))),
                            ("tutor", ("verify", str(folders["r10-here"]))),
                            ("app2", ("new", str(folders["r10-here"] / "app1.json"), "--learner", "Not Ann",
                                      "--standard", "odo-l3", "--start", "2025-03-03", "--end", "2026-09-30"))):
            refused = cohort.run(label, *args)
            assert refused.returncode != 0, (args, refused.stdout)
            assert "roster.json: is a link or not a regular file" in refused.stdout + refused.stderr, refused
        assert not (folders["r10-here"] / "app1.json").exists()
    finally:
        for folder in folders.values():
            subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_a_line_manager_records_the_employers_confirmation(cohort: Env, portfolio: Path) -> None:
    argv = ("checklist", "record", str(portfolio), "employer-confirmation", "--date", "2025-09-01")
    refused = cohort.run("mgr2", *argv)
    assert refused.returncode == 1
    assert "may see app1.json: " in refused.stderr, "another manager may not even see the portfolio"
    refused = cohort.run("app1", *argv)
    assert refused.returncode == 1
    assert refused.stderr.rstrip().endswith(f"in app1.json: {cohort.people['mgr1']}")
    done = cohort.run("mgr1", *argv)
    assert done.returncode == 0, done.stderr
    checklist = json.loads(portfolio.read_text())["checklist"]
    assert [(c["key"], c["created_by"]) for c in checklist.values()] == [
        ("employer-confirmation", cohort.people["mgr1"])]


_SIGN = """
import sys
from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.identity import current_user
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
try:
    PortfolioService({path!r}).add_record("signoffs", {{"role": {role!r}, "by": current_user(), "on": "2026-01-05"}})
except (NotAllowed, InputError) as exc:
    sys.exit(str(exc))
"""


def test_signoffs_by_real_accounts_verify_and_a_hand_edit_is_named(cohort: Env, portfolio: Path) -> None:
    def sign(label: str, role: str) -> subprocess.CompletedProcess[str]:
        return cohort.python_as(label, _SIGN.format(path=str(portfolio), role=role))

    assert "still waiting for: assessor" in sign("app1", "apprentice").stderr
    assert "may sign off the gateway as assessor" in sign("app1", "assessor").stderr
    for label, role in (("tutor", "assessor"), ("app1", "apprentice"), ("mgr1", "employer")):
        signed = sign(label, role)
        assert signed.returncode == 0, signed.stderr
    checked = cohort.run("mgr1", "verify", str(portfolio))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith(f"ok      {portfolio}: ")

    copies = cohort.folder.parent / "tampered"
    copies.mkdir(mode=0o755, exist_ok=True)
    for name, table, record, field in (("signoff.json", "signoffs", "2", "on"), ("evidence.json", "evidence", "1",
                                                                                  "title")):
        doc = json.loads(portfolio.read_text())
        doc[table][record][field] = "2026-01-04" if field == "on" else "Written by someone else"
        copy = copies / name
        copy.write_text(json.dumps(doc))
        copy.chmod(0o644)
        found = cohort.run("tutor", "verify", str(copy))
        assert found.returncode == 1
        assert f"        {table} {record}: is not as audit " in found.stdout, found.stdout
    assert "        signoffs 2: does not match its own hash" in cohort.run("tutor", "verify", str(copies)).stdout


def _uid(account: str) -> int:
    import pwd

    return pwd.getpwnam(account).pw_uid


def test_a_line_managers_gateway_check_lists_only_their_own_apprentices(cohort: Env, portfolio: Path) -> None:
    other = cohort.folder / "app2.json"
    if not other.exists():
        made = cohort.run("tutor", "new", str(other), "--learner", "Bea Two", "--standard", "odo-l3",
                          "--start", "2025-03-03", "--end", "2026-09-30")
        assert made.returncode == 0, made.stderr
    seen = cohort.run("mgr1", "gateway", str(cohort.folder), "--json")
    assert [p["learner"] for p in json.loads(seen.stdout)["portfolios"]] == ["Ann One"]
    assert [p["learner"] for p in json.loads(cohort.run("tutor", "gateway", str(cohort.folder), "--json").stdout)[
        "portfolios"]] == ["Ann One", "Bea Two"]
    refused = cohort.run("mgr1", "gateway", str(other))
    assert refused.returncode == 1 and cohort.people["mgr2"] in refused.stderr


@pytest.mark.parametrize("label", ["mgr2", "app2"])
def test_every_read_path_refuses_someone_not_on_the_portfolios_roster(cohort: Env, portfolio: Path, label: str) -> None:
    """Another apprentice's line manager, and another apprentice, see nothing of app1's portfolio:
    not its evidence, its timeline, its gateway report, nor the TUI. One line each, naming who may, exit 1."""
    before = portfolio.read_bytes()
    who_may = sorted(cohort.people[p] for p in ("app1", "mgr1", "tutor"))
    for args in (("evidence", "list", str(portfolio)), ("evidence", "list", str(portfolio), "--json"),
                 ("timeline", str(portfolio)), ("timeline", str(portfolio), "--json"),
                 ("gateway", str(portfolio)), ("gateway", str(portfolio), "--json"),
                 ("open", str(portfolio))):
        refused = cohort.run(label, *args)
        assert refused.returncode == 1, (args, refused.stdout, refused.stderr)
        assert refused.stdout == "", args
        assert refused.stderr == f"portfolio: only the apprentice, their line manager or an assessor (tutor) may see " \
                                 f"app1.json: {', '.join(who_may)}\n", args
    assert "Ann One" not in cohort.run(label, "gateway", str(cohort.folder), "--json").stdout
    assert portfolio.read_bytes() == before
    assert cohort.run("mgr1", "evidence", "list", str(portfolio), "--json").returncode == 0


_CONFIRM_AS_SOMEONE_ELSE = """
import sys
from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.services import records
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store.records import to_json
service = PortfolioService({path!r})
forged = {{"party": "employer", "by": {manager!r}, "at": "2025-09-02T10:00:00Z"}}
attempts = [
    lambda: records.record_review(service, on="2025-09-02", attendees="Ann One", confirm_as=["employer"]),
    lambda: records.record_review(service, on="2025-09-02", attendees="Ann One", signed_by={manager!r}),
    lambda: records.confirm_review(service, 1, "employer"),
    lambda: service.add_record("reviews", {{"date": "2025-09-02", "attendees": ["Ann One"],
                                           "confirmations": [forged]}}),
    lambda: service.update_record("reviews", 1, {{"confirmations": [
        *to_json(service.load().reviews[0].confirmations), forged]}}),
]
for attempt in attempts:
    try:
        attempt()
    except (NotAllowed, InputError) as exc:
        print(type(exc).__name__, exc)
    else:
        sys.exit("written: " + repr(attempt))
"""


def test_each_party_confirms_a_review_only_as_itself(cohort: Env, portfolio: Path) -> None:
    """The attacks the product's rule forbids (no one may confirm in someone else's name), by real accounts:
    the tutor records the employer's confirmation (by the command, by name, and through the services), the
    line manager confirms as the provider, an apprentice confirms twice. Each is refused and nothing is
    written; each party's own confirmation is recorded under its own account."""
    p, path = cohort.people, str(portfolio)
    before = portfolio.read_bytes()
    for args in (("--signed-by", "employer"), ("--signed-by", p["mgr1"]), ("--signed-by", "Mona"),
                 ("--signed-by", f"provider,{p['mgr1']}")):
        refused = cohort.run("tutor", "review", "add", path, "--date", "2025-09-01", "--attendees", "Ann One", *args)
        assert refused.returncode == 1, (args, refused.stderr)
        assert refused.stderr.count("\n") == 1 and refused.stdout == "", refused.stderr
        assert portfolio.read_bytes() == before, args
    assert f"only their line manager may confirm it as the employer: {p['mgr1']}" in cohort.run(
        "tutor", "review", "add", path, "--date", "2025-09-01", "--attendees", "Ann One", "--signed-by",
        "employer").stderr

    made = cohort.run("tutor", "review", "add", path, "--date", "2025-09-01", "--attendees", "Ann One",
                      "--signed-by", "provider")
    assert made.returncode == 0, made.stderr
    review = json.loads(portfolio.read_text())["reviews"]["1"]
    assert [(c["party"], c["by"]) for c in review["confirmations"]] == [("provider", p["tutor"])]
    assert review["signed_by"] == []

    before = portfolio.read_bytes()
    tried = cohort.python_as("tutor", _CONFIRM_AS_SOMEONE_ELSE.format(path=path, manager=p["mgr1"]))
    assert tried.returncode == 0, tried.stdout + tried.stderr
    assert tried.stdout.count("NotAllowed") == 5, tried.stdout
    assert portfolio.read_bytes() == before

    refused = cohort.run("mgr1", "review", "confirm", path, "1", "--party", "provider")
    assert refused.returncode == 1 and "confirms a review only as the employer" in refused.stderr, refused.stderr
    refused = cohort.run("mgr2", "review", "confirm", path, "1")
    assert refused.returncode == 1 and "may see app1.json" in refused.stderr, refused.stderr
    assert portfolio.read_bytes() == before

    for label in ("mgr1", "app1"):
        done = cohort.run(label, "review", "confirm", path, "1")
        assert done.returncode == 0, done.stderr
    before = portfolio.read_bytes()
    again = cohort.run("app1", "review", "confirm", path, "1")
    assert again.returncode == 2
    assert again.stderr.startswith("portfolio: review: the apprentice already confirmed the review of 2025-09-01")
    assert portfolio.read_bytes() == before
    review = json.loads(portfolio.read_text())["reviews"]["1"]
    assert [(c["party"], c["by"]) for c in review["confirmations"]] == [
        ("provider", p["tutor"]), ("employer", p["mgr1"]), ("apprentice", p["app1"])]
    shown = json.loads(cohort.run("mgr1", "timeline", path, "--json").stdout)
    assert shown["reviews"]["last_review"] == "2025-09-01"
    checked = cohort.run("app1", "verify", path)
    assert checked.returncode == 0, checked.stdout


_DECIDE_FOR_THE_EMPLOYER = """
import sys
from portfolio_tui.domain.roles import NotAllowed
from portfolio_tui.services import records
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store.records import to_json
service = PortfolioService({path!r}, actor={manager!r})
made = to_json(service.learner.employer_confirmations)
forged = {{"decision": "english-maths", "terms": "not-required", "party": "employer", "by": {manager!r},
          "at": "2025-09-02T10:00:00Z"}}
attempts = [
    lambda: records.confirm_employer_decisions(service, ["english-maths"]),
    lambda: records.confirm_employer_decisions(service, "english-maths,prior-learning,review-cadence"),
    lambda: service.update_record("learner", 1, {{"employer_confirmations": [*made, forged]}}),
    lambda: service.update_record("learner", 1, {{"age_at_start": 19, "employer_confirmations": [*made, forged]}}),
]
for attempt in attempts:
    try:
        attempt()
    except (NotAllowed, InputError) as exc:
        print(type(exc).__name__, exc)
    else:
        sys.exit("written: " + repr(attempt))
"""


def test_the_employers_decisions_count_only_once_the_line_managers_own_account_confirms_them(
    cohort: Env, portfolio: Path
) -> None:
    """F5, by real accounts: the tutor records the employer's decisions with a name typed in ("Mona M
    (employer)"): noted, and none counts. The tutor then tries to confirm them in the line manager's name, by
    the command and through the services with the line manager's name as the actor, and the other line
    manager tries too: each is refused and the file stays byte for byte. The line manager's own `learner
    confirm` counts, shown as their account; verify agrees."""
    p, path = cohort.people, str(portfolio)
    decided = cohort.run("tutor", "learner", "set", path, "--age-at-start", "19", "--english-maths", "not-required",
                         "--english-maths-decided-by", "Mona M (employer)", "--prior-learning-hours", "40",
                         "--prior-learning-reason", "Level 2 award", "--prior-learning-agreed-by", "Mona M (employer)")
    assert decided.returncode == 0, decided.stderr
    gateway = json.loads(cohort.run("mgr1", "gateway", path, "--json", "--as-of", "2026-09-01").stdout)
    [doc] = gateway["portfolios"]
    items = {c["key"]: c for c in doc["checklist"]}
    assert doc["awaiting_employer"] == ["english-maths", "prior-learning"]
    assert not items["english-maths"]["ok"] and "noted by the recorder as Mona M (employer)" in items[
        "english-maths"]["detail"]
    assert doc["otj"]["prior_learning"] == 0

    before = portfolio.read_bytes()
    refused = cohort.run("tutor", "learner", "confirm", path, "english-maths")
    assert refused.returncode == 1 and refused.stdout == "", refused.stderr
    assert refused.stderr.count("\n") == 1
    assert f"only their line manager may confirm the employer's decisions (English and maths, prior learning, " \
           f"review frequency) in app1.json: {p['mgr1']}" in refused.stderr
    tried = cohort.python_as("tutor", _DECIDE_FOR_THE_EMPLOYER.format(path=path, manager=p["mgr1"]))
    assert tried.returncode == 0, tried.stdout + tried.stderr
    assert tried.stdout.count("NotAllowed") == 4, tried.stdout
    refused = cohort.run("mgr2", "learner", "confirm", path, "english-maths")
    assert refused.returncode == 1 and "may see app1.json" in refused.stderr, refused.stderr
    assert portfolio.read_bytes() == before

    done = cohort.run("mgr1", "learner", "confirm", path, "english-maths", "prior-learning")
    assert done.returncode == 0, done.stderr
    learner = json.loads(portfolio.read_text())["learner"]["1"]
    assert [(c["decision"], c["party"], c["by"]) for c in learner["employer_confirmations"]] == [
        ("english-maths", "employer", p["mgr1"]), ("prior-learning", "employer", p["mgr1"])]
    listed = cohort.run("app1", "learner", "decisions", path)
    assert listed.returncode == 0, listed.stderr
    assert f"english-maths: not required: confirmed by the employer ({p['mgr1']}, " in listed.stdout
    [doc] = json.loads(cohort.run("mgr1", "gateway", path, "--json", "--as-of", "2026-09-01").stdout)["portfolios"]
    items = {c["key"]: c for c in doc["checklist"]}
    assert doc["awaiting_employer"] == [] and doc["otj"]["prior_learning"] == 40
    assert f"the employer's decision is confirmed by {p['mgr1']}" in items["english-maths"]["detail"]
    checked = cohort.run("app1", "verify", path)
    assert checked.returncode == 0, checked.stdout


_CONFIRM_IN_A_PRIVATE_COPY = """
import os, shutil
from portfolio_tui.services import records
from portfolio_tui.services.portfolios import PortfolioService
copy = os.path.join({home!r}, "app1.json")
shutil.copyfile({path!r}, copy)
records.confirm_review(PortfolioService(copy), {review}, "provider")
records.confirm_review(PortfolioService(copy), {review}, "employer")
shutil.copyfile(copy, {path!r})
"""


def test_a_review_confirmed_as_other_parties_in_a_private_copy_is_named_by_verify(cohort: Env,
                                                                                 portfolio: Path) -> None:
    """R23, by a real account: the apprentice copies their portfolio to a folder of their own (no roster, so
    the file's owner may confirm as each party), confirms a review there as the provider and the employer, and
    puts the copy back. Every entry is theirs, signed and dated as it should be; verify names each confirmation
    made as a party the cohort's roster did not make them."""
    path = str(portfolio)
    original = portfolio.read_bytes()
    made = cohort.run("tutor", "review", "add", path, "--date", "2025-10-01", "--attendees", "Ann One", "--json")
    assert made.returncode == 0, made.stderr
    review = json.loads(made.stdout)["changes"][0]["record"]
    try:
        moved = cohort.python_as("app1", _CONFIRM_IN_A_PRIVATE_COPY.format(home=str(cohort.homes["app1"]), path=path,
                                                                           review=review))
        assert moved.returncode == 0, moved.stdout + moved.stderr
        checked = cohort.run("app1", "verify", path)
        assert checked.returncode == 1, checked.stdout
        app1 = cohort.people["app1"]
        for party in ("provider", "employer"):
            assert f"holds a confirmation as the {party} by {app1}, whom the roster made the apprentice then" \
                   in checked.stdout, checked.stdout
    finally:
        portfolio.write_bytes(original)


def test_a_link_planted_at_a_name_the_roster_gives_an_apprentice_shows_them_no_other_portfolio(
    cohort: Env, portfolio: Path
) -> None:
    """Review R14: the folder is the group's, so app2 can put ``app2.json`` (the name the roster gives app2) as a
    link to app1's portfolio, or to one in another cohort whose roster does not let app2 see it. The view check
    is made on the file the link points to: app2's gateway, report and caseload show neither, a command naming
    the link is refused saying who may see the file, and a name swapped for a link after the check is refused
    when it comes to be read. The tutor sees app1's portfolio once, by its own name."""
    p = cohort.people
    other = cohort.folder.parent / "r14-other"
    other.mkdir()
    os.chown(other, 0, _gid(p.group))
    other.chmod(0o2770)
    planted = cohort.folder / "app2.json"
    stash = cohort.folder / ".r14-app2.json"  # app2's own portfolio, if an earlier test made it: kept as it is
    if planted.exists():
        os.link(planted, stash)
        planted.unlink()
    try:
        for args in (("roster", "init", str(other)),
                     ("roster", "add", str(other), p["tutor"], "--role", "tutor", "--portfolio", "*"),
                     ("roster", "add", str(other), p["app1"], "--role", "apprentice", "--portfolio", "ann"),
                     ("new", str(other / "ann.json"), "--learner", "Ann Elsewhere", "--standard", "odo-l3",
                      "--start", "2025-03-03", "--end", "2026-09-30")):
            done = cohort.run("tutor", *args)
            assert done.returncode == 0, (args, done.stderr)
        caseload = ("import datetime, json; from portfolio_tui.services.caseload import Caseload; "
                    f"view = Caseload({str(cohort.folder)!r}).view(datetime.date(2026, 1, 15)); "
                    "print(json.dumps([[str(r.path), r.learner, r.error] for r in view.rows]))")
        for target in (portfolio, other / "ann.json"):
            made = cohort.python_as("app2", f"import os; os.symlink({str(target)!r}, {str(planted)!r})")
            assert made.returncode == 0, made.stderr
            gateway = cohort.run("app2", "gateway", str(cohort.folder), "--json", "--no-cache")
            assert (gateway.returncode, gateway.stdout) == (2, ""), gateway.stdout  # app2 sees no portfolio here
            assert gateway.stderr == f"portfolio: no portfolios found in {cohort.folder}\n"
            out = cohort.homes["app2"] / f"r14-{target.stem}"
            report = cohort.run("app2", "report", str(cohort.folder), "-o", str(out))
            written = [f.read_text(errors="replace") for f in out.rglob("*") if f.is_file()] if out.exists() else []
            assert "Ann" not in report.stdout + report.stderr + "".join(written)
            seen = cohort.python_as("app2", caseload)
            assert seen.returncode == 0, seen.stderr
            assert json.loads(seen.stdout.splitlines()[-1]) == []
            for args in (("gateway", str(planted)), ("evidence", "list", str(planted)), ("timeline", str(planted))):
                refused = cohort.run("app2", *args)
                assert refused.returncode == 1, (args, refused.stdout, refused.stderr)
                assert f"may see {target.name}" in refused.stderr and "Ann" not in refused.stdout, refused.stderr
            planted.unlink()
        if stash.exists():
            os.link(stash, planted)
        else:
            made = cohort.run("tutor", "new", str(planted), "--learner", "Bea Two", "--standard", "odo-l3",
                              "--start", "2025-03-03", "--end", "2026-09-30")
            assert made.returncode == 0, made.stderr
            os.link(planted, stash)
        swapped = cohort.python_as("app2", (
            "import datetime, json, os; from portfolio_tui.services import access, readiness; "
            "from portfolio_tui.store.files import portfolio_files; "
            f"from pathlib import Path; folder = {str(cohort.folder)!r}; "
            "paths = access.viewable(portfolio_files(Path(folder))); "
            "os.symlink('app1.json', folder + '/.swap'); os.replace(folder + '/.swap', folder + '/app2.json'); "
            "checked = readiness.check_portfolios(list(paths), datetime.date(2026, 1, 15)); "
            "print(json.dumps([[str(c.path), c.report is not None and c.report.learner.name, c.error] "
            "for c in checked]))"))
        assert swapped.returncode == 0, swapped.stderr
        [[path, learner, error]] = json.loads(swapped.stdout.splitlines()[-1])
        assert (path, learner) == (str(planted), False) and "it is a symbolic link now" in error, error
        planted.unlink()
        planted.symlink_to("app1.json")
        tutor = cohort.run("tutor", "gateway", str(cohort.folder), "--json", "--no-cache")
        paths = [d["path"] for d in json.loads(tutor.stdout)["portfolios"]]
        assert paths.count(str(portfolio)) == 1 and str(planted) not in paths, paths
    finally:
        planted.unlink(missing_ok=True)
        if stash.exists():
            os.replace(stash, planted)
        subprocess.run(["rm", "-rf", str(other)], check=False)


def test_a_path_in_a_folder_this_account_cannot_enter_is_one_line_never_a_traceback(cohort: Env,
                                                                                     portfolio: Path) -> None:
    """Review R7-2: a path inside another account's 0700 folder (a colleague's home, a cohort whose group one is
    not in): every command says so in one line, exit 2 (or 1 for a refusal), and writes nothing."""
    private = cohort.folder.parent / "r72-private"  # app2's own, 0700: app1 (whose portfolio is used) cannot enter
    private.mkdir()
    for name in ("x", "x.json"):
        (private / name).touch()
        os.chown(private / name, _uid(cohort.people["app2"]), -1)
    os.chown(private, _uid(cohort.people["app2"]), -1)
    private.chmod(0o700)
    p = str(private)
    try:
        for args in (("evidence", "add", str(portfolio), "--title", "T", "--date", "2025-05-01", "--kind", "product",
                      "--criteria", "S1", "--file", f"{p}/x"),
                     ("verify", f"{p}/x.json"), ("verify", p), ("gateway", f"{p}/x.json"), ("gateway", p),
                     ("new", f"{p}/new.json", "--learner", "B", "--standard", "odo-l3", "--start", "2025-09-01",
                      "--end", "2027-02-28"),
                     ("report", str(portfolio), "--format", "html", "-o", f"{p}/out.html"),
                     ("export", str(portfolio), "-o", f"{p}/out.zip"), ("roster", "init", p),
                     ("timeline", f"{p}/x.json"), ("evidence", "list", f"{p}/x.json"),
                     ("repair", f"{p}/x.json", "--reason", "x")):
            done = cohort.run("app1", *args)
            assert "Traceback" not in done.stderr, (args, done.stderr)
            assert done.returncode in (1, 2) and len(done.stderr.splitlines()) == 1, (args, done.stderr)
            assert p in done.stderr or "permission" in done.stderr.lower(), (args, done.stderr)
        assert sorted(os.listdir(private)) == ["x", "x.json"]
    finally:
        subprocess.run(["rm", "-rf", p], check=False)


_ROSTER_CHANGE_OF_MY_OWN = """
import json, os, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain, roles
from portfolio_tui.domain.signatures import ROSTER
from portfolio_tui.identity import current_user
from portfolio_tui.store import keys
path, how, tutor = sys.argv[1:4]
data = json.load(open(path))
me, at = current_user(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
change = ({"action": "add", "account": me, "role": "tutor", "portfolios": ["*"]} if how == "promote"
          else {"action": "remove", "account": tutor})
history = data["history"]
history.append(keys.seal_signed({"at": at, "by": me, **change}, audit_chain.head(history), ROSTER, keys.own_signer()))
data["entries"] = roles.entries_to_dict(roles.replay(history))
with open(path + ".mine", "w") as f:
    f.write(json.dumps(data))
os.replace(path + ".mine", path)  # by rename, as the app writes it: the file is now the apprentice's, as is the change
"""


@pytest.mark.parametrize("how", ["promote", "unassign"])
def test_an_apprentices_own_signed_roster_change_is_refused_by_every_reader(cohort: Env, portfolio: Path,
                                                                          how: str) -> None:
    """R7-15, no trust anchors: app2 appends a roster change of her own, signed with her own key and written by
    rename (so she owns the file, as the last change's signer should), making herself a tutor of every portfolio,
    or taking the tutor off the roster. Its signature and the file's owner are hers; the roster as it stood did
    not let her edit it, so the roster is refused: nobody's command believes it, and verify names it."""
    roster = cohort.folder / "roster.json"
    original, owner = roster.read_bytes(), roster.stat().st_uid
    try:
        done = cohort.python_as("app2", _ROSTER_CHANGE_OF_MY_OWN.replace(
            "sys.argv[1:4]", repr([str(roster), "promote" if how == "promote" else "unassign",
                                   cohort.people["tutor"]])))
        assert done.returncode == 0, done.stderr
        assert roster.stat().st_uid != owner
        for label in ("tutor", "app2", "mgr1"):
            shown = cohort.run(label, "roster", "show", str(cohort.folder))
            assert shown.returncode == 2 and "roster change" in shown.stderr, (label, shown.stdout, shown.stderr)
            assert "could not edit the roster then" in shown.stderr and shown.stderr.count("\n") == 1
        refused = cohort.run("app2", "evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "mine")
        assert refused.returncode == 2 and "roster.json" in refused.stderr, refused.stderr
        listed = cohort.run("app2", "gateway", str(cohort.folder), "--json")
        assert listed.returncode != 0 or "app1.json" not in listed.stdout, listed.stdout
        assert cohort.run("mgr1", "verify", str(cohort.folder)).returncode == 1
    finally:
        tmp = roster.with_suffix(".restore")
        tmp.write_bytes(original)
        os.chown(tmp, owner, _gid(cohort.people.group))
        tmp.chmod(0o640)
        os.replace(tmp, roster)
    assert cohort.run("tutor", "roster", "show", str(cohort.folder)).returncode == 0


_ACCEPT_AS = """
import json, sys
from datetime import UTC, datetime
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.store import keys
path, tutor = sys.argv[1:3]
doc = json.load(open(path))
at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
piece = doc["evidence"]["1"]
before = list(piece["judgements"])
piece["judgements"].append({"outcome": "accept", "feedback": "Meets every criterion", "by": tutor, "at": at})
piece.update(rev=piece["rev"] + 1, updated_by=tutor, updated_at=at)
entry = {"at": at, "by": tutor, "action": "assess", "table": "evidence", "record": 1, "detail": "accepted",
         "changes": {"judgements": {"from": before, "to": piece["judgements"]}},
         "record_hash": audit_chain.record_digest(piece)}
audit = doc["audit"]
audit[str(max(map(int, audit)) + 1)] = keys.seal_signed(entry, audit_chain.table_head(audit), AUDIT, keys.own_signer())
with open(path, "r+") as f:  # in place: the file keeps its owner
    f.seek(0), f.write(json.dumps(doc)), f.truncate()
"""


def test_an_entry_in_the_tutors_name_signed_with_another_key_is_forged_without_anchors(cohort: Env,
                                                                                     portfolio: Path) -> None:
    """R7-6, no trust anchors: app2 appends the tutor's acceptance of app1's evidence in an entry "by" the tutor,
    signed with her own key (its signature verifies: it is hers). With anchors the key is not enrolled for the tutor;
    without, the key the tutor signs the roster with speaks for the tutor, so verify names the entry forged and no
    save builds on it."""
    original, owner = portfolio.read_bytes(), portfolio.stat().st_uid
    try:
        done = cohort.python_as("app2", _ACCEPT_AS.replace("sys.argv[1:3]", repr([str(portfolio),
                                                                                  cohort.people["tutor"]])))
        assert done.returncode == 0, done.stderr
        number = max(map(int, json.loads(portfolio.read_text())["audit"]))
        checked = cohort.run("mgr1", "verify", str(portfolio), "--json")
        breaks = [(b["where"], b["kind"]) for f in json.loads(checked.stdout)["files"] for b in f["breaks"]]
        assert checked.returncode == 1 and (f"audit {number}", "forged") in breaks, breaks
        shown = json.loads(cohort.run("mgr1", "gateway", str(portfolio), "--json").stdout)["portfolios"][0]
        assert "evidence 1" in shown["changed_outside"] and shown["coverage"]["full"] == 0, shown
        before = portfolio.read_bytes()
        refused = cohort.run("tutor", "evidence", "assess", str(portfolio), "1", "--refer", "--feedback", "Date it")
        assert refused.returncode == 2 and f"audit {number}" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1 and portfolio.read_bytes() == before
    finally:
        tmp = portfolio.with_suffix(".restore")
        tmp.write_bytes(original)
        os.chown(tmp, owner, _gid(cohort.people.group))
        tmp.chmod(0o660)
        os.replace(tmp, portfolio)
