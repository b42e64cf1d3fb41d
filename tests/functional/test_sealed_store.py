"""Files the store writes are sealed: `portfolio verify` passes them, and names what a hand edit changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui.cli import main
from portfolio_tui.identity import current_user
from portfolio_tui.services import records
from portfolio_tui.services.portfolios import PortfolioService
from tests.functional.store_helpers import ACTOR, AS_OF, new_portfolio

ME = current_user()


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """Every kind of change the store makes: add, edit, assess, soft and hard removal, sign-offs."""
    path = new_portfolio(tmp_path, evidence=2)
    service = PortfolioService(path, ACTOR)
    service.edit_evidence(1, title="Minutes of the quarterly team meeting", as_of=AS_OF)
    service.assess(1, "accept", "Clear minutes, circulated on time.")
    service.remove_evidence(2)
    service.restore_evidence(2)
    records.log_otj(service, on="2025-06-02", hours=2.5, category="self-study", as_of=AS_OF)
    review = records.record_review(service, on="2025-06-03", attendees="Ava, Sam", as_of=AS_OF)
    service.delete_record("reviews", review)
    records.record_checklist(service, "employer-confirmation", on="2025-06-04", as_of=AS_OF)
    for role in ("assessor", "apprentice", "employer"):
        service.add_record("signoffs", {"role": role, "by": ACTOR, "on": "2025-06-05"})
    return path


def verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out.splitlines()


def edit(path: Path, change) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def test_a_file_written_by_the_store_verifies(portfolio: Path, capsys) -> None:
    code, lines = verify(portfolio, capsys)
    assert code == 0, lines
    entries = len(json.loads(portfolio.read_text())["audit"])
    assert lines[0].startswith(f"ok      {portfolio}: {entries} entries, head ")


def test_a_signoff_edited_by_hand_is_named(portfolio: Path, capsys) -> None:
    edit(portfolio, lambda doc: doc["signoffs"]["1"].update(on="2025-05-01"))
    code, lines = verify(portfolio, capsys)
    assert code == 1
    assert lines[0] == f"BROKEN  {portfolio}: 2 problems"
    assert lines[1] == "        signoffs 1: does not match its own hash: it was changed after it was written"
    assert lines[2].startswith("        signoffs 1: is not as audit ")
    assert lines[2].endswith(": changed outside the app")


def test_an_evidence_record_edited_by_hand_is_named(portfolio: Path, capsys) -> None:
    def accept(doc: dict) -> None:
        doc["evidence"]["2"]["judgements"] = [{"outcome": "accept", "feedback": "ok", "by": "tess", "at": ""}]

    edit(portfolio, accept)
    code, lines = verify(portfolio, capsys)
    assert code == 1
    assert lines[1].startswith("        evidence 2: is not as audit ") and f"({ACTOR} at " in lines[1]


def test_records_removed_or_put_back_by_hand_are_named(portfolio: Path, capsys) -> None:
    def cut(doc: dict) -> None:
        del doc["otj"]["1"]
        doc["reviews"]["1"] = {"date": "2025-06-03", "rev": 1}

    edit(portfolio, cut)
    code, lines = verify(portfolio, capsys)
    assert code == 1
    assert any(line.startswith("        otj 1: is gone, but audit ") for line in lines)
    assert any(line.startswith("        reviews 1: was deleted by audit ") for line in lines)


def test_an_audit_entry_removed_by_hand_breaks_the_chain(portfolio: Path, capsys) -> None:
    edit(portfolio, lambda doc: doc["audit"].pop("3"))
    code, lines = verify(portfolio, capsys)
    assert code == 1
    assert "        audit 4: does not follow the entry before it: an entry was removed, inserted or moved here" in lines


def test_a_signoff_is_stored_only_in_the_name_of_the_account_saving_it(tmp_path: Path) -> None:
    """F9: through the app's own API a group member could name someone else as the signer (verify now says so too)."""
    portfolio = new_portfolio(tmp_path, evidence=1)
    before = portfolio.read_bytes()
    service = PortfolioService(portfolio, ACTOR)
    with pytest.raises(ValueError, match="a sign-off is by the account saving it"):
        service.add_record("signoffs", {"role": "assessor", "by": f"{ACTOR}-other", "on": "2025-06-06"})
    assert portfolio.read_bytes() == before


