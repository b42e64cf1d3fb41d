"""Who may change a portfolio, checked by every service: the roster in its folder and this process's OS account.

These run as one account (the test's own), which the roster gives one role at a time; the real
multi-account runs are in test_os_users.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.cli import main
from portfolio_tui.domain import audit_chain, roles
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services import records
from portfolio_tui.services.access import UntrustedRoster, record_actions
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.store.errors import SealedRecord
from tests.functional.store_helpers import ACTOR, AS_OF, new_portfolio

ME = current_user()


def add_evidence(service: PortfolioService) -> int:
    return service.add_evidence(title="Observation", date="2025-05-02", kind="observation", criteria=["S1"],
                                as_of=AS_OF).id


def as_role(folder: Path, role: str, portfolio: str = "ava.json") -> None:
    """A roster in ``folder`` giving this account ``role`` on ``portfolio``, with tess as the tutor."""
    if not roster_io.roster_path(folder).exists():
        roster_io.create_roster(folder, ME)
    entries = {"tess": RosterEntry(roles.TUTOR, ("*",)), "mona": RosterEntry(roles.LINE_MANAGER, ("ava.json",)),
               "alice": RosterEntry(roles.APPRENTICE, ("ava.json",))}
    entries = {k: v for k, v in entries.items() if v.role != role}
    entries[ME] = RosterEntry(role, ("*",) if role == roles.TUTOR else (portfolio,))
    roster_io.save_roster(folder, Roster(ME, entries), ME)


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    path = new_portfolio(tmp_path)
    add_evidence(PortfolioService(path, ACTOR))
    return path


def test_an_apprentice_adds_evidence_but_cannot_accept_it(portfolio: Path, capsys) -> None:
    as_role(portfolio.parent, roles.APPRENTICE)
    service = PortfolioService(portfolio)
    add_evidence(service)
    before = portfolio.read_bytes()
    with pytest.raises(roles.NotAllowed, match="only an assessor \\(tutor\\) may accept or refer evidence in ava.json"):
        service.assess(1, "accept", "Looks fine to me")
    code = main(["evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "mine"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "portfolio: only an assessor (tutor) may accept or refer evidence in ava.json: tess\n"
    assert portfolio.read_bytes() == before


def test_a_name_passed_as_actor_lends_no_rights(portfolio: Path) -> None:
    """The audit may be labelled with any name (tests, sample generation); the OS account decides."""
    as_role(portfolio.parent, roles.APPRENTICE)
    with pytest.raises(roles.NotAllowed):
        PortfolioService(portfolio, actor="tess").assess(1, "accept", "Signed, tess")


def test_the_generic_record_calls_are_checked_too(portfolio: Path) -> None:
    """The TUI and new services use add_record/update_record/transaction: none of them is a way round (each record
    here is well formed, so what refuses it is who may)."""
    as_role(portfolio.parent, roles.APPRENTICE)
    service = PortfolioService(portfolio)
    judgement = [{"outcome": "accept", "feedback": "ok", "by": ME, "at": "2026-01-01T00:00:00Z"}]
    for attempt in (
        lambda: service.update_record("evidence", 1, {"judgements": judgement}),
        lambda: service.add_record("grades", {"kind": "weighted-components",
                                              "values": {"component": "interview", "grade": "pass"}}),
        lambda: service.add_record("checklist", {"key": "employer-confirmation", "done_on": "2025-06-01"}),
        lambda: service.add_record("signoffs", {"role": "assessor", "by": ME, "on": "2025-06-01"}),
        lambda: records.record_review(service, on="2025-06-01", attendees="Ava Patel", as_of=AS_OF),
        lambda: service.transaction("evidence.assess").__enter__(),
    ):
        with pytest.raises(roles.NotAllowed):
            attempt()
    with pytest.raises(ValueError, match="name the action"):
        service.transaction().__enter__()
    service.edit_evidence(1, title="Observation at the counter")
    assert service.evidence(1).title == "Observation at the counter"


def test_each_change_needs_its_own_action() -> None:
    assert record_actions("evidence", None, {"title": "x"}) == {"evidence.add"}
    assert record_actions("evidence", {"title": "x"}, {"judgements": [], "title": "y"}) == {
        "evidence.assess", "evidence.edit"}
    assert record_actions("checklist", None, {"key": "employer-confirmation"}) == {"employer.confirm"}
    assert record_actions("checklist", {"key": "epa-booked"}, {"key": "employer-confirmation"}) == {
        "employer.confirm", "progress.record"}
    assert record_actions("reviews", {"date": "2025-01-01"}, None) == {"record.remove"}
    assert record_actions("comments", {"text": "Not yet"}, {"text": "Competent"}) == {"comment.edit"}
    assert record_actions("comments", None, {"text": "Not yet"}) == {"comment"}
    assert record_actions("signoffs", None, {"role": "employer"}) == {"signoff.employer"}
    with pytest.raises(ValueError):
        record_actions("audit", None, {})


def test_a_line_manager_confirms_for_the_employer_and_nothing_a_tutor_records(portfolio: Path, capsys) -> None:
    as_role(portfolio.parent, roles.LINE_MANAGER)
    argv = ["checklist", "record", str(portfolio), "employer-confirmation", "--date", "2025-06-02"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["checklist", "record", str(portfolio), "epa-organisation-chosen", "--date", "2025-06-02"]) == 1
    assert "only an assessor (tutor) may record breaks, prerequisites" in capsys.readouterr().err
    keys = [c.key for c in PortfolioService(portfolio).load().checklist]
    assert keys == ["employer-confirmation"]


def test_only_a_tutor_starts_a_portfolio_in_a_folder_with_a_roster(tmp_path: Path) -> None:
    as_role(tmp_path, roles.LINE_MANAGER, "bob.json")
    with pytest.raises(roles.NotAllowed, match="create or change the learner profile of bob.json"):
        new_portfolio(tmp_path, "bob.json")
    assert not (tmp_path / "bob.json").exists()
    as_role(tmp_path, roles.TUTOR)
    assert new_portfolio(tmp_path, "bob.json").exists()


def test_without_a_roster_only_the_files_owner_may_change_it(portfolio: Path, capsys) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving the file to another account needs root")
    before = portfolio.read_bytes()
    os.chown(portfolio, 65534, -1)
    code = main(["evidence", "remove", str(portfolio), "1"])
    assert code == 1
    assert "this folder has no roster, so only the file's owner may edit" in capsys.readouterr().err
    assert portfolio.read_bytes() == before


def test_a_roster_that_fails_its_checks_refuses_every_change(portfolio: Path, capsys) -> None:
    as_role(portfolio.parent, roles.TUTOR)
    roster = roster_io.roster_path(portfolio.parent)
    data = json.loads(roster.read_text())
    data["entries"]["mallory"] = {"role": "tutor", "portfolios": ["*"]}
    roster.write_text(json.dumps(data))
    before = portfolio.read_bytes()
    with pytest.raises(UntrustedRoster, match="changed outside the app"):
        add_evidence(PortfolioService(portfolio))
    assert main(["evidence", "remove", str(portfolio), "1"]) == 2
    assert "not what its history says" in capsys.readouterr().err
    assert portfolio.read_bytes() == before


def test_signoffs_go_in_order_are_sealed_and_never_change(portfolio: Path) -> None:
    service = PortfolioService(portfolio)
    with pytest.raises(InputError, match="still waiting for: assessor"):
        service.add_record("signoffs", {"role": "apprentice", "by": ME, "on": "2025-06-01"})
    first = service.add_record("signoffs", {"role": "assessor", "by": ME, "on": "2025-06-01"})
    second = service.add_record("signoffs", {"role": "apprentice", "by": ME, "on": "2025-06-02"})
    with pytest.raises(InputError, match="already signed off"):
        service.add_record("signoffs", {"role": "assessor", "by": ME, "on": "2025-06-03"})
    stored = json.loads(portfolio.read_text())["signoffs"]
    assert stored[str(first)]["prev"] == audit_chain.GENESIS
    assert stored[str(second)]["prev"] == stored[str(first)]["hash"]
    before = portfolio.read_bytes()
    with pytest.raises(SealedRecord, match="never changed or removed"):
        service.update_record("signoffs", first, {"on": "2025-05-01"})
    with pytest.raises(SealedRecord):
        service.delete_record("signoffs", second)
    assert portfolio.read_bytes() == before
    assert [s.role for s in service.load().signoffs] == ["assessor", "apprentice"]


@pytest.mark.parametrize("role", [roles.APPRENTICE, roles.LINE_MANAGER, roles.TUTOR])
def test_no_one_deletes_a_record_or_rewrites_a_comment_through_the_services(portfolio: Path, role: str) -> None:
    """Review F18/F19: the generic calls a group member can import were a way to delete an accepted piece
    outright (not to the bin), a progress review, or to make the tutor's "Not yet competent" read
    "Competent", still shown as the tutor's. With a roster no role may do either; evidence is never
    deleted at all, not even by the owner of a file with no roster."""
    service = PortfolioService(portfolio, ACTOR)
    review = records.record_review(service, on="2025-06-01", attendees="Ava Patel", as_of=AS_OF)
    comment = records.add_comment(service, 1, "Not yet competent: S1 is not shown.")
    with pytest.raises(InputError, match="evidence is never deleted"):
        service.delete_record("evidence", 1)
    as_role(portfolio.parent, role)
    before = portfolio.read_bytes()
    service = PortfolioService(portfolio)
    with pytest.raises(InputError, match="evidence is never deleted"):
        service.delete_record("evidence", 1)
    with pytest.raises(roles.NotAllowed, match="no one may delete records from ava.json"):
        service.delete_record("reviews", review)
    with pytest.raises(roles.NotAllowed, match="no one may change a comment already made in ava.json"):
        service.update_record("comments", comment, {"text": "Competent: S1 clearly shown."})
    with pytest.raises(roles.NotAllowed, match="no one may delete records"):
        service.delete_record("comments", comment)
    assert portfolio.read_bytes() == before
    assert [e.id for e in service.load().evidence] == [1]


def test_a_days_off_the_job_hours_together_fit_in_a_day(portfolio: Path) -> None:
    """Each entry was checked alone, so three of 24 hours on one day were accepted (review F22)."""
    service = PortfolioService(portfolio, ACTOR)
    records.log_otj(service, on="2025-06-02", hours="20", category="teaching", as_of=AS_OF)
    before = portfolio.read_bytes()
    with pytest.raises(InputError, match="already has 20 hours logged; 5 more is more than a day holds"):
        records.log_otj(service, on="2025-06-02", hours="5", category="teaching", as_of=AS_OF)
    assert portfolio.read_bytes() == before
    records.log_otj(service, on="2025-06-02", hours="4", category="teaching", as_of=AS_OF)
    records.log_otj(service, on="2025-06-03", hours="20", category="teaching", as_of=AS_OF)


def test_the_cli_assess_takes_the_revision_the_tutor_read(portfolio: Path, capsys) -> None:
    """Without --rev a tutor accepted whatever the piece had become since they read it (review F16)."""
    service = PortfolioService(portfolio, ACTOR)
    read = service.evidence(1).rev
    service.edit_evidence(1, read, criteria=["S1", "S2", "S3"], as_of=AS_OF)
    before = portfolio.read_bytes()
    argv = ["evidence", "assess", str(portfolio), "1", "--accept", "--feedback", "Fine for S1", "--rev", str(read)]
    assert main(argv) == 1
    assert f"(revision {read}, now {read + 1}; they changed criteria)" in capsys.readouterr().err
    assert portfolio.read_bytes() == before
    assert main([*argv[:-1], str(read + 1)]) == 0


@pytest.mark.parametrize("named", ["relative", "absolute"])
def test_a_link_to_a_portfolio_in_the_caseload_is_that_portfolio_once_however_the_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, named: str
) -> None:
    """Review R14 lists a link by its target's real path; the folder's own files are listed as the folder was
    named. ``portfolio gateway cohort`` (relative) over ``ava.json`` and ``bob.json -> ava.json`` listed Ava
    twice, a second card and a second mark in the cohort's standing."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    new_portfolio(folder, "ava.json")
    (folder / "bob.json").symlink_to("ava.json")
    (folder / "aaa.json").symlink_to(folder / "ava.json")  # a link listed before the file itself
    monkeypatch.chdir(tmp_path)
    given = "cohort" if named == "relative" else str(folder)
    assert main(["gateway", given, "--json", "--no-cache"]) == 1
    paths = [p["path"] for p in json.loads(capsys.readouterr().out)["portfolios"]]
    assert paths == [os.path.join(given, "ava.json")]
