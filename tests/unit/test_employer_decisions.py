"""The employer's decisions on the learner's record: recorded by the tutor, counted only once the employer's
account confirms them, through the services (who may: tests/functional/test_os_users.py, with real accounts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portfolio_tui import catalog, roster
from portfolio_tui.domain import employer_decisions
from portfolio_tui.domain.roles import NotAllowed, Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services import records
from portfolio_tui.services.access import record_actions
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.views import employer_decision_rows
from portfolio_tui.store import constraints
from portfolio_tui.store.records import to_json
from tests.functional.store_helpers import new_portfolio

DECIDED = {"age_at_start": 19, "english_maths_decision": "not-required",
           "english_maths_decided_by": "Mona M (employer)", "prior_learning_hours": 40,
           "prior_learning_reason": "Level 2 award", "prior_learning_agreed_by": "Mona M",
           "review_cadence": "4-months", "review_cadence_agreed_by": "Mona M"}


@pytest.fixture
def decided(tmp_path: Path) -> Path:
    path = new_portfolio(tmp_path)
    records.update_learner(PortfolioService(path, actor="tess"), **DECIDED)
    return path


def test_what_the_tutor_records_awaits_the_employer_and_the_typed_names_are_only_noted(decided: Path) -> None:
    learner = PortfolioService(decided).learner
    assert employer_decisions.awaiting(learner) == ("english-maths", "prior-learning", "review-cadence")
    rows = {r.decision: r for r in employer_decision_rows(learner)}
    assert rows["english-maths"].words == ("not required: awaiting the employer's confirmation; noted by the recorder "
                                           "as Mona M (employer) (a typed name does not count)")
    assert rows["prior-learning"].terms == "40 hours: Level 2 award"
    assert rows["review-cadence"].to_dict() == {
        "decision": "review-cadence", "title": "an alternative review frequency", "terms": "4-months",
        "awaiting": True, "confirmed_by": None, "confirmed_at": None, "noted_by_recorder": "Mona M"}


def test_the_owner_confirms_without_a_roster_as_their_own_account_once_per_decision_as_it_stands(decided: Path) -> None:
    service = PortfolioService(decided, actor="mona")
    assert records.confirm_employer_decisions(service, "english-maths,prior-learning") == (
        "english-maths", "prior-learning")
    learner = service.learner
    assert [(c.decision, c.terms, c.party, c.by) for c in learner.employer_confirmations] == [
        ("english-maths", "not-required", "employer", "mona"), ("prior-learning", "40 hours: Level 2 award",
                                                                "employer", "mona")]
    assert employer_decisions.awaiting(learner) == ("review-cadence",)
    assert service.history("learner")[-1].detail == ("mona confirmed for the employer: English and maths (not "
                                                     "required); prior learning off the off-the-job target (40 "
                                                     "hours: Level 2 award)")
    before = decided.read_bytes()
    with pytest.raises(InputError, match="already confirmed the decision on English and maths as it stands"):
        records.confirm_employer_decisions(service, ["review-cadence", "english-maths"])
    with pytest.raises(InputError, match="'boss' is not one of the employer's decisions"):
        records.confirm_employer_decisions(service, ["boss"])
    assert decided.read_bytes() == before  # (nothing of a refused batch is written, review-cadence neither)

    # The tutor changes the hours: the confirmation was of 40, so 60 awaits the employer again.
    records.update_learner(PortfolioService(decided, actor="tess"), prior_learning_hours=60,
                           prior_learning_reason="Level 2 award", prior_learning_agreed_by="Mona M")
    assert employer_decisions.awaiting(service.learner) == ("prior-learning", "review-cadence")
    records.confirm_employer_decisions(service, ["prior-learning"])
    assert employer_decisions.confirmation(service.learner, "prior-learning").terms == "60 hours: Level 2 award"

    # Set back to 40: the employer's newest word is 60, so 40 awaits them again (the first confirmation does
    # not come back into force), and they may confirm it again.
    records.update_learner(PortfolioService(decided, actor="tess"), prior_learning_hours=40,
                           prior_learning_reason="Level 2 award", prior_learning_agreed_by="Mona M")
    assert employer_decisions.awaiting(service.learner) == ("prior-learning", "review-cadence")
    records.confirm_employer_decisions(service, ["prior-learning"])
    assert employer_decisions.awaiting(service.learner) == ("review-cadence",)


def test_a_decision_not_recorded_or_changed_since_it_was_shown_is_not_confirmed(tmp_path: Path, decided: Path) -> None:
    (tmp_path / "other").mkdir()
    empty = new_portfolio(tmp_path / "other")
    before = empty.read_bytes()
    with pytest.raises(InputError, match="holds no decision on English and maths to confirm"):
        records.confirm_employer_decisions(PortfolioService(empty), ["english-maths"])
    assert empty.read_bytes() == before
    shown = {r.decision: r.terms for r in employer_decision_rows(PortfolioService(decided).learner)}
    records.update_learner(PortfolioService(decided, actor="tess"), english_maths_decision="required",
                           english_maths_decided_by="Mona M")
    before = decided.read_bytes()
    with pytest.raises(InputError, match="changed since it was shown to you"):
        records.confirm_employer_decisions(PortfolioService(decided), ["english-maths"], as_shown=shown)
    assert decided.read_bytes() == before


def test_confirmations_written_another_way_are_checked_under_the_lock(decided: Path) -> None:
    """The generic record path runs the same check: a confirmation under another account, of terms the record
    does not hold, as another party, taken back or rewritten: refused, whatever code writes them."""
    service = PortfolioService(decided, actor="me")
    records.confirm_employer_decisions(service, ["english-maths"])
    made = to_json(service.learner.employer_confirmations)
    before = decided.read_bytes()
    forged = {"decision": "prior-learning", "terms": "40 hours: Level 2 award", "party": "employer",
              "by": "mona", "at": "2025-06-02T10:00:00Z"}
    attempts = [
        [*made, forged],  # in another's name, at another time
        [],  # taken back
        [{**made[0], "terms": "required"}],  # rewritten
    ]
    for confirmations in attempts:
        with pytest.raises(NotAllowed):
            service.update_record("learner", 1, {"employer_confirmations": confirmations})
    with pytest.raises((NotAllowed, InputError)):  # the tutor's change and a confirmation in one: both checked
        service.update_record("learner", 1, {"prior_learning_hours": 80, "employer_confirmations": [*made, forged]})
    assert decided.read_bytes() == before


def test_changing_the_learners_record_and_confirming_for_the_employer_are_different_actions() -> None:
    assert record_actions("learner", {"employer_confirmations": []}, {"prior_learning_hours": 40}) == {
        "portfolio.setup"}
    confirmed = {"employer_confirmations": [{"decision": "english-maths"}]}  # (as verify replays a later change)
    assert record_actions("learner", confirmed, {"prior_learning_hours": 40}) == {"portfolio.setup"}
    made = [{"decision": "english-maths"}]
    assert record_actions("learner", {"employer_confirmations": []}, {"employer_confirmations": made}) == {
        "employer.decide"}
    assert record_actions("learner", {}, {"employer_confirmations": made, "age_at_start": 19}) == {
        "employer.decide", "portfolio.setup"}
    assert record_actions("learner", None, {"name": "Ava", "employer_confirmations": []}) == {"portfolio.setup"}


def test_a_tutor_cannot_confirm_for_the_employer_and_a_line_manager_can(decided: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a roster, by role (tests/functional/test_os_users.py does the same with real OS accounts)."""
    me = current_user()
    roster.create_roster(decided.parent, me)
    roster.update_roster(decided.parent, me, lambda r: Roster(r.owner, {
        "tess": RosterEntry("tutor", ("*",)), "mona": RosterEntry("line-manager", (decided.name,))}))
    before = decided.read_bytes()
    monkeypatch.setattr("portfolio_tui.identity.current_user", lambda: "tess")
    with pytest.raises(NotAllowed, match="only their line manager may confirm the employer's decisions"):
        records.confirm_employer_decisions(PortfolioService(decided, actor="mona"), ["english-maths"])
    assert decided.read_bytes() == before
    monkeypatch.setattr("portfolio_tui.identity.current_user", lambda: "mona")
    records.confirm_employer_decisions(PortfolioService(decided, actor="mona"), ["english-maths"])
    assert employer_decisions.confirmation(PortfolioService(decided).learner, "english-maths").by == "mona"
    with pytest.raises(NotAllowed):  # the line manager confirms; changing the record stays the tutor's
        records.update_learner(PortfolioService(decided, actor="mona"), prior_learning_hours=0)


def test_a_hand_edited_confirmation_for_no_decision_or_party_breaks_the_schema(decided: Path) -> None:
    records.confirm_employer_decisions(PortfolioService(decided), ["english-maths"])
    doc = json.loads(decided.read_text())
    doc["learner"]["1"]["employer_confirmations"][0].update(decision="pay-rise", party="provider")
    assert constraints.problems(doc) == [
        ("$.learner.1.employer_confirmations", "unknown decision 'pay-rise'"),
        ("$.learner.1.employer_confirmations", "confirmed as 'provider', not the employer")]
    assert any("employer_confirmations" in where for where, _ in catalog.schema_problems(doc, "portfolio.schema.json"))