@pytest.mark.parametrize(("hand_edit", "argv", "where"), [
    # review F1: an apprentice widens what the tutor accepted, then their own next save would sign it
    (lambda doc: doc["evidence"]["1"].update(criteria=["K1", "K2", "K3", "S1", "S2", "S4", "S5"]),
     ["evidence", "edit", "{p}", "1", "--hours", "3"], "evidence 1"),
    # ... and the tutor's own `learner set` would vouch for prior learning set by hand
    (lambda doc: doc["learner"]["1"].update(prior_learning_hours=300.0),
     ["learner", "set", "{p}", "--age-at-start", "19"], "learner 1"),
    (lambda doc: doc["evidence"]["2"].update(title="Not what was added"),
     ["evidence", "remove", "{p}", "2"], "evidence 2"),
])
def test_no_change_is_signed_over_a_record_edited_by_hand(
    portfolio: Path, capsys, hand_edit, argv: list[str], where: str
) -> None:
    edit(portfolio, hand_edit)
    before = portfolio.read_bytes()
    entries = json.loads(before)["audit"]
    named = [int(k) for k, e in entries.items() if (e["table"], str(e["record"])) == tuple(where.split())]
    last = max(named)
    code = main([part.replace("{p}", str(portfolio)) for part in argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"{where}: changed outside the app since audit {last}; no change is saved" in err
    assert portfolio.read_bytes() == before
    code, lines = verify(portfolio, capsys)
    assert code == 1 and any(line.strip().startswith(f"{where}: is not as audit {last} left it") for line in lines)


def _forge_judgement(path: Path) -> None:
    """Review F6: a group member appends a tutor's accept to evidence 2 by hand (no audit entry)."""
    edit(path, lambda doc: doc["evidence"]["2"]["judgements"].append(
        {"outcome": "accept", "feedback": "Fine", "by": "tess", "at": "2026-01-10T09:00:00Z", "criterion": ""}))


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_judgement_typed_in_by_hand_is_shown_as_changed_outside_the_app_not_believed(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    portfolio = new_portfolio(tmp_path, evidence=2)
    PortfolioService(portfolio, ACTOR).assess(1, "accept", "Clear minutes.")
    code, out, _ = _cli(capsys, "gateway", portfolio, "--json")
    before = json.loads(out)["portfolios"][0] if "portfolios" in json.loads(out) else json.loads(out)
    assert before["changed_outside"] == []
    _forge_judgement(portfolio)
    for _ in range(2):  # and again: the owner's own reading is not noted as checked, so the next one sees it too
        code, out, err = _cli(capsys, "evidence", "list", portfolio, "--json")
        assert code == 0 and json.loads(out)["changed_outside"] == ["evidence 2"]
        assert err == (f"portfolio: warning: {portfolio.name}: changed outside the app: evidence 2; "
                       "run `portfolio verify` (a tutor repairs it)\n")
    code, out, _ = _cli(capsys, "evidence", "list", portfolio)
    assert [line.split("│")[-2].strip() for line in out.splitlines() if line.startswith("│ 2 ")] == ["changed outside"]
    code, out, _ = _cli(capsys, "gateway", portfolio, "--json")
    report = json.loads(out)["portfolios"][0] if "portfolios" in json.loads(out) else json.loads(out)
    assert report["changed_outside"] == ["evidence 2"] and report["rag"] != "green" and not report["ready"]
    assert report["coverage"] == before["coverage"]  # the forged accept counts for nothing
    item = next(i for i in report["checklist"] if i["key"] == "changed-outside")
    assert not item["ok"] and "evidence 2" in item["detail"]
    saved = portfolio.read_bytes()
    code, _, err = _cli(capsys, "signoff", portfolio, "--role", "assessor", "--reason", "on the forged coverage")
    assert code == 2 and err.count("\n") == 1 and "changed outside the app: evidence 2" in err
    assert "no sign-off is taken" in err and portfolio.read_bytes() == saved
    code, _, err = _cli(capsys, "repair", portfolio, "--reason", "the tutor checked the piece")
    assert code == 0, err
    code, out, err = _cli(capsys, "evidence", "list", portfolio, "--json")
    assert json.loads(out)["changed_outside"] == [] and err == ""


def test_an_edit_of_accepted_work_by_a_client_without_the_reopen_rule_is_named_and_not_counted(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """Review F1, repro A: a group member runs the app's own code with the reopen rule switched off and widens what
    the tutor accepted, in a signed edit the store takes; verify names it, readiness does not count the accept."""
    import portfolio_tui.services.portfolios as portfolios

    path = new_portfolio(tmp_path, evidence=2)
    PortfolioService(path, ACTOR).assess(1, "accept", "Clear minutes.")
    code, out, _ = _cli(capsys, "gateway", path, "--json")
    before = json.loads(out)["portfolios"][0] if "portfolios" in json.loads(out) else json.loads(out)
    monkeypatch.setattr(portfolios, "reopening", lambda *args, **kwargs: None)
    code, out, err = _cli(capsys, "evidence", "edit", path, "1", "--criteria", "K1,K2,K3,S1,S2,S3")
    assert code == 0 and "awaiting assessment" not in out + err
    monkeypatch.undo()
    code, lines = verify(path, capsys)
    assert code == 1 and "        evidence 1: changed after assessor1 accepted it, without being reopened" in lines
    code, out, _ = _cli(capsys, "gateway", path, "--json")
    report = json.loads(out)["portfolios"][0] if "portfolios" in json.loads(out) else json.loads(out)
    assert report["changed_outside"] == ["evidence 1"] and report["coverage"]["full"] < before["coverage"]["full"]
    # the app's own edit reopens the piece: verify is content, and the piece awaits assessment
    other = new_portfolio(tmp_path, name="bob.json", evidence=1)
    PortfolioService(other, ACTOR).assess(1, "accept", "Clear minutes.")
    code, out, err = _cli(capsys, "evidence", "edit", other, "1", "--criteria", "K1,K2,K3,S1,S2,S3")
    assert code == 0 and "awaiting assessment" in out + err
    assert verify(other, capsys)[0] == 0
    code, out, _ = _cli(capsys, "gateway", other, "--json")
    assert (json.loads(out)["portfolios"][0] if "portfolios" in json.loads(out) else json.loads(out))[
        "changed_outside"] == []


@pytest.mark.parametrize(("hand_edit", "argv", "where"), [
    (lambda doc: doc["evidence"]["1"].update(criteria=["K1", "K2", "K3", "S1", "S2", "S4", "S5"]),
     ["evidence", "edit", "{p}", "1", "--hours", "3"], "evidence 1"),
    (lambda doc: doc["learner"]["1"].update(prior_learning_hours=300.0),
     ["learner", "set", "{p}", "--age-at-start", "19"], "learner 1"),
])
def test_a_hand_edit_signed_over_by_a_client_without_the_stores_check_is_named_by_verify(
    portfolio: Path, capsys, monkeypatch, hand_edit, argv: list[str], where: str
) -> None:
    """Review F1, repro B, by a client with the store's check taken out: the signed entry records only the hours
    (or the age), but walked back, the record before it is not what the entry before recorded."""
    from portfolio_tui.store.transaction import Transaction

    edit(portfolio, hand_edit)
    monkeypatch.setattr(Transaction, "_refuse_changed_outside", lambda *args: None)
    assert main([part.replace("{p}", str(portfolio)) for part in argv]) == 0
    monkeypatch.undo()
    capsys.readouterr()
    code, lines = verify(portfolio, capsys)
    last = max(map(int, json.loads(portfolio.read_text())["audit"]))
    assert code == 1 and any(line.strip().startswith(f"{where}: audit {last} ({ME}) changed more than it records")
                             for line in lines), lines


def test_no_signoff_is_chained_after_a_signoff_edited_by_hand(tmp_path: Path, capsys) -> None:
    """Review R18: the assessor's reason blanked by hand, its in-table hash recomputed; the apprentice's sign-off
    would chain to it (and sign it) in an entry of their own."""
    from portfolio_tui.domain import audit_chain
    from portfolio_tui.store.errors import Unsound

    path = new_portfolio(tmp_path, evidence=1)
    assert main(["signoff", str(path), "--role", "assessor", "--reason", "open items, checked in person"]) == 0

    def blank(doc: dict) -> None:
        signoff = {k: v for k, v in doc["signoffs"]["1"].items() if k not in ("prev", "hash")}
        doc["signoffs"]["1"] = audit_chain.seal({**signoff, "reason": ""}, audit_chain.GENESIS)

    edit(path, blank)
    capsys.readouterr()
    before = path.read_bytes()
    code = main(["signoff", str(path), "--role", "apprentice", "--reason", "ok"])  # the readers' flag refuses first
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "signoffs 1" in err, err
    # ... and the store itself, under any client: a withdrawal, or a record added without the service's checks
    code = main(["signoff", str(path), "--role", "assessor", "--withdraw", "--reason", "mistake"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "signoffs 1: changed outside the app since audit 3" in err, err
    with pytest.raises(Unsound, match="signoffs 1: changed outside the app since audit 3"):
        PortfolioService(path, ME).add_record("signoffs", {"role": "apprentice", "by": ME,
                                                            "on": json.loads(before)["signoffs"]["1"]["on"]})
    assert path.read_bytes() == before
