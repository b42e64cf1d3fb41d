"""``portfolio verify`` against a cohort member who signs with their own key but writes in someone else's name.

The attacker here has what any member of the group has: write access to the file, Python, the app's
own sealing code and their own signing key (``bob``'s, made fresh). Each test writes the change the
way a forger would, then asks ``verify`` (roster beside the file) whether it can tell.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey

from portfolio_tui import roster as roster_io
from portfolio_tui.cli import main
from portfolio_tui.domain import audit_chain
from portfolio_tui.domain.progress import SignOff
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.domain.signatures import AUDIT
from portfolio_tui.identity import current_user
from portfolio_tui.services import records, signoffs
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store import keys
from portfolio_tui.store.records import to_record
from tests.functional.store_helpers import AS_OF, new_portfolio

ME = current_user()
BOB = "bob"
BOB_KEY = SigningKey.generate()


def now(hours: float = 0) -> str:
    """The present (moved by ``hours``), as the store dates an entry."""
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[tuple[str, str, str]]]:
    code = main(["verify", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    return code, [(b["where"], b["kind"], b["message"]) for f in report["files"] for b in f["breaks"]]


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    """A rostered folder: this account tutors everyone, ``bob`` is the apprentice of bob.json (evidence 1 referred)."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    roster_io.create_roster(folder, ME)
    roster_io.save_roster(folder, Roster(ME, {
        ME: RosterEntry("tutor", ("*",)), BOB: RosterEntry("apprentice", ("bob.json",)),
    }), ME)
    path = new_portfolio(folder, "bob.json", actor=ME)
    with pytest.MonkeyPatch.context() as as_bob:
        as_bob.setattr("portfolio_tui.identity.current_user", lambda: BOB)
        for title in ("Minutes of the team meeting", "Letter to a customer"):
            PortfolioService(path, BOB).add_evidence(title=title, date=date(2025, 4, 1), kind="product",
                                                     criteria=["K1", "S2"], as_of=AS_OF)
    PortfolioService(path, ME).assess(1, "refer", "Add the date you circulated them.")
    return path


def forge(path: Path, change: Callable[[dict[str, Any]], dict[str, Any]], *, by: str = BOB,
          key: SigningKey = BOB_KEY, at: str | None = None) -> str:
    """Let ``change`` edit the document and return an audit entry's fields; append it sealed and signed by ``key``."""
    doc = json.loads(path.read_text())
    fields = change(doc)
    audit = doc["audit"]
    last = max(audit, key=int)
    number = str(int(last) + 1)
    signer = keys.Signer(_public(key), key)
    audit[number] = keys.seal_signed({"at": at or now(), "by": by, **fields}, audit[last]["hash"], AUDIT, signer)
    path.write_text(json.dumps(doc))
    return number


def _public(key: SigningKey) -> str:
    return base64.b64encode(bytes(key.verify_key)).decode()


def tutor_accepts_in_bobs_entry(action: str, table: str = "evidence", record: int = 1
                                ) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Put an acceptance in this account's (the tutor's) name on evidence 1, listed in the entry as already there."""
    def change(doc: dict[str, Any]) -> dict[str, Any]:
        evidence = doc["evidence"]["1"]
        before = list(evidence["judgements"])
        judgement = {"outcome": "accept", "feedback": "Meets every criterion", "by": ME, "at": now()}
        evidence["judgements"] = [*before, judgement]
        evidence["rev"] += 1
        return {"action": action, "table": table, "record": record, "detail": "upgraded",
                "changes": {"judgements": {"from": [*before, judgement], "to": [*before, judgement]}},
                "record_hash": audit_chain.record_digest(evidence)}
    return change


def test_the_cohort_as_the_app_wrote_it_verifies(cohort: Path, capsys) -> None:
    assert verify(capsys, cohort) == (0, [])


@pytest.mark.parametrize("action", ["migrate", "create"])
def test_an_upgrade_or_creation_entry_cannot_carry_a_judgement_in_the_tutors_name(cohort: Path, capsys,
                                                                                   action: str) -> None:
    number = forge(cohort, tutor_accepts_in_bobs_entry(action))
    code, found = verify(capsys, cohort)
    assert code == 1
    assert (f"audit {number}", "forged") in [(where, kind) for where, kind, _ in found]
    assert any(where == "evidence 1" and kind == "judgement" for where, kind, _ in found), found


def test_a_judgement_listed_as_already_there_is_still_checked_against_the_signer(tmp_path: Path, capsys) -> None:
    """No roster, so no permission to ask: the judgement's own ``from`` must not vouch for it."""
    path = new_portfolio(tmp_path, "bob.json", evidence=1, actor=ME)
    number = forge(path, tutor_accepts_in_bobs_entry("edit"))
    code, found = verify(capsys, path)
    assert code == 1
    assert (f"audit {number}", "judgement") in [(where, kind) for where, kind, _ in found], found
    assert ("evidence 1", "judgement") in [(where, kind) for where, kind, _ in found]


def test_the_learners_creation_needs_someone_allowed_to_set_portfolios_up(cohort: Path, capsys) -> None:
    """A new file made by an apprentice in a rostered cohort (audit 1 ``create`` signed by ``bob``, a second after
    the roster's newest change: one of its very second may have been made before the roster began): not vouched
    for."""
    doc = json.loads(cohort.read_text())
    first = doc["audit"]["1"]
    doc["learner"]["1"].update(created_by=BOB, updated_by=BOB)
    entry = {k: v for k, v in first.items() if k not in ("hash", "sig", "key", "prev")}
    began = datetime.fromisoformat(roster_io.read_roster(cohort.parent)[1][-1]["at"])  # type: ignore[index]
    entry.update(by=BOB, at=(began + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 record_hash=audit_chain.record_digest(doc["learner"]["1"]))
    signer = keys.Signer(_public(BOB_KEY), BOB_KEY)
    doc["audit"] = {"1": keys.seal_signed(entry, audit_chain.GENESIS, AUDIT, signer)}
    doc["evidence"] = {}
    doc["signoffs"] = {}
    forged = cohort.with_name("bob2.json")
    forged.write_text(json.dumps(doc))
    code, found = verify(capsys, forged)
    assert code == 1
    assert [(where, kind) for where, kind, _ in found] == [("audit 1", "not-allowed")], found


def as_bob(path: Path, act: Callable[[PortfolioService], object]) -> None:
    """Do ``act`` through the app as the apprentice ``bob`` (the roster decides, as it would for bob's account)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("portfolio_tui.identity.current_user", lambda: BOB)
        act(PortfolioService(path, BOB))


def reseal_tip(path: Path, edit: Callable[[dict[str, Any]], None]) -> str:
    """Let ``edit`` change the record the newest entry is about, then fingerprint and sign that entry again as bob."""
    doc = json.loads(path.read_text())
    edit(doc)
    audit = doc["audit"]
    last = max(audit, key=int)
    entry = {k: v for k, v in audit[last].items() if k not in ("hash", "sig", "key", "prev")}
    entry["record_hash"] = audit_chain.record_digest(doc[entry["table"]][str(entry["record"])])
    before = audit[str(int(last) - 1)]["hash"]
    audit[last] = keys.seal_signed(entry, before, AUDIT, keys.Signer(_public(BOB_KEY), BOB_KEY))
    path.write_text(json.dumps(doc))
    return last


def test_a_signoff_naming_someone_other_than_its_signer_is_forged(cohort: Path, capsys) -> None:
    """F9: bob signs the entry, the sign-off names mona; nobody could withdraw it (only 'mona' may, who is not him)."""
    def change(doc: dict[str, Any]) -> dict[str, Any]:
        rows = doc.setdefault("signoffs", {})
        at = now()
        fields = {**to_record(SignOff(role="apprentice", by="mona", on=date(2026, 11, 30), recorded_at=at)),
                  "rev": 1, "created_by": BOB, "created_at": at, "updated_by": BOB, "updated_at": at}
        rows["1"] = audit_chain.seal(fields, audit_chain.table_head(rows))
        return {"action": "add", "table": "signoffs", "record": 1, "detail": "signed off",
                "record_hash": audit_chain.record_digest(rows["1"])}

    doc = json.loads(cohort.read_text())
    doc["signoffs"] = {}
    cohort.write_text(json.dumps(doc))
    forge(cohort, change)
    code, found = verify(capsys, cohort)
    assert code == 1
    forged = [message for where, kind, message in found if (where, kind) == ("signoffs 1", "forged")]
    assert forged and "mona" in forged[0] and BOB in forged[0], found


def test_a_comment_in_the_tutors_name_signed_by_the_apprentice_is_forged(cohort: Path, capsys) -> None:
    """F9b: bob's own signed entry adds a comment whose record says the tutor wrote it."""
    as_bob(cohort, lambda svc: records.add_comment(svc, 1, "Excellent: this meets every criterion. Ready for gateway."))
    assert verify(capsys, cohort) == (0, [])

    def in_tutors_name(doc: dict[str, Any]) -> None:
        doc["comments"]["1"].update(created_by=ME, updated_by=ME)

    number = reseal_tip(cohort, in_tutors_name)
    code, found = verify(capsys, cohort)
    assert code == 1
    forged = [message for where, kind, message in found if (where, kind) == ("comments 1", "forged")]
    assert len(forged) == 2 and all(f"audit {number}" in m and ME in m and BOB in m for m in forged), found


def test_an_edit_naming_someone_else_as_its_editor_is_forged(cohort: Path, capsys) -> None:
    as_bob(cohort, lambda svc: svc.edit_evidence(2, title="Letter to a customer, v2", as_of=AS_OF))
    assert verify(capsys, cohort) == (0, [])
    number = reseal_tip(cohort, lambda doc: doc["evidence"]["2"].update(updated_by=ME))
    code, found = verify(capsys, cohort)
    assert code == 1
    forged = [message for where, kind, message in found if (where, kind) == ("evidence 2", "forged")]
    assert forged == [f"names {ME} as who last changed it, but audit {number} that did is signed by {BOB}: forged"]


def test_the_apprentice_editing_accepted_work_is_not_called_a_forgery(cohort: Path, capsys) -> None:
    """F10: the app appends a ``reopen`` mark by the apprentice; with a roster, verify called it not allowed."""
    PortfolioService(cohort, ME).assess(2, "accept", "Clear and polite.")
    as_bob(cohort, lambda svc: svc.edit_evidence(2, title="Letter to a customer, v2", as_of=AS_OF))
    doc = json.loads(cohort.read_text())
    assert [j["outcome"] for j in doc["evidence"]["2"]["judgements"]] == ["accept", "reopen"]
    assert verify(capsys, cohort) == (0, [])


def test_a_reopen_mark_cannot_carry_the_tutors_judgement_away(cohort: Path, capsys) -> None:
    """Only appending its own mark to what the piece held passes as an edit: dropping the acceptance is assessing."""
    PortfolioService(cohort, ME).assess(2, "accept", "Clear and polite.")
    as_bob(cohort, lambda svc: svc.edit_evidence(2, title="Letter to a customer, v2", as_of=AS_OF))

    def without_the_acceptance(doc: dict[str, Any]) -> None:
        record, entry = doc["evidence"]["2"], doc["audit"][max(doc["audit"], key=int)]
        record["judgements"] = record["judgements"][1:]
        entry["changes"]["judgements"] = {"from": [], "to": record["judgements"]}

    number = reseal_tip(cohort, without_the_acceptance)
    code, found = verify(capsys, cohort)
    assert code == 1
    assert (f"audit {number}", "not-allowed") in [(where, kind) for where, kind, _ in found], found


def retitle(doc: dict[str, Any]) -> dict[str, Any]:
    """Bob's own change to his own evidence 2, as the app would record it (allowed to him at any time)."""
    evidence = doc["evidence"]["2"]
    before, evidence["title"] = evidence["title"], "Letter to a customer, v2"
    evidence.update(rev=evidence["rev"] + 1, updated_by=BOB)
    return {"action": "edit", "table": "evidence", "record": 2, "detail": "edited title",
            "changes": {"title": {"from": before, "to": evidence["title"]}},
            "record_hash": audit_chain.record_digest(evidence)}


@pytest.mark.parametrize(("hours", "said"), [(-1, "before the entry it follows"), (1, "in the future")])
def test_an_entry_dated_before_the_one_it_follows_or_in_the_future_is_named(tmp_path: Path, capsys, hours: float,
                                                                            said: str) -> None:
    """F3: permission is judged by the roster at the entry's own date, so a date moved back regains a lost power."""
    path = new_portfolio(tmp_path, "bob.json", evidence=2, actor=BOB)
    assert verify(capsys, path) == (0, [])
    number = forge(path, retitle, at=now(hours))
    code, found = verify(capsys, path)
    assert code == 1
    assert [(where, kind) for where, kind, message in found if said in message] == [(f"audit {number}", "order")]
    before = path.read_bytes()
    assert main(["evidence", "edit", str(path), "1", "--title", "Minutes, v2"]) == 2
    refusal = capsys.readouterr().err
    assert refusal.count("\n") == 1 and f"audit {number} is dated" in refusal and said in refusal, refusal
    assert path.read_bytes() == before


def test_an_entry_within_the_clock_skew_of_the_one_before_is_believed(tmp_path: Path, capsys) -> None:
    path = new_portfolio(tmp_path, "bob.json", evidence=2, actor=BOB)
    forge(path, retitle, at=now(-0.05))
    assert verify(capsys, path) == (0, [])
    assert main(["evidence", "edit", str(path), "1", "--title", "Minutes, v2"]) == 0


def test_a_signoff_dated_before_the_one_it_follows_is_out_of_order(tmp_path: Path, capsys) -> None:
    """F12, by hand: the app refuses it now, so verify must name one written outside it."""
    path = new_portfolio(tmp_path, "bob.json", actor=BOB)
    signoffs.sign_off(PortfolioService(path, ME), "assessor", AS_OF, reason="Agreed early", as_of=AS_OF)

    def apprentice_signs_earlier(doc: dict[str, Any]) -> dict[str, Any]:
        rows, at = doc["signoffs"], now()
        fields = {**to_record(SignOff(role="apprentice", by=BOB, on=AS_OF - timedelta(days=90), recorded_at=at)),
                  "rev": 1, "created_by": BOB, "created_at": at, "updated_by": BOB, "updated_at": at}
        rows["2"] = audit_chain.seal(fields, audit_chain.table_head(rows))
        return {"action": "add", "table": "signoffs", "record": 2, "detail": "signed off",
                "record_hash": audit_chain.record_digest(rows["2"])}

    forge(path, apprentice_signs_earlier)
    code, found = verify(capsys, path)
    assert code == 1
    assert [(where, kind) for where, kind, _ in found] == [("signoffs 2", "order")], found
    assert "before the assessor's" in found[0][2]


def test_a_review_confirmation_naming_someone_other_than_its_signer_is_forged(cohort: Path, capsys) -> None:
    """A confirmation names the account that made it; verify holds it to the signer of the entry that added it
    (it compared neither): bob's own signed entry adding the employer's confirmation in mona's name is forged,
    and so is bob's confirmation rewritten afterwards to name mona."""
    records.record_review(PortfolioService(cohort, ME), on="2025-06-02", attendees="Bob", confirm_as=["provider"],
                          as_of=AS_OF)
    as_bob(cohort, lambda svc: records.confirm_review(svc, 1))
    assert verify(capsys, cohort) == (0, [])

    def in_monas_name(doc: dict[str, Any]) -> dict[str, Any]:
        review = doc["reviews"]["1"]
        before = list(review["confirmations"])
        review["confirmations"] = [*before, {"party": "employer", "by": "mona", "at": now()}]
        review.update(rev=review["rev"] + 1, updated_by=BOB)
        return {"action": "edit", "table": "reviews", "record": 1, "detail": "confirmed",
                "changes": {"confirmations": {"from": before, "to": review["confirmations"]}},
                "record_hash": audit_chain.record_digest(review)}

    number = forge(cohort, in_monas_name)
    code, found = verify(capsys, cohort)
    assert code == 1
    assert [(where, kind) for where, kind, _ in found] == [(f"audit {number}", "forged"), ("reviews 1", "forged")]
    assert "the employer's confirmation in the name of mona, but is signed by bob" in found[0][2]


def test_a_review_confirmation_rewritten_to_name_another_account_is_forged(cohort: Path, capsys) -> None:
    records.record_review(PortfolioService(cohort, ME), on="2025-06-02", attendees="Bob", as_of=AS_OF)
    as_bob(cohort, lambda svc: records.confirm_review(svc, 1))

    def name_mona(doc: dict[str, Any]) -> None:
        doc["reviews"]["1"]["confirmations"][0]["by"] = "mona"

    reseal_tip(cohort, name_mona)
    code, found = verify(capsys, cohort)
    assert code == 1
    at = json.loads(cohort.read_text())["reviews"]["1"]["confirmations"][0]["at"]
    forged = [message for where, kind, message in found if (where, kind) == ("reviews 1", "forged")]
    assert forged == [f"holds the apprentice's confirmation by mona at {at} that no entry of that account made: "
                      "forged"], found


def test_the_employers_confirmation_of_a_decision_signed_by_someone_else_is_forged(tmp_path: Path, capsys) -> None:
    """No roster, so no permission to ask: the employer's confirmation on the learner's record must still name
    the signer of the entry that added it."""
    path = new_portfolio(tmp_path, "bob.json", actor=ME)
    records.update_learner(PortfolioService(path, ME), age_at_start=19, english_maths_decision="not-required",
                           english_maths_decided_by="Mona M")
    records.confirm_employer_decisions(PortfolioService(path, ME), ["english-maths"])
    assert verify(capsys, path) == (0, [])

    def in_monas_name(doc: dict[str, Any]) -> dict[str, Any]:
        learner = doc["learner"]["1"]
        before = list(learner["employer_confirmations"])
        learner.update(prior_learning_hours=40, prior_learning_reason="Level 2 award", rev=learner["rev"] + 1,
                       updated_by=BOB)
        learner["employer_confirmations"] = [*before, {"decision": "prior-learning", "terms": "40 hours: Level 2 award",
                                                       "party": "employer", "by": "mona", "at": now()}]
        return {"action": "edit", "table": "learner", "record": 1, "detail": "confirmed",
                "changes": {"employer_confirmations": {"from": before, "to": learner["employer_confirmations"]}},
                "record_hash": audit_chain.record_digest(learner)}

    number = forge(path, in_monas_name)
    code, found = verify(capsys, path)
    assert code == 1
    # the entry also changed the prior learning without recording it: named apart (seal's walk back, review F1)
    assert ("learner 1", "unstated") in [(where, kind) for where, kind, _ in found]
    found = [item for item in found if item[1] != "unstated"]
    assert [(where, kind) for where, kind, _ in found] == [(f"audit {number}", "forged"), ("learner 1", "forged")]
    assert "adds the employer's prior-learning confirmation in the name of mona, but is signed by bob" in found[0][2]


def test_a_review_confirmed_by_its_signer_as_a_party_the_roster_did_not_make_them_is_named(cohort: Path,
                                                                                          capsys) -> None:
    """R23: bob, the apprentice, signs his own entry confirming a review as the provider (as he could in a copy
    with no roster, then moved back): his account and time, and review.confirm is his; the party is not."""
    records.record_review(PortfolioService(cohort, ME), on="2025-06-02", attendees="Bob", as_of=AS_OF)
    at = now()

    def as_the_provider(doc: dict[str, Any]) -> dict[str, Any]:
        review = doc["reviews"]["1"]
        before = list(review["confirmations"])
        review["confirmations"] = [*before, {"party": "provider", "by": BOB, "at": at}]
        review.update(rev=review["rev"] + 1, updated_by=BOB, updated_at=at)
        return {"action": "edit", "table": "reviews", "record": 1, "detail": "confirmed",
                "changes": {"confirmations": {"from": before, "to": review["confirmations"]}},
                "record_hash": audit_chain.record_digest(review)}

    forge(cohort, as_the_provider, at=at)
    code, found = verify(capsys, cohort)
    assert code == 1
    assert found == [("reviews 1", "not-allowed", f"holds a confirmation as the provider by {BOB}, whom the roster "
                      "made the apprentice then: made in another party's name")], found
